"""The operator is an adversary too: the center's chair must not become another party.

The wave-2 attack (issue 23, failure 1): with the chair's token, mint a token for the other
party's officer (or set that officer's password, or create an officer of that party), sign off
as that party, then publish alone. Each path is refused with 403 and writes nothing; and a
publication the log does not back (the sign-offs missing) is never public, whoever appended it.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from truce.model.access import Publication, PublicationBasis
from truce.store.release import publications


def size(api: Any) -> int:
    return int(api.node.ledger.size)


def an_incident(api: Any, sample_report: dict) -> str:
    ru = api.client("ru-officer")
    made = ru.post("/api/v1/reports", json=sample_report)
    assert made.status_code == 201, made.text
    rid = made.json()["id"]
    report = ru.get(f"/api/v1/reports/{rid}").json()
    return str(report.get("incident_id") or report["report"]["incident_id"])


def test_chair_cannot_mint_a_token_for_another_partys_officer(api: Any) -> None:
    chair = api.client("chair")
    before = api.accounts.tokens("tr-officer")
    r = chair.post("/api/v1/tokens", json={"username": "tr-officer", "name": "mine now"})
    assert r.status_code == 403, r.text
    assert "'tr'" in r.json()["message"]
    assert api.accounts.tokens("tr-officer") == before


def test_chair_cannot_set_another_partys_password_or_reenable(api: Any) -> None:
    chair = api.client("chair")
    r = chair.patch("/api/v1/users/ru-officer", json={"password": "chair knows it now"})
    assert r.status_code == 403, r.text
    r = chair.patch("/api/v1/users/ru-officer", json={"disabled": False})
    assert r.status_code == 403, r.text
    # Locking an account out stays possible for the chair (it lets no one act as it) ...
    assert chair.patch("/api/v1/users/ru-officer", json={"disabled": True}).status_code == 200
    # ... and only the party itself lets it back in.
    ru_admin = api.client("ru-officer")
    assert ru_admin.get("/api/v1/me").status_code in (200, 401)


def test_chair_cannot_create_an_officer_of_another_party(api: Any) -> None:
    chair = api.client("chair")
    start = size(api)
    r = chair.post(
        "/api/v1/users",
        json={"username": "tr-sock", "role": "officer", "party": "tr", "password": "x" * 12},
    )
    assert r.status_code == 403, r.text
    assert size(api) == start, "no role.granted entry may be signed for tr without tr"
    assert all(u["username"] != "tr-sock" for u in api.accounts.users())


def test_a_party_adds_its_own_officer_and_only_its_own(api: Any) -> None:
    tr = api.client("tr-officer")
    r = tr.post(
        "/api/v1/users",
        json={"username": "tr-two", "role": "officer", "party": "tr", "password": "y" * 12},
    )
    assert r.status_code == 201, r.text
    r = tr.post(
        "/api/v1/users",
        json={"username": "ru-sock", "role": "officer", "party": "ru", "password": "y" * 12},
    )
    assert r.status_code == 403, r.text
    r = tr.post("/api/v1/tokens", json={"username": "ru-officer", "name": "x"})
    assert r.status_code == 403, r.text


def test_chair_cannot_sign_off_as_a_party(api: Any, sample_report: dict) -> None:
    incident = an_incident(api, sample_report)
    chair = api.client("chair")
    start = size(api)
    r = chair.post(f"/api/v1/incidents/{incident}/signoff?party=tr", json={"decision": "approve"})
    assert r.status_code == 403, r.text
    assert size(api) == start


def test_publication_without_the_parties_is_not_public_whoever_appends_it(
    api: Any, sample_report: dict
) -> None:
    """The route checks the sign-offs; the projection checks them again, so an entry appended
    by another path (the CLI, a bulk import, a forged client) cannot release an incident."""
    incident = an_incident(api, sample_report)
    api.client("ru-officer").post(
        f"/api/v1/incidents/{incident}/signoff", json={"decision": "approve"}
    )
    r = api.client("chair").post(f"/api/v1/incidents/{incident}/publish")
    assert r.status_code == 409, r.text  # tr has not approved
    services = api.app_services()
    services.sequencer.call(
        lambda n: n.append(
            "center",
            "incident.published",
            Publication(incident=incident, basis=PublicationBasis.SIGNOFFS),
        )
    ).result()
    with api.node.store.engine.connect() as conn:
        row = (
            conn.execute(select(publications).where(publications.c.incident_id == incident))
            .mappings()
            .one()
        )
    assert row["basis"] == "refused" and "tr" in row["reason"]
    public = api.client().get(f"/api/v1/incidents/{incident}")
    assert public.status_code == 404
    # With tr's own approval the chair publishes, and the public reads it.
    api.client("tr-officer").post(
        f"/api/v1/incidents/{incident}/signoff", json={"decision": "approve"}
    )
    r = api.client("chair").post(f"/api/v1/incidents/{incident}/publish")
    assert r.status_code == 201, r.text
    assert api.client().get(f"/api/v1/incidents/{incident}").status_code == 200


@pytest.mark.parametrize("user", ["monitor", "analyst", "citizen"])
def test_no_other_role_manages_anyone(api: Any, user: str) -> None:
    c = api.client(user)
    for method, path, body in (
        ("post", "/api/v1/tokens", {"username": "ru-officer", "name": "x"}),
        ("patch", "/api/v1/users/ru-officer", {"password": "z" * 12}),
        ("post", "/api/v1/users", {"username": "zz", "role": "officer", "party": "ru"}),
    ):
        r = getattr(c, method)(path, json=body)
        assert r.status_code == 403, (user, path, r.text)

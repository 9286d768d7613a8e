"""IDOR: every id-bearing path tried with an id that is another party's (issue 23).

One party (Russia's officer) holds a draft, a restricted record, a party-only comment, an API
token and a photo on an unpublished incident. Every other principal — the other party's officer,
the center's analyst, the monitors, a public user, the anonymous public — tries each path with
those ids, reading and writing: each is refused (401, 403 or 404: never the content, and a 404
where the public must not learn the id exists), the secret text appears in no answer, and
nothing is appended or changed. The owner's own request is the positive control: the ids are
real. Entry kinds × roles × parties for writing are :mod:`tests.integration.api.test_access_matrix`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import photos
from conftest import Api

SAMPLE_REPORT: dict[str, Any] = {
    "title": "Test: shelling of Morek",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "date": {"start": "2019-03-12", "end": "2019-03-12", "precision": 1},
    "locations": [
        {"place": "Morek", "point": {"lat": "35.37615", "lon": "36.6897", "error_m": 1500}}
    ],
    "sources": [{"name": "Test source", "kind": "party", "reliability": "C", "credibility": 3}],
}
SECRET = "only Russia may read this: grid 37SBV1234"
#: Each other principal, and the statuses it may get (never 2xx).
INTRUDERS = ["tr-officer", "analyst", "monitor", "citizen", None]


@pytest.fixture(scope="module")
def held(shared_api: Api) -> Iterator[dict[str, Any]]:
    ru = shared_api.client("ru-officer")
    report = ru.post("/api/v1/reports", json=SAMPLE_REPORT)
    assert report.status_code == 201, report.text
    incident = (
        shared_api.client("chair")
        .get(f"/api/v1/reports/{report.json()['id']}")
        .json()["incident_id"]
    )
    secret_report = {**SAMPLE_REPORT, "title": SECRET}
    draft = ru.post("/api/v1/drafts", json={"kind": "report.filed", "body": secret_report})
    restricted = ru.post("/api/v1/restricted", json={"kind": "report.filed", "body": secret_report})
    comment = ru.post(
        f"/api/v1/incidents/{incident}/comments", json={"text": SECRET, "party_only": True}
    )
    token = ru.post("/api/v1/tokens", json={"name": "ru's own"})
    photo = photos.jpeg(7, (64, 48))
    evidence = ru.post(
        "/api/v1/evidence",
        params={"report": report.json()["id"], "filename": "p.jpg"},
        content=photo,
    )
    for made in (draft, restricted, comment, token, evidence):
        assert made.status_code == 201, made.text
    yield {
        "report": report.json()["id"],
        "index": report.json()["index"],
        "incident": incident,
        "draft": draft.json()["id"],
        "restricted": restricted.json()["id"],
        "token_id": token.json()["id"],
        "token": token.json()["token"],
        "sha": hashlib.sha256(photo).hexdigest(),
        "attachment": evidence.json()["id"],
        "size": shared_api.node.ledger.size,
    }


#: (method, path template, JSON body, shared: every member may read it — the record itself,
#: hidden only from the public while unpublished — rather than the owner party's alone)
PATHS: list[tuple[str, str, dict[str, Any] | None, bool]] = [
    ("GET", "/api/v1/drafts/{draft}", None, False),
    ("PUT", "/api/v1/drafts/{draft}", {"body": {**SAMPLE_REPORT, "title": "overwritten"}}, False),
    ("POST", "/api/v1/drafts/{draft}/file", None, False),
    ("DELETE", "/api/v1/drafts/{draft}", None, False),
    ("GET", "/api/v1/restricted/{restricted}", None, False),
    ("POST", "/api/v1/restricted/{restricted}/release", None, False),
    ("DELETE", "/api/v1/tokens/{token_id}", None, False),
    ("PATCH", "/api/v1/users/ru-officer", {"password": "taken over at last"}, False),
    # The shared record: members read it, the public must not (the incident is unpublished).
    ("GET", "/api/v1/reports/{report}", None, True),
    ("GET", "/api/v1/incidents/{incident}", None, True),
    ("GET", "/api/v1/map/incidents/{incident}", None, True),
    ("GET", "/api/v1/ledger/entries/{index}", None, True),
    ("GET", "/api/v1/map/proof/{index}", None, True),
    ("GET", "/api/v1/incidents/{incident}/comments", None, True),
    ("GET", "/api/v1/evidence/{sha}/info", None, True),
    ("GET", "/api/v1/evidence/{sha}", None, True),
    ("GET", "/api/v1/evidence/{sha}/thumbnail", None, True),
    ("GET", "/api/v1/evidence/{sha}/bundle/{attachment}", None, True),
]
MEMBERS = {"tr-officer", "analyst", "monitor"}


def _client(api: Api, who: str | None) -> httpx.Client:
    return api.client(who) if who else api.client()


def _state(api: Api, held: dict[str, Any]) -> tuple[Any, ...]:
    chair = api.client("chair")
    return (
        api.node.ledger.size,
        chair.get(f"/api/v1/drafts/{held['draft']}").json(),
        chair.get(f"/api/v1/restricted/{held['restricted']}").json()["released_index"],
        httpx.get(
            f"{api.base}/api/v1/me", headers={"Authorization": f"Bearer {held['token']}"}
        ).json()["username"],
    )


@pytest.mark.parametrize("who", INTRUDERS, ids=lambda w: w or "anonymous")
@pytest.mark.parametrize(("method", "path", "body", "shared"), PATHS, ids=lambda p: str(p))
def test_another_partys_id_gives_nothing(
    shared_api: Api,
    held: dict[str, Any],
    method: str,
    path: str,
    body: dict[str, Any] | None,
    shared: bool,
    who: str | None,
) -> None:
    url = path.format(**held)
    if shared and who in MEMBERS:
        # The shared record is every member's to read (not another party's): the positive case.
        got = _client(shared_api, who).request(method, url)
        assert got.status_code == 200, got.text
        assert SECRET not in got.text  # a party-only comment is Russia's and the chair's only
        return
    before = _state(shared_api, held) if method != "GET" else None
    got = _client(shared_api, who).request(method, url, json=body)
    assert got.status_code in (401, 403, 404), (got.status_code, got.text)
    assert SECRET not in got.text
    if who is not None and who != "citizen" and not shared and method == "GET":
        # Another party's draft or sealed record is a 404 to a member: its id tells nothing.
        assert got.status_code == 404, got.text
    if who in (None, "citizen") and shared and "evidence" in url:
        assert got.status_code == 404  # the public does not learn that the file exists
    if before is not None:
        assert _state(shared_api, held) == before
    else:
        assert shared_api.node.ledger.size == held["size"]


def test_the_owner_reaches_every_one_of_those_ids(shared_api: Api, held: dict[str, Any]) -> None:
    """The positive control: the same ids work for their owner, so the refusals above are
    refusals, not typos."""
    ru = shared_api.client("ru-officer")
    for method, path, _body, _shared in PATHS:
        if method != "GET":
            continue
        got = ru.get(path.format(**held))
        assert got.status_code == 200, (path, got.text)
    comments = ru.get(f"/api/v1/incidents/{held['incident']}/comments").json()
    assert any(c["text"] == SECRET and c["party_only"] for c in comments)
    assert SECRET in ru.get(f"/api/v1/drafts/{held['draft']}").text

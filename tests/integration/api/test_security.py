"""Security, tried for real: acting for another party, reading another's drafts, forged and
replayed signed entries, revoked tokens, oversize bodies and repeated failed sign-ins. The
schemathesis fuzz of every operation is tests/adversary/test_api_fuzz.py."""

from __future__ import annotations

import base64
import socket
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text

from conftest import PASSWORD, Api, Server, make_node
from truce.access.accounts import LOOKUP_APPLICATION_NAME
from truce.config import Settings
from truce.ledger.entry import Entry
from truce.model import Report
from truce.store import make_engine
from truce.web.app import create_app


def sign(
    api: Api,
    author: str,
    body: dict,
    *,
    key_of: str | None = None,
    mode: str = "client",
    seq: int | None = None,
    prev: str | None = None,
) -> Entry:
    """An entry signed on 'the party's machine' (here: with the key the test node holds)."""
    ledger = api.node.ledger
    next_seq, next_prev = ledger.next_position(author)
    return Entry.sign(
        api.node.signing_key(key_of or author),
        origin=ledger.origin,
        kind="report.filed",
        author=author,
        seq=seq or next_seq,
        prev=prev if seq else next_prev,
        body=Report.model_validate(body).to_body(),
        mode=mode,
    )


def leaves(*entries: Entry) -> dict:
    return {"entries": [base64.b64encode(e.leaf).decode() for e in entries]}


def test_an_officer_acts_only_for_their_own_party(api: Api, sample_report: dict) -> None:
    ru, tr, chair = api.client("ru-officer"), api.client("tr-officer"), api.client("chair")
    incident = chair.get(
        f"/api/v1/reports/{ru.post('/api/v1/reports', json=sample_report).json()['id']}"
    ).json()["incident_id"]
    size = api.node.ledger.size
    as_tr = {"party": "tr"}
    assert ru.post("/api/v1/reports", params=as_tr, json=sample_report).status_code == 403
    answer = {"incident": incident, "kind": "deny"}
    assert ru.post("/api/v1/responses", params=as_tr, json=answer).status_code == 403
    signoff = {"decision": "approve"}
    assert (
        ru.post(f"/api/v1/incidents/{incident}/signoff", params=as_tr, json=signoff).status_code
        == 403
    )
    assert ru.post(f"/api/v1/incidents/{incident}/publish").status_code == 403
    override = {"reason": "because", "hours": 1}
    assert ru.post(f"/api/v1/incidents/{incident}/override", json=override).status_code == 403
    assert (
        tr.post(
            "/api/v1/drafts", params={"party": "ru"}, json={"kind": "report.filed", "body": {}}
        ).status_code
        == 403
    )
    analyst = api.client("analyst")
    assert analyst.post("/api/v1/reports", json=sample_report).status_code == 403
    assert api.client("monitor").post("/api/v1/responses", json=answer).status_code == 403
    assert api.client("citizen").post("/api/v1/reports", json=sample_report).status_code == 403
    assert api.client().post("/api/v1/reports", json=sample_report).status_code == 401
    assert (
        ru.post(
            "/api/v1/users", json={"username": "x-y", "role": "chair", "party": "center"}
        ).status_code
        == 403
    )
    assert api.node.ledger.size == size


def test_client_signed_entries_forged_replayed_or_not_theirs_are_refused(
    api: Api, sample_report: dict
) -> None:
    ru, tr = api.client("ru-officer"), api.client("tr-officer")
    good = sign(api, "ru", sample_report)
    resp = ru.post("/api/v1/ledger/entries", json=leaves(good))
    assert resp.status_code == 201, resp.text
    index = resp.json()["index"]
    assert ru.get(f"/api/v1/ledger/entries/{index}").json()["mode"] == "client"
    size = api.node.ledger.size

    replayed = ru.post("/api/v1/ledger/entries", json=leaves(good))
    assert replayed.status_code == 409 and replayed.json()["code"] == "bad_chain"

    forged = sign(api, "tr", sample_report, key_of="ru")  # claims tr, signed with ru's key
    resp = tr.post("/api/v1/ledger/entries", json=leaves(forged))
    assert resp.status_code == 422 and resp.json()["code"] == "bad_signature"
    assert resp.json()["field"] == "entries.0"

    tampered = bytearray(sign(api, "ru", sample_report).leaf)
    tampered[-70] ^= 1  # a byte of the signed envelope
    resp = ru.post(
        "/api/v1/ledger/entries", json={"entries": [base64.b64encode(bytes(tampered)).decode()]}
    )
    assert resp.status_code == 422 and resp.json()["field"] == "entries.0"
    assert resp.json()["code"] in ("bad_signature", "bad_entry")

    theirs = sign(api, "tr", sample_report)  # genuinely tr's, but sent by ru's officer
    resp = ru.post("/api/v1/ledger/entries", json=leaves(theirs))
    assert resp.status_code == 403

    claims_custodial = sign(api, "ru", sample_report, mode="custodial")
    resp = ru.post("/api/v1/ledger/entries", json=leaves(claims_custodial))
    assert resp.status_code == 422 and "client" in resp.json()["message"]

    assert (
        ru.post("/api/v1/ledger/entries", json={"entries": ["%%%"]}).json()["field"] == "entries.0"
    )
    assert api.node.ledger.size == size  # none of them was appended


def test_revoked_and_disabled_tokens_are_refused_at_once(api: Api) -> None:
    ru = api.client("ru-officer")
    made = ru.post("/api/v1/tokens", json={"name": "script"}).json()
    script = api.client()
    script.headers["Authorization"] = f"Bearer {made['token']}"
    assert script.get("/api/v1/me").json()["username"] == "ru-officer"
    assert api.client("tr-officer").delete(f"/api/v1/tokens/{made['id']}").status_code == 403
    assert ru.delete(f"/api/v1/tokens/{made['id']}").status_code == 200
    refused = script.get("/api/v1/me")
    assert refused.status_code == 401 and "revoked" in refused.json()["message"]
    assert api.accounts.tokens("ru-officer")[-1]["revoked_at"] is not None
    assert all("token_hash" not in t and "token" not in t for t in ru.get("/api/v1/tokens").json())

    bogus = api.client()
    bogus.headers["Authorization"] = "Bearer truce_" + "A" * 43
    assert bogus.get("/api/v1/me").status_code == 401
    api.accounts.set_disabled("tr-officer", True)
    assert api.client("tr-officer").get("/api/v1/me").status_code == 401


def _lookup_backends(engine: Engine) -> list[int]:
    """The server's token-lookup connections to PostgreSQL, by backend process id."""
    with engine.connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = :name"
                ),
                {"name": LOOKUP_APPLICATION_NAME},
            ).scalars()
        )


# The lookup connection of its own is PostgreSQL's; SQLite reads the file.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_token_lookups_outlive_a_lost_database_connection(api: Api) -> None:
    """PostgreSQL: the server looks tokens up on a connection of its own; when the database
    drops it (a restart, an administrator), the next request opens another and is served."""
    ru = api.client("ru-officer")
    assert ru.get("/api/v1/me").status_code == 200
    (first,) = _lookup_backends(api.node.store.engine)
    with api.node.store.engine.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar()
    deadline = time.monotonic() + 10
    while first in _lookup_backends(api.node.store.engine):  # until the backend has gone
        assert time.monotonic() < deadline, "the terminated backend did not go away"
        time.sleep(0.05)

    assert ru.get("/api/v1/me").json()["username"] == "ru-officer"
    (second,) = _lookup_backends(api.node.store.engine)
    assert second != first
    made = ru.post("/api/v1/tokens", json={"name": "after"}).json()
    api.accounts.revoke_token(made["id"])  # outside the server's event loop, as the CLI does
    script = api.client()
    script.headers["Authorization"] = f"Bearer {made['token']}"
    assert script.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_lookup_connection_closes_with_the_server(tmp_path: Path, database_url: str) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    node, accounts = make_node(settings)
    token = accounts.create_token("analyst", "tests")[0]
    server = Server(create_app(settings, node=node))
    engine = make_engine(database_url)
    try:
        with httpx.Client(base_url=server.base) as client:
            me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["username"] == "analyst"
        assert len(_lookup_backends(engine)) == 1
        server.stop()  # closes the node
        assert _lookup_backends(engine) == []
    finally:
        server.stop()
        engine.dispose()


def test_oversize_bodies_are_refused_before_they_are_read(api: Api, sample_report: dict) -> None:
    ru = api.client("ru-officer")
    size = api.node.ledger.size

    def chunks():  # no Content-Length: chunked transfer, counted as it arrives
        yield b'{"text": "'
        for _ in range(300):
            yield b"x" * 8192
        yield b'"}'

    resp = ru.post(
        "/api/v1/reports", content=chunks(), headers={"content-type": "application/json"}
    )
    assert resp.status_code == 413 and resp.json()["code"] == "too_large"
    # A declared length over the limit is refused before any of the body is sent.
    with socket.create_connection(("127.0.0.1", int(api.base.rsplit(":", 1)[1]))) as sock:
        sock.sendall(
            b"POST /api/v1/reports HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {api.tokens['ru-officer']}\r\n".encode()
            + f"Content-Length: {50 << 20}\r\n\r\n".encode()
        )
        sock.settimeout(10)
        assert sock.recv(4096).startswith(b"HTTP/1.1 413")
    assert api.node.ledger.size == size


def test_repeated_failed_sign_ins_are_slowed_down(api: Api) -> None:
    web = api.client()
    wrong = {"username": "chair", "password": "guess-guess"}
    for _ in range(3):  # the policy in conftest allows 3 free failures
        assert web.post("/api/v1/session", json=wrong).status_code == 401
    assert web.post("/api/v1/session", json=wrong).status_code == 401  # this one locks
    right = {"username": "chair", "password": PASSWORD}
    locked = web.post("/api/v1/session", json=right)
    assert locked.status_code == 429 and locked.json()["code"] == "rate_limited"
    wait = int(locked.headers["retry-after"])
    assert 1 <= wait <= 2
    time.sleep(wait + 0.2)
    assert web.post("/api/v1/session", json=right).status_code == 200

"""Collaboration (issue 22) over a real server: comments on incidents (members only; a party-only
comment sealed on the ledger), tasks for a party with their status as new entries, notifications
per user and on the live stream, and the webhook POSTing them to a real HTTP server on loopback
while the writer goes on."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from test_live_api import Stream

from conftest import USERS, Api, Server, make_node
from truce.access.accounts import SigninPolicy
from truce.config import Settings
from truce.web.app import create_app

SCHOOL = {"id": "s-morek", "name": "Morek school", "kind": "school", "lat": 35.378, "lon": 36.69}
FAR = {"id": "s-far", "name": "Far hospital", "kind": "hospital", "lat": 35.9, "lon": 36.2}
POST = {"id": "op-morek", "name": "Morek post", "kind": "observation_post", "lat": 35.3765,
        "lon": 36.6897}  # fmt: skip


def _incident(api: Api, report: dict[str, Any]) -> str:
    ru, chair = api.client("ru-officer"), api.client("chair")
    resp = ru.post("/api/v1/reports", json=report)
    assert resp.status_code == 201, resp.text
    return str(chair.get(f"/api/v1/reports/{resp.json()['id']}").json()["incident_id"])


def test_comments_are_the_members_and_a_party_only_one_stays_with_its_party(
    api: Api, sample_report: dict
) -> None:
    incident = _incident(api, sample_report)
    ru, tr, chair = api.client("ru-officer"), api.client("tr-officer"), api.client("chair")
    live_tr, live_public = Stream(api, "tr-officer"), Stream(api, None)
    try:
        resp = ru.post(f"/api/v1/incidents/{incident}/comments", json={"text": "our unit saw it"})
        assert resp.status_code == 201, resp.text
        _name, _index, data = live_tr.next("comment")
        assert data["text"] == "our unit saw it" and data["incident"]["id"] == incident
        assert not [e for e in live_public.quiet() if e[0] == "comment"]
    finally:
        live_tr.close()
        live_public.close()
    cid = resp.json()["id"]
    assert cid == f"C-{resp.json()['index']}"
    seen = tr.get(f"/api/v1/incidents/{incident}/comments").json()
    assert [(c["id"], c["author"], c["text"]) for c in seen] == [(cid, "ru", "our unit saw it")]

    size = api.node.ledger.size
    secret = "the battery moved north at 06:00"
    resp = ru.post(
        f"/api/v1/incidents/{incident}/comments", json={"text": secret, "party_only": True}
    )
    assert resp.status_code == 201, resp.text
    assert api.node.ledger.size == size + 1
    entry = chair.get(f"/api/v1/ledger/entries/{resp.json()['index']}").json()
    assert entry["kind"] == "record.sealed" and secret not in json.dumps(entry)
    for user, sees in (("ru-officer", True), ("chair", True), ("tr-officer", False)):
        texts = [
            c["text"] for c in api.client(user).get(f"/api/v1/incidents/{incident}/comments").json()
        ]
        assert (secret in texts) == sees, user
        assert "our unit saw it" in texts

    # The public neither reads nor writes comments; nothing is written by a refusal.
    size = api.node.ledger.size
    for public in (api.client("citizen"), api.client()):
        assert public.get(f"/api/v1/incidents/{incident}/comments").status_code in (401, 403)
        resp = public.post(f"/api/v1/incidents/{incident}/comments", json={"text": "x"})
        assert resp.status_code in (401, 403), resp.text
    # A party comments only as itself.
    resp = ru.post(
        f"/api/v1/incidents/{incident}/comments", params={"party": "tr"}, json={"text": "x"}
    )
    assert resp.status_code == 403, resp.text
    resp = ru.post("/api/v1/incidents/I-999999/comments", json={"text": "x"})
    assert resp.status_code == 404, resp.text
    assert api.node.ledger.size == size


def test_comments_and_tasks_follow_their_incident_into_a_merge(
    api: Api, sample_report: dict
) -> None:
    first = _incident(api, sample_report)
    second = _incident(api, {**sample_report, "date": {"start": "2019-05-01", "precision": 1}})
    assert first != second
    ru, chair = api.client("ru-officer"), api.client("chair")
    for text, party_only in (("shared note", False), ("own note", True)):
        resp = ru.post(
            f"/api/v1/incidents/{second}/comments", json={"text": text, "party_only": party_only}
        )
        assert resp.status_code == 201, resp.text
    resp = chair.post("/api/v1/tasks", json={"party": "ru", "title": "look", "incident": second})
    assert resp.status_code == 201, resp.text
    task = resp.json()["id"]
    resp = chair.post("/api/v1/incidents/merge", json={"incidents": [first, second]})
    assert resp.status_code in (200, 201), resp.text
    kept = resp.json().get("incident") or first
    on_kept = ru.get(f"/api/v1/incidents/{kept}/comments").json()
    assert sorted(c["text"] for c in on_kept) == ["own note", "shared note"]
    assert [t["id"] for t in ru.get("/api/v1/tasks", params={"incident": kept}).json()] == [task]
    # The merged-away id still names them (it resolves to the incident that holds it now).
    assert len(ru.get(f"/api/v1/incidents/{second}/comments").json()) == 2


def test_tasks_notify_their_party_and_change_only_by_new_entries(
    api: Api, sample_report: dict
) -> None:
    ru, tr, monitor = api.client("ru-officer"), api.client("tr-officer"), api.client("monitor")
    incident = _incident(api, sample_report)
    live_tr = Stream(api, "tr-officer")
    try:
        resp = monitor.post(
            "/api/v1/tasks",
            json={"party": "tr", "title": "patrol to verify", "incident": incident},
        )
        assert resp.status_code == 201, resp.text
        task = resp.json()["id"]
        _name, index, data = live_tr.next("task")
        assert data["task"] == task and data["party"] == "tr"
        _name, _none, data = live_tr.next("notification")
        assert data["index"] == index
        assert [(n["audience"], n["task_id"]) for n in data["notifications"]] == [("tr", task)]
    finally:
        live_tr.close()
    tr_heard = tr.get("/api/v1/notifications").json()
    assert [n["task_id"] for n in tr_heard if n["kind"] == "task"] == [task]
    assert "patrol to verify" in tr_heard[0]["text"]
    assert not [n for n in ru.get("/api/v1/notifications").json() if n["kind"] == "task"]

    # An officer assigns tasks to and closes tasks of its own party only: 403, nothing written.
    size = api.node.ledger.size
    resp = ru.post("/api/v1/tasks", json={"party": "tr", "title": "do this for us"})
    assert resp.status_code == 403, resp.text
    resp = ru.post(f"/api/v1/tasks/{task}/status", json={"status": "done"})
    assert resp.status_code == 403, resp.text
    assert api.node.ledger.size == size
    assert api.client("citizen").get("/api/v1/tasks").status_code == 403
    assert api.client("citizen").get("/api/v1/notifications").status_code == 403

    resp = tr.post(f"/api/v1/tasks/{task}/status", json={"status": "done", "text": "crater found"})
    assert resp.status_code == 201, resp.text
    assert api.node.ledger.size == size + 1  # a new entry; the task entry is unchanged
    resp = tr.post(f"/api/v1/tasks/{task}/status", json={"status": "open", "text": "look again"})
    assert resp.status_code == 201, resp.text
    (row,) = ru.get("/api/v1/tasks", params={"incident": incident}).json()
    assert row["id"] == task and row["status"] == "open" and row["party"] == "tr"
    assert [(h["status"], h["author"], h["applied"]) for h in row["history"]] == [
        ("done", "tr", True),
        ("open", "tr", True),
    ]
    assert ru.get("/api/v1/tasks", params={"status": "done"}).json() == []


def test_an_incident_near_a_protected_site_is_heard_once_by_every_member(
    api: Api, sample_report: dict
) -> None:
    chair = api.client("chair")
    for site in (SCHOOL, FAR, POST):
        assert chair.post("/api/v1/sites", json=site).status_code == 201
    live = Stream(api, "tr-officer")
    try:
        incident = _incident(api, sample_report)
        _name, index, _data = live.next("report")
        _name, _none, data = live.next("notification")
        assert data["index"] == index
        heard = data["notifications"]
        assert [(n["kind"], n["audience"], n["incident_id"]) for n in heard] == [
            ("site", "*", incident)
        ]
    finally:
        live.close()
    again = _incident(api, sample_report)  # a second report of the same event
    assert again == incident
    for user in ("ru-officer", "tr-officer", "monitor", "analyst"):
        sites = [n for n in api.client(user).get("/api/v1/notifications").json() if n["site_id"]]
        assert [n["site_id"] for n in sites] == ["s-morek"], user  # not the far one, nor a post
        assert "Morek school" in sites[0]["text"] and incident in sites[0]["text"]


class _Hook(BaseHTTPRequestHandler):
    got: list[dict[str, Any]]
    attempts: list[str]
    fail_first: int
    hold: threading.Event

    def do_POST(self) -> None:
        data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.attempts.append(data["id"])
        self.hold.wait(30)
        if len(self.attempts) <= self.fail_first:
            self.send_response(503)
        else:
            self.got.append({**data, "content_type": self.headers["Content-Type"]})
            self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[type[_Hook]]:
    handler = type("Hook", (_Hook,), {"got": [], "attempts": [], "fail_first": 2})
    handler.hold = threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.url = f"http://127.0.0.1:{server.server_address[1]}/hook"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield handler
    finally:
        handler.hold.set()
        server.shutdown()
        server.server_close()


def test_the_webhook_posts_each_notification_with_retries_and_never_holds_the_writer(
    tmp_path: Path, hook: type[_Hook]
) -> None:
    settings = Settings(
        home=tmp_path / "home",
        database_url=f"sqlite:///{tmp_path / 'p.db'}",
        extra={"TRUCE_WEBHOOK_URL": hook.url},  # type: ignore[attr-defined]
    )
    node, accounts = make_node(settings)
    app = create_app(settings, node=node, signin=SigninPolicy(free_failures=3, base_delay_s=2.0))
    server = Server(app)
    api = Api(server.base, node, app.state.services.accounts, settings, app)
    for username in USERS:
        api.tokens[username] = accounts.create_token(username, "tests")[0]
    try:
        monitor = api.client("monitor")
        ids = []
        # The hook holds its first request: the writer goes on regardless.
        for party in ("ru", "tr", "ru"):
            resp = monitor.post("/api/v1/tasks", json={"party": party, "title": f"check {party}"})
            assert resp.status_code == 201, resp.text
            ids.append(resp.json()["id"])
        assert hook.got == []
        hook.hold.set()
        webhook = app.state.services.webhook
        deadline = threading.Event()
        for _ in range(200):
            if len(hook.got) == 3:
                break
            deadline.wait(0.05)
        assert [g["task_id"] for g in hook.got] == ids
        assert [g["audience"] for g in hook.got] == ["ru", "tr", "ru"]
        assert all(
            g["kind"] == "task" and g["content_type"] == "application/json" for g in hook.got
        )
        first = hook.got[0]["id"]
        assert hook.attempts[:3] == [first, first, first]  # failed twice (503), then delivered
        assert webhook.sent == 3 and webhook.failed == 0
    finally:
        for c in api.clients:
            c.close()
        server.stop()

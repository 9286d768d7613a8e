"""Alerts over a real server (issue 22), on both backends: a new violation notifies the parties
it involves and the chair, through the API and the live stream; each user's read mark is kept on
the server (not on the ledger), the same for every browser of the user, and sent to their other
streams."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_live_api import Stream

from conftest import USERS, Api, Server, make_node
from truce.agreement.rules import parse_agreement
from truce.agreement.zones import add_zones, read_zones
from truce.config import Settings
from truce.web.app import create_app

DMZ = [[36.6, 35.3], [36.8, 35.3], [36.8, 35.45], [36.6, 35.45], [36.6, 35.3]]
AGREEMENT = """\
agreement: {id: t, title: Test}
clauses:
  - id: dmz
    text: "No shelling inside the demilitarized zone."
    when: {family: [remote]}
    where: {inside: {zone_kind: demilitarized_zone}}
"""


@pytest.fixture
def dmz_api(tmp_path: Path, database_url: str) -> Iterator[Api]:
    """A server whose agreement forbids shelling in a zone around Morek (the sample report)."""
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    node, accounts = make_node(settings)
    path = tmp_path / "zones.geojson"
    feature = {
        "type": "Feature",
        "properties": {"id": "dmz", "kind": "demilitarized_zone"},
        "geometry": {"type": "Polygon", "coordinates": [DMZ]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    add_zones(node, "center", read_zones(path))
    node.append("center", "agreement.adopted", parse_agreement(AGREEMENT, "a", zones={"dmz"}))
    app = create_app(settings, node=node)
    server = Server(app)
    result = Api(server.base, node, app.state.services.accounts, settings, app)
    for username in USERS:
        result.tokens[username] = accounts.create_token(username, "tests")[0]
    try:
        yield result
    finally:
        for c in result.clients:
            c.close()
        server.stop()


def _violations(api: Api, user: str) -> list[dict[str, Any]]:
    rows = api.client(user).get("/api/v1/notifications").json()
    return [n for n in rows if n["kind"] == "violation"]


def test_a_violation_alerts_its_party_and_the_chair_live_and_in_the_list(
    dmz_api: Api, sample_report: dict[str, Any]
) -> None:
    api = dmz_api
    streams = {user: Stream(api, user) for user in ("chair", "ru-officer", "tr-officer")}
    try:
        resp = api.client("ru-officer").post("/api/v1/reports", json=sample_report)
        assert resp.status_code == 201, resp.text
        index = resp.json()["index"]
        heard_by: dict[str, list[dict[str, Any]]] = {}
        for user, live in streams.items():
            _name, at, data = live.next("report")
            assert at == index and "notifications" not in data  # not in the shared frame
            got = [e for e in live.quiet() if e[0] == "notification"]
            heard_by[user] = [n for _, _, d in got for n in d["notifications"]]
            assert all(d["index"] == index and ident is None for _, ident, d in got)
    finally:
        for live in streams.values():
            live.close()
    # Each stream is sent its own user's notifications only: the server picks, not the browser.
    assert [n["audience"] for n in heard_by["chair"]] == ["@chair"]
    assert [n["audience"] for n in heard_by["ru-officer"]] == ["ru"]
    assert heard_by["tr-officer"] == []  # not involved: never sent, not even hidden
    heard = heard_by["chair"]
    incident = heard[0]["incident_id"]
    (chair,) = _violations(api, "chair")
    assert chair["incident_id"] == incident and "violation of t § dmz" in chair["text"]
    (ru,) = _violations(api, "ru-officer")
    assert ru["audience"] == "ru"
    for user in ("tr-officer", "monitor", "analyst"):
        assert _violations(api, user) == [], user  # not involved, not the chair
    # Reported again by the same party: heard once.
    again = copy.deepcopy(sample_report)
    assert api.client("ru-officer").post("/api/v1/reports", json=again).status_code == 201
    assert len(_violations(api, "chair")) == 1 and len(_violations(api, "ru-officer")) == 1
    # Unread counts them with the rest of the user's notifications.
    state = api.client("chair").get("/api/v1/notifications/unread").json()
    assert state == {"read_through": -1, "unread": 1}


def test_the_read_mark_is_the_users_on_every_browser_and_never_a_ledger_entry(
    dmz_api: Api, sample_report: dict[str, Any]
) -> None:
    api = dmz_api
    chair = api.client("chair")
    assert api.client("ru-officer").post("/api/v1/reports", json=sample_report).status_code == 201
    newest = max(n["entry_index"] for n in chair.get("/api/v1/notifications").json())
    other_browser = Stream(api, "chair")
    ru_stream = Stream(api, "ru-officer")
    try:
        size = api.node.ledger.size
        resp = chair.post("/api/v1/notifications/read", json={"through": newest})
        assert resp.status_code == 200, resp.text
        assert resp.json() == {"read_through": newest, "unread": 0}
        assert api.node.ledger.size == size  # a mark-as-read is not an event about the world
        _name, ident, data = other_browser.next("read")
        assert ident is None and data == {"read_through": newest}
        assert not [e for e in ru_stream.quiet() if e[0] == "read"]  # another user's mark
    finally:
        other_browser.close()
        ru_stream.close()
    # A second client of the same user (its own token) sees the same mark; another user not.
    second = api.client()
    second.headers["Authorization"] = f"Bearer {api.accounts.create_token('chair', 'b')[0]}"
    assert second.get("/api/v1/notifications/unread").json() == {
        "read_through": newest,
        "unread": 0,
    }
    assert api.client("ru-officer").get("/api/v1/notifications/unread").json()["unread"] == 1
    # The mark never moves back; past the end of the log is a one-line 422; the public has none.
    assert chair.post("/api/v1/notifications/read", json={"through": 0}).json()["read_through"] == (
        newest
    )
    resp = chair.post("/api/v1/notifications/read", json={"through": 10**6})
    assert resp.status_code == 422 and "past the end of the log" in resp.text
    for public in (api.client("citizen"), api.client()):
        assert public.get("/api/v1/notifications/unread").status_code in (401, 403)
        assert public.post("/api/v1/notifications/read", json={"through": 0}).status_code in (
            401,
            403,
        )

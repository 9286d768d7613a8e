"""The live stream (issue 22): ``GET /api/v1/stream`` over a real server, per role, with
catch-up by ledger index on reconnect."""

from __future__ import annotations

import json
import queue
import threading
import time
from typing import Any

import httpx

from conftest import Api


class Stream:
    """An SSE client on its own thread: events land in ``events`` as (name, id, data)."""

    def __init__(self, api: Api, user: str | None, headers: dict[str, str] | None = None, **q: Any):
        self.events: queue.Queue[tuple[str, int | None, dict[str, Any]]] = queue.Queue()
        hdrs = {"Authorization": f"Bearer {api.tokens[user]}"} if user else {}
        hdrs.update(headers or {})
        self.client = httpx.Client(base_url=api.base, headers=hdrs, timeout=None)
        self.params = q
        self.open = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.open.wait(10), "the stream did not open"
        assert self.next("hello")[0] == "hello"

    def _run(self) -> None:
        try:
            with self.client.stream("GET", "/api/v1/stream", params=self.params) as res:
                assert res.status_code == 200
                assert res.headers["content-type"].startswith("text/event-stream")
                self.open.set()
                name, ident, data = "message", None, ""
                for line in res.iter_lines():
                    if line.startswith("event: "):
                        name = line[7:]
                    elif line.startswith("id: "):
                        ident = int(line[4:])
                    elif line.startswith("data: "):
                        data += line[6:]
                    elif line == "" and data:
                        self.events.put((name, ident, json.loads(data)))
                        name, ident, data = "message", None, ""
        except httpx.HTTPError:
            pass  # closed by the test

    def next(self, *names: str, timeout: float = 10) -> tuple[str, int | None, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"no {names} event within {timeout} s"
            event = self.events.get(timeout=left)
            if not names or event[0] in names:
                return event

    def quiet(self, seconds: float = 0.7) -> list[tuple[str, int | None, dict[str, Any]]]:
        time.sleep(seconds)
        got = []
        while not self.events.empty():
            got.append(self.events.get_nowait())
        return got

    def close(self) -> None:
        self.client.close()


def test_a_filed_report_reaches_members_at_once_and_the_public_only_once_published(
    api: Api, sample_report: dict
) -> None:
    tr = Stream(api, "tr-officer")
    public = Stream(api, None)
    ru = api.client("ru-officer")
    t0 = time.monotonic()
    filed = ru.post("/api/v1/reports", json=sample_report)
    assert filed.status_code == 201, filed.text
    rid = filed.json()["id"]
    name, index, data = tr.next("report")
    took = time.monotonic() - t0
    assert name == "report" and data["id"] == rid and data["author"] == "ru"
    assert index == int(rid.removeprefix("R-")) == data["index"]
    incident = data["incident"]
    assert incident["id"] and incident["occurrence"] and incident["lat"] is not None
    assert took < 5  # the browser test holds it to about a second; here: it came, unpolled
    # The public sees none of it: not the report, not the incident, which is not published.
    assert public.quiet() == []
    # Sign-offs are for members; publication makes the incident public, and the public hears of it.
    for officer in ("ru-officer", "tr-officer"):
        res = api.client(officer).post(
            f"/api/v1/incidents/{incident['id']}/signoff", json={"decision": "approve"}
        )
        assert res.status_code == 201, res.text
    assert tr.next("signoff")[2]["decision"] == "approve"
    res = api.client("chair").post(f"/api/v1/incidents/{incident['id']}/publish")
    assert res.status_code == 201, res.text
    assert tr.next("publication")[2]["incident"]["id"] == incident["id"]
    name, _, data = public.next()
    assert name == "incident" and data["incident"]["id"] == incident["id"]
    assert set(data) == {"index", "incident"}  # no author, no report, no sign-off
    tr.close()
    public.close()


def test_a_reconnecting_stream_is_caught_up_from_its_last_event_id(
    api: Api, sample_report: dict
) -> None:
    ru = api.client("ru-officer")
    first = ru.post("/api/v1/reports", json=sample_report).json()["id"]
    missed = []
    for n in range(3):  # filed while no stream is open
        body = {**sample_report, "title": f"while away {n}"}
        missed.append(ru.post("/api/v1/reports", json=body).json()["id"])
    last_seen = int(first.removeprefix("R-"))
    back = Stream(api, "tr-officer", headers={"Last-Event-ID": str(last_seen)})
    got = [back.next("report")[2]["id"] for _ in missed]
    assert got == missed
    # ?after= does the same for a first connection; no after: only what comes next.
    again = Stream(api, "analyst", after=last_seen)
    assert [again.next("report")[2]["id"] for _ in missed] == missed
    fresh = Stream(api, "analyst")
    assert fresh.quiet() == []
    for s in (back, again, fresh):
        s.close()


def test_a_stream_with_bad_credentials_is_refused(api: Api) -> None:
    res = httpx.get(
        f"{api.base}/api/v1/stream", headers={"Authorization": "Bearer truce_nope"}, timeout=10
    )
    assert res.status_code == 401
    assert res.json()["code"]


def test_the_preview_shows_the_body_as_it_would_be_signed_and_writes_nothing(
    api: Api, sample_report: dict
) -> None:
    from truce.ledger.canonical import canonicalize
    from truce.model.kinds import parse_body

    ru = api.client("ru-officer")
    size = api.node.ledger.size
    res = ru.post("/api/v1/map/preview/report.filed", json=sample_report)
    assert res.status_code == 200, res.text
    got = res.json()
    assert (got["kind"], got["author"], got["mode"]) == ("report.filed", "ru", "custodial")
    expected = parse_body("report.filed", sample_report).to_body()
    assert got["body"] == expected and "modality" in got["body"]  # the model's defaults, filled
    assert got["canonical"].encode() == canonicalize(expected)
    assert api.node.ledger.size == size  # nothing signed, nothing appended
    # A bad body: the same refusal as filing it, naming the field.
    bad = ru.post("/api/v1/map/preview/report.filed", json={**sample_report, "title": 5})
    assert bad.status_code == 422 and bad.json()["field"] == "title"
    # The public files nothing, so previews nothing; an analyst may not file reports.
    assert api.client("citizen").post(
        "/api/v1/map/preview/report.filed", json=sample_report
    ).status_code in (401, 403)
    assert (
        api.client("analyst")
        .post("/api/v1/map/preview/report.filed", json=sample_report)
        .status_code
        == 403
    )


def test_patrol_plans_and_positions_reach_members_and_not_the_public(api: Api) -> None:
    officer = Stream(api, "tr-officer")
    public = Stream(api, None)
    plan = {
        "id": "P-live-1",
        "name": "Live test patrol",
        "parties": ["ru", "tr"],
        "route_wkt": "LINESTRING (36.62 35.83, 36.70 35.80)",
        "start": "2020-03-15T08:00:00Z",
        "end": "2020-03-15T12:00:00Z",
    }
    res = api.client("ru-officer").post("/api/v1/map/patrols", json=plan)
    assert res.status_code == 201, res.text
    _, _, data = officer.next("patrol")
    assert data["patrol"] == "P-live-1" and data["kind"] == "patrol.planned"
    # A track recorded by the monitors (custodially, through the server's one writer).
    track = {
        "patrol": "P-live-1",
        "start": "2020-03-15T08:05:00Z",
        "points": [[0, "35.83", "36.62"], [600, "35.81", "36.67"]],
    }
    api.app_services().sequencer.submit("monitors", "patrol.tracked", track).result(30)
    _, _, data = officer.next("patrol")
    assert data["kind"] == "patrol.tracked"
    assert (float(data["position"]["lat"]), float(data["position"]["lon"])) == (35.81, 36.67)
    assert public.quiet() == []
    officer.close()
    public.close()

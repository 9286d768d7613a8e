"""100 concurrent clients against the real server (issue 23): no 5xx, no lost or duplicated
write, and a log that verifies with projections that agree with it, on both backends.

Each client is its own thread and HTTP connection: officers of both parties file reports and
then respond to the incident their report joined, a monitor files observations, the chair
reads. Bounded: every client makes at most three requests, the whole run has a deadline.
"""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from truce.ledger.verify import verify_ledger
from truce.store import schema

CLIENTS = 100
DEADLINE_S = 240


@pytest.mark.slow
def test_100_clients_at_once(api: Any, sample_report: dict) -> None:
    users = ["ru-officer", "tr-officer", "monitor", "chair"]
    start = threading.Barrier(CLIENTS)
    lock = threading.Lock()
    statuses: list[tuple[str, int, str]] = []
    filed: dict[str, int] = {}  # title -> acknowledged index

    def client(n: int) -> None:
        user = users[n % len(users)]
        with httpx.Client(
            base_url=api.base, headers={"Authorization": f"Bearer {api.tokens[user]}"}, timeout=120
        ) as c:
            start.wait(timeout=60)
            if user == "chair":
                r = c.get("/api/v1/incidents")
                with lock:
                    statuses.append((f"{user} list", r.status_code, r.text[:200]))
                return
            report = copy.deepcopy(sample_report)
            report["title"] = f"client {n}"
            r = c.post("/api/v1/reports", json=report)
            with lock:
                statuses.append((f"{user} file", r.status_code, r.text[:200]))
                if r.status_code == 201:
                    filed[report["title"]] = r.json()["index"]
            if r.status_code != 201 or user == "monitor":
                return
            rid = r.json()["id"]
            got = c.get(f"/api/v1/reports/{rid}")
            incident = got.json().get("incident_id") if got.status_code == 200 else None
            with lock:
                statuses.append((f"{user} read", got.status_code, got.text[:200]))
            if incident:
                body = {"incident": incident, "kind": "acknowledge", "text": f"seen by {n}"}
                resp = c.post("/api/v1/responses", json=body)
                with lock:
                    statuses.append((f"{user} respond", resp.status_code, resp.text[:200]))

    size_before = api.node.ledger.size
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, DEADLINE_S - (time.monotonic() - began)))
    assert not any(t.is_alive() for t in threads), "a client is still waiting: a deadlock?"

    errors = [s for s in statuses if s[1] >= 500]
    assert errors == [], errors
    writes = [s for s in statuses if s[0].endswith(("file", "respond"))]
    refused = [s for s in writes if s[1] != 201]
    assert refused == [], refused[:5]
    # Every acknowledged report is in the log exactly once, where the server said.
    titles = [e.body.get("title") for e in map(api.node.ledger.entry, range(api.node.ledger.size))]
    for title, index in filed.items():
        assert titles.count(title) == 1, title
        assert api.node.ledger.entry(index).body["title"] == title
    expected_writes = len(writes)
    assert api.node.ledger.size - size_before == expected_writes
    verify_ledger(api.node.ledger)
    # The projections hold every acknowledged report (they may trail the log briefly).
    wait_until = time.monotonic() + 30
    while True:
        with api.node.store.engine.connect() as conn:
            in_table = {r.title for r in conn.execute(select(schema.reports.c.title))}
        if set(filed) <= in_table or time.monotonic() > wait_until:
            break
        time.sleep(0.2)
    assert set(filed) - in_table == set()

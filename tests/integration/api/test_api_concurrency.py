"""One sequencer, many clients: 100 concurrent clients file and read without errors or lost
writes, their entries are group-committed, and a second writer on the data directory is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from conftest import USERS, Api
from truce.ledger.verify import verify_ledger

CLIENTS = 100
EACH = 3


@pytest.mark.slow
def test_100_concurrent_clients_lose_nothing(api: Api, sample_report: dict) -> None:
    writers = [u for u, (role, _) in USERS.items() if role in ("officer", "monitor")]
    start = api.node.ledger.size
    barrier = threading.Barrier(CLIENTS)
    results: list[tuple[int, dict]] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        user = writers[n % len(writers)]
        headers = {"Authorization": f"Bearer {api.tokens[user]}"}
        try:
            with httpx.Client(base_url=api.base, headers=headers, timeout=60) as c:
                barrier.wait(timeout=60)
                for i in range(EACH):
                    body = {**sample_report, "title": f"client {n} report {i}"}
                    resp = c.post("/api/v1/reports", json=body)
                    read = c.get("/api/v1/incidents", params={"limit": 5})
                    with lock:
                        results.append((resp.status_code, resp.json()))
                        if read.status_code != 200:
                            failures.append(f"read {read.status_code}")
        except Exception as exc:  # collected and asserted below
            with lock:
                failures.append(repr(exc))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert failures == []
    assert [s for s, _ in results] == [201] * (CLIENTS * EACH)
    indices = sorted(body["index"] for _, body in results)
    assert indices == list(range(start, start + CLIENTS * EACH))  # every write, once each
    titles = {
        r["body"]["title"]
        for r in api.client("analyst").get("/api/v1/reports", params={"limit": 1000}).json()
    }
    assert {f"client {n} report {i}" for n in range(CLIENTS) for i in range(EACH)} <= titles
    groups = api.app_services().sequencer.groups
    assert groups < CLIENTS * EACH  # concurrent writes were committed in groups
    verify_ledger(api.node.ledger)


def test_a_second_writer_is_refused_while_the_server_runs(
    api: Api, tmp_path: Path, sample_report: dict
) -> None:
    path = tmp_path / "report.json"
    path.write_text(json.dumps(sample_report))
    env = {
        **os.environ,
        "TRUCE_HOME": str(api.settings.home),
        "TRUCE_DATABASE_URL": api.settings.database_url,
    }
    proc = subprocess.run(
        [sys.executable, "-m", "truce.cli", "report", "add", str(path), "--as", "ru"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 5, proc.stderr
    assert "another process is writing" in proc.stderr
    ok = api.client("ru-officer").post("/api/v1/reports", json=sample_report)
    assert ok.status_code == 201

"""Read-only commands while the server writes (issue 23, failure 9).

The wave-2 attack ran ``truce`` read commands against a data directory while its server was
appending: every one failed (``IntegrityError``: the CLI projected the same entries as the
server), and opening the log from a second process could cut the server's append in flight.
Now a command that finds the writer's lock taken reads the log as of the writer's latest
checkpoint and the projections as the writer keeps them, and changes nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import Any

from truce.ledger.verify import verify_ledger


def test_read_commands_while_the_server_appends(api: Any, sample_report: dict) -> None:
    env = {**os.environ, "TRUCE_HOME": str(api.settings.home)}
    if api.settings.database_url:
        env["TRUCE_DATABASE_URL"] = api.settings.database_url
    stop = threading.Event()
    filed: list[int] = []

    def file_reports() -> None:
        c = api.client("ru-officer")
        i = 0
        while not stop.is_set() and i < 400:
            sample_report["title"] = f"load {i}"
            r = c.post("/api/v1/reports", json=sample_report)
            filed.append(r.status_code)
            i += 1

    writer = threading.Thread(target=file_reports)
    writer.start()
    try:
        results = []
        for args in (["incidents"], ["ledger", "verify"], ["party", "list"]) * 3:
            proc = subprocess.run(
                [sys.executable, "-m", "truce.cli", *args],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            results.append((args, proc.returncode, proc.stderr))
    finally:
        stop.set()
        writer.join()
    failures = [r for r in results if r[1] != 0]
    assert not failures, failures
    assert filed and set(filed) == {201}, set(filed)
    assert len(filed) >= 3
    # Every acknowledged report is in the log, and the log verifies.
    assert api.node.store.applied_size() == api.node.ledger.size
    verify_ledger(api.node.ledger)

"""Issue 23, failure 5: ten parallel ``POST /api/v1/drafts/{id}/file`` of one draft put 6-10
signed reports into the log. Exactly one may be filed (201); every other request gets 409 and
the log grows by one entry. On SQLite and on PostgreSQL (the ``api`` fixture runs both)."""

from __future__ import annotations

import threading
from typing import Any

import httpx


def test_ten_parallel_filings_of_one_draft_append_one_report(api: Any, sample_report: dict) -> None:
    ru = api.client("ru-officer")
    made = ru.post("/api/v1/drafts", json={"kind": "report.filed", "body": sample_report})
    assert made.status_code == 201, made.text
    draft_id = made.json()["id"]
    start = api.node.ledger.size
    barrier = threading.Barrier(10)
    statuses: list[int] = []

    def file() -> None:
        with httpx.Client(
            base_url=api.base,
            headers={"Authorization": f"Bearer {api.tokens['ru-officer']}"},
            timeout=60,
        ) as c:
            barrier.wait()
            statuses.append(c.post(f"/api/v1/drafts/{draft_id}/file").status_code)

    threads = [threading.Thread(target=file) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201] + [409] * 9, statuses
    assert api.node.ledger.size == start + 1
    again = ru.post(f"/api/v1/drafts/{draft_id}/file")
    assert again.status_code == 409, again.text
    assert "filed" in again.json()["message"]
    assert all(d["id"] != draft_id for d in ru.get("/api/v1/drafts").json())

"""Plausibility (issue 23, item 9): a report valid in form but absurd in content is refused with
a clear 422 naming the field, unless the filer overrides with a reason that is signed into the
entry. Before the fix each of these was filed and signed: an event in the year 0001 or 9999,
next week, ten million killed, Saraqib placed in Paris.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

NEXT_WEEK = (datetime.now(UTC).date() + timedelta(days=7)).isoformat()


def _dated(report: dict, start: str, end: str | None = None) -> dict:
    out = copy.deepcopy(report)
    out["date"] = {"start": start, "end": end or start, "precision": 1}
    return out


def _killed(report: dict, figure: int) -> dict:
    out = copy.deepcopy(report)
    out["casualties"] = [{"category": "civilians", "kind": "killed", "low": 1, "best": figure}]
    return out


def _in_paris(report: dict) -> dict:
    out = copy.deepcopy(report)
    out["locations"] = [{"place": "Saraqib", "point": {"lat": "48.8566", "lon": "2.3522"}}]
    return out


CASES = {
    "year 0001": (lambda r: _dated(r, "0001-01-01"), "date.start", "before 1900-01-01"),
    "year 9999": (lambda r: _dated(r, "9999-12-31"), "date.end", "in the future"),
    "next week": (lambda r: _dated(r, NEXT_WEEK), "date.end", "in the future"),
    "ten million killed": (lambda r: _killed(r, 10_000_000), "casualties.0.best", "10,000"),
    "Saraqib in Paris": (_in_paris, "locations.0.point", "outside the monitored area"),
}


@pytest.mark.parametrize("case", CASES)
def test_implausible_reports_are_refused_unless_overridden(
    shared_api: Any, sample_report: dict, case: str
) -> None:
    make, field, words = CASES[case]
    ru = shared_api.client("ru-officer")
    start = shared_api.node.ledger.size
    body = make(sample_report)
    refused = ru.post("/api/v1/reports", json=body)
    assert refused.status_code == 422, refused.text
    error = refused.json()
    assert error["field"] == field
    assert words in error["message"]
    if field.startswith("locations"):
        # a point is the filing checks' (truce.agreement.filing): named once, with its place;
        # either stated reason files it (plausibility_override below, or override_note)
        assert "override_note" in error["hint"]
    else:
        assert error["message"].startswith("implausible report")
        assert "plausibility_override" in error["hint"]
    assert shared_api.node.ledger.size == start
    # The same, as a draft filed later: refused the same way, nothing appended.
    draft = ru.post("/api/v1/drafts", json={"kind": "report.filed", "body": body})
    assert draft.status_code == 201, draft.text
    filed = ru.post(f"/api/v1/drafts/{draft.json()['id']}/file")
    assert filed.status_code == 422, filed.text
    assert filed.json()["field"] == field
    assert shared_api.node.ledger.size == start
    # With a reason, it is filed, and the reason is in the signed entry.
    reason = f"checked with two sources: {case} is what the source says"
    accepted = ru.post("/api/v1/reports", json={**body, "plausibility_override": reason})
    assert accepted.status_code == 201, accepted.text
    entry = shared_api.node.ledger.entry(accepted.json()["index"])
    assert entry.body["plausibility_override"] == reason


def test_a_plausible_report_carries_no_override(shared_api: Any, sample_report: dict) -> None:
    made = shared_api.client("ru-officer").post("/api/v1/reports", json=sample_report)
    assert made.status_code == 201, made.text
    assert "plausibility_override" not in shared_api.node.ledger.entry(made.json()["index"]).body


def test_report_add_refuses_and_records_the_override(tmp_path: Path, sample_report: dict) -> None:
    from truce.config import Settings
    from truce.node import Node

    home = tmp_path / "home"
    with Node.init(Settings(home=home)) as node:
        node.add_party("ru", "Russian Federation")
    path = tmp_path / "report.json"
    path.write_text(json.dumps(_dated(sample_report, NEXT_WEEK)))
    env = {**os.environ, "TRUCE_HOME": str(home)}

    def truce(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "truce.cli", *args], capture_output=True, text=True, env=env
        )

    refused = truce("report", "add", str(path), "--as", "ru")
    assert refused.returncode == 2, refused.stderr
    assert "in the future" in refused.stderr and "plausibility_override" in refused.stderr
    ok = truce("report", "add", str(path), "--as", "ru", "--plausibility-override", "planned, ok")
    assert ok.returncode == 0, ok.stderr
    with Node.open(Settings(home=home)) as node:
        last = node.ledger.entry(node.ledger.size - 1)
        assert last.body["plausibility_override"] == "planned, ok"

"""Violations kept in the projection step (issue 22): what it costs a report to file.

Since issue 22 the projector recomputes the violations at the end of every batch, in the batch's
transaction (only the incidents the batch changed; all after a zone, site or agreement, merge or
split), so the incident page, the API, the CLI and the daily report never disagree. Measured:
the demo data directory (its agreement, zones and sites), then a scenario's reports filed one
at a time through ``Node.file_report`` (each its own batch: the worst case; a server's group
commit pays the step once per group), with the finisher and, as the baseline in the same run,
without it. SQLite in a temporary directory.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.harness import Baseline, Result
from truce.assess.scenario import ScenarioConfig, generate
from truce.config import Settings
from truce.demo import build_demo
from truce.model import PartyKind
from truce.node import Node


def _file(reports: int, *, finisher: bool) -> float:
    import truce.agreement.tables  # noqa: F401  (registers the finisher)
    import truce.store.projector as projector

    saved = dict(projector._FINISHERS)
    if not finisher:
        projector._FINISHERS.clear()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings.from_env(env={}, home=Path(tmp) / "demo")
            build_demo(settings)
            scenario = generate(
                ScenarioConfig(events=reports, seed=1, events_per_day=10, villages=120)
            )
            with Node.open(settings) as node:
                if node.ledger.key("osint") is None:
                    node.add_party("osint", "Open sources", PartyKind.INGEST)
                t0 = time.perf_counter()
                for i in range(len(scenario.reports)):
                    node.file_report(scenario.author(i), scenario.report(i))
                return (time.perf_counter() - t0) * 1000 / len(scenario.reports)
    finally:
        projector._FINISHERS.update(saved)


def run(quick: bool) -> list[Result]:
    reports = 100 if quick else 400
    runs: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(3):  # interleaved, so a busy moment of the shared machine hits both
        for finisher in (False, True):
            runs[finisher].append(_file(reports, finisher=finisher))
    without, with_ = min(runs[False]), min(runs[True])
    return [
        Result(
            name="violations.file_one_report",
            value=with_,
            unit="ms/report",
            params={"events": reports, "batch": 1, "database": "sqlite"},
            baseline=Baseline("without the violations step", without, "ms/report"),
            ratio=with_ / without,
            notes="each report its own projection batch (worst case); best of 3 interleaved runs",
        )
    ]

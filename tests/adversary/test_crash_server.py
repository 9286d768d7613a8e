"""``kill -9`` of a real ``truce serve`` under concurrent API load loses no acknowledged entry.

A server process is killed with SIGKILL at random moments while several clients file signed
reports through the API; after each kill it is started again on the same data directory. Every
report acknowledged with 201 must be in the log after the restart, the log must verify, and the
projections must equal a fresh rebuild. CI runs ``KILLS`` kills on each backend; the soak
(``benchmarks/bench_adversary.py``) runs many more and writes the figures to
``benchmarks/results.json``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.bench_adversary import make_home, run_kills

KILLS = 5
CLIENTS = 4


def test_kill_9_under_api_load_loses_nothing(
    tmp_path: Path, database_url: str, sample_report: dict
) -> None:
    settings, token = make_home(tmp_path / "home", database_url)
    figures = run_kills(
        settings, token, sample_report, kills=KILLS, clients=CLIENTS, seed=len(database_url)
    )
    assert figures.kills == KILLS
    assert figures.acknowledged, "no report was acknowledged: the load never ran"
    assert figures.lost == [], f"{len(figures.lost)} acknowledged reports lost: {figures.lost[:5]}"
    assert figures.present == len(figures.acknowledged)

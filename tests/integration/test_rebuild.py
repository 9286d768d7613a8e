"""Projections are a function of the log: rebuilding them gives the same rows, on both backends."""

import time
from pathlib import Path

import pytest
from sqlalchemy import text

from truce.config import Settings
from truce.demo import build_demo
from truce.model import Report, Zone
from truce.node import Node
from truce.store import projector


def test_rebuild_is_identical(tmp_path: Path, database_url: str, sample_report: dict) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    build_demo(settings)
    with Node.open(settings) as node:
        node.file_report("tr", Report.model_validate(sample_report))
        node.append(
            "ru",
            "zone.defined",
            Zone(
                id="dmz",
                name="Test zone",
                kind="demilitarized_zone",
                wkt="POLYGON ((36.5 35.5, 36.9 35.5, 36.9 35.9, 36.5 35.9, 36.5 35.5))",
                approximate=True,
            ),
        )
        before = node.store.dump()
        assert len(before["reports"]) >= 4 and len(before["parties"]) >= 3
        assert node.rebuild() == node.ledger.size
        assert node.store.dump() == before


def test_projections_catch_up_after_they_fall_behind(tmp_path: Path, sample_report: dict) -> None:
    settings = Settings(home=tmp_path / "home")
    build_demo(settings)
    with Node.open(settings) as node:
        before = node.store.dump()
        node.store.drop()  # as if the database were lost; the log is the record
    with Node.open(settings) as node:
        assert node.store.dump() == before


def _reports(node: Node, sample_report: dict, count: int) -> None:
    for day in range(1, count + 1):
        body = {
            **sample_report,
            "date": {"start": f"2019-03-{day:02d}", "end": f"2019-03-{day:02d}"},
        }
        node.file_report("tr", Report.model_validate(body))


def test_projecting_looks_at_the_statistics_every_so_many_entries(
    tmp_path: Path, database_url: str, sample_report: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(projector, "STATISTICS_EVERY", 10)
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    looked: list[int] = []
    with Node.init(settings) as node:
        node.add_party("tr", "Republic of Türkiye")
        refresh = node.store.refresh_statistics
        monkeypatch.setattr(
            node.store, "refresh_statistics", lambda: looked.append(node.ledger.size) or refresh()
        )
        _reports(node, sample_report, 25)
        node.store.close()  # waits for a refresh under way
    if database_url.startswith("postgresql"):
        # on its own thread: a look is skipped while the last one is still under way
        assert 1 <= len(looked) <= 2 and looked[0] >= 10
    else:
        assert looked == []  # SQLite plans without statistics that go stale


def test_the_tables_that_grew_are_analyzed(
    tmp_path: Path, database_url: str, sample_report: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's planner statistics")
    monkeypatch.setattr(projector, "STATISTICS_EVERY", 10_000)  # only when called here
    monkeypatch.setattr(projector, "STALE_ROWS", 20)
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    with Node.init(settings) as node:
        node.add_party("tr", "Republic of Türkiye")
        _reports(node, sample_report, 30)
        engine = node.store.engine

        def reports_stats() -> tuple[int, object]:
            with engine.connect() as conn:
                row = conn.execute(
                    text(
                        "SELECT n_mod_since_analyze, last_analyze FROM pg_stat_user_tables "
                        "WHERE relname = 'reports' AND schemaname = current_schema()"
                    )
                ).one()
            return int(row[0]), row[1]

        deadline = time.monotonic() + 20  # the server publishes a backend's counts within ~1 s
        while reports_stats()[0] < 30:
            assert time.monotonic() < deadline, "PostgreSQL did not count the inserted rows"
            time.sleep(0.1)
        assert reports_stats()[1] is None  # never analyzed yet
        stale = node.store.refresh_statistics()
        assert "reports" in stale and "parties" not in stale  # 1 party: below STALE_ROWS
        mod, analyzed_at = reports_stats()
        assert mod == 0 and analyzed_at is not None
        assert "reports" not in node.store.refresh_statistics()  # fresh now
        assert node.store.analyzed.count("reports") == 1

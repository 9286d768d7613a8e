"""Projections are a function of the log: rebuilding them gives the same rows, on both backends."""

import time
from collections.abc import Iterator
from datetime import date as date_type
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, text

from truce.config import Settings
from truce.demo import build_demo
from truce.ledger.entry import Entry
from truce.ledger.log import Ledger
from truce.model import Report, Zone
from truce.node import Node
from truce.store import Store, make_engine, projector


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


# PostgreSQL's planner statistics.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_tables_that_grew_are_analyzed(
    tmp_path: Path, database_url: str, sample_report: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
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


class _Prefix:
    """The first ``size`` entries of a ledger, as another process would have seen them."""

    def __init__(self, ledger: Ledger, size: int) -> None:
        self.ledger, self.size = ledger, size

    def iter_entries(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, Entry]]:
        return self.ledger.iter_entries(start, min(self.size, stop or self.size))


def _append_unprojected(node: Node, sample_report: dict, day: int, year: int = 2019) -> None:
    """A report in the log that no store has projected yet (another writer's, say)."""
    date = {"start": (date_type(year, 1, 1) + timedelta(days=day)).isoformat()}
    report = Report.model_validate({**sample_report, "date": date})
    seq, prev = node.ledger.next_position("tr")
    entry = Entry.sign(
        node.signing_key("tr"),
        origin=node.ledger.origin,
        kind="report.filed",
        author="tr",
        seq=seq,
        prev=prev,
        body=report.to_body(),
    )
    node.ledger.append([entry])


@pytest.mark.parametrize("other", ["ahead", "behind"])
def test_a_store_notices_when_something_else_projected_meanwhile(
    tmp_path: Path, database_url: str, sample_report: dict, other: str
) -> None:
    """A store goes on from the size it committed without reading it; if another store moved
    the tables meanwhile (further on, or back by a rebuild), it starts again from theirs."""
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    with Node.init(settings) as node:
        node.add_party("tr", "Republic of Türkiye")
        _reports(node, sample_report, 3)
        committed = node.ledger.size
        for day in (1, 2):
            _append_unprojected(node, sample_report, day)
        elsewhere = Store(make_engine(database_url))
        try:
            if other == "ahead":  # it projected the two new entries
                assert elsewhere.catch_up(node.ledger) == 2
            else:  # it rebuilt the tables from an older copy of the log
                elsewhere.drop()
                elsewhere.create()
                assert elsewhere.catch_up(_Prefix(node.ledger, committed - 2)) == committed - 2
        finally:
            elsewhere.engine.dispose()
        _append_unprojected(node, sample_report, 3)
        applied = node.store.catch_up(node.ledger)
        assert applied == (1 if other == "ahead" else 5)
        assert node.store.applied_size() == node.ledger.size
        ours = node.store.dump()
        assert node.rebuild() == node.ledger.size
        assert node.store.dump() == ours


def _statements(node: Node) -> list[str]:
    """What the node's catch-up runs: each statement's first words."""
    seen: list[str] = []

    def capture(*args: object) -> None:
        seen.append(str(args[2]).split(" (")[0].split(" SET ")[0])

    event.listen(node.store.engine, "before_cursor_execute", capture)
    try:
        node.store.catch_up(node.ledger)
    finally:
        event.remove(node.store.engine, "before_cursor_execute", capture)
    return seen


def test_a_batch_of_reports_costs_the_same_statements_whatever_its_size(
    tmp_path: Path, database_url: str, sample_report: dict
) -> None:
    """Each row is written once, with its incident already in it; the store that committed the
    last batch does not read ``applied_size`` back."""
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    with Node.init(settings) as node:
        node.add_party("tr", "Republic of Türkiye")
        _reports(node, sample_report, 1)
        statements: dict[int, list[str]] = {}
        for count in (2, 10):
            for i in range(count):  # a month apart: each report starts an incident of its own
                _append_unprojected(node, sample_report, 30 * i, year=2010 + count)
            statements[count] = _statements(node)
        assert statements[2] == statements[10]
        assert statements[10].count("INSERT INTO reports") == 1
        assert "UPDATE reports" not in statements[10]
        assert not [s for s in statements[10] if "FROM meta" in s]
        assert len(statements[10]) <= 8

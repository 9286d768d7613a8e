"""The connection projections write through: deferred inserts, always visible to later reads."""

from pathlib import Path

from sqlalchemy import func, insert, select

from truce.store import make_engine, schema
from truce.store.projector import ProjectionConnection, Store


def _store(tmp_path: Path) -> Store:
    store = Store(make_engine(f"sqlite:///{tmp_path / 'p.db'}"))
    store.create()
    return store


def _incident(iid: str) -> dict:
    return {
        "id": iid, "event_type": "", "sub_event_type": "Armed clash", "family": "clash",
        "date_start": "2019-03-12", "date_end": "2019-03-12", "report_count": 1,
        "occurrence": "single-source", "first_index": 1, "last_index": 1,
    }  # fmt: skip


def _report(rid: str) -> dict:
    return {
        "id": rid, "entry_index": int(rid[2:]), "author": "ru", "filed_at": "2019-03-14T09:00:00Z",
        "event_type": "Battles", "sub_event_type": "Armed clash", "family": "clash",
        "modality": "occurred", "date_start": "2019-03-12", "date_end": "2019-03-12",
        "time_precision": 1, "geo_precision": 1, "title": "t", "incident_id": None, "body": "{}",
    }  # fmt: skip


def test_deferred_rows_are_written_in_dependency_order_and_seen_by_reads(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with store.engine.begin() as raw:
        raw.execute(insert(schema.parties), {"id": "ru", "name": "RU", "kind": "party",
                                             "public_key": "k", "entry_index": 0})  # fmt: skip
        conn = ProjectionConnection(raw)
        # The report (pointing at the incident) is deferred before the incident it names:
        # written as they came, the foreign key would refuse it.
        conn.defer(schema.reports, insert(schema.reports), _report("R-1"), key="R-1")
        conn.pending(schema.reports, "R-1")["incident_id"] = "I-1"  # type: ignore[index]
        conn.defer(schema.incidents, insert(schema.incidents), _incident("I-1"))
        assert raw.execute(select(func.count()).select_from(schema.reports)).scalar() == 0
        # Any statement through the projection connection first writes what was deferred.
        row = conn.execute(select(schema.reports.c.incident_id)).one()
        assert row.incident_id == "I-1"
        assert conn.pending(schema.reports, "R-1") is None
        conn.defer(schema.incidents, insert(schema.incidents), _incident("I-2"))
        conn.flush()
        assert raw.execute(select(func.count()).select_from(schema.incidents)).scalar() == 2

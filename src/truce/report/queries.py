"""The projections as of a ledger size, read for reports and exports (issue 21: the SQL of
:mod:`truce.report.read` lives here; the views it returns are defined there).

:func:`open_snapshot` gives that state: at the log's current size it reads the live projection
tables inside one transaction (a consistent view while others append); at an earlier size it
replays the log's first ``size`` entries into a private in-memory SQLite database through the same
projection handlers ``truce rebuild`` uses (projections are deterministic, so the two agree).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pydantic
import shapely
from shapely.prepared import prep
from sqlalchemy import Connection, RowMapping, Table, create_engine, func, select
from sqlalchemy.pool import StaticPool

from truce.errors import NotFoundError, ValidationError
from truce.ledger.entry import Entry
from truce.ledger.log import Ledger
from truce.model import Report, Site
from truce.model.kinds import validation_error
from truce.node import Node
from truce.report.read import (
    Event,
    EventFilter,
    IncidentView,
    LedgerState,
    ReportView,
    ResponseView,
    ZoneView,
    _point,
    ledger_state,
    merge_reports,
)
from truce.store import Store, schema

__all__ = ["Snapshot", "open_snapshot"]

_CORE_INCIDENT_COLUMNS = frozenset(c.name for c in schema.incidents.columns)


class _Prefix:
    """The first ``size`` entries of a ledger, as :meth:`Store.catch_up` reads a ledger."""

    def __init__(self, ledger: Ledger, size: int) -> None:
        self._ledger = ledger
        self.size = size

    def iter_entries(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, Entry]]:
        stop = self.size if stop is None else min(stop, self.size)
        return self._ledger.iter_entries(start, stop)


@contextmanager
def open_snapshot(node: Node, size: int | None = None) -> Iterator[Snapshot]:
    """The projections as of ledger size ``size`` (default: the current size)."""
    state = ledger_state(node.ledger, size)
    if state.size == node.ledger.size:
        engine = node.store.engine
        with engine.connect() as conn:
            if engine.dialect.name != "sqlite":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                if node.store.applied_size(conn) == state.size:
                    yield Snapshot(conn, state)
                    return
    # An earlier size (or projections behind the log): replay into a private database.
    memory = create_engine("sqlite://", poolclass=StaticPool)
    try:
        Store(memory).catch_up(_Prefix(node.ledger, state.size))
        with memory.connect() as conn, conn.begin():
            yield Snapshot(conn, state)
    finally:
        memory.dispose()


def _parse_report(body: str, where: str) -> Report:
    try:
        return Report.model_validate(json.loads(body))
    except pydantic.ValidationError as exc:  # a recorded body always validated; say where if not
        raise validation_error(exc, where) from None


class Snapshot:
    """Read access to the projections at one ledger state. Use inside :func:`open_snapshot`."""

    def __init__(self, conn: Connection, state: LedgerState) -> None:
        self.conn = conn
        self.state = state
        self._zones: list[ZoneView] | None = None

    def has_table(self, name: str) -> bool:
        return name in schema.metadata.tables

    # -- reference data ------------------------------------------------------------------------
    def parties(self) -> dict[str, str]:
        t = schema.parties
        rows = self.conn.execute(select(t.c.id, t.c.name).order_by(t.c.entry_index))
        return {r.id: r.name for r in rows}

    def parties_of_kind(self, kind: str) -> list[str]:
        """Ids of the parties of one kind ('ingest', 'monitor'...), in registration order."""
        t = schema.parties
        rows = self.conn.execute(select(t.c.id).where(t.c.kind == kind).order_by(t.c.entry_index))
        return [r.id for r in rows]

    def zones(self) -> list[ZoneView]:
        if self._zones is None:
            t = schema.zones
            rows = self.conn.execute(select(t).order_by(t.c.id)).mappings()
            self._zones = [
                ZoneView(
                    id=r["id"],
                    name=r["name"],
                    kind=r["kind"],
                    wkt=r["wkt"],
                    valid_from=r["valid_from"],
                    valid_to=r["valid_to"],
                    approximate=bool(r["approximate"]),
                    source=r["source"] or "",
                    notes=r["notes"] or "",
                )
                for r in rows
            ]
        return self._zones

    def zone(self, zone_id: str) -> ZoneView:
        for z in self.zones():
            if z.id == zone_id:
                return z
        known = ", ".join(z.id for z in self.zones()) or "none recorded"
        raise NotFoundError(f"no zone {zone_id!r}", hint=f"Zones: {known}.")

    def sites(self) -> list[dict[str, Any]]:
        t = schema.sites
        rows = self.conn.execute(select(t).order_by(t.c.id)).mappings()
        return [{k: v for k, v in r.items() if k != "body"} for r in rows]

    def site_models(self) -> list[Site]:
        """Every registered site (latest version) as recorded, by id."""
        t = schema.sites
        rows = self.conn.execute(select(t.c.id, t.c.body).order_by(t.c.id))
        return [Site.model_validate(json.loads(r.body)) for r in rows]

    def tags_with_prefix(self, prefix: str) -> frozenset[str]:
        """Every report tag starting with ``prefix`` (for an importer's duplicate check)."""
        t = schema.reports
        query = select(t.c.body).where(t.c.body.contains(json.dumps(prefix)[1:-1]))
        found: set[str] = set()
        for (body,) in self.conn.execute(query):
            found.update(tag for tag in json.loads(body).get("tags", ()) if tag.startswith(prefix))
        return frozenset(found)

    def last_incident_end(self, on_or_before: str) -> str | None:
        """The latest ``date_end`` of the incidents starting on or before ``on_or_before``."""
        t = schema.incidents
        query = select(func.max(t.c.date_end)).where(t.c.date_start <= on_or_before)
        found = self.conn.execute(query).scalar()
        return None if found is None else str(found)

    # -- reports, incidents, responses ---------------------------------------------------------
    def reports(self, flt: EventFilter | None = None) -> list[ReportView]:
        return list(self.iter_reports(flt))

    def iter_reports(self, flt: EventFilter | None = None) -> Iterator[ReportView]:
        """:meth:`reports` as a stream, read through one cursor (memory flat)."""
        t = schema.reports
        query = select(t).order_by(t.c.entry_index)
        flt = flt or EventFilter()
        if flt.end:
            query = query.where(t.c.date_start <= flt.end.isoformat())
        if flt.start:
            query = query.where(t.c.date_end >= flt.start.isoformat())
        if flt.event_types:
            query = query.where(t.c.event_type.in_(flt.event_types))
        if flt.authors:
            query = query.where(t.c.author.in_(flt.authors))
        inside = self._inside(flt.zone) if flt.zone else None
        result = self.conn.execution_options(stream_results=True, yield_per=1000).execute(query)
        for r in result.mappings():
            view = ReportView(
                id=r["id"],
                index=r["entry_index"],
                author=r["author"],
                filed_at=r["filed_at"],
                incident_id=r["incident_id"],
                report=_parse_report(r["body"], f"report {r['id']}"),
            )
            point = _point(view.report)
            if inside is not None and not (point and inside(*point)):
                continue
            yield view

    def responses(self) -> dict[str, list[ResponseView]]:
        t = schema.responses
        out: dict[str, list[ResponseView]] = {}
        for r in self.conn.execute(select(t).order_by(t.c.entry_index)).mappings():
            out.setdefault(r["incident_id"], []).append(
                ResponseView(
                    id=r["id"],
                    index=r["entry_index"],
                    author=r["author"],
                    incident_id=r["incident_id"],
                    kind=r["kind"],
                    field=r["field"],
                    value=r["value"],
                    text=r["text"],
                    filed_at=r["filed_at"],
                )
            )
        return out

    def incidents(self, flt: EventFilter | None = None) -> list[IncidentView]:
        """Incidents whose dates overlap the filter's, in order of their first report."""
        return list(self.iter_incidents(flt))

    def iter_incidents(
        self, flt: EventFilter | None = None, *, batch: int = 1000
    ) -> Iterator[IncidentView]:
        """:meth:`incidents` as a stream: the rows are read through one cursor in batches of
        ``batch``, each batch with its reports and responses, so memory stays flat however many
        incidents there are (exports of a million incidents rely on it)."""
        flt = flt or EventFilter()
        t = schema.incidents
        query = select(t).order_by(t.c.first_index, t.c.id)
        if flt.end:
            query = query.where(t.c.date_start <= flt.end.isoformat())
        if flt.start:
            query = query.where(t.c.date_end >= flt.start.isoformat())
        if flt.event_types:
            query = query.where(t.c.event_type.in_(flt.event_types))
        inside = self._inside(flt.zone) if flt.zone else None
        locate = self._zone_locator()
        result = self.conn.execution_options(stream_results=True, yield_per=batch).execute(query)
        for part in result.mappings().partitions(batch):
            rows = list(part)
            if inside is not None:
                rows = [r for r in rows if r["lat"] is not None and inside(r["lat"], r["lon"])]
            wanted = {r["id"] for r in rows}
            by_incident: dict[str, list[ReportView]] = {}
            for view in self._reports_of(wanted):
                by_incident.setdefault(view.incident_id or "", []).append(view)
            responses = self._responses_of(wanted)
            for r in rows:
                reports = tuple(by_incident.get(r["id"], ()))
                if flt.authors and not any(v.author in flt.authors for v in reports):
                    continue
                yield IncidentView(
                    id=r["id"],
                    event_type=r["event_type"],
                    sub_event_type=r["sub_event_type"],
                    date_start=r["date_start"],
                    date_end=r["date_end"],
                    lat=r["lat"],
                    lon=r["lon"],
                    place=r["place"],
                    occurrence=r["occurrence"],
                    reports=reports,
                    responses=tuple(responses.get(r["id"], ())),
                    zones=locate(r["lat"], r["lon"]),
                    extra={k: v for k, v in r.items() if k not in _CORE_INCIDENT_COLUMNS},
                )

    def _responses_of(self, incident_ids: set[str]) -> dict[str, list[ResponseView]]:
        t = schema.responses
        out: dict[str, list[ResponseView]] = {}
        ids = sorted(incident_ids)
        rows: list[RowMapping] = []
        for i in range(0, len(ids), 500):  # stay under the SQL parameter limits
            query = select(t).where(t.c.incident_id.in_(ids[i : i + 500]))
            rows.extend(self.conn.execute(query).mappings())
        for r in sorted(rows, key=lambda r: r["entry_index"]):
            out.setdefault(r["incident_id"], []).append(
                ResponseView(
                    id=r["id"],
                    index=r["entry_index"],
                    author=r["author"],
                    incident_id=r["incident_id"],
                    kind=r["kind"],
                    field=r["field"],
                    value=r["value"],
                    text=r["text"],
                    filed_at=r["filed_at"],
                )
            )
        return out

    def _reports_of(self, incident_ids: set[str]) -> list[ReportView]:
        if not incident_ids:
            return []
        t = schema.reports
        views: list[ReportView] = []
        ids = sorted(incident_ids)
        for i in range(0, len(ids), 500):  # stay under the SQL parameter limits
            query = select(t).where(t.c.incident_id.in_(ids[i : i + 500]))
            for r in self.conn.execute(query).mappings():
                views.append(
                    ReportView(
                        id=r["id"],
                        index=r["entry_index"],
                        author=r["author"],
                        filed_at=r["filed_at"],
                        incident_id=r["incident_id"],
                        report=_parse_report(r["body"], f"report {r['id']}"),
                    )
                )
        views.sort(key=lambda v: v.index)
        return views

    # -- the agreement capability's tables --------------------------------------------------
    def patrols(self) -> list[dict[str, Any]]:
        """Planned patrols (latest version)."""
        from truce.agreement.tables import patrols

        return self._rows(patrols)

    def patrol_observations(self) -> list[dict[str, Any]]:
        from truce.agreement.tables import patrol_observations

        return self._rows(patrol_observations)

    def violations(self) -> list[dict[str, Any]]:
        """Violations of the adopted agreements at this ledger state, computed from the
        snapshot's own tables by the agreement capability."""
        from truce.agreement.violations import compute

        rows, _unplaced, _agreements = compute(self.conn)
        return rows

    def _rows(self, table: Table) -> list[dict[str, Any]]:
        order = list(table.primary_key.columns) or list(table.columns)
        return [dict(r) for r in self.conn.execute(select(table).order_by(*order)).mappings()]

    # -- events, the unit of export --------------------------------------------------------------
    def events(self, unit: str = "incidents", flt: EventFilter | None = None) -> list[Event]:
        return list(self.iter_events(unit, flt))

    def iter_events(
        self, unit: str = "incidents", flt: EventFilter | None = None
    ) -> Iterator[Event]:
        """:meth:`events` as a stream (memory flat; see :meth:`iter_incidents`)."""
        if unit == "reports":
            locate = self._zone_locator()
            for v in self.iter_reports(flt):
                yield Event(
                    id=v.id,
                    unit="report",
                    report=v.report,
                    report_ids=(v.id,),
                    authors=(v.author,),
                    first_filed=v.filed_at,
                    last_filed=v.filed_at,
                    zones=locate(*(_point(v.report) or (None, None))),
                )
            return
        if unit != "incidents":
            raise ValidationError(f"unit {unit!r} is not 'incidents' or 'reports'", field="unit")
        for inc in self.iter_incidents(flt):
            if not inc.reports:
                continue
            times = [v.filed_at for v in inc.reports] + [r.filed_at for r in inc.responses]
            yield Event(
                id=inc.id,
                unit="incident",
                report=merge_reports(inc),
                report_ids=tuple(v.id for v in inc.reports),
                authors=tuple(dict.fromkeys(v.author for v in inc.reports)),
                first_filed=min(times),
                last_filed=max(times),
                occurrence=inc.occurrence,
                zones=inc.zones,
                responses=inc.responses,
                extra=inc.extra,
            )

    # -- geometry ------------------------------------------------------------------------------
    def _inside(self, zone_id: str) -> Any:
        prepared = prep(self.zone(zone_id).geometry)
        return lambda lat, lon: prepared.covers(shapely.Point(float(lon), float(lat)))

    def _zone_locator(self) -> Any:
        zones = [(z.id, prep(z.geometry)) for z in self.zones()]

        def locate(lat: Any, lon: Any) -> tuple[str, ...]:
            if lat is None or lon is None or not zones:
                return ()
            point = shapely.Point(float(lon), float(lat))
            return tuple(zid for zid, geom in zones if geom.covers(point))

        return locate

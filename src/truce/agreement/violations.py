"""Violations: incidents that break a clause, each citing the clause, the geometry and the reports.

:func:`refresh` recomputes the whole ``violations`` table from the projections (incidents,
reports, zones, sites, agreements) with :mod:`truce.agreement.engine`. It is deterministic —
the same log gives the same rows, ids included — and runs whenever the log has grown since the
last computation, so violations follow new evidence, regrading and new zone versions.

A violation's **status** is its incident's occurrence grade: an incident seen by one source only
(``single-source``) gives an **alleged** violation; ``corroborated``, ``confirmed``,
``contested`` and ``discounted`` carry over as they are. Its **certainty** (``certain`` or
``possible``) says whether the location error and the dates leave room for it not to be one.

Location error: the report's circular error ``error_m`` (the smallest among the incident's
reports). A report that gives none is taken at its ACLED geo-precision: 1 (the named town) as
given, 2 (near a town, part of a region) as 5 km, 3 (a larger region) as 25 km.
"""

from __future__ import annotations

import json
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from sqlalchemy import Connection, delete, insert, select
from sqlalchemy import update as sql_update

from truce.agreement.engine import (
    IncidentColumns,
    MapIndex,
    SiteColumns,
    ZoneColumns,
    match_clause,
)
from truce.agreement.tables import agreements, derived, violations, violations_state
from truce.model.agreement import Agreement, Relation
from truce.node import Node
from truce.store import schema

__all__ = ["PRECISION_ERROR_M", "STATUS", "Refresh", "list_violations", "refresh"]

#: Violation status for each incident occurrence grade.
STATUS = {
    "single-source": "alleged",
    "corroborated": "corroborated",
    "confirmed": "confirmed",
    "contested": "contested",
    "discounted": "discounted",
}

#: Error radius for a report that gives none, by ACLED geo_precision.
PRECISION_ERROR_M = {1: 0, 2: 5_000, 3: 25_000}

_SIZE_KEY = "computed_at"


@dataclass
class Refresh:
    size: int
    computed: bool
    violations: int = 0
    #: Per clause ("agreement/clause"), incidents that met its fields and dates but have no point.
    unplaced: dict[str, int] = field(default_factory=dict)
    agreements: int = 0


def _incidents(
    conn: Connection, want_tags: bool, only: frozenset[str] | None = None
) -> tuple[IncidentColumns, dict[str, Any]]:
    inc = schema.incidents
    query = (
        select(
            inc.c.id,
            inc.c.event_type,
            inc.c.sub_event_type,
            inc.c.family,
            inc.c.occurrence,
            inc.c.date_start,
            inc.c.date_end,
            inc.c.lat,
            inc.c.lon,
            inc.c.place,
        )
    ).order_by(inc.c.first_index)
    if only is not None:
        query = query.where(inc.c.id.in_(sorted(only)))
    rows = conn.execute(query).all()
    rep = schema.reports
    columns = [rep.c.id, rep.c.incident_id, rep.c.modality, rep.c.error_m, rep.c.geo_precision]
    if want_tags:
        columns.append(rep.c.body)
    of_reports = select(*columns).order_by(rep.c.entry_index)
    if only is not None:
        of_reports = of_reports.where(rep.c.incident_id.in_(sorted(only)))
    reports: dict[str, list[str]] = defaultdict(list)
    modality: dict[str, set[str]] = defaultdict(set)
    tags: dict[str, set[str]] = defaultdict(set)
    error: dict[str, float] = {}
    for r in conn.execute(of_reports):
        if r.incident_id is None:
            continue
        reports[r.incident_id].append(r.id)
        modality[r.incident_id].add(r.modality)
        if r.error_m is not None:  # a report with a point
            err = float(r.error_m) or float(PRECISION_ERROR_M.get(r.geo_precision, 0))
            error[r.incident_id] = min(err, error.get(r.incident_id, err))
        if want_tags:
            tags[r.incident_id].update(json.loads(r.body).get("tags", []))
    ids = [r.id for r in rows]
    columns_out = IncidentColumns(
        ids=np.array(ids, dtype=object),
        lon=np.array([np.nan if r.lon is None else r.lon for r in rows], dtype=np.float64),
        lat=np.array([np.nan if r.lat is None else r.lat for r in rows], dtype=np.float64),
        error_m=np.array([error.get(i, 0.0) for i in ids], dtype=np.float64),
        start=np.array([r.date_start for r in rows], dtype="datetime64[D]"),
        end=np.array([r.date_end for r in rows], dtype="datetime64[D]"),
        fields={
            "family": np.array([r.family for r in rows], dtype=object),
            "event_type": np.array([r.event_type for r in rows], dtype=object),
            "sub_event_type": np.array([r.sub_event_type for r in rows], dtype=object),
            "occurrence": np.array([r.occurrence for r in rows], dtype=object),
        },
        sets={
            "modality": [frozenset(modality.get(i, ())) for i in ids],
            "tag": [frozenset(tags.get(i, ())) for i in ids],
        },
    )
    extra = {"rows": rows, "reports": reports}
    return columns_out, extra


_MAPS: dict[tuple[tuple[Any, ...], tuple[Any, ...]], MapIndex] = {}
_AGREEMENTS: dict[tuple[int, str], Agreement] = {}


def _agreement(body: str, entry_index: int) -> Agreement:
    """An adopted agreement, parsed once per version (the projector asks after every batch)."""
    key = (entry_index, body)
    found = _AGREEMENTS.get(key)
    if found is None:
        if len(_AGREEMENTS) >= 64:
            _AGREEMENTS.pop(next(iter(_AGREEMENTS)))
        found = _AGREEMENTS[key] = Agreement.model_validate_json(body)
    return found


def _map(conn: Connection) -> tuple[MapIndex, list[Any], list[Any]]:
    zone_rows = conn.execute(select(schema.zones).order_by(schema.zones.c.id)).all()
    site_rows = conn.execute(select(schema.sites).order_by(schema.sites.c.id)).all()
    # The map index (geometries parsed, projected, indexed) is rebuilt only when a zone or a
    # site changed: the projector recomputes violations after every batch.
    key = (
        tuple((z.id, z.entry_index) for z in zone_rows),
        tuple((s.id, s.entry_index) for s in site_rows),
    )
    cached = _MAPS.get(key)
    if cached is not None:
        return cached, list(zone_rows), list(site_rows)
    zones = ZoneColumns.build(
        [z.id for z in zone_rows],
        [z.kind for z in zone_rows],
        [shapely.from_wkt(z.wkt) for z in zone_rows],
        [z.valid_from for z in zone_rows],
        [z.valid_to for z in zone_rows],
        [bool(z.approximate) for z in zone_rows],
    )
    sites = SiteColumns.build(
        [s.id for s in site_rows],
        [s.kind for s in site_rows],
        [s.lon for s in site_rows],
        [s.lat for s in site_rows],
        [bool(s.approximate) for s in site_rows],
    )
    index = MapIndex(zones, sites)
    if len(_MAPS) >= 4:
        _MAPS.pop(next(iter(_MAPS)))
    _MAPS[key] = index
    return index, list(zone_rows), list(site_rows)


def compute(
    conn: Connection, only: frozenset[str] | None = None
) -> tuple[list[dict[str, Any]], dict[str, int], int]:
    """Every violation of every adopted agreement, as table rows (sorted by id); with ``only``,
    those of these incidents only (a clause judges each incident on its own)."""
    adopted = [
        (_agreement(r.body, r.entry_index), r.entry_index)
        for r in conn.execute(select(agreements).order_by(agreements.c.id))
    ]
    if not adopted:
        return [], {}, 0
    want_tags = any(
        "tag" in cond for a, _ in adopted for c in a.clauses for cond in (*c.when, *c.unless)
    )
    incidents, extra = _incidents(conn, want_tags, only)
    index, zone_rows, site_rows = _map(conn)
    rows_out: list[dict[str, Any]] = []
    unplaced: dict[str, int] = {}
    incident_rows = extra["rows"]
    for agreement, entry_index in adopted:
        for clause in agreement.clauses:
            result = match_clause(clause, incidents, index)
            if len(result.unplaced):
                unplaced[f"{agreement.id}/{clause.id}"] = len(result.unplaced)
            m = result.matches
            relation = (
                "anywhere"
                if not clause.where
                else ",".join(sorted({p.relation.value for p in clause.where}))
            )
            for k in range(len(m.incident)):
                i = int(m.incident[k])
                row = incident_rows[i]
                target_type = str(m.target_type[k])
                target: Any = None
                if target_type == "zone":
                    target = zone_rows[int(m.target[k])]
                elif target_type == "site":
                    target = site_rows[int(m.target[k])]
                place_relation = (
                    Relation.INSIDE.value
                    if target_type == "zone" and m.distance_m[k] == 0 and relation == "inside"
                    else relation
                )
                rows_out.append(
                    {
                        "id": f"{agreement.id}/{clause.id}/{row.id}",
                        "agreement_id": agreement.id,
                        "agreement_index": entry_index,
                        "clause_id": clause.id,
                        "clause_text": clause.text,
                        "incident_id": row.id,
                        "status": STATUS.get(row.occurrence, "alleged"),
                        "certainty": "certain" if m.certain[k] else "possible",
                        "relation": place_relation,
                        "target_type": target_type or "none",
                        "target_id": target.id if target is not None else None,
                        "target_name": target.name if target is not None else None,
                        "target_kind": target.kind if target is not None else None,
                        "target_approximate": bool(target.approximate) if target else False,
                        "distance_m": round(float(m.distance_m[k])),
                        "error_m": round(float(incidents.error_m[i])),
                        "sub_event_type": row.sub_event_type,
                        "date_start": row.date_start,
                        "date_end": row.date_end,
                        "lat": row.lat,
                        "lon": row.lon,
                        "place": row.place,
                        "reports": json.dumps(extra["reports"].get(row.id, [])),
                    }
                )
    rows_out.sort(key=lambda r: r["id"])
    return rows_out, unplaced, len(adopted)


def _computed_size(conn: Connection) -> int | None:
    value = conn.execute(
        select(violations_state.c.size).where(violations_state.c.key == _SIZE_KEY)
    ).scalar()
    return int(value) if value is not None else None


#: Entry kinds whose projection can change a violation (incidents and their grades, zones,
#: sites, agreements); a batch without them leaves the violations as they are.
AFFECTING = frozenset(
    {
        "report.filed",
        "response.filed",
        "incident.merged",
        "incident.split",
        "zone.defined",
        "site.registered",
        "agreement.adopted",
    }
)


def _store(conn: Connection, size: int, rows: list[dict[str, Any]]) -> None:
    conn.execute(delete(violations))
    if rows:
        conn.execute(insert(violations), rows)
    _set_size(conn, size)


def _set_size(conn: Connection, size: int) -> None:
    done = conn.execute(
        sql_update(violations_state).where(violations_state.c.key == _SIZE_KEY).values(size=size)
    )
    if done.rowcount == 0:
        conn.execute(insert(violations_state).values(key=_SIZE_KEY, size=size))


#: Kinds after which every violation is recomputed: the geometry or the rules changed, or
#: incidents were merged or split (ids gone or new). Other affecting kinds recompute only the
#: incidents the batch changed (``incidents.last_index`` in the batch).
_EVERYTHING = frozenset(
    {"zone.defined", "site.registered", "agreement.adopted", "incident.merged", "incident.split"}
)
#: Whether any agreement is adopted, by database, as this process last saw it: a process that
#: projects (the server's projector; a CLI command without a server) is the data directory's
#: only writer while it runs (CLI writes go through a running server), and an agreement comes
#: only through an ``agreement.adopted`` entry it projects itself. Until one is, a batch costs
#: no statement at all (the violations of no agreement are none).
#: Keyed by the engine itself, not its URL: two snapshots of a log (``sqlite://`` in memory, a
#: temporary file reused) share a URL, not their tables.
_HAS_AGREEMENTS: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def recompute_in_projection(conn: Any, start: int, stop: int, kinds: frozenset[str]) -> None:
    """The projector's finisher: the violations recomputed in the same transaction as the
    batch of reports, grades, zones, sites and agreements they derive from, so the incident
    page, the API, ``truce violations`` and the daily report never disagree (issue 22)."""
    raw: Connection = conn.conn if hasattr(conn, "conn") else conn
    engine = raw.engine
    known = _HAS_AGREEMENTS.get(engine)
    if known is None or "agreement.adopted" in kinds:
        derived.create_all(raw)  # checkfirst: a no-op once the tables exist
        known = raw.execute(select(agreements.c.id).limit(1)).first() is not None
        _HAS_AGREEMENTS[engine] = known
    if not known:
        return
    if not kinds & AFFECTING:
        _set_size(raw, stop)
        return
    if kinds & _EVERYTHING or _computed_size(raw) != start:
        rows, _, _ = compute(raw)
        _store(raw, stop, rows)
        return
    # Every incident the batch changed (a report joined it, a response regraded it) says so.
    inc = schema.incidents
    touched = {
        r[0]
        for r in raw.execute(
            select(inc.c.id).where(inc.c.last_index >= start, inc.c.last_index < stop)
        )
    }
    if touched:
        rows, _, _ = compute(raw, frozenset(touched))
        raw.execute(delete(violations).where(violations.c.incident_id.in_(sorted(touched))))
        if rows:
            raw.execute(insert(violations), rows)
    _set_size(raw, stop)


def refresh(node: Node, *, force: bool = False) -> Refresh:
    """Recompute the violations table if the log has grown since (or ``force``)."""
    size = node.ledger.size
    engine = node.store.engine
    derived.create_all(engine)
    with engine.begin() as conn:
        if not force and _computed_size(conn) == size:
            count = conn.execute(select(violations.c.id)).all()
            return Refresh(size=size, computed=False, violations=len(count))
        rows, unplaced, n_agreements = compute(conn)
        _store(conn, size, rows)
    return Refresh(size, True, len(rows), unplaced, n_agreements)


def list_violations(
    node: Node,
    *,
    status: str | None = None,
    clause: str | None = None,
    certainty: str | None = None,
) -> list[dict[str, Any]]:
    """The current violations (recomputed first if stale), newest incident first."""
    refresh(node)
    query = select(violations)
    if status:
        query = query.where(violations.c.status == status)
    if clause:
        query = query.where(violations.c.clause_id == clause)
    if certainty:
        query = query.where(violations.c.certainty == certainty)
    query = query.order_by(violations.c.date_start.desc(), violations.c.id)
    with node.store.engine.connect() as conn:
        out = []
        for row in conn.execute(query).mappings():
            item = dict(row)
            item["reports"] = json.loads(item["reports"])
            out.append(item)
    return out

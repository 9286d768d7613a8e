"""Incidents as a projection of the log: correlation, merges, splits and grades, in log order.

Handlers (registered with :func:`truce.store.projects`, after the core handlers that write the
report and response rows):

- ``report.filed``: the report is summarised, candidate incidents are found through the
  ``incident_keys`` table, and it joins the best (:func:`truce.assess.correlate.choose`) or
  starts incident ``I-<its entry index>``; the incident is regraded;
- ``response.filed``: the incident (followed through merges) is regraded;
- ``incident.merged``: the incidents become the oldest of them; the others' ids become aliases;
- ``incident.split``: the reports named move to a new incident ``I-<the split's entry index>``;
  responses stay with the incident they were filed against.

The same functions place reports here as in the in-memory :class:`truce.assess.engine.
Correlator`, so both give the same incidents (tested). A merge or split that no longer applies
(signed elsewhere and submitted as is: the library checks before appending) is recorded as
*ignored*, with why, and changes nothing: a projection never fails on an accepted entry.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, text, update
from sqlalchemy.sql.elements import BindParameter

from truce.assess import tables
from truce.assess.correlate import IncidentState, choose
from truce.assess.grade import Member, PartyInfo, Reply, grade
from truce.assess.keys import incident_keys, key_text, report_keys
from truce.assess.kinds import IncidentMerge, IncidentSplit
from truce.assess.summary import Summary, summarize
from truce.model import Report, Response, ResponseKind
from truce.store import schema
from truce.store.projections import PARTIES_CACHE
from truce.store.projector import Projection, ProjectionConnection, prepares, projects

__all__ = ["load_incident", "resolve"]

_EPOCH = date(1970, 1, 1)
_CHUNK = 500


@lru_cache(maxsize=8192)
def _report(body: str) -> Report:
    """A report from its stored body (reports never change: parsed once, kept a while)."""
    return Report.model_validate(json.loads(body))


_REFRESHED = (
    "event_type", "sub_event_type", "family", "date_start", "date_end", "lat", "lon", "error_km",
    "place", "area", "min_lat", "min_lon", "max_lat", "max_lon", "report_count", "occurrence",
    "first_index", "originators", "attribution_state", "responsible", "responsible_party",
    "airwars", "admiralty", "killed_low", "killed_high", "killed", "reasons", "attribution",
    "casualties", "state", "last_index",
)  # fmt: skip
# Compiled once: the row is rewritten after every report, response, merge and split.
_UPDATE = (
    update(schema.incidents)
    .where(schema.incidents.c.id == bindparam("_id"))
    .values({name: bindparam(name) for name in _REFRESHED})
)


_INSERT_FULL = insert(schema.incidents)
_SET_INCIDENT = (
    update(schema.reports)
    .where(schema.reports.c.id == bindparam("_rid"))
    .values(incident_id=bindparam("_iid"))
)
_INSERT_LINK = insert(tables.incident_links)
# Keys an incident already has are skipped by the database: no read before the write.
_ADD_KEYS = text(
    "INSERT INTO incident_keys (key, incident_id) VALUES (:key, :incident_id) "
    "ON CONFLICT DO NOTHING"
)
# The keys are rendered into the statement (``literal_execute``): each batch's lookup is planned
# for its own keys and the tables as they are now. As a bound parameter list, the same number of
# keys five times over made psycopg prepare the statement on the server, and PostgreSQL's generic
# plan for it (nested scans) took 10-18 ms where a fresh plan takes about 1 ms.
_KEYS: BindParameter[list[str]] = bindparam("keys", expanding=True, literal_execute=True)
_CANDIDATES = (
    select(schema.incidents.c.id, schema.incidents.c.first_index, schema.incidents.c.state)
    .distinct()
    .join(tables.incident_keys, tables.incident_keys.c.incident_id == schema.incidents.c.id)
    .where(tables.incident_keys.c.key.in_(_KEYS))
)
_KEYED_CANDIDATES = (
    select(
        tables.incident_keys.c.key,
        schema.incidents.c.id,
        schema.incidents.c.first_index,
        schema.incidents.c.state,
    )
    .join(schema.incidents, tables.incident_keys.c.incident_id == schema.incidents.c.id)
    .where(tables.incident_keys.c.key.in_(_KEYS))
)
#: What the helpers below read and write through: the projection's deferring transaction, or
#: a plain connection (a rebuild, the CLI).
Conn = Connection | ProjectionConnection
_BATCH_INDEX = "truce.assess.index"  # ProjectionConnection.scratch key of the _BatchIndex


def _iso(day: int) -> str:
    return (_EPOCH + timedelta(days=day)).isoformat()


def resolve(conn: Conn, incident_id: str) -> str | None:
    """The incident now holding ``incident_id``'s reports (itself, or where it was merged)."""
    inc = schema.incidents
    if conn.execute(select(inc.c.id).where(inc.c.id == incident_id)).first() is not None:
        return incident_id
    alias = tables.incident_aliases
    row = conn.execute(select(alias.c.incident_id).where(alias.c.id == incident_id)).first()
    return row[0] if row is not None else None


def _states(conn: Conn, ids: Iterable[str]) -> list[IncidentState]:
    inc = schema.incidents
    ids = sorted(set(ids))
    out: list[IncidentState] = []
    for i in range(0, len(ids), _CHUNK):
        rows = conn.execute(
            select(inc.c.id, inc.c.first_index, inc.c.state).where(
                inc.c.id.in_(ids[i : i + _CHUNK])
            )
        )
        out.extend(_state(conn, r) for r in rows)
    out.sort(key=lambda c: c.first)
    return out


def _state(conn: Conn, row: Any) -> IncidentState:
    if row.state is None:  # projected before correlation existed: rebuild from its reports
        return _rebuild_state(conn, row.id)
    return IncidentState.from_json(row.id, row.first_index, json.loads(row.state))


def _candidates(conn: Conn, s: Summary) -> list[IncidentState]:
    """The incidents registered under any of the report's keys, oldest first (one query)."""
    keys = sorted({key_text(key) for key in report_keys(s)})
    found: dict[str, IncidentState] = {}
    for i in range(0, len(keys), _CHUNK):
        for r in conn.execute(_CANDIDATES, {"keys": keys[i : i + _CHUNK]}):
            if r.id not in found:
                found[r.id] = _state(conn, r)
    return sorted(found.values(), key=lambda c: c.first)


def _register(conn: Conn, c: IncidentState, known: Iterable[object] = ()) -> None:
    """Register ``c`` under its keys; ``known`` are keys it is registered under already."""
    new = sorted({key_text(key) for key in incident_keys(c)} - {key_text(k) for k in known})
    if not new:
        return
    rows = [{"key": key, "incident_id": c.id} for key in new]
    index = _batch_index(conn)
    if index is None:
        conn.execute(_ADD_KEYS, rows)
        return
    index.add(c, new)
    assert isinstance(conn, ProjectionConnection)  # only a projection batch has an index
    for row in rows:
        conn.defer(tables.incident_keys, _ADD_KEYS, row)


class _BatchIndex:
    """The candidate incidents of a batch's reports, read in one query before the batch.

    It answers :func:`_candidates` without a query per report: it holds every incident
    registered under any key of any report in the batch when the batch began, and learns the
    keys and states that the batch's own reports add. A merge or split in the batch changes
    incidents and keys in ways it does not follow, so those drop it (see :func:`_forget`).
    """

    def __init__(self) -> None:
        self.by_key: dict[str, set[str]] = {}
        self.states: dict[str, IncidentState] = {}
        self.summaries: dict[int, Summary] = {}

    def add(self, c: IncidentState, keys: Iterable[str]) -> None:
        self.states[c.id] = c
        for key in keys:
            self.by_key.setdefault(key, set()).add(c.id)

    def candidates(self, s: Summary) -> list[IncidentState]:
        ids: set[str] = set()
        for key in report_keys(s):
            ids.update(self.by_key.get(key_text(key), ()))
        return sorted((self.states[i] for i in ids), key=lambda c: c.first)


def _batch_index(conn: Conn) -> _BatchIndex | None:
    scratch = getattr(conn, "scratch", None)
    return scratch.get(_BATCH_INDEX) if scratch is not None else None


def _forget(conn: Conn) -> None:
    """After a merge or split: reports read their candidates from the tables again."""
    scratch = getattr(conn, "scratch", None)
    if scratch is not None:
        scratch.pop(_BATCH_INDEX, None)


@prepares("report.filed")
def read_candidates(conn: ProjectionConnection, batch: list[Projection]) -> None:
    """Read the candidates of every report in the batch at once (see :class:`_BatchIndex`).

    It reads the parties too (placing a report needs them), now, before any handler has deferred
    a row. Read later, the query would first write what was deferred: the first report's row
    would be inserted, then updated with its incident, and the incidents written in two goes.
    """
    _parties(conn)
    index = _BatchIndex()
    keys: set[str] = set()
    for p in batch:
        assert isinstance(p.body, Report)
        s = index.summaries[p.index] = summarize(p.body, p.index)
        keys.update(key_text(key) for key in report_keys(s))
    ordered = sorted(keys)
    for i in range(0, len(ordered), _CHUNK):
        for r in conn.execute(_KEYED_CANDIDATES, {"keys": ordered[i : i + _CHUNK]}):
            if r.id not in index.states:
                index.states[r.id] = _state(conn, r)
            index.by_key.setdefault(r.key, set()).add(r.id)
    conn.scratch[_BATCH_INDEX] = index


def _member_rows(conn: Conn, incident_id: str) -> list[Any]:
    rep = schema.reports
    return list(
        conn.execute(
            select(rep.c.id, rep.c.entry_index, rep.c.author, rep.c.body)
            .where(rep.c.incident_id == incident_id)
            .order_by(rep.c.entry_index)
        )
    )


def _rebuild_state(conn: Conn, incident_id: str) -> IncidentState:
    rows = _member_rows(conn, incident_id)
    summaries = [summarize(_report(r.body), r.entry_index) for r in rows]
    return IncidentState.from_members(incident_id, summaries)


def _parties(conn: Conn) -> dict[str, PartyInfo]:
    """The parties, read once per transaction (a party registering clears the cache)."""
    tx = conn.get_transaction()
    cached = conn.info.get(PARTIES_CACHE)
    if cached is not None and tx is not None and cached[0] is tx:
        return cached[1]  # type: ignore[no-any-return]
    p = schema.parties
    parties = {
        r.id: PartyInfo(r.id, r.name, r.kind)
        for r in conn.execute(select(p.c.id, p.c.name, p.c.kind).order_by(p.c.entry_index))
    }
    if tx is not None:
        conn.info[PARTIES_CACHE] = (tx, parties)
    return parties


def load_incident(
    conn: Conn, incident_id: str
) -> tuple[list[Member], list[Reply], dict[str, PartyInfo]]:
    """The inputs of grading and of the disagreement view, as the tables hold them now."""
    parties = _parties(conn)
    members = [
        Member(
            r.id,
            r.author,
            parties[r.author].kind if r.author in parties else "",
            _report(r.body),
        )
        for r in _member_rows(conn, incident_id)
    ]
    res, ev = schema.responses, tables.response_evidence
    replies = []
    for r in conn.execute(
        select(res).where(res.c.incident_id == incident_id).order_by(res.c.entry_index)
    ).mappings():
        evidence = tuple(
            e[0]
            for e in conn.execute(
                select(ev.c.sha256).where(ev.c.response_id == r["id"]).order_by(ev.c.sha256)
            )
        )
        replies.append(
            Reply(
                r["id"],
                r["author"],
                ResponseKind(r["kind"]),
                r["field"],
                r["value"],
                r["text"],
                evidence,
            )
        )
    return members, replies, parties


def _most_common(values: Sequence[str | None]) -> str | None:
    present = [v for v in values if v]
    if not present:
        return None
    counts = Counter(present)
    top = max(counts.values())
    return next(v for v in present if counts[v] == top)  # ties: the first given


def _refresh(conn: Conn, c: IncidentState, index: int) -> None:
    """Rewrite the incident's row from its state, its reports and its responses."""
    members, replies, parties = load_incident(conn, c.id)
    conn.execute(_UPDATE, {**_values(c, members, replies, parties, index), "_id": c.id})


def _values(
    c: IncidentState,
    members: Sequence[Member],
    replies: Sequence[Reply],
    parties: dict[str, PartyInfo],
    index: int,
) -> dict[str, Any]:
    """The incident row's columns (all but ``id``) from its state, reports and responses."""
    reports = [m.report for m in members]
    subs = [r.sub_event_type for r in reports]
    sub = _most_common(subs) or reports[0].sub_event_type
    event_type = next(r.event_type for r in reports if r.sub_event_type == sub)
    points = [r.location.point for r in reports if r.location.point is not None]
    g = grade(members, replies, parties)
    killed = g.killed()
    values: dict[str, Any] = {
        "event_type": event_type.value,
        "sub_event_type": sub,
        "family": c.family,
        "date_start": _iso(c.d0),
        "date_end": _iso(c.d1),
        "lat": c.lat,
        "lon": c.lon,
        "error_km": round(c.r, 3) if c.lat is not None else None,
        "place": _most_common([r.location.place for r in reports])
        or _most_common([r.location.area or r.location.admin1 for r in reports]),
        "area": _most_common([r.location.admin1 or r.location.area for r in reports]),
        "min_lat": min((float(p.lat) for p in points), default=None),
        "min_lon": min((float(p.lon) for p in points), default=None),
        "max_lat": max((float(p.lat) for p in points), default=None),
        "max_lon": max((float(p.lon) for p in points), default=None),
        "report_count": len(members),
        "occurrence": g.occurrence.value,
        "first_index": c.first,
        "originators": len(g.originators),
        "attribution_state": g.attribution["state"],
        "responsible": g.attribution["responsible"],
        "responsible_party": g.attribution["party"],
        "airwars": g.airwars.value,
        "admiralty": g.admiralty,
        "killed_low": killed[0] if killed else None,
        "killed_high": killed[1] if killed else None,
        "killed": killed[2] if killed else None,
        "reasons": json.dumps(g.reasons, ensure_ascii=False),
        "attribution": json.dumps(g.attribution, ensure_ascii=False, sort_keys=True),
        "casualties": json.dumps([x.to_json() for x in g.casualties], ensure_ascii=False),
        "state": json.dumps(c.to_json()),
        "last_index": index,
    }
    return values


def _new_row(conn: Conn, c: IncidentState, s: Summary, index: int) -> None:
    """A minimal row (so reports can point to it); :func:`_refresh` completes it."""
    conn.execute(
        insert(schema.incidents).values(
            id=c.id,
            event_type="",
            sub_event_type=s.sub,
            family=c.family,
            date_start=_iso(c.d0),
            date_end=_iso(c.d1),
            report_count=0,
            occurrence="single-source",
            first_index=c.first,
            state=json.dumps(c.to_json()),
            last_index=index,
        )
    )


def _move_reports(conn: Conn, report_ids: Sequence[str], incident_id: str) -> None:
    rep = schema.reports
    for i in range(0, len(report_ids), _CHUNK):
        chunk = list(report_ids[i : i + _CHUNK])
        conn.execute(update(rep).where(rep.c.id.in_(chunk)).values(incident_id=incident_id))


# -- handlers ---------------------------------------------------------------------------------


@projects("report.filed")
def correlate_report(p: Projection) -> None:
    """Place the report among the incidents (after the core handler wrote its row).

    The common cases cost few statements: a report that starts an incident writes its full row
    at once (its only member is this report, and nothing responds to an incident before it
    exists), and one that joins adds only the keys its incident gains.
    """
    assert isinstance(p.body, Report)
    index = _batch_index(p.conn)
    if index is not None:
        s = index.summaries.get(p.index) or summarize(p.body, p.index)
        decision = choose(s, index.candidates(s))
    else:
        s = summarize(p.body, p.index)
        decision = choose(s, _candidates(p.conn, s))
    rid = f"R-{p.index}"
    c = decision.incident
    known: list[object] = []
    if c is None:
        c = IncidentState(f"I-{p.index}", s)
        how, reason = "new", decision.reason
    else:
        reason = decision.reason  # before absorbing: the reasons compare with what it joined
        known = incident_keys(c)
        c.absorb(s)
        how = "joined"
    if how == "new":
        parties = _parties(p.conn)
        author = parties.get(p.entry.author)
        member = Member(rid, p.entry.author, author.kind if author else "", p.body)
        values = _values(c, [member], [], parties, p.index)
        p.conn.defer(schema.incidents, _INSERT_FULL, {**values, "id": c.id})
    row = p.conn.pending(schema.reports, rid)
    if row is not None:
        row["incident_id"] = c.id  # the report's row is not written yet: write it complete
    else:
        p.conn.execute(_SET_INCIDENT, {"_rid": rid, "_iid": c.id})
    link = {
        "report_id": rid,
        "incident_id": c.id,
        "entry_index": p.index,
        "how": how,
        "score": round(decision.score, 6) if how == "joined" else None,
        "reason": reason,
    }
    p.conn.defer(tables.incident_links, _INSERT_LINK, link)
    _register(p.conn, c, known)
    if how == "joined":
        _refresh(p.conn, c, p.index)


@projects("response.filed")
def grade_response(p: Projection) -> None:
    """Keep the response's evidence, follow its incident through merges, regrade it."""
    r = p.body
    assert isinstance(r, Response)
    sid = f"S-{p.index}"
    for e in {e.sha256: e for e in r.evidence}.values():
        p.conn.execute(
            insert(tables.response_evidence).values(
                response_id=sid, sha256=e.sha256, media_type=e.media_type, description=e.description
            )
        )
    target = resolve(p.conn, r.incident)
    if target is None:
        return  # no such incident (the library refuses these before appending)
    if target != r.incident:
        res = schema.responses
        p.conn.execute(update(res).where(res.c.id == sid).values(incident_id=target))
    _refresh(p.conn, _states(p.conn, [target])[0], p.index)


def _action(
    p: Projection, kind: str, incidents: list[str], reports: list[str], text: str
) -> dict[str, object]:
    return {
        "id": f"A-{p.index}",
        "entry_index": p.index,
        "kind": kind,
        "author": p.entry.author,
        "filed_at": p.entry.time,
        "incidents": json.dumps(incidents),
        "reports": json.dumps(reports),
        "text": text,
    }


def _record(
    p: Projection, action: dict[str, object], status: str, note: str, result: str | None
) -> None:
    p.conn.execute(
        insert(tables.incident_actions).values(**action, status=status, note=note, result=result)
    )


@projects("incident.merged")
def merge_incidents(p: Projection) -> None:
    m = p.body
    assert isinstance(m, IncidentMerge)
    _forget(p.conn)
    action = _action(p, "merge", list(m.incidents), [], m.text)
    resolved: list[str] = []
    for given in m.incidents:
        now = resolve(p.conn, given)
        if now is None:
            _record(p, action, "ignored", f"no incident {given}", None)
            return
        if now not in resolved:
            resolved.append(now)
    if len(resolved) < 2:
        _record(p, action, "ignored", f"all of them are already {resolved[0]}", resolved[0])
        return
    states = _states(p.conn, resolved)  # oldest first
    keep, others = states[0].id, [c.id for c in states[1:]]
    note = f"merged into {keep} by {p.entry.author} (entry {p.index})"
    res, links, alias, keys = (
        schema.responses,
        tables.incident_links,
        tables.incident_aliases,
        tables.incident_keys,
    )
    for other in others:
        moved = [r.id for r in _member_rows(p.conn, other)]
        _move_reports(p.conn, moved, keep)
        p.conn.execute(update(res).where(res.c.incident_id == other).values(incident_id=keep))
        p.conn.execute(
            update(links)
            .where(links.c.incident_id == other)
            .values(incident_id=keep, how="merged", score=None, reason=note)
        )
        p.conn.execute(update(alias).where(alias.c.incident_id == other).values(incident_id=keep))
        p.conn.execute(insert(alias).values(id=other, incident_id=keep, entry_index=p.index))
        p.conn.execute(delete(keys).where(keys.c.incident_id == other))
        p.conn.execute(delete(schema.incidents).where(schema.incidents.c.id == other))
    c = _rebuild_state(p.conn, keep)
    _register(p.conn, c)
    _refresh(p.conn, c, p.index)
    _record(p, action, "applied", f"{', '.join(others)} merged into {keep}", keep)


@projects("incident.split")
def split_incident(p: Projection) -> None:
    sp = p.body
    assert isinstance(sp, IncidentSplit)
    _forget(p.conn)
    action = _action(p, "split", [sp.incident], list(sp.reports), sp.text)
    source = resolve(p.conn, sp.incident)
    if source is None:
        _record(p, action, "ignored", f"no incident {sp.incident}", None)
        return
    members = [r.id for r in _member_rows(p.conn, source)]
    outside = [r for r in sp.reports if r not in members]
    if outside:
        _record(p, action, "ignored", f"{', '.join(outside)} not in {source}", None)
        return
    if len(sp.reports) >= len(members):
        _record(p, action, "ignored", f"that would leave {source} with no report", None)
        return
    new_id = f"I-{p.index}"
    moving = [r for r in members if r in set(sp.reports)]  # log order
    rows = {r.id: r for r in _member_rows(p.conn, source)}
    first = rows[moving[0]]
    s = summarize(_report(first.body), first.entry_index)
    _new_row(p.conn, IncidentState(new_id, s), s, p.index)
    _move_reports(p.conn, moving, new_id)
    links = tables.incident_links
    note = f"split from {source} by {p.entry.author} (entry {p.index})"
    p.conn.execute(
        update(links)
        .where(links.c.report_id.in_(moving))
        .values(incident_id=new_id, how="split", score=None, reason=note)
    )
    keys = tables.incident_keys
    p.conn.execute(delete(keys).where(keys.c.incident_id == source))
    for incident_id in (source, new_id):
        c = _rebuild_state(p.conn, incident_id)
        _register(p.conn, c)
        _refresh(p.conn, c, p.index)
    _record(p, action, "applied", f"{', '.join(moving)} moved to {new_id}", new_id)

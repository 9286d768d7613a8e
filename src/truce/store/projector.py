"""Projecting the ledger into SQL tables, entry by entry, in log order.

Each entry kind has handlers, registered with :func:`projects` (the core's own handlers use it
too, as any other capability would). :meth:`Store.catch_up` applies every entry past the stored
``applied_size`` in transactions that also advance ``applied_size``, so a crash mid-way loses
nothing and applies nothing twice. :meth:`Store.rebuild` drops everything and replays the log;
the result is the same, row for row (tested).

Handlers write through a :class:`ProjectionConnection`. Besides ``execute``, it lets a handler
*defer* an insert: deferred rows are written together (one ``executemany`` per statement, in
table dependency order) before the connection runs anything else and at the end of the batch,
so a handler always reads what earlier ones wrote, and a run of reports costs a few round trips
instead of several per report (what matters on PostgreSQL). A kind may also have a *preparer*
(:func:`prepares`) that sees every entry of that kind in the batch before any is applied, to
read in one query what the handlers would otherwise read one entry at a time.

On PostgreSQL the planner chooses by its statistics, which autovacuum refreshes only about once
a minute. Tables that grow from empty at hundreds of rows a second (a new center's first burst
of reports, every :meth:`Store.rebuild`) would meanwhile be planned as the small tables they
were: the candidate lookups of assessment become scans of the whole table, and a rebuild slows
down quadratically. So every :data:`STATISTICS_EVERY` applied entries the store looks at
``pg_stat_user_tables`` and analyzes the tables that have (at least) doubled their changed rows
since their last ``ANALYZE`` (``SKIP_LOCKED``: never waiting on autovacuum). It does so on a
thread of its own, so the writer goes on appending meanwhile; :meth:`Store.close` waits for it.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import (
    Connection,
    Engine,
    Executable,
    Table,
    delete,
    insert,
    select,
    text,
    update,
)

from truce.ledger.entry import Entry
from truce.model.base import Model
from truce.model.kinds import parse_body
from truce.store import schema

if TYPE_CHECKING:
    from truce.store.remote import ProjectorProcess

__all__ = [
    "EntrySource",
    "Projection",
    "ProjectionConnection",
    "Store",
    "finishes",
    "handler_modules",
    "order_handlers",
    "prepares",
    "projects",
]


class EntrySource(Protocol):
    """What :meth:`Store.catch_up` reads: a ``Ledger``, or a view of one."""

    @property
    def size(self) -> int: ...

    def iter_entries(
        self, start: int = 0, stop: int | None = None
    ) -> Iterator[tuple[int, Entry]]: ...


class ProjectionConnection:
    """The transaction projections write through: a :class:`Connection` that can defer inserts.

    ``execute`` first writes every deferred row, so what a handler reads includes what earlier
    handlers deferred. Everything else (``info``, ``dialect``...) is the connection's own.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.scratch: dict[str, Any] = {}  # per batch, for preparers and handlers
        self._pending: dict[Table, dict[Executable, list[dict[str, Any]]]] = {}
        self._keyed: dict[tuple[str, object], dict[str, Any]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)

    def execute(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        self.flush()
        return self.conn.execute(statement, *args, **kwargs)

    def defer(
        self, table: Table, statement: Executable, row: dict[str, Any], key: object = None
    ) -> None:
        """Insert ``row`` into ``table`` with ``statement`` at the next flush.

        With ``key`` (the row's primary key), :meth:`pending` finds the row until it is written.
        """
        self._pending.setdefault(table, {}).setdefault(statement, []).append(row)
        if key is not None:
            self._keyed[(table.name, key)] = row

    def pending(self, table: Table, key: object) -> dict[str, Any] | None:
        """The deferred, not yet written row of ``table`` with this key (it may be changed)."""
        return self._keyed.get((table.name, key))

    def flush(self) -> None:
        if not self._pending:
            return
        pending, self._pending, self._keyed = self._pending, {}, {}
        order = _table_order()
        for table in sorted(pending, key=lambda t: order.get(t, len(order))):
            for statement, rows in pending[table].items():
                self.conn.execute(statement, rows)


_ORDER: dict[Table, int] = {}


def _table_order() -> dict[Table, int]:
    """Tables in foreign-key order; sorted again only when a module has added tables."""
    if len(_ORDER) != len(schema.metadata.tables):
        _ORDER.clear()
        _ORDER.update({t: i for i, t in enumerate(schema.metadata.sorted_tables)})
    return _ORDER


@dataclass(frozen=True)
class Projection:
    """What a handler receives: the open transaction, the entry, its index and parsed body."""

    conn: ProjectionConnection
    index: int
    entry: Entry
    body: Model

    def __post_init__(self) -> None:
        if not isinstance(self.conn, ProjectionConnection):
            object.__setattr__(self, "conn", ProjectionConnection(self.conn))


Handler = Callable[[Projection], None]
Preparer = Callable[[ProjectionConnection, list[Projection]], None]
_HANDLERS: dict[str, list[Handler]] = {}
_PREPARERS: dict[str, list[Preparer]] = {}
#: Run at the end of every batch, in its transaction: derived views recomputed with the rows
#: they derive from (the batch's start and stop, and the kinds it held).
Finisher = Callable[["ProjectionConnection", int, int, frozenset[str]], None]
_FINISHERS: dict[str, Finisher] = {}
_REGISTERED = [0]
_BATCH = 2000
log = logging.getLogger(__name__)
#: PostgreSQL: how many applied entries between looks at the tables' statistics (see above).
STATISTICS_EVERY = 1000
#: ... and which tables are stale: at least this many rows changed since their last ANALYZE,
#: and at least as many as were there then (the table doubled, or half of it changed).
STALE_ROWS = 500
_STALE_TABLES = text(
    "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() "
    "AND n_mod_since_analyze >= :rows AND n_mod_since_analyze >= n_live_tup / 2 ORDER BY relname"
)


def projects(kind: str) -> Callable[[Handler], Handler]:
    """Register a projection handler for an entry kind (run in registration order)."""

    def register(handler: Handler) -> Handler:
        handlers = _HANDLERS.setdefault(kind, [])
        # Re-registering a handler by name replaces it (lets a capability supersede a default).
        handlers[:] = [h for h in handlers if h.__qualname__ != handler.__qualname__]
        handlers.append(handler)
        _REGISTERED[0] += 1
        return handler

    return register


def handler_modules() -> tuple[int, list[str]]:
    """How many registrations so far, and the modules that made them (a projector process
    imports them; the count tells it when a module registered more since it last asked)."""
    modules = {fn.__module__ for fns in _HANDLERS.values() for fn in fns}
    modules |= {fn.__module__ for fns in _PREPARERS.values() for fn in fns}
    return _REGISTERED[0], sorted(modules)


def order_handlers(modules: list[str]) -> None:
    """Run each kind's handlers (and preparers) in the order of ``modules``, whatever order they
    were imported in; handlers of modules not listed run after, as registered."""
    rank = {m: i for i, m in enumerate(modules)}

    def key(fn: Callable[..., None]) -> int:
        return rank.get(fn.__module__, len(rank))

    for handlers in _HANDLERS.values():
        handlers.sort(key=key)
    for preparers in _PREPARERS.values():
        preparers.sort(key=key)


def finishes(finisher: Finisher) -> Finisher:
    """Register a finisher: called at the end of every batch, in the batch's transaction,
    with the batch's first index, the log size the tables then reach and the kinds it held.
    A view derived from many tables (violations) is so never behind the rows it derives from
    (issue 22)."""
    _FINISHERS[f"{finisher.__module__}.{finisher.__qualname__}"] = finisher
    _REGISTERED[0] += 1
    return finisher


def registrations() -> int:
    """How many handlers and preparers have been registered so far in this process."""
    return _REGISTERED[0]


def prepares(kind: str) -> Callable[[Preparer], Preparer]:
    """Register a preparer: it sees a batch's entries of ``kind`` before any is applied."""

    def register(preparer: Preparer) -> Preparer:
        preparers = _PREPARERS.setdefault(kind, [])
        preparers[:] = [p for p in preparers if p.__qualname__ != preparer.__qualname__]
        preparers.append(preparer)
        _REGISTERED[0] += 1
        return preparer

    return register


class _Moved(Exception):
    """``applied_size`` is not what this store committed last: something else projected."""


class Store:
    def __init__(self, engine: Engine) -> None:
        from truce.capabilities import load

        load("tables")
        # every capability's handlers, run in the order truce.capabilities lists them
        order_handlers([m.__name__ for m in load("projections")])
        self.engine = engine
        #: When set, :meth:`catch_up` runs in this child process (see :mod:`truce.store.remote`).
        self.projector: ProjectorProcess | None = None
        self._created = False
        #: The ``applied_size`` this store last committed (None: not known, read it first).
        self._committed: int | None = None
        self._since_statistics = 0  # entries applied since the statistics were last looked at
        self._statistics: threading.Thread | None = None
        #: Tables this store has analyzed (PostgreSQL), in order: for tests and operators.
        self.analyzed: list[str] = []

    def create(self) -> None:
        schema.metadata.create_all(self.engine)
        self._created = True
        self._committed = None

    def drop(self) -> None:
        schema.metadata.drop_all(self.engine)
        self._created = False
        self._committed = None

    def applied_size(self, conn: Connection | None = None) -> int:
        def read(c: Connection) -> int:
            value = c.execute(
                select(schema.meta.c.value).where(schema.meta.c.key == "applied_size")
            ).scalar()
            return int(value) if value is not None else 0

        if conn is not None:
            return read(conn)
        with self.engine.connect() as c:
            return read(c)

    def project_in(self, projector: ProjectorProcess | None) -> None:
        """Catch up in ``projector``'s child process from now on (``None``: in this one)."""
        self.projector = projector

    def catch_up(self, ledger: EntrySource) -> int:
        """Apply every entry the tables have not seen yet; returns how many were applied.

        With a projector process attached, the child applies them; this returns when its
        transactions have committed.
        """
        if self.projector is not None:
            return self.projector.catch_up(ledger.size)
        if not self._created:  # probing every table costs a query each: once per Store
            self.create()
        total = ledger.size
        applied: int | None = None
        while True:
            # One connection checkout and transaction per batch (each is round trips on
            # PostgreSQL, and the server's writer calls this after every group it appends). Where
            # this store committed the last batch itself, it starts from there without reading
            # ``applied_size`` first: the batch's last statement advances it only from that
            # value. If something else projected meanwhile (a CLI command opening the node
            # catches up too), that statement finds another value, or an insert finds the row
            # there already: the batch rolls back and is done again from what the table says.
            known = self._committed
            if known is not None and known >= total:
                known = None  # nothing new since: read it, and look
            try:
                start, stop = self._apply_batch(ledger, total, known)
            except Exception:
                if known is None:
                    raise
                self._committed = None
                continue
            applied = start if applied is None else applied
            if stop is None:
                return total - applied
            self._committed = stop
            self._since_statistics += stop - start
            if self._since_statistics >= STATISTICS_EVERY:
                self._refresh_statistics_soon()
            if stop >= total:
                return total - applied

    def _apply_batch(
        self, ledger: EntrySource, total: int, known: int | None
    ) -> tuple[int, int | None]:
        """Apply the next batch, from ``known`` or else the stored ``applied_size``, in one
        transaction: its start and stop (no stop: the tables hold the whole log already)."""
        with self.engine.begin() as raw:
            start = known if known is not None else self.applied_size(raw)
            if start >= total:
                return start, None
            stop = min(start + _BATCH, total)
            conn = ProjectionConnection(raw)
            batch = [
                Projection(
                    conn,
                    index,
                    entry,
                    parse_body(entry.kind, entry.body, f"entry {index}", recorded=True),
                )
                for index, entry in ledger.iter_entries(start, stop)
                if entry.kind in _HANDLERS
            ]  # kinds with no projection (yet) stay in the log only
            for kind, preparers in _PREPARERS.items():
                of_kind = [p for p in batch if p.entry.kind == kind]
                for prepare in preparers if of_kind else ():
                    prepare(conn, of_kind)
            for projection in batch:
                for handler in _HANDLERS[projection.entry.kind]:
                    handler(projection)
            conn.flush()
            kinds = frozenset(p.entry.kind for p in batch)
            for finish in _FINISHERS.values():
                finish(conn, start, stop, kinds)
            conn.flush()
            self._set_applied(raw, stop, known)
        return start, stop

    def _refresh_statistics_soon(self) -> None:
        if self.engine.dialect.name != "postgresql":
            self._since_statistics = 0
        elif self._statistics is None or not self._statistics.is_alive():
            self._since_statistics = 0
            self._statistics = threading.Thread(
                target=self._refresh_statistics_logged, name="truce-statistics", daemon=True
            )
            self._statistics.start()

    def _refresh_statistics_logged(self) -> None:
        try:
            self.refresh_statistics()
        except Exception as exc:  # the statistics only speed queries up: never fail for them
            log.warning("could not refresh the PostgreSQL statistics: %s", exc)

    def close(self) -> None:
        """Wait for a statistics refresh under way (before the engine is disposed)."""
        if self._statistics is not None:
            self._statistics.join()
            self._statistics = None

    def refresh_statistics(self) -> list[str]:
        """PostgreSQL: ``ANALYZE`` the tables whose statistics are stale; returns their names."""
        if self.engine.dialect.name != "postgresql":
            return []
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            stale = list(conn.execute(_STALE_TABLES, {"rows": STALE_ROWS}).scalars())
            if stale:
                names = ", ".join(conn.dialect.identifier_preparer.quote(n) for n in stale)
                conn.execute(text(f"ANALYZE (SKIP_LOCKED) {names}"))
        self.analyzed += stale
        return stale

    def rebuild(self, ledger: EntrySource) -> int:
        self.drop()
        self.create()
        return self.catch_up(ledger)

    def _set_applied(self, conn: Connection, size: int, was: int | None = None) -> None:
        """Store ``applied_size``; with ``was``, only if that is what it still is (or raise
        :class:`_Moved`, and the transaction rolls back)."""
        table = schema.meta
        where = table.c.key == "applied_size"
        if was is not None:
            where &= table.c.value == str(was)
        done = conn.execute(update(table).where(where).values(value=str(size)))
        if done.rowcount == 1:
            return
        if was is not None:
            raise _Moved
        conn.execute(insert(table).values(key="applied_size", value=str(size)))

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Every projected row of every table, in primary-key order (for rebuild comparisons)."""
        result: dict[str, list[dict[str, Any]]] = {}
        with self.engine.connect() as conn:
            for table in schema.metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                rows = conn.execute(select(table).order_by(*order)).mappings()
                result[table.name] = [dict(r) for r in rows]
        return result

    def rows(self, table: str, **where: Any) -> Iterator[dict[str, Any]]:
        t = schema.metadata.tables[table]
        query = select(t)
        for column, value in where.items():
            query = query.where(t.c[column] == value)
        with self.engine.connect() as conn:
            for row in conn.execute(query).mappings():
                yield dict(row)

    def clear(self, table: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(schema.metadata.tables[table]))


def body_json(entry: Entry) -> str:
    return json.dumps(entry.body, ensure_ascii=False, sort_keys=True)

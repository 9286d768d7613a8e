"""Projecting the ledger into SQL tables, entry by entry, in log order.

Each entry kind has handlers, registered with :func:`projects` (the core's own handlers use it
too, as any other capability would). :meth:`Store.catch_up` applies every entry past the stored
``applied_size`` in transactions that also advance ``applied_size``, so a crash mid-way loses
nothing and applies nothing twice. :meth:`Store.rebuild` drops everything and replays the log;
the result is the same, row for row (tested).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from truce.ledger.entry import Entry
from truce.ledger.log import Ledger
from truce.model.base import Model
from truce.model.kinds import parse_body
from truce.store import schema

__all__ = ["Projection", "Store", "projects"]


@dataclass(frozen=True)
class Projection:
    """What a handler receives: the open transaction, the entry, its index and parsed body."""

    conn: Connection
    index: int
    entry: Entry
    body: Model


Handler = Callable[[Projection], None]
_HANDLERS: dict[str, list[Handler]] = {}
_BATCH = 2000


def projects(kind: str) -> Callable[[Handler], Handler]:
    """Register a projection handler for an entry kind (run in registration order)."""

    def register(handler: Handler) -> Handler:
        handlers = _HANDLERS.setdefault(kind, [])
        # Re-registering a handler by name replaces it (lets a capability supersede a default).
        handlers[:] = [h for h in handlers if h.__qualname__ != handler.__qualname__]
        handlers.append(handler)
        return handler

    return register


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._created = False

    def create(self) -> None:
        schema.metadata.create_all(self.engine)
        self._created = True

    def drop(self) -> None:
        schema.metadata.drop_all(self.engine)
        self._created = False

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

    def catch_up(self, ledger: Ledger) -> int:
        """Apply every entry the tables have not seen yet; returns how many were applied."""
        if not self._created:  # probing every table costs a query each: once per Store
            self.create()
        applied = self.applied_size()
        total = ledger.size
        start = applied
        while start < total:
            stop = min(start + _BATCH, total)
            with self.engine.begin() as conn:
                for index, entry in ledger.iter_entries(start, stop):
                    self._apply(conn, index, entry)
                self._set_applied(conn, stop)
            start = stop
        return total - applied

    def rebuild(self, ledger: Ledger) -> int:
        self.drop()
        self.create()
        return self.catch_up(ledger)

    def _apply(self, conn: Connection, index: int, entry: Entry) -> None:
        kind_handlers = _HANDLERS.get(entry.kind)
        if not kind_handlers:
            return  # kinds with no projection (yet) stay in the log only
        body = parse_body(entry.kind, entry.body, f"entry {index}")
        projection = Projection(conn, index, entry, body)
        for handler in kind_handlers:
            handler(projection)

    def _set_applied(self, conn: Connection, size: int) -> None:
        table = schema.meta
        done = conn.execute(
            update(table).where(table.c.key == "applied_size").values(value=str(size))
        )
        if done.rowcount == 0:
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

"""The channels' configuration and state: one SQLite file, ``<home>/channels.sqlite``.

Tables: ``sources`` (name, kind, target, schedule), ``status`` (last poll, items, errors, the
back-off), ``seen`` (every item taken: its key — feed guid or link, Telegram message, folder
file — and its document's SHA-256). SQLite in WAL mode with ``synchronous=FULL``: a record
written is on disk before the next item starts.

The ledger, not this file, is what says a document was ingested (its ``ingested_documents``
projection, rebuilt from the log when a node opens). ``seen`` is written *after* the ledger
append; see :mod:`truce.channels.watch` for why that loses and duplicates nothing.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from truce.errors import NotFoundError, ValidationError

__all__ = [
    "KINDS",
    "Kind",
    "SourceDef",
    "SourceStatus",
    "State",
    "format_duration",
    "parse_duration",
]

Kind = Literal["rss", "atom", "telegram-export", "folder"]
KINDS: tuple[Kind, ...] = ("rss", "atom", "telegram-export", "folder")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_DURATION = re.compile(r"^(\d+)\s*(s|m|h|d)?$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
#: Longest wait between polls, however many errors in a row.
MAX_BACKOFF_S = 6 * 3600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY, kind TEXT NOT NULL, target TEXT NOT NULL,
    every_s INTEGER NOT NULL, outlet TEXT, added REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS status (
    name TEXT PRIMARY KEY, last_poll REAL, last_ok REAL, next_poll REAL NOT NULL DEFAULT 0,
    items INTEGER NOT NULL DEFAULT 0, duplicates INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0, failing INTEGER NOT NULL DEFAULT 0, last_error TEXT
);
CREATE TABLE IF NOT EXISTS seen (
    key TEXT PRIMARY KEY, sha256 TEXT NOT NULL, source TEXT NOT NULL, status TEXT NOT NULL,
    reports INTEGER NOT NULL, queued INTEGER NOT NULL, at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS seen_sha256 ON seen (sha256);
"""


def parse_duration(text: str) -> int:
    """``"30s"``, ``"10m"``, ``"2h"``, ``"1d"`` or plain seconds → seconds (at least 1)."""
    m = _DURATION.match(text.strip().lower())
    if not m or int(m.group(1)) < 1:
        raise ValidationError(
            f"schedule {text!r} is not a duration",
            field="every",
            hint="Give a number with s, m, h or d: 30s, 10m, 1h, 1d.",
        )
    return int(m.group(1)) * _UNITS[m.group(2) or "s"]


def format_duration(seconds: float) -> str:
    for unit in ("d", "h", "m"):
        if seconds >= _UNITS[unit] and seconds % _UNITS[unit] == 0:
            return f"{int(seconds // _UNITS[unit])}{unit}"
    return f"{int(seconds)}s"


@dataclass(frozen=True)
class SourceDef:
    name: str
    kind: Kind
    target: str  # a URL (rss, atom, telegram-export) or a path (folder, telegram-export)
    every_s: int
    outlet: str | None = None


@dataclass(frozen=True)
class SourceStatus:
    source: SourceDef
    last_poll: float | None
    last_ok: float | None
    next_poll: float
    items: int
    duplicates: int
    errors: int
    failing: int  # errors in a row (the back-off)
    last_error: str | None

    def to_json(self) -> dict[str, Any]:
        def iso(t: float | None) -> str | None:
            return None if t is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))

        s = self.source
        return {
            "name": s.name,
            "kind": s.kind,
            "target": s.target,
            "every": format_duration(s.every_s),
            "outlet": s.outlet,
            "last_poll": iso(self.last_poll),
            "last_ok": iso(self.last_ok),
            "next_poll": iso(self.next_poll) if self.next_poll else None,
            "items": self.items,
            "duplicates": self.duplicates,
            "errors": self.errors,
            "failing": self.failing,
            "last_error": self.last_error,
        }


class State:
    """The channels file of one data directory (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    @classmethod
    def of_home(cls, home: Path) -> State:
        return cls(home / "channels.sqlite")

    @staticmethod
    def exists_in(home: Path) -> bool:
        return (home / "channels.sqlite").exists()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- sources -----------------------------------------------------------------------------
    def add(self, source: SourceDef) -> SourceDef:
        if not _NAME.match(source.name):
            raise ValidationError(
                f"source name {source.name!r} is not a short lower-case name",
                field="name",
                hint="Use letters, digits, '.', '_' or '-' (at most 64), e.g. mod-russia.",
            )
        if source.kind not in KINDS:
            raise ValidationError(f"source kind {source.kind!r} is not one of {', '.join(KINDS)}")
        with self._tx() as db:
            if db.execute("SELECT 1 FROM sources WHERE name = ?", (source.name,)).fetchone():
                raise ValidationError(
                    f"a source named {source.name!r} exists already",
                    field="name",
                    hint="Remove it first ('truce sources remove NAME') or pick another name.",
                )
            db.execute(
                "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?)",
                (source.name, source.kind, source.target, source.every_s, source.outlet,
                 time.time()),
            )  # fmt: skip
            db.execute(
                "INSERT OR REPLACE INTO status (name, next_poll) VALUES (?, 0)", (source.name,)
            )
        return source

    def remove(self, name: str) -> None:
        """Forget a source and its status; what it ingested stays in the ledger (and in
        ``seen``, so adding it again does not ingest its old items twice)."""
        with self._tx() as db:
            if not db.execute("DELETE FROM sources WHERE name = ?", (name,)).rowcount:
                raise NotFoundError(f"no source named {name!r}", hint="See 'truce sources list'.")
            db.execute("DELETE FROM status WHERE name = ?", (name,))

    def sources(self) -> list[SourceDef]:
        rows = self._db.execute(
            "SELECT name, kind, target, every_s, outlet FROM sources ORDER BY name"
        ).fetchall()
        return [SourceDef(*row) for row in rows]

    def get(self, name: str) -> SourceDef:
        for source in self.sources():
            if source.name == name:
                return source
        raise NotFoundError(f"no source named {name!r}", hint="See 'truce sources list'.")

    def statuses(self) -> list[SourceStatus]:
        rows = self._db.execute(
            "SELECT s.name, s.kind, s.target, s.every_s, s.outlet, t.last_poll, t.last_ok, "
            "coalesce(t.next_poll, 0), coalesce(t.items, 0), coalesce(t.duplicates, 0), "
            "coalesce(t.errors, 0), coalesce(t.failing, 0), t.last_error "
            "FROM sources s LEFT JOIN status t ON t.name = s.name ORDER BY s.name"
        ).fetchall()
        return [SourceStatus(SourceDef(*r[:5]), *r[5:]) for r in rows]

    # -- items -------------------------------------------------------------------------------
    def seen_key(self, key: str) -> bool:
        return self._db.execute("SELECT 1 FROM seen WHERE key = ?", (key,)).fetchone() is not None

    def seen_sha(self, sha256: str) -> bool:
        row = self._db.execute("SELECT 1 FROM seen WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

    def record(
        self,
        source: str,
        keys: tuple[str, ...],
        sha256: str,
        status: str,
        reports: int,
        queued: int,
    ) -> None:
        """Mark an item taken under each of its keys (idempotent: a key recorded again keeps
        its first record) and count it for its source, in one transaction."""
        with self._tx() as db:
            new = 0
            for key in keys:
                new += db.execute(
                    "INSERT OR IGNORE INTO seen VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (key, sha256, source, status, reports, queued, time.time()),
                ).rowcount
            if new:
                column = "items" if status == "ingested" else "duplicates"
                db.execute(f"UPDATE status SET {column} = {column} + 1 WHERE name = ?", (source,))

    def seen_items(self) -> list[dict[str, Any]]:
        cols = ("key", "sha256", "source", "status", "reports", "queued", "at")
        rows = self._db.execute(f"SELECT {', '.join(cols)} FROM seen ORDER BY at").fetchall()
        return [dict(zip(cols, row, strict=True)) for row in rows]

    # -- polls -------------------------------------------------------------------------------
    def polled(self, source: SourceDef, error: str | None, now: float | None = None) -> float:
        """Record a poll's end; returns when the source is next due (``every`` after a good
        poll; after an error ``every × 2^(errors in a row)``, at most 6 hours)."""
        now = time.time() if now is None else now
        with self._tx() as db:
            row = db.execute("SELECT failing FROM status WHERE name = ?", (source.name,)).fetchone()
            failing = (row[0] if row else 0) + 1 if error else 0
            delay = (
                source.every_s
                if not error
                else min(source.every_s * 2**failing, max(MAX_BACKOFF_S, source.every_s))
            )
            due = now + delay
            db.execute(
                "INSERT OR IGNORE INTO status (name, next_poll) VALUES (?, 0)", (source.name,)
            )
            if error:
                db.execute(
                    "UPDATE status SET last_poll = ?, next_poll = ?, errors = errors + 1, "
                    "failing = ?, last_error = ? WHERE name = ?",
                    (now, due, failing, error[:500], source.name),
                )
            else:
                db.execute(
                    "UPDATE status SET last_poll = ?, last_ok = ?, next_poll = ?, failing = 0 "
                    "WHERE name = ?",
                    (now, now, due, source.name),
                )
        return due

    def due(self, now: float | None = None) -> list[tuple[SourceDef, float]]:
        """Every source with when it is next due (0: never polled)."""
        now = time.time() if now is None else now
        return [(s.source, s.next_poll) for s in self.statuses()]

"""The server's one writer: a thread that appends to the ledger, in groups.

Request handlers never append themselves. They submit work and wait for its future; the writer
thread drains whatever has arrived, signs the custodial entries (chaining each author's ``seq``
and ``prev`` through the group), and appends the whole group with one ``Node.append_signed``:
one verification pass, one ``fdatasync``, one checkpoint, one projection transaction (group
commit). If the group is refused, each submission is retried on its own, so one bad entry fails
only its own request. Reads of the log take :meth:`Sequencer.reading` (held by the writer only
while the ledger itself changes, not while projections catch up), so readers never see a
half-appended tree. The node's writer lock (``ledger/writer.lock``) keeps a second process out.

A group's futures resolve once its entries are in the log *and* in the tables, so a request
reads back what it wrote. The tables are brought up to date by ``Store.catch_up``, in the
server's projector process when one is attached (:mod:`truce.store.remote`). Once entries are
in the log they are accepted, whatever happens next: if the tables cannot be brought up to date
(the database went away), the error is logged, the requests still succeed, and the next append
tries again.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from truce.errors import ConfigError, TruceError
from truce.ledger.entry import Entry
from truce.model.base import Model
from truce.model.kinds import parse_body
from truce.node import Node

__all__ = ["Appended", "Sequencer"]

T = TypeVar("T")


@dataclass(frozen=True)
class Appended:
    """Where a submission landed: the index of its first entry, and the entries themselves."""

    index: int
    entries: tuple[Entry, ...]


@dataclass
class _Custodial:
    author: str
    kind: str
    body: Model
    future: Future[Appended] = field(default_factory=Future)


@dataclass
class _Signed:
    entries: list[Entry]
    future: Future[Appended] = field(default_factory=Future)


@dataclass
class _Call:
    fn: Callable[[Node], Any]
    future: Future[Any] = field(default_factory=Future)


_Job = _Custodial | _Signed | _Call
_STOP = object()
log = logging.getLogger(__name__)


class Sequencer:
    def __init__(self, node: Node, *, max_group: int = 512) -> None:
        self.node = node
        self.max_group = max_group
        self._queue: queue.Queue[object] = queue.Queue()
        self._ledger_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="truce-sequencer", daemon=True)
        self._to_project: queue.Queue[object] = queue.Queue()
        self._projecting: threading.Thread | None = None
        self._in_flight = threading.Semaphore(1)  # groups handed to the projecting thread
        self.groups = 0  # appended groups, for tests and metrics
        #: Seconds the writer spent appending to the ledger (sign-check, write, fsync, checkpoint)
        #: and bringing the projections up to date, and how many entries: where the time goes.
        self.stats = {"entries": 0, "ledger_s": 0.0, "project_s": 0.0, "projection_errors": 0}
        #: Told the log's size each time the tables have caught up with it (the live hub's
        #: ``notify``): called on the writer's or the projecting thread, so it must not block.
        self.listeners: list[Callable[[int], None]] = []
        node.acquire_writer()
        self._thread.start()

    # -- submitting ----------------------------------------------------------------------------
    def submit(self, author: str, kind: str, body: Model | dict[str, Any]) -> Future[Appended]:
        """Sign ``body`` as ``kind`` with ``author``'s custodial key and append it."""
        model = body if isinstance(body, Model) else parse_body(kind, body)
        job = _Custodial(author, kind, model)
        self._queue.put(job)
        return job.future

    def submit_signed(self, entries: Sequence[Entry]) -> Future[Appended]:
        """Append entries signed elsewhere (client mode), all or nothing."""
        for i, entry in enumerate(entries):
            parse_body(entry.kind, entry.body, f"entry {i} ({entry.kind})")
        job = _Signed(list(entries))
        self._queue.put(job)
        return job.future

    def call(self, fn: Callable[[Node], T]) -> Future[T]:
        """Run ``fn(node)`` on the writer thread (for node operations that append)."""
        job: _Call = _Call(fn)
        self._queue.put(job)
        return job.future

    @contextlib.contextmanager
    def reading(self) -> Iterator[Node]:
        """Hold off appends while reading the ledger (proofs, tiles, entries)."""
        with self._ledger_lock:
            yield self.node

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout=30)
        if self._projecting is not None and self._projecting.is_alive():
            self._to_project.put(_STOP)  # after every group the writer handed over
            self._projecting.join(timeout=60)

    # -- the writer thread ---------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            jobs, stop = _drain(self._queue, self.max_group)
            if jobs:
                self._process(jobs)
            if stop:
                return

    def _process(self, jobs: list[_Job]) -> None:
        group: list[_Custodial | _Signed] = []
        for job in jobs:
            if not job.future.set_running_or_notify_cancel():
                continue  # its caller gave up before the writer got to it: nothing to do
            if isinstance(job, _Call):
                self._flush(group)
                group = []
                self._run_call(job)
            else:
                group.append(job)
        self._flush(group)

    def _run_call(self, job: _Call) -> None:
        try:
            # What ``fn`` reads of the tables includes every group appended before it.
            self.node.store.catch_up(self.node.ledger)
            with self._ledger_lock:
                result = job.fn(self.node)
        except BaseException as exc:  # the caller gets it; the writer goes on
            job.future.set_exception(exc)
        else:
            self._announce(self.node.ledger.size)
            job.future.set_result(result)

    def _flush(self, group: list[_Custodial | _Signed]) -> None:
        if not group:
            return
        try:
            placed = self._sign(group)
        except TruceError:
            placed = None
        if placed is not None and len(group) > 1:
            entries = [e for _, es in placed for e in es]
            try:
                first = self._append(entries)
            except Exception:  # nothing was appended: retry one by one, only the bad one fails
                pass
            else:
                done: list[tuple[Future[Appended], Appended]] = []
                at = first
                for job, es in placed:
                    done.append((job.future, Appended(at, tuple(es))))
                    at += len(es)
                self._project(done)
                return
        for job in group:
            try:
                (_, es), *_ = self._sign([job])
                self._project([(job.future, Appended(self._append(es), tuple(es)))])
            except BaseException as exc:
                job.future.set_exception(exc)

    def _sign(self, group: Sequence[_Custodial | _Signed]) -> list[tuple[Any, list[Entry]]]:
        """Sign the custodial jobs, chaining each author's positions through the group."""
        node = self.node
        heads: dict[str, tuple[int, str | None]] = {}
        placed: list[tuple[Any, list[Entry]]] = []
        for job in group:
            if isinstance(job, _Signed):
                for e in job.entries:
                    heads[e.author] = (e.seq + 1, e.hash.hex())
                placed.append((job, job.entries))
                continue
            seq, prev = heads.get(job.author) or node.ledger.next_position(job.author)
            entry = Entry.sign(
                node.signing_key(job.author),
                origin=node.ledger.origin,
                kind=job.kind,
                author=job.author,
                seq=seq,
                prev=prev,
                body=job.body.to_body(),
                mode="custodial",
            )
            heads[job.author] = (seq + 1, entry.hash.hex())
            placed.append((job, [entry]))
        return placed

    def _append(self, entries: list[Entry]) -> int:
        if not entries:
            raise ConfigError("nothing to append")  # pragma: no cover - callers never do this
        # Bodies were validated when submitted (custodial: the model; client: by the route and
        # submit_signed), so the writer does not parse them again.
        t0 = time.perf_counter()
        with self._ledger_lock:
            first = self.node.ledger.append(entries)
        self.groups += 1
        self.stats["entries"] += len(entries)
        self.stats["ledger_s"] += time.perf_counter() - t0
        return first

    # -- bringing the tables up to the log ------------------------------------------------------
    def _project(self, done: list[tuple[Future[Appended], Appended]]) -> None:
        """Resolve ``done`` once the tables hold its entries: here and now, or, with a projector
        process, on the projecting thread while this one appends the next group.

        One group at most is handed over and not yet projected: the writer appends the next
        group while the child projects this one, then waits. Requests arriving meanwhile make
        the next group bigger (one ``fdatasync``, one checkpoint, one projection transaction for
        them all) rather than making more, smaller groups that each cost those again.
        """
        projector = self.node.store.projector
        if projector is None:
            self._catch_up(functools.partial(self.node.store.catch_up, self.node.ledger))
            self._announce(max(a.index + len(a.entries) for _, a in done))
            for future, appended in done:
                future.set_result(appended)
            return
        if self._projecting is None:
            self._projecting = threading.Thread(
                target=self._run_projecting, name="truce-projecting", daemon=True
            )
            self._projecting.start()
        self._in_flight.acquire()  # released when the group before has been projected
        self._to_project.put(done)

    def _run_projecting(self) -> None:
        while True:
            # Every group appended meanwhile (one at most, see _project): one catch-up for all.
            batches, stop = _drain(self._to_project, sys.maxsize)
            done: list[tuple[Future[Appended], Appended]] = [d for b in batches for d in b]
            size = max((a.index + len(a.entries) for _, a in done), default=0)
            projector = self.node.store.projector
            if projector is not None and done:
                self._catch_up(functools.partial(projector.catch_up, size))
                self._announce(size)
            for future, appended in done:
                future.set_result(appended)
            for _ in batches:
                self._in_flight.release()
            if stop:
                return

    def _announce(self, size: int) -> None:
        for listener in self.listeners:
            try:
                listener(size)
            except Exception:  # a listener's failure is not the writer's
                log.exception("a listener failed on size %d", size)

    def _catch_up(self, catch_up: Callable[[], object]) -> None:
        t0 = time.perf_counter()
        try:
            catch_up()
        except Exception:  # the entries are in the log: they stay accepted (see the module)
            self.stats["projection_errors"] += 1
            log.exception("the tables are behind the log's %d entries", self.node.ledger.size)
        self.stats["project_s"] += time.perf_counter() - t0


def _drain(jobs: queue.Queue[object], limit: int) -> tuple[list[Any], bool]:
    """Wait for one item, then take whatever else is queued (up to ``limit`` in all); and
    whether :data:`_STOP` came (the items before it are still to be done)."""
    items: list[Any] = []
    while len(items) < limit:
        try:
            item = jobs.get_nowait() if items else jobs.get()
        except queue.Empty:
            break
        if item is _STOP:
            return items, True
        items.append(item)
    return items, False

"""The server's projections, caught up in a process of their own.

A server spends about a third of each signed report's CPU bringing the SQL tables up to the log
(correlation, agreement checks, the inserts). In the server's process that work holds the GIL
the request handlers need, so the one writer and the HTTP side take turns on one core. With
:class:`ProjectorProcess` attached (:meth:`Store.project_in`), :meth:`Store.catch_up` hands the
log's new size to a child process and waits for its answer. The child follows the log read-only
(:meth:`EntryLog.follower`), runs the very same :meth:`Store.catch_up` over its own database
connection, and answers once its transaction has committed. So a request that appended an entry
still reads it back from the tables (read-your-writes), and every caller of ``catch_up`` (the
sequencer, node operations run on the writer thread) goes through the one child: there is never
a second projector.

The child is ``python -m truce.store.remote``, a fresh interpreter (never a ``fork`` of the
server's threads and connection pools), talking JSON lines over a socket pair: the parent sends
``{"size": n, "import": [...]}`` (modules that registered handlers since the child started) and
the child answers ``{"applied": k}`` or ``{"error": "..."}``. If the child dies (killed, out of
memory), the next ``catch_up`` starts another one, which goes on from the tables'
``applied_size``: a transaction it did not commit left nothing behind. An error inside the
child (the database went away) comes back as :class:`ProjectionError`, and the child goes on.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import event

from truce.errors import ProjectionError
from truce.ledger.entry import Entry
from truce.ledger.storage import EntryLog
from truce.store.projector import handler_modules, registrations

__all__ = ["ProjectorProcess"]

log = logging.getLogger(__name__)
#: How long a new child may take to import and connect before it is given up on.
START_TIMEOUT_S = 120.0


class ProjectorProcess:
    """A child process that runs :meth:`Store.catch_up` for this process (see the module)."""

    def __init__(self, ledger_dir: Path, database_url: str) -> None:
        self.ledger_dir = ledger_dir
        self.database_url = database_url
        self._starts = 0
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._io: io.BufferedIOBase | None = None
        self._registered = 0  # handler registrations the child has imported
        #: Objects the child has frozen out of its full collections, as it said when it last
        #: froze some (at start, after its first catch-up, after importing modules).
        self.frozen = 0

    @property
    def restarts(self) -> int:
        """How many children were started after the first one stopped (tests and operators)."""
        return max(0, self._starts - 1)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        """Start the child now (else the first :meth:`catch_up` does); raises if it cannot."""
        with self._lock:
            if self._proc is None:
                self._start()

    def _start(self) -> None:
        self._registered, modules = handler_modules()
        ours, theirs = socket.socketpair()
        # The child imports this very truce, wherever it was imported from.
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, path]))}
        env["TRUCE_DATABASE_URL"] = self.database_url  # not on the command line (a password)
        command = [sys.executable, "-m", __name__, "--fd", str(theirs.fileno())]
        command += ["--ledger", str(self.ledger_dir), *(f"--import={m}" for m in modules)]
        try:
            proc = subprocess.Popen(command, env=env, pass_fds=[theirs.fileno()])
        except OSError as exc:
            ours.close()
            raise ProjectionError(f"could not start the projector process: {exc}") from exc
        finally:
            theirs.close()  # the child holds it now: when it dies, our end reads EOF
        self._proc, self._sock, self._io = proc, ours, ours.makefile("rwb")
        self._starts += 1
        ours.settimeout(START_TIMEOUT_S)
        try:
            ready = self._receive()
        except (OSError, ValueError) as exc:
            self._stop()
            raise ProjectionError(f"the projector process did not start: {exc}") from exc
        finally:
            ours.settimeout(None)
        if "error" in ready:
            self._stop()
            raise ProjectionError(f"the projector process could not start: {ready['error']}")
        self.frozen = int(ready.get("frozen", 0))

    def _send(self, message: dict[str, Any] | None) -> None:
        assert self._io is not None
        self._io.write(json.dumps(message).encode() + b"\n")
        self._io.flush()

    def _receive(self) -> dict[str, Any]:
        assert self._io is not None
        line = self._io.readline()
        if not line:
            raise EOFError("the projector process closed its end")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def catch_up(self, size: int) -> int:
        """Have the child apply the log's first ``size`` entries; returns how many it applied."""
        with self._lock:
            for _ in range(2):
                if self._proc is None:
                    self._start()
                modules: list[str] = []
                if registrations() != self._registered:  # a module registered handlers since
                    self._registered, modules = handler_modules()
                try:
                    self._send({"size": size, "import": modules})
                    answer = self._receive()
                except (EOFError, OSError, ValueError):
                    code = self._stop()
                    log.warning(
                        "the projector process stopped (exit status %s); starting another", code
                    )
                    continue
                if "applied" in answer:
                    self.frozen = int(answer.get("frozen", self.frozen))  # if it froze more
                    return int(answer["applied"])
                raise ProjectionError(
                    f"could not project the log's first {size} entries: {answer['error']}"
                )
            raise ProjectionError(
                f"the projector process stopped twice while projecting the first {size} entries"
            )

    def _stop(self, timeout: float = 30) -> int | None:
        proc, sock, stream = self._proc, self._sock, self._io
        self._proc = self._sock = self._io = None
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):  # it may be gone already
                stream.write(b"null\n")
                stream.flush()
            with contextlib.suppress(OSError):
                stream.close()
        if sock is not None:
            sock.close()
        if proc is None:
            return None
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:  # pragma: no cover - a child that will not stop
            proc.kill()
            return proc.wait()

    def close(self) -> None:
        """Ask the child to stop (after what it is doing) and wait for it."""
        with self._lock:
            self._stop()


class _Followed:
    """The log as :meth:`Store.catch_up` reads it, from the read-only follower."""

    def __init__(self, entries: EntryLog) -> None:
        self.entries = entries

    @property
    def size(self) -> int:
        return self.entries.size

    def iter_entries(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, Entry]]:
        for index, leaf in self.entries.iter(start, stop):
            yield index, Entry.from_leaf(leaf)


def _asynchronous_commit(dbapi_connection: Any, _record: Any) -> None:
    """PostgreSQL: the child's commits do not wait for the WAL to reach the disk.

    Safe because the tables are derived: a database crash can lose only the last projection
    transactions, ``applied_size`` with them, and the next catch-up projects those entries again
    from the log (which *is* flushed before an append returns). SQLite's ``synchronous=NORMAL``
    is the same choice.
    """
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    dbapi_connection.commit()


def _freeze() -> int:
    """Keep what the child holds for good out of the collector's full collections.

    The modules, tables and compiled statements (some 130,000 objects) live as long as the
    child. Left in the oldest generation, they were scanned by every full collection, which
    took 35-40 ms under load: the projection of the group waiting then, and the p99 latency
    of the server's writes. The server does the same (``truce serve``).
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def main(argv: list[str] | None = None) -> int:
    """The child (see the module): serve catch-ups until told to stop or the parent goes."""
    parser = argparse.ArgumentParser(prog="python -m truce.store.remote")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--ledger", type=Path, required=True)
    parser.add_argument("--import", dest="modules", action="append", default=[])
    args = parser.parse_args(argv)
    # Ctrl-C reaches the whole process group: the parent stops the child in its own time.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(format="truce projector: %(levelname)s %(message)s")
    stream = socket.socket(fileno=args.fd).makefile("rwb")

    def answer(message: dict[str, Any]) -> None:
        stream.write(json.dumps(message).encode() + b"\n")
        stream.flush()

    try:
        from truce.capabilities import load
        from truce.store import Store, make_engine

        load("projections")  # the capabilities' handlers first, in their order; then the rest
        for name in args.modules:
            importlib.import_module(name)
        engine = make_engine(os.environ["TRUCE_DATABASE_URL"])
        if engine.dialect.name == "postgresql":
            event.listen(engine, "connect", _asynchronous_commit)
        store = Store(engine)
        entries = EntryLog.follower(args.ledger)
    except Exception as exc:
        answer({"error": f"{type(exc).__name__}: {exc}"})
        return 1
    answer({"ready": True, "frozen": _freeze()})
    source = _Followed(entries)
    first = True
    try:
        for line in stream:  # ends when the parent's end closes
            message = json.loads(line)
            if message is None:
                break
            try:
                for name in message["import"]:
                    importlib.import_module(name)
                entries.follow(message["size"])
                applied = store.catch_up(source)
                said: dict[str, int] = {}
                if message["import"] or first:  # new modules, or what the first catch-up built
                    # Counted only then: counting walks every frozen object (about 1 ms).
                    said["frozen"], first = _freeze(), False
            except Exception as exc:  # the parent reports it; the next size tries again
                log.exception("could not project the log's first %s entries", message["size"])
                answer({"error": f"{type(exc).__name__}: {exc}"})
            else:
                answer({"applied": applied, **said})
    except (BrokenPipeError, ConnectionResetError):  # the parent is gone
        pass
    finally:
        store.close()
        engine.dispose()
        entries.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

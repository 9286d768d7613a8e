"""API benchmarks (issue 7): loopback load from a second process against ``truce serve``.

- ``api.reports_rate``: signed reports (custodial: the server signs with the party's sealed
  key) offered at a constant arrival rate (open loop: a request is sent on schedule whether or
  not earlier ones have returned), from this process to the server's; goal: 500 reports/s
  sustained with p99 latency at most 100 ms. Baseline: the same client's rate for a trivial
  request (``GET /api/v1/ledger/vkey``), the HTTP stack's own limit on this machine.
- ``api.incident_query``: incidents by bounding box (about 15 x 15 km) and a 30-day window, over
  1,000,000 incidents bulk-loaded into the incidents table (100,000 with ``--quick``), on SQLite
  and on PostgreSQL (when ``TRUCE_TEST_DATABASE_URL`` names a server); goal: p99 at most 30 ms
  through the API. Baseline: the same queries run directly on the database, in-process.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

import httpx

from benchmarks.harness import Baseline, Result
from truce.access.accounts import Accounts
from truce.access.service import grant_user
from truce.config import Settings
from truce.model import PartyKind
from truce.node import Node
from truce.store import make_engine, schema
from truce.store.spatial import BBox, find_incidents

REPORT: dict[str, Any] = {
    "title": "Bench: shelling near Morek",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "date": {"start": "2019-03-12", "end": "2019-03-12", "precision": 1},
    "locations": [{"place": "Morek", "point": {"lat": "35.37615", "lon": "36.6897"}}],
    "casualties": [{"category": "civilians", "kind": "injured", "low": 2, "best": 3}],
    "sources": [{"name": "Bench source", "kind": "party", "reliability": "C", "credibility": 3}],
    "text": "Benchmark report; not a real event. " * 4,
}
PASSWORD = "bench-password"
REGION = (35.8, 35.0, 37.6, 36.6)  # west, south, east, north: north-west Syria
DAY0, DAYS = date(2018, 1, 1), 2922


def _report(n: int) -> dict[str, Any]:
    """A report at its own place and day, as a day's reports from the field are."""
    rng = random.Random(n)
    w, s, e, north = REGION
    day = (DAY0 + timedelta(days=rng.randrange(DAYS))).isoformat()
    point = {"lat": f"{rng.uniform(s, north):.5f}", "lon": f"{rng.uniform(w, e):.5f}"}
    return {
        **REPORT,
        "title": f"Bench report {n}",
        "date": {"start": day, "end": day, "precision": 1},
        "locations": [{"place": f"Village {n % 997}", "point": point}],
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(home: Path, database_url: str) -> dict[str, str]:
    """A data directory with parties and users; returns a token per user."""
    settings = Settings(home=home, database_url=database_url)
    tokens = {}
    with Node.init(settings) as node:
        for pid in ("ru", "tr"):
            node.add_party(pid, pid.upper())
        node.add_party("center", "Center", PartyKind.CENTER)
        accounts = Accounts(node.store.engine)
        for user, role, party in (
            ("ru-officer", "officer", "ru"),
            ("tr-officer", "officer", "tr"),
            ("analyst", "analyst", "center"),
        ):
            grant_user(node, accounts, user, role, party, PASSWORD)
            tokens[user] = accounts.create_token(user)[0]
    return tokens


@dataclass(frozen=True)
class _Served:
    base: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far (Linux /proc)."""
        return _cpu_seconds(self.pid)

    def projector_cpu_seconds(self) -> float:
        """... and its projector process (a child of the server), if it has one."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        return sum(_cpu_seconds(int(pid)) for pid in children)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def _server(home: Path, database_url: str, projector: str = "process") -> Iterator[_Served]:
    port = _free_port()
    env = {**os.environ, "TRUCE_HOME": str(home), "TRUCE_DATABASE_URL": database_url}
    env["TRUCE_PROJECTOR"] = projector
    proc = subprocess.Popen(
        [sys.executable, "-m", "truce.cli", "serve", "--port", str(port), "--log-level", "error"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/ledger/vkey", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise RuntimeError(f"truce serve did not start: {err[-2000:]}")
            time.sleep(0.2)
        yield _Served(base, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


class _Pool:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: the load generator must cost far
    less than the server it measures (httpx's async client tops out near 200 requests/s here)."""

    #: uvicorn closes a keep-alive connection idle for 5 s; like any HTTP client's pool, do not
    #: send on one that may be closing (the request would be lost on the wire, not refused).
    MAX_IDLE_S = 4.0

    def __init__(self, base: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        while self.idle:
            reader, writer, since = self.idle.pop()
            if time.monotonic() - since < self.MAX_IDLE_S:
                return reader, writer
            writer.close()
        return await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, body: dict[str, Any] | None, token: str) -> int:
        reader, writer = await self._connection()
        data = json.dumps(body).encode() if body is not None else b""
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
        )
        writer.write(head.encode() + data)
        header = await reader.readuntil(b"\r\n\r\n")
        status = int(header.split(b" ", 2)[1])
        length = 0
        for line in header.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await reader.readexactly(length)
        self.idle.append((reader, writer, time.monotonic()))
        return status

    def close(self) -> None:
        for _, writer, _ in self.idle:
            writer.close()


async def _open_loop(
    base: str, requests: Sequence[tuple[str, str, dict[str, Any] | None, str]], rate: float
) -> tuple[list[float], int, float]:
    """Send ``requests`` at ``rate`` per second on schedule; latencies (s), errors, duration."""
    latencies: list[float] = []
    errors = 0
    kinds = ERRORS
    pool = _Pool(base)

    async def one(method: str, path: str, body: dict[str, Any] | None, token: str) -> None:
        nonlocal errors
        t0 = time.perf_counter()
        try:
            status = await pool.request(method, path, body, token)
            if status >= 300:
                errors += 1
                kinds[str(status)] = kinds.get(str(status), 0) + 1
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            errors += 1
            kinds[type(exc).__name__] = kinds.get(type(exc).__name__, 0) + 1
        latencies.append(time.perf_counter() - t0)

    with _no_gc_pauses():
        start = time.perf_counter()
        tasks = []
        for i, req in enumerate(requests):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(*req)))
        await asyncio.gather(*tasks)
        took = time.perf_counter() - start
    pool.close()
    return latencies, errors, took


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """No garbage collection in the load generator while it measures (as ``timeit`` does): a
    full collection stalls its event loop for tens of milliseconds, and every request in
    flight would have that counted as server latency."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def _closed_loop(base: str, path: str, token: str, count: int, conc: int) -> float:
    pool = _Pool(base)

    async def worker(n: int) -> None:
        for _ in range(n):
            await pool.request("GET", path, None, token)

    start = time.perf_counter()
    await asyncio.gather(*(worker(count // conc) for _ in range(conc)))
    rate = (count // conc) * conc / (time.perf_counter() - start)
    pool.close()
    return rate


#: What the errors of the last open-loop run were (HTTP status or exception name: count).
ERRORS: dict[str, int] = {}


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_reports(quick: bool, backend: str = "sqlite", projector: str = "process") -> list[Result]:
    with _fresh(backend) as fresh:
        return [] if fresh is None else _bench_reports(quick, backend, projector, *fresh)


def _bench_reports(quick: bool, backend: str, projector: str, home: Path, url: str) -> list[Result]:
    tokens = _prepare(home, url)
    rate = 500.0
    seconds = 4 if quick else 12
    with _server(home, url, projector) as served:
        base = served.base
        trivial = asyncio.run(
            _closed_loop(base, "/api/v1/ledger/vkey", tokens["analyst"], 1500, 32)
        )
        warm = [("POST", "/api/v1/reports", _report(i), tokens["ru-officer"]) for i in range(100)]
        asyncio.run(_open_loop(base, warm, 200))
        requests = [
            (
                "POST",
                "/api/v1/reports",
                _report(100 + i),
                tokens["ru-officer" if i % 2 else "tr-officer"],
            )
            for i in range(int(rate * seconds))
        ]
        ERRORS.clear()
        cpu0, child0 = served.cpu_seconds(), served.projector_cpu_seconds()
        latencies, errors, took = asyncio.run(_open_loop(base, requests, rate))
        cpu_ms = (served.cpu_seconds() - cpu0) / len(requests) * 1000
        child_ms = (served.projector_cpu_seconds() - child0) / len(requests) * 1000
        size = httpx.get(f"{base}/ledger/checkpoint").text.splitlines()[1]
    achieved = len(requests) / took
    p99 = _p(latencies, 0.99) * 1000
    return [
        Result(
            name="api.reports_rate" + ("" if projector == "process" else f"_{projector}"),
            value=round(achieved, 1),
            unit="reports/s",
            params={
                "offered": rate,
                "seconds": seconds,
                "errors": errors,
                "error_kinds": dict(ERRORS),
                "p50_ms": round(_p(latencies, 0.5) * 1000, 1),
                "p99_ms": round(p99, 1),
                "server_cpu_ms_per_report": round(cpu_ms, 3),
                "projector_cpu_ms_per_report": round(child_ms, 3),
                "projector": projector,
                "ledger_size": int(size),
                "mode": "custodial",
                "backend": backend,
            },
            baseline=Baseline("trivial GET rate, same client", round(trivial, 1), "req/s"),
            ratio=round(achieved / trivial, 3),
            goal=">= 500 reports/s with p99 <= 100 ms, no errors",
            met=achieved >= 0.98 * rate and p99 <= 100 and errors == 0,
        )
    ]


def _incident_rows(count: int, seed: int = 7) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    w, s, e, n = REGION
    for i in range(count):
        day = DAY0 + timedelta(days=rng.randrange(DAYS))
        end = day + timedelta(days=rng.choice((0, 0, 0, 1, 2, 6)))
        yield (
            f"I-b{i}",
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
            "remote",
            day.isoformat(),
            end.isoformat(),
            round(rng.uniform(s, n), 5),
            round(rng.uniform(w, e), 5),
            "bench",
            1,
            "single-source",
            1_000_000 + i,
        )


COLUMNS = (
    "id, event_type, sub_event_type, family, date_start, date_end, lat, lon, place, "
    "report_count, occurrence, first_index"
)


def _bulk_load(database_url: str, count: int) -> float:
    engine = make_engine(database_url)
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "sqlite":
            cast(Any, cur).executemany(  # sqlite3 takes any iterable of rows
                f"INSERT INTO incidents ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                _incident_rows(count),
            )
        else:
            cur.execute("DROP INDEX IF EXISTS ix_incidents_space_time")
            cur.execute("DROP INDEX IF EXISTS ix_incidents_space_time_core")
            with cur.copy(f"COPY incidents ({COLUMNS}) FROM STDIN") as copy:
                for row in _incident_rows(count):
                    copy.write_row(row)
            from truce.store.spatial import CORE_INDEX_SQL, GEO_INDEX_SQL

            cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")
            cur.execute(GEO_INDEX_SQL if cur.fetchone() else CORE_INDEX_SQL)
            cur.execute("ANALYZE incidents")
        raw.commit()
    finally:
        raw.close()
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return time.perf_counter() - started


def _queries(count: int, seed: int = 11) -> list[tuple[BBox, date, date]]:
    rng = random.Random(seed)
    w, s, e, n = REGION
    out = []
    for _ in range(count):
        lon, lat = rng.uniform(w, e - 0.15), rng.uniform(s, n - 0.15)
        start = DAY0 + timedelta(days=rng.randrange(DAYS - 30))
        out.append((BBox(lon, lat, lon + 0.15, lat + 0.15), start, start + timedelta(days=30)))
    return out


#: PostgreSQL as a user who may not create extensions: no PostGIS, core GiST instead.
PLAIN = "postgresql-plain"


def _postgres_database(plain: bool) -> tuple[str, str] | None:
    """(admin URL, URL of a new database); ``plain``: owned by, and used as, a new role that may
    not create extensions."""
    base = os.environ.get("TRUCE_TEST_DATABASE_URL")
    if not base:
        return None
    import psycopg

    name = f"truce_bench_{uuid.uuid4().hex[:8]}"
    admin = base.replace("postgresql+psycopg://", "postgresql://")
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        if plain:
            conn.execute(f"CREATE ROLE \"{name}\" LOGIN NOSUPERUSER PASSWORD '{name}'")
            conn.execute(f'CREATE DATABASE "{name}" OWNER "{name}"')
            scheme, rest = url.split("://", 1)
            url = f"{scheme}://{name}:{name}@{rest.split('@', 1)[-1]}"
        else:
            conn.execute(f'CREATE DATABASE "{name}"')
    return admin, url


@contextmanager
def _fresh(backend: str) -> Iterator[tuple[Path, str] | None]:
    """A data directory and a new, empty database of ``backend``, removed afterwards.

    None when ``backend`` is PostgreSQL and no server is configured (TRUCE_TEST_DATABASE_URL).
    """
    tmp = Path(tempfile.mkdtemp(prefix=f"truce-bench-api-{backend}-"))
    home = tmp / "home"
    pg = None if backend == "sqlite" else _postgres_database(backend == PLAIN)
    try:
        if backend == "sqlite":
            yield home, f"sqlite:///{home / 'truce.db'}"
        else:
            yield None if pg is None else (home, pg[1])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if pg is not None:
            import psycopg

            name = pg[1].rsplit("/", 1)[1]
            with psycopg.connect(pg[0], autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'DROP ROLE IF EXISTS "{name}"')  # the plain variant's


def _spatial_index(url: str) -> str:
    """What answers the box queries: SQLite's R*Tree, PostGIS, or core PostgreSQL GiST."""
    from truce.store.spatial import has_postgis

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                return "+rtree"
            return "+postgis" if has_postgis(conn, fresh=True) else " (no PostGIS: core GiST)"
    finally:
        engine.dispose()


def bench_queries(quick: bool, backend: str) -> list[Result]:
    with _fresh(backend) as fresh:
        return [] if fresh is None else _bench_queries(quick, backend, *fresh)


def _bench_queries(quick: bool, backend: str, home: Path, url: str) -> list[Result]:
    count = 100_000 if quick else 1_000_000
    tokens = _prepare(home, url)
    load_s = _bulk_load(url, count)
    queries = _queries(200 if quick else 600)
    engine = make_engine(url)
    direct = []
    with engine.connect() as conn:
        for bbox, start, end in queries:
            t0 = time.perf_counter()
            find_incidents(conn, bbox=bbox, start=start, end=end, limit=500)
            direct.append(time.perf_counter() - t0)
    engine.dispose()
    with _server(home, url) as served:
        base = served.base
        requests = [
            (
                "GET",
                "/api/v1/incidents?"
                + f"bbox={b.min_lon:.5f},{b.min_lat:.5f},{b.max_lon:.5f},{b.max_lat:.5f}"
                + f"&start={s}&end={e}&limit=500",
                None,
                tokens["analyst"],
            )
            for b, s, e in queries
        ]
        asyncio.run(_open_loop(base, requests[:50], 100))  # warm caches
        ERRORS.clear()
        latencies, errors, _ = asyncio.run(_open_loop(base, requests, 50))
        with httpx.Client(base_url=base) as c:
            b, s, e = queries[0]
            sample = c.get(
                "/api/v1/incidents",
                params={
                    "bbox": f"{b.min_lon},{b.min_lat},{b.max_lon},{b.max_lat}",
                    "start": str(s),
                    "end": str(e),
                },
                headers={"Authorization": f"Bearer {tokens['analyst']}"},
            ).json()
    p99 = _p(latencies, 0.99) * 1000
    direct_p99 = _p(direct, 0.99) * 1000
    return [
        Result(
            name="api.incident_query",
            value=round(p99, 2),
            unit="ms p99",
            params={
                "backend": backend + _spatial_index(url),
                "incidents": count,
                "queries": len(queries),
                "p50_ms": round(_p(latencies, 0.5) * 1000, 2),
                "errors": errors,
                "error_kinds": dict(ERRORS),
                "rows_in_first": len(sample),
                "bulk_load_s": round(load_s, 1),
            },
            baseline=Baseline(
                "same queries on the database, in-process, p99", round(direct_p99, 2), "ms"
            ),
            ratio=round(p99 / max(direct_p99, 1e-3), 2),
            goal="p99 <= 30 ms through the API",
            met=p99 <= 30 and errors == 0,
        )
    ]


def bench_writer(quick: bool, backend: str = "sqlite") -> list[Result]:
    """The sequencer alone, in-process: where a signed report's time goes on the one writer."""
    with _fresh(backend) as fresh:
        return [] if fresh is None else _bench_writer(quick, backend, *fresh)


def _bench_writer(quick: bool, backend: str, home: Path, url: str) -> list[Result]:
    from truce.model import Report
    from truce.web.sequencer import Sequencer

    count = 1000 if quick else 3000
    settings = Settings(home=home, database_url=url)
    with Node.init(settings) as node:
        for pid in ("ru", "tr"):
            node.add_party(pid, pid.upper())
        reports = [Report.model_validate(_report(i)) for i in range(count)]
        seq = Sequencer(node)
        started = time.perf_counter()
        futures = [
            seq.submit("ru" if i % 2 else "tr", "report.filed", r) for i, r in enumerate(reports)
        ]
        for f in futures:
            f.result()
        took = time.perf_counter() - started
        stats, groups = dict(seq.stats), seq.groups
        seq.close()
    ledger_ms = stats["ledger_s"] / stats["entries"] * 1000
    project_ms = stats["project_s"] / stats["entries"] * 1000
    return [
        Result(
            name="api.writer_rate",
            value=round(count / took, 1),
            unit="reports/s",
            params={
                "backend": backend,
                "reports": count,
                "groups": groups,
                "ledger_ms_per_report": round(ledger_ms, 3),
                "projections_ms_per_report": round(project_ms, 3),
            },
            baseline=Baseline(
                "ledger append alone (sign-check, fsync, checkpoint)",
                round(1000 / max(ledger_ms, 1e-6), 1),
                "reports/s",
            ),
            ratio=round(count / took / (1000 / max(ledger_ms, 1e-6)), 3),
            goal="the one writer sustains >= 500 reports/s",
            met=count / took >= 500,
        )
    ]


def run(quick: bool) -> list[Result]:
    results: list[Result] = []
    for backend in ("sqlite", "postgresql"):  # PostgreSQL when TRUCE_TEST_DATABASE_URL is set
        results += bench_writer(quick, backend)
        results += bench_reports(quick, backend)
        results += bench_reports(quick, backend, "inline")  # the projections on the writer
        results += bench_queries(quick, backend)
    results += bench_queries(quick, PLAIN)  # PostgreSQL without PostGIS
    return results


__all__ = ["run", "schema", "statistics"]

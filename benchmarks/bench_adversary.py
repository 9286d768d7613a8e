"""The attacker's soak: ``kill -9`` of a real ``truce serve`` under concurrent API load (issue 23).

``adversary.kill_soak``: the server process is killed with SIGKILL at random moments while
several clients file signed reports through the API, and started again on the same data
directory, on SQLite and on PostgreSQL (when ``TRUCE_TEST_DATABASE_URL`` is set). Figures:
kills, reports acknowledged with 201, present after the last restart, lost (the goal: 0), and
whether the projections equal a fresh rebuild. ``tests/adversary/test_crash_server.py`` runs the
same loop with 5 kills per backend in CI; this runs 50 (10 with ``--quick``).

``adversary.fuzz``: schemathesis against the real ``truce serve``'s OpenAPI document, every
operation as the anonymous public, the chair and an officer, with requests that fit the schema
and requests that do not (:mod:`benchmarks.fuzz_api`), 25 examples each (3 with ``--quick``;
CI runs 2 in ``tests/adversary/test_api_fuzz.py``). Figures: operations, examples sent, 5xx
(the goal: 0).
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.harness import Result
from truce.access.accounts import Accounts
from truce.access.service import grant_user
from truce.config import Settings
from truce.ledger.verify import verify_ledger
from truce.model import PartyKind
from truce.node import Node

__all__ = ["Figures", "make_home", "run", "run_kills"]

REPORT: dict[str, Any] = {
    "title": "Soak: shelling of Morek",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "date": {"start": "2019-03-12", "end": "2019-03-12", "precision": 1},
    "locations": [
        {"place": "Morek", "point": {"lat": "35.37615", "lon": "36.6897", "error_m": 1500}}
    ],
    "actors": [{"name": "Hay'at Tahrir al-Sham", "role": "perpetrator", "inter": 2}],
    "sources": [{"name": "Soak source", "kind": "party", "reliability": "C", "credibility": 3}],
}


@dataclass
class Figures:
    kills: int = 0
    acknowledged: set[str] = field(default_factory=set)
    present: int = 0
    lost: list[str] = field(default_factory=list)
    errors: int = 0  # connection errors and 503s while the server was down or starting


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_home(home: Path, database_url: str | None) -> tuple[Settings, str]:
    settings = Settings(home=home, database_url=database_url or f"sqlite:///{home}/truce.db")
    with Node.init(settings) as node:
        node.add_party("ru", "Russian Federation")
        node.add_party("center", "Joint coordination center", PartyKind.CENTER)
        accounts = Accounts(node.store.engine)
        grant_user(node, accounts, "ru-officer", "officer", "ru", "correct horse battery")
        token = accounts.create_token("ru-officer", "crash")[0]
    return settings, token


class ServerProcess:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = _free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = settings.home / "serve.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {
            **os.environ,
            "TRUCE_HOME": str(self.settings.home),
            "TRUCE_DATABASE_URL": self.settings.database_url,
        }
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "truce.cli", "serve", "--port", str(self.port),
                 "--log-level", "warning"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.base}/api/v1/me", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError("the server did not start within 60 s")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def run_kills(
    settings: Settings, token: str, report: dict[str, Any], *, kills: int, clients: int, seed: int
) -> Figures:
    rng = random.Random(seed)
    figures = Figures()
    server = ServerProcess(settings)
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int) -> None:
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=10) as c:
            i = 0
            while not stop.is_set():
                body = {**report, "title": f"client {n} report {i}"}
                i += 1
                try:
                    r = c.post(f"{server.base}/api/v1/reports", json=body)
                except httpx.HTTPError:
                    with lock:
                        figures.errors += 1
                    time.sleep(0.05)
                    continue
                with lock:
                    if r.status_code == 201:
                        figures.acknowledged.add(r.json()["id"])
                    else:
                        figures.errors += 1
                        assert r.status_code == 503, r.text  # never a 5xx other than shedding

    server.start()
    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    try:
        for _ in range(kills):
            time.sleep(rng.uniform(0.3, 1.5))
            server.kill()
            figures.kills += 1
            server.start()
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
        server.stop()
    with Node.open(settings) as node:
        verify_ledger(node.ledger)
        ids = {r["id"] for r in node.reports()}
        figures.present = len(figures.acknowledged & ids)
        figures.lost = sorted(figures.acknowledged - ids)
        live = node.store.dump()
        node.rebuild()
        rebuilt = node.store.dump()
        assert live == rebuilt, "projections after the kills differ from a fresh rebuild"
    return figures


def _backends() -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = [("sqlite", None)]
    base = os.environ.get("TRUCE_TEST_DATABASE_URL")
    if base:
        out.append(("postgresql", base))
    return out


def _fresh_postgres(base: str) -> str:
    import uuid

    import psycopg

    name = f"truce_soak_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + f"/{name}"


def make_fuzz_home(home: Path, database_url: str | None) -> tuple[Settings, dict[str, str]]:
    """A data directory with both parties, the center, and a chair and two officers' tokens."""
    settings = Settings(home=home, database_url=database_url or f"sqlite:///{home}/truce.db")
    tokens: dict[str, str] = {}
    with Node.init(settings) as node:
        node.add_party("ru", "Russian Federation")
        node.add_party("tr", "Republic of Türkiye")
        node.add_party("center", "Joint coordination center", PartyKind.CENTER)
        accounts = Accounts(node.store.engine)
        for user, role, party in (
            ("chair", "chair", "center"),
            ("ru-officer", "officer", "ru"),
            ("tr-officer", "officer", "tr"),
        ):
            grant_user(node, accounts, user, role, party, "correct horse battery")
            tokens[user] = accounts.create_token(user, "fuzz")[0]
    return settings, tokens


def run_fuzz(quick: bool) -> list[Result]:
    from benchmarks.fuzz_api import fuzz

    examples = 3 if quick else 25
    results = []
    for backend, base in _backends():
        with tempfile.TemporaryDirectory() as tmp:
            url = _fresh_postgres(base) if base else None
            settings, tokens = make_fuzz_home(Path(tmp) / "home", url)
            server = ServerProcess(settings)
            server.start()
            try:
                f = fuzz(server.base, tokens, examples=examples)
            finally:
                server.stop()
            for name, who, status, curl in f.server_errors[:20]:
                print(f"   5xx: {name} as {who}: {status}: {curl}", file=sys.stderr)
            for name, who, curl in f.timeouts[:20]:
                print(f"   timeout: {name} as {who}: {curl}", file=sys.stderr)
            results.append(
                Result(
                    "adversary.fuzz",
                    float(len(f.server_errors)),
                    "5xx answers",
                    params={
                        "backend": backend,
                        "operations": f.operations,
                        "examples_per_operation_identity_mode": examples,
                        "examples": f.examples,
                        "identities": 3,
                        "by_status": {str(k): v for k, v in sorted(f.by_status.items())},
                        "5xx": len(f.server_errors),
                        "timeouts_60s": len(f.timeouts),
                        "seconds": f.seconds,
                    },
                    goal="no 5xx",
                    met=not f.server_errors,
                )
            )
    return results


def run(quick: bool) -> list[Result]:
    results = run_fuzz(quick)
    kills = 10 if quick else 50
    for backend, base in _backends():
        with tempfile.TemporaryDirectory() as tmp:
            url = _fresh_postgres(base) if base else None
            settings, token = make_home(Path(tmp) / "home", url)
            started = time.perf_counter()
            f = run_kills(settings, token, REPORT, kills=kills, clients=4, seed=kills)
            results.append(
                Result(
                    "adversary.kill_soak",
                    float(len(f.lost)),
                    "acknowledged reports lost",
                    params={
                        "backend": backend,
                        "kills": f.kills,
                        "clients": 4,
                        "acknowledged": len(f.acknowledged),
                        "present": f.present,
                        "lost": len(f.lost),
                        "errors_while_down": f.errors,
                        "seconds": round(time.perf_counter() - started, 1),
                        "projections_equal_rebuild": True,
                    },
                    goal="lost = 0 over >= 50 kills",
                    met=not f.lost and f.kills >= 50,
                )
            )
    return results

"""``kill -9`` of a real ``truce serve`` under concurrent API load loses no acknowledged entry.

A server process is killed with SIGKILL at random moments while several clients file signed
reports through the API; after each kill it is started again on the same data directory. Every
report acknowledged with 201 must be in the log after the restart, the log must verify, and the
projections must equal a fresh rebuild. CI runs ``KILLS`` kills on each backend; the soak
(``benchmarks/bench_adversary.py``) runs many more and writes the figures to
``benchmarks/results.json``.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from truce.access.accounts import Accounts
from truce.access.service import grant_user
from truce.config import Settings
from truce.ledger.verify import verify_ledger
from truce.model import PartyKind
from truce.node import Node

KILLS = 5
CLIENTS = 4


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


def test_kill_9_under_api_load_loses_nothing(
    tmp_path: Path, database_url: str, sample_report: dict
) -> None:
    settings, token = make_home(tmp_path / "home", database_url)
    figures = run_kills(
        settings, token, sample_report, kills=KILLS, clients=CLIENTS, seed=len(database_url)
    )
    assert figures.kills == KILLS
    assert figures.acknowledged, "no report was acknowledged: the load never ran"
    assert figures.lost == [], f"{len(figures.lost)} acknowledged reports lost: {figures.lost[:5]}"
    assert figures.present == len(figures.acknowledged)

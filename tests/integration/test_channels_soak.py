"""Soak: a real ``truce sources watch`` process polls four channels on 127.0.0.1 while new items
keep arriving, and is killed with SIGKILL at random moments and restarted; at the end every
item is in the ledger exactly once. Bounded: ``TRUCE_SOAK_S`` seconds (default 15; ``make
soak`` runs an hour). Loopback only; the feed server and the loops stop by themselves."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from feeds import FeedServer

from truce.channels.state import State
from truce.config import Settings
from truce.node import Node

SOAK_S = float(os.environ.get("TRUCE_SOAK_S", "15"))
KINDS = ("rss", "atom", "telegram", "folder")


@pytest.fixture
def feeds(tmp_path: Path) -> Iterator[FeedServer]:
    server = FeedServer(tmp_path / "www")
    try:
        yield server
    finally:
        server.stop()


def _truce(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "truce", "--home", str(home), *args]


def _documents(home: Path) -> Counter[str]:
    with Node.open(Settings.from_env(env={}, home=home)) as node:
        counts: Counter[str] = Counter()
        for row in node.reports():
            counts[json.loads(row["body"])["evidence"][0]["sha256"]] += 1
        return counts


@pytest.mark.slow
def test_kill_9_loses_nothing_and_duplicates_nothing(tmp_path: Path, feeds: FeedServer) -> None:
    home = tmp_path / "home"
    Node.init(Settings.from_env(env={}, home=home)).close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
    urls = {"rss": feeds.url("rss"), "atom": feeds.url("atom"), "telegram": feeds.url("telegram")}
    for name, kind, target in (
        ("mod", "rss", urls["rss"]),
        ("msb", "atom", urls["atom"]),
        ("tg", "telegram-export", urls["telegram"]),
        ("drop", "folder", str(feeds.root / "folder")),
    ):
        subprocess.run(
            _truce(home, "sources", "add", kind, name, target, "--every", "1s"),
            check=True,
            env=env,
            capture_output=True,
        )
    rng = random.Random(int(os.environ.get("TRUCE_SOAK_SEED", "17")))
    started = time.monotonic()
    n = kills = 0
    log = tmp_path / "watch.log"
    while time.monotonic() - started < SOAK_S:
        run_log = tmp_path / f"watch-{kills}.log"
        with run_log.open("wb") as out:
            watcher = subprocess.Popen(
                _truce(home, "sources", "watch"), env=env, stdout=out, stderr=out
            )
        # Killed at a random moment once it has polled (its start-up is not the test).
        deadline = time.monotonic() + 120
        while b" items, " not in run_log.read_bytes() and time.monotonic() < deadline:
            assert watcher.poll() is None, run_log.read_text(errors="replace")
            time.sleep(0.05)
        alive_until = time.monotonic() + rng.uniform(0.1, 3.0)
        while time.monotonic() < alive_until:
            for _ in range(rng.randint(0, 3)):  # items arrive while it runs
                feeds.add(rng.choice(KINDS), n)
                n += 1
            time.sleep(rng.uniform(0.02, 0.3))
        watcher.send_signal(signal.SIGKILL)
        watcher.wait(timeout=30)
        kills += 1
        with log.open("ab") as whole:
            whole.write(run_log.read_bytes() + b"-- SIGKILL\n")
    # The killed watchers did the work (not only the last run), and some kills hit an item
    # between its ledger append and its seen record (the pipeline then says "duplicate").
    state = State.of_home(home)
    taken_by_killed = len({r["sha256"] for r in state.seen_items()})
    assert taken_by_killed >= 5, taken_by_killed
    # The last run is allowed to finish: poll until every item is taken.
    done = subprocess.run(
        _truce(home, "sources", "watch", "--once"), env=env, capture_output=True, timeout=600
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    items = [i for kind in KINDS for i in feeds.items[kind]]
    docs = _documents(home)
    assert kills >= 3 and len(items) >= 10, (kills, len(items))
    duplicated = {sha: c for sha, c in docs.items() if c != 1}
    assert not duplicated, f"documents filed more than once: {duplicated}"
    assert len(docs) == len(items), (
        f"{len(items)} items published, {len(docs)} in the ledger after {kills} kills "
        f"(log: {log.read_text(errors='replace')[-2000:]})"
    )
    again = subprocess.run(
        _truce(home, "sources", "watch", "--once"), env=env, capture_output=True, timeout=600
    )
    assert again.returncode == 0
    assert _documents(home) == docs
    recovered = sum(1 for r in state.seen_items() if r["status"] == "duplicate")
    print(
        f"soak: {len(items)} items, {kills} kills, {taken_by_killed} taken by killed watchers, "
        f"{recovered} recovered after a kill between the append and the seen record"
    )

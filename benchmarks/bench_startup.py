"""Startup benchmarks (issue 21): how long a ``truce`` command takes before it does anything.

Each command runs in a fresh process, as a user runs it (the installed ``truce`` script), the
best of a few runs in wall time. The baseline, measured in the same run, is ``python -c pass``:
the interpreter's own start. The ratio says how many interpreter starts a command costs. The
goal for ``truce --help`` and ``truce --version`` is 250 ms of wall time on an idle machine; the
other commands' ``--help`` show what a command's own imports cost (each imports only its module).
``python -X importtime`` gives, for each command, the modules imported and their total time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.harness import Baseline, Result

GOAL_MS = 250.0
#: (arguments, whether the 0.25 s goal applies)
COMMANDS: tuple[tuple[tuple[str, ...], bool], ...] = (
    (("--version",), True),
    (("--help",), True),
    (("party", "--help"), False),
    (("ledger", "verify", "--help"), False),
    (("ingest", "--help"), False),
    (("serve", "--help"), False),
)


def _truce() -> list[str]:
    script = Path(sys.executable).with_name("truce")
    return [sys.executable, str(script)] if script.exists() else [sys.executable, "-m", "truce"]


def _wall_ms(argv: list[str], repeat: int) -> float:
    env = {**os.environ, "COLUMNS": "100"}
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True
        )
        best = min(best, time.perf_counter() - started)
    return best * 1000


def imports(argv: list[str]) -> tuple[int, float]:
    """Modules imported and their total import time (ms) by ``python -X importtime`` argv."""
    proc = subprocess.run(
        [argv[0], "-X", "importtime", *argv[1:]], capture_output=True, text=True, check=True
    )
    count, total_us = 0, 0
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _self, cumulative, name = line.removeprefix("import time:").split("|")
        count += 1
        if not name.startswith("  "):  # a top-level import: its cumulative time covers the rest
            total_us += int(cumulative)
    return count, total_us / 1000


def run(quick: bool) -> list[Result]:
    repeat = 5 if quick else 10
    base = _wall_ms([sys.executable, "-c", "pass"], repeat)
    baseline = Baseline("python -c pass", round(base, 1), "ms")
    truce = _truce()
    results: list[Result] = []
    for args, goal in COMMANDS:
        wall = _wall_ms([*truce, *args], repeat)
        modules, import_ms = imports([*truce, *args])
        results.append(
            Result(
                name="startup." + "_".join(a.strip("-") for a in args),
                value=round(wall, 1),
                unit="ms",
                params={"argv": ["truce", *args], "modules": modules, "import_ms": import_ms},
                baseline=baseline,
                ratio=round(wall / base, 2),
                goal=f"<= {GOAL_MS:.0f} ms wall" if goal else "",
                met=wall <= GOAL_MS if goal else None,
                notes=f"best of {repeat} fresh processes; imports by python -X importtime",
            )
        )
    return results

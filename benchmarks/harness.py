"""The shape every benchmark reports, and small timing helpers.

A result names what was measured (dotted by area: ``ledger.append``), its parameters, the value
and unit, the baseline measured in the same run (a physical limit such as the raw Ed25519 verify
rate) and the ratio to it, the goal as text, and whether it was met. Machines here are shared and
noisy: compare ratios, not absolute numbers, and take the best of a few repetitions.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Baseline", "Result", "best_cpu_rate", "best_rate", "cpu_timed", "machine", "timed"]


@dataclass
class Baseline:
    name: str
    value: float
    unit: str


@dataclass
class Result:
    name: str
    value: float
    unit: str
    params: dict[str, Any] = field(default_factory=dict)
    baseline: Baseline | None = None
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None
    notes: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.baseline is None:
            data.pop("baseline")
        return {k: v for k, v in data.items() if v not in (None, "")}


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def best_rate(count: int, fn: Callable[[], object], repeat: int = 3) -> float:
    """Items per second of the fastest of ``repeat`` runs of ``fn`` (which handles ``count``)."""
    return count / min(timed(fn) for _ in range(repeat))


def cpu_timed(fn: Callable[[], object]) -> float:
    """CPU seconds of this process spent in ``fn`` (fairer than wall time on a shared machine)."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def best_cpu_rate(count: int, fn: Callable[[], object], repeat: int = 3) -> float:
    """Items per CPU-second of the cheapest of ``repeat`` runs of ``fn``."""
    return count / min(cpu_timed(fn) for _ in range(repeat))


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        # Shared machines: the load when the run started says how much to trust the numbers.
        "loadavg_1m_at_start": round(os.getloadavg()[0], 2),
    }

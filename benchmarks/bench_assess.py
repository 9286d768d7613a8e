"""Assessment: correlating reports into incidents (issue 5).

Goals: 1,000,000 reports correlated in ≤ 60 s; growth sub-quadratic (time for 1M ÷ time for
100k ≤ 15, both in this run); placing one new report among 1,000,000 incidents ≤ 5 ms at the
99th percentile; pairwise F1 ≥ 0.95 on the scenario generator's default scenario.

What is timed is the correlation engine (:class:`truce.assess.engine.Correlator`) on in-memory
report summaries, in filing order, one report at a time as the ledger projection places them:
not the ledger, not SQL. Making the summaries from plain values (place-name keys and all) is
timed apart. The reports come from the scenario generator (:mod:`truce.assess.scenario`), scaled
so that the density of events per village and day stays the default scenario's: more reports
means more villages over a larger area and more days, as a center accumulates them.

The baseline is brute force measured in the same run: the same engine with every live incident
a candidate (no index), on a subsample, its rate extrapolated; both must place the subsample's
reports identically, or the benchmark fails. Quick mode: 10,000 and 100,000 reports, placement
among 100,000 incidents. Wall-clock times are the goals' measure; each result also gives this
process's CPU time, which the other work on a shared machine disturbs less. The smaller size is
the best of three runs, the placement the best of three rounds of 2,000 reports.
"""

from __future__ import annotations

import gc
import math
import random
import time
from typing import Any

from benchmarks.harness import Baseline, Result
from truce.assess.correlate import IncidentState
from truce.assess.engine import Correlator
from truce.assess.scenario import ScenarioConfig, generate, pairwise
from truce.assess.summary import FAMILY_CODES, Summary

REPORTS_PER_EVENT = 2.27  # the generator's mean


def scaled(reports: int, seed: int = 11) -> ScenarioConfig:
    """A scenario of about ``reports`` reports at the default scenario's density."""
    base = ScenarioConfig()
    events = max(1, round(reports / REPORTS_PER_EVENT))
    scale = max(1.0, events / 40_000)  # 40,000 events over the default area, then grow it
    south, west, north, east = base.bbox
    side = math.sqrt(scale)
    bbox = (south, west, south + (north - south) * side, west + (east - west) * side)
    villages = round(base.villages * scale)
    return ScenarioConfig(
        events=events,
        seed=seed,
        villages=villages,
        events_per_day=base.events_per_day * villages / base.villages,
        bbox=bbox,
    )


class BruteForce(Correlator):
    def _candidates(self, s: Summary) -> list[IncidentState]:
        return [c for c in self.incidents if c is not None]


def _correlate(summaries: list[Summary]) -> tuple[float, float, Correlator, list[int]]:
    engine = Correlator()
    wall, cpu = time.perf_counter(), time.process_time()
    labels = engine.add_many(summaries)
    return time.perf_counter() - wall, time.process_time() - cpu, engine, labels


def _one_size(n: int, repeat: int = 1) -> dict[str, Any]:
    scenario = generate(scaled(n))
    started = time.perf_counter()
    summaries = scenario.summaries()
    summarize = time.perf_counter() - started
    runs = [_correlate(summaries) for _ in range(repeat)]
    wall, cpu, engine, labels = min(runs, key=lambda r: r[0])
    return {
        "reports": len(summaries),
        "incidents": len(engine),
        "wall": wall,
        "cpu": cpu,
        "summarize": summarize,
        "keys": len(engine.index),
        "scores": pairwise(scenario.truth, labels),
        "summaries": summaries,
        "engine": engine,
    }


def _brute(summaries: list[Summary], sample: int) -> tuple[float, bool]:
    """Seconds brute force takes for the first ``sample`` reports, and whether it agrees."""
    part = summaries[:sample]
    started = time.perf_counter()
    slow = BruteForce().add_many(part)
    seconds = time.perf_counter() - started
    return seconds, slow == Correlator().add_many(part)


def _placement(incidents: int, probes: int = 2_000) -> dict[str, float]:
    """Place reports one at a time among ``incidents`` single-report incidents."""
    config = scaled(incidents)
    rng = random.Random(7)
    south, west, north, east = config.bbox
    days = max(1, round(incidents / config.events_per_day))
    engine = Correlator()
    fam = FAMILY_CODES["remote"]

    def summary(i: int) -> Summary:
        day = 17_000 + rng.randrange(days)
        s = Summary(
            i, "remote", "Shelling/artillery/missile attack", day, day,
            rng.uniform(south, north), rng.uniform(west, east), rng.choice((0.5, 1.0, 2.0, 3.0)),
            (f"v{rng.randrange(incidents // 3 + 1)}",), ("idlib",), (), (),
        )  # fmt: skip
        assert s.fam == fam
        return s

    for i in range(incidents):  # bulk load: one incident each, as a restored state would be
        engine.start(summary(i))
    # A service holding this state would freeze it once loaded: the collector then leaves the
    # million long-lived objects alone instead of rescanning them in its oldest generation.
    gc.collect()
    gc.freeze()
    rounds: list[tuple[list[int], list[int]]] = []
    try:
        for r in range(3):  # the best of three rounds: the machine is shared
            times, cpu = [], []
            for j in range(probes):
                s = summary(incidents + r * probes + j)
                started, started_cpu = time.perf_counter_ns(), time.thread_time_ns()
                engine.add(s)
                times.append(time.perf_counter_ns() - started)
                cpu.append(time.thread_time_ns() - started_cpu)
            times.sort()
            cpu.sort()
            rounds.append((times, cpu))
    finally:
        gc.unfreeze()
    times, cpu = min(rounds, key=lambda t: t[0][int(len(t[0]) * 0.99)])
    return {
        "p50": times[len(times) // 2] / 1e6,
        "p99": times[int(len(times) * 0.99)] / 1e6,
        "max": times[-1] / 1e6,
        "cpu_p99": cpu[int(len(cpu) * 0.99)] / 1e6,
        "incidents": float(len(engine)),
    }


def run(quick: bool) -> list[Result]:
    small_n, big_n = (10_000, 100_000) if quick else (100_000, 1_000_000)
    results: list[Result] = []

    default = generate()
    f1 = pairwise(default.truth, Correlator().add_many(default.summaries()))
    results.append(
        Result(
            name="assess.f1_default",
            value=f1.f1,
            unit="pairwise F1",
            params={
                "reports": len(default.reports),
                "events": default.config.events,
                "precision": round(f1.precision, 4),
                "recall": round(f1.recall, 4),
            },
            goal=">= 0.95 on the default scenario",
            met=f1.f1 >= 0.95,
        )
    )
    dense = generate(ScenarioConfig(events_per_day=14.0, villages=160))
    f1_dense = pairwise(dense.truth, Correlator().add_many(dense.summaries()))
    results.append(
        Result(
            name="assess.f1_dense",
            value=f1_dense.f1,
            unit="pairwise F1",
            params={
                "events_per_day": 14.0,
                "villages": 160,
                "precision": round(f1_dense.precision, 4),
                "recall": round(f1_dense.recall, 4),
            },
            notes="denser than the default: more same-village events on consecutive days",
        )
    )

    small = _one_size(small_n, repeat=3)
    del small["summaries"], small["engine"]
    big = _one_size(big_n)
    sample = 1_500 if quick else 3_000
    brute_s, agree = _brute(big["summaries"], sample)
    if not agree:
        raise AssertionError("indexed and brute-force correlation disagree on the subsample")
    del big["summaries"], big["engine"]
    for size in (small, big):
        n = size["reports"]
        results.append(
            Result(
                name="assess.correlate",
                value=size["wall"],
                unit="s",
                params={
                    "reports": n,
                    "incidents": size["incidents"],
                    "index_keys": size["keys"],
                    "cpu_s": round(size["cpu"], 2),
                    "reports_per_s": round(n / size["wall"]),
                    "summarize_s": round(size["summarize"], 2),
                    "pairwise_f1": round(size["scores"].f1, 4),
                },
                # Every report against every incident: quadratic, so extrapolated as n².
                baseline=Baseline("assess.brute_force", brute_s * (n / sample) ** 2, "s"),
                ratio=brute_s * (n / sample) ** 2 / size["wall"],
                goal="<= 60 s for 1,000,000 reports"
                if n >= 900_000
                else "faster than brute force (every incident a candidate)",
                met=size["wall"] <= 60
                if n >= 900_000
                else size["wall"] < brute_s * (n / sample) ** 2,
                notes="wall clock on a shared machine; cpu_s is this process's CPU time",
            )
        )
    growth = big["wall"] / small["wall"]
    results.append(
        Result(
            name="assess.growth",
            value=growth,
            unit="x time for 10x reports",
            params={
                "small": small["reports"],
                "big": big["reports"],
                "cpu_growth": round(big["cpu"] / small["cpu"], 2),
            },
            goal="<= 15 (sub-quadratic: 100 would be quadratic)",
            met=growth <= 15,
        )
    )
    placed = _placement(100_000 if quick else 1_000_000)
    results.append(
        Result(
            name="assess.place_p99",
            value=placed["p99"],
            unit="ms",
            params={
                "incidents": int(placed["incidents"]),
                "p50_ms": round(placed["p50"], 3),
                "cpu_p99_ms": round(placed["cpu_p99"], 3),
                "max_ms": round(placed["max"], 3),
                "probes": 2_000,
                "rounds": 3,
            },
            goal="<= 5 ms at the 99th percentile among 1,000,000 incidents",
            met=placed["p99"] <= 5,
        )
    )
    return results

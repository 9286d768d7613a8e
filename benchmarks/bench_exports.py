"""Export benchmarks (issue 19): each event format streams a million incidents, memory flat.

Workload: :func:`truce.report.synthetic.synthetic_events` -- a million distinct incidents (ids
``I-1`` ..) drawn from a fixed pool of 997 varied reports, every ACLED sub-event type, points and
area-only locations -- written by each format's exporter to a sink that counts and discards the
text (the rate is the format's, not the disk's). Each run is a fresh process, so its peak
resident memory (``ru_maxrss``) is the export's own: the same format is run at 10,000 and at the
full size, and "flat" means the peak at the full size is within 1.25x of the peak at 10,000
(an export that held its events or its output would grow about a hundredfold).

Baseline, measured in the same run the same way: iterating the same events and writing one short
line per event (the cost of producing the events and of the stream, with no format at all). The
ratio is format rate / baseline rate. Goal: 10,000 incidents/s for every format (an export of a
year of a busy center's incidents in seconds) and flat memory.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from benchmarks.harness import Baseline, Result

FORMATS = ("acled", "geojson", "hxl", "cot", "plover", "ucdp", "kml")
FULL_N = 1_000_000
QUICK_N = 100_000
SMALL_N = 10_000
RATE_GOAL = 10_000  # incidents/s
FLAT_GOAL = 1.25  # peak RSS at the full size / at SMALL_N

_CHILD = """
import json, resource, sys, time
from truce.report.registry import ExportContext, get_format
from truce.report.synthetic import synthetic_events, synthetic_state

class Sink:
    chars = 0
    def write(self, text):
        self.chars += len(text)
        return len(text)

name, n = sys.argv[1], int(sys.argv[2])
sink = Sink()
if name != "baseline":
    get_format(name)  # load the registry (and, through it, the package) before the clock
    from truce.report.admin import admin_place
    admin_place(next(synthetic_events(1)).report)  # the OCHA boundaries, loaded once
start = time.perf_counter()
if name == "baseline":
    written = 0
    for event in synthetic_events(n):
        sink.write(event.id + "\\n")
        written += 1
else:
    result = get_format(name).export(synthetic_events(n), sink, ExportContext(synthetic_state()))
    written = result.written + result.left_out_count
seconds = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "written": written, "chars": sink.chars, "peak_kb": peak_kb}))
"""


def _run(name: str, n: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, name, str(n)], capture_output=True, text=True, check=True
    )
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["written"] == n, (name, out)
    return out


def run(quick: bool) -> list[Result]:
    n = QUICK_N if quick else FULL_N
    base = _run("baseline", n)
    baseline = Baseline("iterate the events, write one line each", n / base["seconds"], "events/s")
    results = []
    for name in FORMATS:
        small = _run(name, SMALL_N)
        big = _run(name, n)
        rate = n / big["seconds"]
        growth = big["peak_kb"] / small["peak_kb"]
        results.append(
            Result(
                name=f"exports.{name}.rate",
                value=round(rate, 1),
                unit="incidents/s",
                params={"incidents": n, "output_mb": round(big["chars"] / 1e6, 1)},
                baseline=baseline,
                ratio=round(rate / baseline.value, 3),
                goal=f">= {RATE_GOAL:,} incidents/s",
                met=rate >= RATE_GOAL,
            )
        )
        results.append(
            Result(
                name=f"exports.{name}.memory",
                value=round(big["peak_kb"] / 1024, 1),
                unit="MB peak RSS",
                params={"incidents": n, "peak_mb_at_10000": round(small["peak_kb"] / 1024, 1)},
                ratio=round(growth, 3),
                goal=f"flat: peak at {n:,} <= {FLAT_GOAL}x the peak at {SMALL_N:,}",
                met=growth <= FLAT_GOAL,
            )
        )
    return results

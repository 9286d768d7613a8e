"""Run the benchmarks and write benchmarks/results.json (``make bench``, ``make bench QUICK=1``)."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

from benchmarks.harness import Result, machine


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, under 5 minutes")
    parser.add_argument("--only", action="append", default=[], help="area(s) to run, e.g. ledger")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    args = parser.parse_args()
    areas = sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    results: list[tuple[str, Result]] = []
    for area in areas:
        if args.only and area not in args.only:
            continue
        module = importlib.import_module(f"benchmarks.bench_{area}")
        started = time.perf_counter()
        print(f"== {area}", file=sys.stderr, flush=True)
        for result in module.run(args.quick):
            results.append((area, result))
            print(f"   {result.name} {result.params}: {result.value:,.1f} {result.unit}"
                  + (f"  ratio {result.ratio:.2f}" if result.ratio is not None else "")
                  + (f" ({result.goal}: {'met' if result.met else 'NOT met'})"
                     if result.met is not None else ""),
                  file=sys.stderr, flush=True)  # fmt: skip
        print(f"   ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    previous: dict[str, object] = {}
    if args.only and args.out.exists():  # keep the other areas' results from the last full run
        previous = json.loads(args.out.read_text())
    kept = [
        b
        for b in previous.get("benchmarks", [])  # type: ignore[attr-defined]
        if b.get("area", b["name"].split(".")[0]) not in args.only
    ]
    document = {
        "machine": machine(),
        "quick": args.quick,
        "benchmarks": kept + [{"area": area, **r.to_json()} for area, r in results],
    }
    # Unescaped, as the committed file is: a partial run (--only) rewrites only its own areas.
    args.out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

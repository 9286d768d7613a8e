"""The database cursor export path (issue 19): a million incidents read from SQLite and exported.

``truce export`` reads its events through :meth:`truce.report.queries.Snapshot.iter_events`: one
cursor over the incidents table (``stream_results``, ``yield_per``), each batch of 1,000 with its
reports and responses, each report's JSON body parsed and validated, the incident merged, then the
format writes it. ``bench_exports`` measures the formats on events built in memory; this area
measures the whole path from the database.

Workload: a SQLite projection database (a real file, the schema the migrations make) holding
``n`` incidents with one report each, the report bodies the same 997 synthetic reports that
``bench_exports`` uses (:mod:`truce.report.synthetic`), so both paths export the same contents.
The rows are written straight into the projection tables: replaying a million signed entries
would measure the ledger, not the export. Each measurement is a fresh process whose peak
resident memory (``ru_maxrss``) is the export's own; the output goes to a sink that counts and
discards it. ACLED is the format (the one most users take, and among the costlier to write).

Baseline, measured in the same run the same way: the in-memory streaming path (the same number
of synthetic events given to the same exporter). Results: the cursor path's rate, its ratio to
the in-memory rate, and its memory flatness (peak RSS at the full size over the peak at
10,000). Goals: flat memory (within 1.25x, as for the in-memory path) and at least a quarter of
the in-memory rate (the cursor path also parses and validates every report and merges every
incident, which the in-memory path gets for free).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.harness import Baseline, Result

FORMAT = "acled"
FULL_N = 1_000_000
QUICK_N = 100_000
SMALL_N = 10_000
FLAT_GOAL = 1.25
RATIO_GOAL = 0.25

_BUILD = """
import json, sqlite3, sys
from truce.report.synthetic import synthetic_events
from truce.store.db import make_engine, prepare_database

path, n = sys.argv[1], int(sys.argv[2])
engine = make_engine("sqlite:///" + path)
prepare_database(engine)
engine.dispose()
db = sqlite3.connect(path)
db.execute("PRAGMA journal_mode=OFF")
db.execute("PRAGMA synchronous=OFF")
db.execute(
    "INSERT INTO parties (id, name, kind, public_key, entry_index) VALUES (?, ?, ?, ?, ?)",
    ("ru", "Illustrative party", "party", "00" * 32, 0),
)
bodies = {}
incidents, reports = [], []

def flush():
    db.executemany(
        "INSERT INTO incidents (id, event_type, sub_event_type, family, date_start, date_end,"
        " lat, lon, place, report_count, occurrence, first_index)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
        incidents,
    )
    db.executemany(
        "INSERT INTO reports (id, entry_index, author, filed_at, event_type, sub_event_type,"
        " family, modality, date_start, date_end, time_precision, place, area, lat, lon,"
        " error_m, geo_precision, title, incident_id, body)"
        " VALUES (?, ?, 'ru', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        reports,
    )
    incidents.clear()
    reports.clear()

for i, event in enumerate(synthetic_events(n)):
    r = event.report
    body = bodies.get(id(r))
    if body is None:
        body = bodies[id(r)] = json.dumps(r.model_dump(mode="json", exclude_none=True))
    loc = r.location
    lat = float(loc.point.lat) if loc.point else None
    lon = float(loc.point.lon) if loc.point else None
    common = (r.event_type.value, r.sub_event_type, r.family)
    dates = (r.date.start.isoformat(), r.date.end.isoformat())
    incidents.append(
        (event.id, *common, *dates, lat, lon, loc.place, event.occurrence or "single-source", i + 1)
    )
    reports.append(
        (
            f"R-{i + 1}", i + 1, event.last_filed, *common, r.modality.value, *dates,
            int(r.date.precision), loc.place, loc.area or loc.admin1, lat, lon,
            loc.point.error_m if loc.point else None, int(loc.precision), r.title, event.id, body,
        )
    )
    if len(incidents) == 10_000:
        flush()
flush()
db.commit()
db.close()
"""

_CHILD = """
import json, resource, sys, time
from truce.report.registry import ExportContext, get_format
from truce.report.queries import Snapshot
from truce.report.synthetic import synthetic_events, synthetic_state
from truce.store.db import make_engine

class Sink:
    chars = 0
    def write(self, text):
        self.chars += len(text)
        return len(text)

path, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
fmt = get_format(name)
from truce.report.admin import admin_place
admin_place(next(synthetic_events(1)).report)  # the OCHA boundaries, loaded once
sink = Sink()
state = synthetic_state(n)
start = time.perf_counter()
if path == "-":
    result = fmt.export(synthetic_events(n), sink, ExportContext(state))
else:
    engine = make_engine("sqlite:///" + path)
    with engine.connect() as conn, conn.begin():
        snap = Snapshot(conn, state)
        context = ExportContext(state, snapshot=snap)
        result = fmt.export(snap.iter_events("incidents"), sink, context)
written = result.written + result.left_out_count
seconds = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "written": written, "chars": sink.chars, "peak_kb": peak_kb}))
"""


def _python(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise RuntimeError(f"benchmark child failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _export(db: str, n: int) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(_python(_CHILD, db, FORMAT, str(n)).strip().splitlines()[-1])
    assert out["written"] == n, (db, out)
    return out


def run(quick: bool) -> list[Result]:
    n = QUICK_N if quick else FULL_N
    with tempfile.TemporaryDirectory(prefix="truce-bench-db-") as tmp:
        small_db, big_db = str(Path(tmp) / "small.db"), str(Path(tmp) / "big.db")
        _python(_BUILD, small_db, str(SMALL_N))
        _python(_BUILD, big_db, str(n))
        db_mb = Path(big_db).stat().st_size / 1e6
        memory_small, memory_big = _export("-", SMALL_N), _export("-", n)
        cursor_small, cursor_big = _export(small_db, SMALL_N), _export(big_db, n)
    assert cursor_big["chars"] > 0 and memory_big["chars"] > 0
    memory_rate = n / memory_big["seconds"]
    cursor_rate = n / cursor_big["seconds"]
    baseline = Baseline(f"in-memory streaming path, {FORMAT}", round(memory_rate, 1), "incidents/s")
    growth = cursor_big["peak_kb"] / cursor_small["peak_kb"]
    memory_growth = memory_big["peak_kb"] / memory_small["peak_kb"]
    return [
        Result(
            name=f"exports_db.{FORMAT}.rate",
            value=round(cursor_rate, 1),
            unit="incidents/s",
            params={"incidents": n, "database_mb": round(db_mb, 1), "database": "sqlite file"},
            baseline=baseline,
            ratio=round(cursor_rate / memory_rate, 3),
            goal=f">= {RATIO_GOAL}x the in-memory path's rate",
            met=cursor_rate / memory_rate >= RATIO_GOAL,
        ),
        Result(
            name=f"exports_db.{FORMAT}.memory",
            value=round(cursor_big["peak_kb"] / 1024, 1),
            unit="MB peak RSS",
            params={
                "incidents": n,
                "peak_mb_at_10000": round(cursor_small["peak_kb"] / 1024, 1),
                "in_memory_path_peak_mb": round(memory_big["peak_kb"] / 1024, 1),
                "in_memory_path_growth": round(memory_growth, 3),
            },
            ratio=round(growth, 3),
            goal=f"flat: peak at {n:,} <= {FLAT_GOAL}x the peak at {SMALL_N:,}",
            met=growth <= FLAT_GOAL,
        ),
    ]

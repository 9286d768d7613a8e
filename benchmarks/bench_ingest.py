"""Ingestion throughput and memory (issue 4).

- ``ingest.text``: plain-text pages per second on one core, end to end (decode, extraction,
  claims, geocoding, signing and appending to a real ledger); goal at least 50 docs/s/core.
- ``ingest.html``: HTML pages per second through the full reader and claims, next to
  trafilatura's own extraction of the same pages in the same run (ratio = ours / trafilatura).
- ``ingest.memory``: RSS every 500 documents of a batch streamed through ``truce.ingest.ingest``
  into a ledger (10,000 in full mode, 1,000 quick); flat = < 20 MB growth over the second half,
  once bounded caches are warm (the whole series and the total growth are reported too).
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

import trafilatura

from benchmarks.harness import Baseline, Result
from truce.config import Settings
from truce.ingest import Options, ingest, read_document
from truce.ingest.claims import extract_claims
from truce.node import Node

DOCS = Path(__file__).resolve().parents[1] / "tests" / "data" / "ingest" / "docs"


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _variants(root: Path, suffix: str, count: int) -> list[Path]:
    """``count`` distinct documents (each a golden document with a unique line), on disk."""
    sources = [p for p in sorted(DOCS.iterdir()) if p.suffix == suffix]
    out = []
    for i in range(count):
        src = sources[i % len(sources)]
        data = src.read_bytes()
        marker = f"\n<!-- copy {i} -->\n" if suffix == ".html" else f"\nRef {i}.\n"
        path = root / f"{i:05d}_{src.name}"
        path.write_bytes(data + marker.encode())
        out.append(path)
    return out


def run(quick: bool) -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        n_text = 200 if quick else 1000
        (root / "t").mkdir()
        texts = _variants(root / "t", ".txt", n_text)
        node = Node.init(Settings.from_env(env={}, home=root / "home"))
        list(ingest(texts[:5], node=node))  # warm up: gazetteer, dictionary, party
        start = time.perf_counter()
        count = sum(1 for o in ingest(texts[5:], node=node) if o.status == "ingested")
        elapsed = time.perf_counter() - start
        rate = count / elapsed
        results.append(
            Result(
                "ingest.text",
                rate,
                "docs/s",
                {"docs": count, "cores": 1},
                goal=">= 50 docs/s/core",
                met=rate >= 50,
            )
        )
        node.close()

        (root / "h").mkdir()
        htmls = _variants(root / "h", ".html", 40 if quick else 200)
        blobs = [p.read_bytes() for p in htmls]
        start = time.perf_counter()
        for data in blobs:
            trafilatura.extract(data.decode("utf-8"), include_comments=False)
        base = len(blobs) / (time.perf_counter() - start)
        start = time.perf_counter()
        for path, data in zip(htmls, blobs, strict=True):
            extract_claims(read_document(data, path.name, Options()))
        ours = len(blobs) / (time.perf_counter() - start)
        results.append(
            Result(
                "ingest.html",
                ours,
                "docs/s",
                {"docs": len(blobs)},
                baseline=Baseline("trafilatura.extract", base, "docs/s"),
                ratio=ours / base,
                goal="report next to trafilatura",
                met=True,
            )
        )

        n_mem = 1000 if quick else 10_000
        (root / "m").mkdir()
        node = Node.init(Settings.from_env(env={}, home=root / "home2"))
        list(ingest(texts[:5], node=node))
        series = [round(_rss_mb(), 1)]
        done = 0
        batch = 500
        for first in range(0, n_mem, batch):
            paths = []
            for i in range(first, min(first + batch, n_mem)):
                src = texts[i % len(texts)]
                p = root / "m" / f"m{i:06d}.txt"
                p.write_bytes(src.read_bytes() + f"\nBatch {i}.\n".encode())
                paths.append(p)
            for outcome in ingest(paths, node=node, on_invalid="skip"):
                done += outcome.status == "ingested"
            for p in paths:
                p.unlink()
            series.append(round(_rss_mb(), 1))
        node.close()
        # Flat means: no growth once warm. The first half fills bounded caches (the assessment's
        # parsed-report LRU, SQLite's page cache, the gazetteer); judge the second half.
        half = series[len(series) // 2]
        growth = series[-1] - half
        results.append(
            Result(
                "ingest.memory",
                round(growth, 1),
                "MB (second half)",
                {"docs": n_mem, "ingested": done, "rss_mb_every_500_docs": series},
                goal="flat: < 20 MB growth over the second half",
                met=growth < 20,
                notes=f"whole batch: {series[-1] - series[0]:.1f} MB",
            )
        )
    return results

"""Mirror benchmarks (issue 3): a new mirror catching up on a whole log from tiles on local disk.

The source is a real log (every entry Ed25519-signed by its author, four authors' hash chains; the
same cached leaves as the ledger benchmark) published as C2SP tlog-tiles in a temporary directory
(cached between runs, like the leaves). A fresh mirror then syncs it all: it fetches every entry
bundle, verifies every signature and chain on every core, rebuilds the tree, checks the root
against the signed checkpoint, stores everything durably and cosigns.

Baseline, measured in the same run: ``keys.verify_batch`` (raw Ed25519 verification with the
pinned library, on every core) over signatures of the same log, run just before and just after
the catch-up and averaged: the machines here are shared, and a long run and a short burst see
different loads. Goal: the catch-up rate is at least 70% of it. Also reported, independent of the
load: the CPU time of a raw verify divided by the CPU time the catch-up spends per entry (parent
and worker processes), i.e. how much of the work is the signature check itself.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.bench_ledger import CORES, ORIGIN, cached_leaves
from benchmarks.harness import Baseline, Result
from truce.ledger.keys import SigningKey, verify_batch, worker_pool
from truce.ledger.merkle import TreeStore, leaf_hash
from truce.ledger.mirror import Mirror
from truce.ledger.note import Checkpoint, NoteSigner, sign_checkpoint
from truce.ledger.storage import EntryLog
from truce.ledger.tiles import write_tiles


def cached_tiles(leaves: list[bytes]) -> tuple[Path, str]:
    """The log of ``leaves`` as tlog-tiles, and the log's verifier key (built once, cached)."""
    cache = Path(tempfile.gettempdir()) / f"truce-bench-mirror-{len(leaves)}"
    done = cache / "vkey"
    if done.exists():
        return cache / "tiles", done.read_text().strip()
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir()
    signer = NoteSigner(ORIGIN, SigningKey.generate())
    with EntryLog(cache / "log") as entries, TreeStore.open(cache / "log" / "tree") as tree:
        step = 65_536
        for i in range(0, len(leaves), step):
            part = leaves[i : i + step]
            entries.append(part, durable=False)
            tree.append_leaf_hashes([leaf_hash(x) for x in part])
        note = sign_checkpoint(Checkpoint(ORIGIN, len(leaves), tree.root()), signer)
        write_tiles(
            cache / "tiles",
            tree=tree,
            entries=entries,
            checkpoint_note=note,
            verifier=signer.verifier,
            origin=ORIGIN,
        )
    shutil.rmtree(cache / "log")
    done.write_text(signer.vkey + "\n")
    return cache / "tiles", signer.vkey


def _signatures(leaves: list[bytes], count: int) -> list[tuple[bytes, bytes, bytes]]:
    """(key, message, signature) of the first ``count`` entries after the four registrations
    (the ledger benchmark's authors a0..a3 take turns, with keys from fixed seeds)."""
    keys = [SigningKey.from_seed(bytes([a + 1]) * 32).public_key.raw for a in range(4)]
    return [(keys[i % 4], leaf[:-64], leaf[-64:]) for i, leaf in enumerate(leaves[4 : 4 + count])]


def _verify_batch_rate(items: list[tuple[bytes, bytes, bytes]]) -> float:
    started = time.perf_counter()
    failed = verify_batch(items)
    elapsed = time.perf_counter() - started
    assert not failed
    return len(items) / elapsed


def _workers_cpu() -> float:
    """CPU seconds used so far by the ledger's worker processes (Linux /proc)."""
    pool = worker_pool()
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in list(getattr(pool, "_processes", {}) or {}):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


def run(quick: bool) -> list[Result]:
    size = 50_000 if quick else 1_000_000
    leaves = cached_leaves(size)
    tiles, vkey = cached_tiles(leaves)
    sample = _signatures(leaves, 50_000 if quick else 200_000)
    one = SigningKey.from_seed(bytes([1]) * 32).public_key
    cpu0 = time.process_time()
    for _, msg, sig in sample[:20000:4]:
        one.verify(msg, sig)
    verify_cpu = (time.process_time() - cpu0) / 5000  # CPU seconds per raw verify, one core
    del leaves  # the mirror reads everything from the tiles
    verify_batch(sample[:4096])  # start the workers (before any thread)
    before = _verify_batch_rate(sample)

    workdir = Path(tempfile.mkdtemp(prefix="truce-bench-mirror-"))
    try:
        mirror = Mirror.init(workdir / "mirror", str(tiles), vkey, witness_name="bench.w")
        cpu_parent, cpu_workers = time.process_time(), _workers_cpu()
        started = time.perf_counter()
        result = mirror.sync()
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_parent + _workers_cpu() - cpu_workers
        mirror.close()
        assert result.size == size + 4, result.size
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    after = _verify_batch_rate(sample)

    rate = result.size / elapsed
    baseline = (before + after) / 2
    ratio = rate / baseline
    base = Baseline("ed25519.verify_batch", round(baseline, 1), "verifies/s")
    cpu_ratio = verify_cpu / (cpu / result.size)
    return [
        Result("mirror.baseline.verify_batch", round(baseline, 1), "verifies/s",
               {"cores": CORES, "signatures": len(sample), "before": round(before, 1),
                "after": round(after, 1)},
               notes="keys.verify_batch on every core, same log's signatures, mean of the runs "
                     "just before and just after the catch-up"),
        Result("mirror.catch_up", round(rate, 1), "entries/s",
               {"entries": result.size, "source": "tiles on local disk", "cores": CORES,
                "seconds": round(elapsed, 1)},
               base, round(ratio, 3), "ratio >= 0.7", ratio >= 0.7),
        Result("mirror.catch_up.cpu_efficiency", round(cpu_ratio, 3), "ratio",
               {"cpu_seconds": round(cpu, 1), "raw_verify_cpu_us": round(verify_cpu * 1e6, 1)},
               goal="CPU of raw verify / CPU of catch-up per entry (load-independent)",
               notes="parse + chain + hashing + storage cost on top of the signature check"),
    ]  # fmt: skip

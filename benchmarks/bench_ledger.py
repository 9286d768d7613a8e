"""Ledger benchmarks (issue 2): the physical limits, then the ledger against them.

Baselines measured in the same run: raw Ed25519 sign and verify with the pinned library
(``cryptography``) on one core and on all cores, and raw SHA-256. Goals: appending already-signed
entries in batches and ``truce ledger verify`` each reach 70% of the all-core raw verify rate;
inclusion and consistency proofs on the large log take at most 1 ms; memory stays flat.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benchmarks.harness import Baseline, Result, best_cpu_rate, best_rate, timed
from truce.ledger.entry import Entry
from truce.ledger.keys import SigningKey, VerifyKey
from truce.ledger.log import Ledger
from truce.ledger.verify import verify_ledger

ORIGIN = "bench.truce/ledger"
CORES = os.cpu_count() or 1
BODY = {
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "modality": "occurred",
    "date": {"start": "2019-03-12", "end": "2019-03-12", "precision": 1},
    "locations": [{"place": "Morek", "point": {"lat": "35.37615", "lon": "36.6897"}}],
    "sources": [{"name": "Bench source", "kind": "party", "reliability": "C", "credibility": 3}],
    "text": "x" * 200,
}


def _sign_chain(args: tuple[int, int, str]) -> list[bytes]:
    author_no, count, prev = args
    key = SigningKey.from_seed(bytes([author_no + 1]) * 32)
    leaves = []
    for seq in range(2, 2 + count):
        body = {**BODY, "title": f"entry {seq}"}
        entry = Entry.sign(
            key, origin=ORIGIN, kind="report.filed", author=f"a{author_no}", seq=seq,
            prev=prev, body=body, time="2019-03-14T09:00:00.000Z",
        )  # fmt: skip
        prev = entry.hash.hex()
        leaves.append(entry.leaf)
    return leaves


def build_leaves(count: int, authors: int = 4) -> list[bytes]:
    import base64

    registrations: list[Entry] = []
    for a in range(authors):
        key = SigningKey.from_seed(bytes([a + 1]) * 32)
        body = {"id": f"a{a}", "public_key": base64.b64encode(key.public_key.raw).decode()}
        registrations.append(Entry.sign(key, origin=ORIGIN, kind="party.registered",
                                        author=f"a{a}", seq=1, prev=None, body=body))  # fmt: skip
    per = count // authors
    tasks = [(a, per, registrations[a].hash.hex()) for a in range(authors)]
    with ProcessPoolExecutor(CORES) as pool:
        chains = list(pool.map(_sign_chain, tasks))
    leaves = [r.leaf for r in registrations]
    for i in range(per):
        leaves.extend(chain[i] for chain in chains)
    return leaves


def cached_leaves(count: int) -> list[bytes]:
    """Signing a million entries takes minutes; keep them between runs in the temp directory."""
    cache = Path(tempfile.gettempdir()) / f"truce-bench-leaves-{count}.bin"
    if cache.exists():
        data = cache.read_bytes()
        leaves, pos = [], 0
        while pos < len(data):
            n = int.from_bytes(data[pos : pos + 4], "big")
            leaves.append(data[pos + 4 : pos + 4 + n])
            pos += 4 + n
        return leaves
    leaves = build_leaves(count)
    tmp = cache.with_suffix(".tmp")
    tmp.write_bytes(b"".join(len(x).to_bytes(4, "big") + x for x in leaves))
    tmp.replace(cache)
    return leaves


def _verify_raw(items: list[tuple[bytes, bytes, bytes]]) -> int:
    for key, msg, sig in items:
        VerifyKey.from_bytes(key).verify(msg, sig)
    return len(items)


def raw_verify_rates(leaves: list[bytes]) -> tuple[float, float]:
    """Raw Ed25519 verify rate of the pinned library on one core and on all cores."""
    key = SigningKey.from_seed(bytes([1]) * 32).public_key
    sample = [(key.raw, leaf[:-64], leaf[-64:]) for leaf in leaves[4:20004:4]][:5000]
    one = best_rate(len(sample), lambda: _verify_raw(sample))
    chunks = [sample[i : i + 500] for i in range(0, len(sample), 500)] * CORES
    with ProcessPoolExecutor(CORES) as pool:
        list(pool.map(_verify_raw, chunks[:CORES]))  # warm the workers
        total = len(sample) * CORES
        every = best_rate(total, lambda: list(pool.map(_verify_raw, chunks)))
    return one, every


def backend_verify_rates(leaves: list[bytes]) -> dict[str, float]:
    """One-core verify rate of each Ed25519 library behind the seam, called directly, and of the
    seam itself (:meth:`VerifyKey.verify`), on the same signatures in the same run."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from nacl.bindings import crypto_sign_open

    raw = SigningKey.from_seed(bytes([1]) * 32).public_key.raw
    sample = [(leaf[:-64], leaf[-64:]) for leaf in leaves[4:20004:4]][:5000]
    openssl = Ed25519PublicKey.from_public_bytes(raw)
    seam = VerifyKey.from_bytes(raw)

    def run_openssl() -> None:
        for msg, sig in sample:
            openssl.verify(sig, msg)

    def run_libsodium() -> None:
        for msg, sig in sample:
            crypto_sign_open(sig + msg, raw)

    def run_seam() -> None:
        for msg, sig in sample:
            seam.verify(msg, sig)

    return {
        name: best_cpu_rate(len(sample), fn)
        for name, fn in (("cryptography", run_openssl), ("pynacl", run_libsodium),
                         ("seam", run_seam))
    }  # fmt: skip


def run(quick: bool) -> list[Result]:
    size = 50_000 if quick else 1_000_000
    batch = 4096
    leaves = cached_leaves(size)
    results: list[Result] = []

    key = SigningKey.generate()
    msg = leaves[10][:-64]
    sign_rate = best_rate(2000, lambda: [key.sign(msg) for _ in range(2000)])
    verify_one, verify_all = raw_verify_rates(leaves)
    sha_rate = best_rate(100_000, lambda: [hashlib.sha256(msg).digest() for _ in range(100_000)])
    base = Baseline("ed25519.verify.raw", round(verify_all, 1), "verifies/s")
    backends = backend_verify_rates(leaves)
    judge = Baseline("ed25519.verify.backend", round(backends["cryptography"], 1), "verifies/CPU-s")
    for name, rate in backends.items():
        results.append(Result("ed25519.verify.backend", round(rate, 1), "verifies/CPU-s",
                              {"backend": name, "cores": 1}, judge,
                              round(rate / backends["cryptography"], 3),
                              notes="cryptography is the judge; seam = PyNaCl first, "
                                    "cryptography on every reject"))  # fmt: skip
    results += [
        Result("ed25519.sign.raw", round(sign_rate, 1), "signs/s", {"cores": 1}),
        Result("ed25519.verify.raw", round(verify_one, 1), "verifies/s", {"cores": 1}),
        Result("ed25519.verify.raw", round(verify_all, 1), "verifies/s", {"cores": CORES}),
        Result("sha256.raw", round(sha_rate, 1), "hashes/s", {"bytes": len(msg)}),
    ]

    workdir = Path(tempfile.mkdtemp(prefix="truce-bench-"))
    try:
        log = Ledger.create(workdir / "ledger", ORIGIN)
        rss: list[int] = []
        start = time.perf_counter()

        def batches() -> Iterator[list[bytes]]:
            for i in range(0, len(leaves), batch):
                if i % (batch * 16) == 0:
                    rss.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
                yield leaves[i : i + batch]

        log.append_batches(batches())
        append_rate = len(leaves) / (time.perf_counter() - start)
        ratio = append_rate / verify_all
        results.append(Result("ledger.append", round(append_rate, 1), "entries/s",
                              {"entries": len(leaves), "batch": batch}, base, round(ratio, 3),
                              "ratio >= 0.7", ratio >= 0.7))  # fmt: skip
        growth = (rss[-1] - rss[len(rss) // 4]) / 1024 if len(rss) > 4 else 0.0
        results.append(Result("ledger.append.memory_growth", round(growth, 1), "MiB",
                              {"entries": len(leaves), "from": "25% to 100% of the run"},
                              goal="flat (< 64 MiB growth)", met=growth < 64))  # fmt: skip

        elapsed = timed(lambda: verify_ledger(log))
        verify_rate = len(leaves) / elapsed
        ratio = verify_rate / verify_all
        results.append(Result("ledger.verify", round(verify_rate, 1), "entries/s",
                              {"entries": len(leaves)}, base, round(ratio, 3), "ratio >= 0.7",
                              ratio >= 0.7))  # fmt: skip

        n = log.size
        proofs: list[tuple[str, Callable[[int], object]]] = [
            ("ledger.proof.inclusion", lambda i: log.inclusion_proof((i * 7919) % n, n)),
            ("ledger.proof.consistency", lambda i: log.consistency_proof(1 + (i * 7919) % (n - 1))),
        ]
        for name, prove in proofs:
            samples = []
            for i in range(2000):
                t0 = time.perf_counter()
                prove(i)
                samples.append(time.perf_counter() - t0)
            cuts = statistics.quantiles(samples, n=100)
            p50, p99 = cuts[49] * 1000, cuts[98] * 1000
            results.append(Result(name, round(p99, 4), "ms (p99)", {"size": n},
                                  goal="<= 1 ms", met=p99 <= 1,
                                  notes=f"median {p50:.4f} ms"))  # fmt: skip
        log.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return results

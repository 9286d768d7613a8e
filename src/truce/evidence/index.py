"""The near-duplicate index: multi-index hashing over 64-bit perceptual hashes.

Multi-index hashing (Norouzi, Punjani and Fleet, "Fast Search in Hamming Space with Multi-Index
Hashing", CVPR 2012): the 64 bits are cut into ``m`` bands of ``64/m`` bits, and each band has a
table from its value to the hashes that have it. Two hashes within Hamming distance ``r`` differ,
by the pigeonhole principle, in at most ``r // m`` bits of at least one band; so probing each
band's table at every value within ``r // m`` bits of the query's band finds every hash within
``r``, and only the candidates found are checked in full. With 4 bands of 16 bits and ``r = 7``
a lookup probes 4 × 17 table slots; among a million random hashes each slot holds about 15, so a
lookup checks about a thousand candidates, not a million (benchmarked in
``benchmarks/bench_evidence.py``).

:func:`probes` gives the (band, value) pairs a lookup probes: the SQL projection
(:mod:`truce.evidence.tables`) stores each hash's bands in ``evidence_bands`` and looks them up
the same way; :class:`NearIndex` is the same index in memory (numpy arrays, binary search).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from itertools import combinations

import numpy as np

__all__ = ["BANDS", "NearIndex", "bands", "probes"]

BITS = 64
#: Bands the 64 bits are cut into.
BANDS = 4


def bands(value: int, m: int = BANDS) -> list[int]:
    """The ``m`` bands of ``value``, most significant first."""
    width = BITS // m
    mask = (1 << width) - 1
    return [(value >> (width * (m - 1 - i))) & mask for i in range(m)]


def _near(value: int, width: int, radius: int) -> Iterator[int]:
    yield value
    for k in range(1, radius + 1):
        for bits in combinations(range(width), k):
            flipped = value
            for b in bits:
                flipped ^= 1 << b
            yield flipped


def probes(value: int, radius: int, m: int = BANDS) -> list[tuple[int, int]]:
    """The (band number, band value) pairs to look up to find every hash within ``radius``."""
    if BITS % m:
        raise ValueError(f"{m} bands do not divide {BITS} bits")
    width = BITS // m
    return [(i, v) for i, b in enumerate(bands(value, m)) for v in _near(b, width, radius // m)]


class NearIndex:
    """Hashes with their keys, found again by Hamming distance.

    Hashes added recently sit in small dict tables; every so often (when they are more than an
    eighth of the whole, and at least :data:`COMPACT_AT`) they are merged into the *frozen*
    part: numpy arrays of each band's values, sorted, with the slots they came from. A lookup
    finds each probed band value in the sorted arrays by binary search, so it costs a few dozen
    ``searchsorted`` ranges and one vectorised Hamming check of the candidates, whatever the
    size, and the index holds about 30 bytes per hash instead of Python objects.
    """

    COMPACT_AT = 4096

    def __init__(self, m: int = BANDS) -> None:
        if BITS % m:
            raise ValueError(f"{m} bands do not divide {BITS} bits")
        self.m = m
        self.keys: list[object] = []
        self._values = np.zeros(0, dtype=np.uint64)  # frozen part, by slot
        self._sorted: list[np.ndarray] = []  # per band: band values, sorted
        self._order: list[np.ndarray] = []  # per band: the slots in that order
        self._recent: list[int] = []  # values of slots len(_values)...
        self._tables: list[dict[int, list[int]]] = [{} for _ in range(m)]

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def values(self) -> list[int]:
        return [int(v) for v in self._values] + self._recent

    def add(self, value: int, key: object = None) -> None:
        slot = len(self.keys)
        self.keys.append(key)
        self._recent.append(value)
        for table, band in zip(self._tables, bands(value, self.m), strict=True):
            table.setdefault(band, []).append(slot)
        if len(self._recent) >= max(self.COMPACT_AT, len(self._values) // 8):
            self.compact()

    def extend(self, items: Iterable[tuple[int, object]]) -> None:
        """Add many hashes at once (merged into the frozen part in one go)."""
        for value, key in items:
            self.keys.append(key)
            self._recent.append(value)
        self.compact()

    def compact(self) -> None:
        """Merge the recent hashes into the frozen arrays."""
        if not self._recent:
            return
        recent = np.fromiter(self._recent, dtype=np.uint64, count=len(self._recent))
        self._values = np.concatenate([self._values, recent])
        width = BITS // self.m
        mask = np.uint64((1 << width) - 1)
        self._sorted, self._order = [], []
        for i in range(self.m):
            column = (self._values >> np.uint64(width * (self.m - 1 - i))) & mask
            order = np.argsort(column, kind="stable")
            self._sorted.append(column[order])
            self._order.append(order)
        self._recent = []
        self._tables = [{} for _ in range(self.m)]

    def near(self, value: int, radius: int) -> list[tuple[int, object, int]]:
        """``(distance, key, hash)`` of every hash within ``radius``, nearest first."""
        masks = _masks(BITS // self.m, radius // self.m)
        out: list[tuple[int, object, int]] = []
        query = bands(value, self.m)
        if len(self._values):
            probe = np.array(masks, dtype=np.uint64)
            pieces: list[np.ndarray] = []
            for i, band in enumerate(query):
                wanted = probe ^ np.uint64(band)
                column = self._sorted[i]
                lo = np.searchsorted(column, wanted, "left")
                hi = np.searchsorted(column, wanted, "right")
                order = self._order[i]
                pieces.extend(
                    order[a:b] for a, b in zip(lo.tolist(), hi.tolist(), strict=True) if b > a
                )
            if pieces:
                slots = np.unique(np.concatenate(pieces))
                found = self._values[slots]
                dist = np.bitwise_count(found ^ np.uint64(value))
                keep = dist <= radius
                for slot, d, v in zip(
                    slots[keep].tolist(), dist[keep].tolist(), found[keep].tolist(), strict=True
                ):
                    out.append((d, self.keys[slot], v))
        if self._recent:
            base = len(self._values)
            candidates: set[int] = set()
            for table, band in zip(self._tables, query, strict=True):
                get = table.get
                for m in masks:
                    hit = get(band ^ m)
                    if hit:
                        candidates.update(hit)
            for slot in candidates:
                v = self._recent[slot - base]
                d = (v ^ value).bit_count()
                if d <= radius:
                    out.append((d, self.keys[slot], v))
        out.sort(key=lambda t: (t[0], str(t[1])))
        return out


@cache
def _masks(width: int, radius: int) -> tuple[int, ...]:
    """Every ``width``-bit mask with at most ``radius`` bits set."""
    return tuple(_near(0, width, radius))

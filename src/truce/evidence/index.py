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
the same way; :class:`NearIndex` is the same index in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from itertools import combinations

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
    """Hashes with their keys, found again by Hamming distance."""

    def __init__(self, m: int = BANDS) -> None:
        if BITS % m:
            raise ValueError(f"{m} bands do not divide {BITS} bits")
        self.m = m
        self.tables: list[dict[int, list[int]]] = [{} for _ in range(m)]
        self.keys: list[object] = []
        self.values: list[int] = []

    def __len__(self) -> int:
        return len(self.values)

    def add(self, value: int, key: object = None) -> None:
        slot = len(self.values)
        self.values.append(value)
        self.keys.append(key)
        for table, band in zip(self.tables, bands(value, self.m), strict=True):
            table.setdefault(band, []).append(slot)

    def extend(self, items: Iterable[tuple[int, object]]) -> None:
        for value, key in items:
            self.add(value, key)

    def near(self, value: int, radius: int) -> list[tuple[int, object, int]]:
        """``(distance, key, hash)`` of every hash within ``radius``, nearest first."""
        masks = _masks(BITS // self.m, radius // self.m)
        candidates: list[int] = []
        for table, band in zip(self.tables, bands(value, self.m), strict=True):
            get = table.get
            for mask in masks:
                found = get(band ^ mask)
                if found:
                    candidates.extend(found)
        values = self.values
        out = [
            (d, self.keys[slot], values[slot])
            for slot in set(candidates)
            if (d := (values[slot] ^ value).bit_count()) <= radius
        ]
        out.sort(key=lambda t: (t[0], str(t[1])))
        return out


@cache
def _masks(width: int, radius: int) -> tuple[int, ...]:
    """Every ``width``-bit mask with at most ``radius`` bits set."""
    return tuple(_near(0, width, radius))

"""Synthetic events for exercising the exchange formats at scale (tests and benchmarks).

:func:`synthetic_events` yields ``n`` incidents drawn from a fixed pool of varied reports: every
ACLED event and sub-event type and truce's monitoring extensions, one-sided and two-sided events
with every inter code, associated actors, drone and aircraft strikes, points across north-west
Syria and area-only locations ("northern Hama", a district P-code), single days and periods of
each time precision, casualty ranges with and without upper bounds, several sources. Every
event is illustrative, written by this module; none is a real event. The pool is fixed, so
iterating a million events holds the pool, not the million (the streaming benchmarks rely on
it); the ids are distinct (``I-1``, ``I-2``...).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from truce.model import EventType, Report
from truce.model.vocab import ACLED_EVENT_TYPES
from truce.report.read import Event, LedgerState

__all__ = ["POOL_SIZE", "synthetic_events", "synthetic_state"]

POOL_SIZE = 997

_ACTORS = (
    ("Military Forces of Syria (2000-)", 1),
    ("Military Forces of Russia (2000-)", 8),
    ("Military Forces of Turkey (2016-)", 8),
    ("Hay'at Tahrir al-Sham", 2),
    ("National Liberation Front", 2),
    ("Unidentified Armed Group (Syria)", 3),
    ("Syrian Salvation Government", 3),
    ("Druze Militia (Syria)", 4),
    ("Rioters (Syria)", 5),
    ("Protesters (Syria)", 6),
    ("Civilians (Syria)", 7),
    ("Health Workers (Syria)", 7),
)
_AREAS = ("northern Hama", "southern Idlib countryside", "western Aleppo", "SY0703", "Latakia")
_SOURCES = ("Illustrative outlet", "Illustrative monitor", "Illustrative NGO", "Illustrative party")
_ALL_TYPES = tuple(
    (event_type, sub) for event_type, subs in ACLED_EVENT_TYPES.items() for sub in subs
)


def _report(rng: random.Random, index: int) -> Report:
    event_type, sub = _ALL_TYPES[index % len(_ALL_TYPES)]
    start = date(2020, 1, 1) + timedelta(days=rng.randrange(365))
    precision = rng.choice((1, 1, 1, 2, 3))
    end = start + timedelta(days={1: 0, 2: 6, 3: 29}[precision])
    actor = rng.choice(_ACTORS)
    if event_type == EventType.PROTESTS:
        actor = _ACTORS[9]
    elif event_type == EventType.RIOTS:
        actor = _ACTORS[8]
    actors: list[dict[str, Any]] = []
    if rng.random() > 0.08:  # some reports name no perpetrator
        actors.append({"name": actor[0], "role": "perpetrator", "inter": actor[1]})
    if rng.random() < 0.3:
        actors.append({"name": rng.choice(_ACTORS)[0], "role": "associated"})
    if rng.random() < 0.6:
        target = rng.choice(_ACTORS)
        actors.append({"name": target[0], "role": "target", "inter": target[1]})
    if rng.random() < 0.85:
        location: dict[str, Any] = {
            "place": f"Illustrative village {index}",
            "point": {
                "lat": f"{rng.uniform(35.0, 35.95):.6f}",
                "lon": f"{rng.uniform(36.35, 37.3):.6f}",
                "error_m": rng.choice((0, 500, 2000, 10000)),
            },
            "precision": rng.choice((1, 1, 2)),
        }
    else:
        location = {"area": rng.choice(_AREAS), "admin1": "Idlib", "precision": 3}
    casualties = []
    if rng.random() < 0.6:
        low = rng.randrange(0, 20)
        high = low + rng.randrange(0, 10) if rng.random() < 0.7 else None
        casualties.append({"category": "civilians", "kind": "killed", "low": low, "high": high})
    if rng.random() < 0.4:
        casualties.append({"category": "unknown", "kind": "injured", "low": rng.randrange(1, 30)})
    words = "drone strike" if rng.random() < 0.3 else "strike by aircraft"
    return Report.model_validate(
        {
            "event_type": event_type,
            "sub_event_type": sub,
            "date": {"start": start, "end": end, "precision": precision},
            "locations": [location],
            "actors": actors,
            "casualties": casualties,
            "sources": [
                {"name": name, "kind": "outlet"}
                for name in rng.sample(_SOURCES, rng.randrange(1, 3))
            ],
            "title": f"Illustrative {sub.lower()} {index}",
            "text": f"Illustrative synthetic event {index} ({words}); not a real event.",
            "tags": ["synthetic"],
        }
    )


def synthetic_state(size: int = 1) -> LedgerState:
    return LedgerState("truce.example/synthetic", size, bytes(32), "2021-01-01T00:00:00Z")


def synthetic_events(n: int, *, seed: int = 19) -> Iterator[Event]:
    """``n`` synthetic incidents (see the module docstring), generated lazily."""
    rng = random.Random(seed)
    pool = [_report(rng, i) for i in range(min(n, POOL_SIZE))]
    grades = ("single-source", "confirmed", "contested", None)
    for i in range(n):
        report = pool[i % len(pool)]
        filed = f"2021-01-01T00:{(i // 60) % 60:02d}:{i % 60:02d}.000Z"
        yield Event(
            id=f"I-{i + 1}",
            unit="incident",
            report=report,
            report_ids=(f"R-{2 * i + 1}",) if i % 3 else (f"R-{2 * i + 1}", f"R-{2 * i + 2}"),
            authors=("ru",),
            first_filed=filed,
            last_filed=filed,
            occurrence=grades[i % len(grades)],
        )

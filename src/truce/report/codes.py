"""Codes shared by the exchange formats: ACLED's derived columns and truce's figures.

- ACLED ``disorder_type`` from the event type (ACLED codebook: "Political violence",
  "Demonstrations", "Political violence; Demonstrations" for excessive force against protesters,
  "Strategic developments");
- ACLED ``interaction``: the two actors' inter codes, lower first ("17"), or the one actor's code
  followed by 0 ("10"); ``civilian_targeting`` when civilians are the target;
- actor sides: ``actor1`` is the perpetrator, ``actor2`` the target; an associated actor belongs to
  the side of the nearest principal actor listed before it (the first side if none);
- fatalities: ACLED codes the most conservative figure, so truce exports the sum over casualty
  categories of the ``low`` figure for killed, and keeps the range in its own formats;
- truce's monitoring extensions (Patrol, Ceasefire declared, ...) leave as sub-event type "Other"
  with the extension named at the start of the notes: ``truce sub-event type: Patrol.``
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from truce.model import ActorRole, CasualtyCategory, CasualtyKind, EventType, Report
from truce.model.vocab import MONITORING_EXTENSIONS

__all__ = [
    "EXTENSION_NOTE",
    "Sides",
    "acled_sub_event_type",
    "casualty_total",
    "civilian_targeting",
    "disorder_type",
    "interaction",
    "sides",
    "split_extension",
]

EXTENSION_NOTE = "truce sub-event type: {}."
_EXTENSION_RE = re.compile(
    r"^truce sub-event type: (" + "|".join(re.escape(e) for e in MONITORING_EXTENSIONS) + r")\.\s?"
)


def disorder_type(event_type: EventType, sub_event_type: str) -> str:
    if sub_event_type == "Excessive force against protesters":
        return "Political violence; Demonstrations"
    if event_type in (EventType.PROTESTS, EventType.RIOTS):
        return "Demonstrations"
    if event_type == EventType.STRATEGIC:
        return "Strategic developments"
    return "Political violence"


def acled_sub_event_type(sub_event_type: str) -> tuple[str, str]:
    """ACLED's sub-event type and the notes prefix naming a truce extension ('' if none)."""
    if sub_event_type in MONITORING_EXTENSIONS:
        return "Other", EXTENSION_NOTE.format(sub_event_type)
    return sub_event_type, ""


def split_extension(notes: str) -> tuple[str | None, str]:
    """The truce extension named at the start of ACLED notes (or None), and the rest."""
    match = _EXTENSION_RE.match(notes)
    if not match:
        return None, notes
    return match.group(1), notes[match.end() :]


@dataclass(frozen=True)
class Sides:
    actor1: str
    inter1: int | None
    assoc1: tuple[str, ...]
    actor2: str
    inter2: int | None
    assoc2: tuple[str, ...]


def sides(report: Report) -> Sides:
    actor1 = actor2 = ""
    inter1 = inter2 = None
    assoc: dict[int, list[str]] = {1: [], 2: []}
    side = 1
    for actor in report.actors:
        if actor.role == ActorRole.PERPETRATOR and not actor1:
            actor1, inter1, side = actor.name, actor.inter, 1
        elif actor.role == ActorRole.TARGET and not actor2:
            actor2, inter2, side = actor.name, actor.inter, 2
        elif actor.role == ActorRole.PERPETRATOR:
            assoc[1].append(actor.name)
            side = 1
        elif actor.role == ActorRole.TARGET:
            assoc[2].append(actor.name)
            side = 2
        else:
            assoc[side].append(actor.name)
    return Sides(
        actor1=actor1,
        inter1=int(inter1) if inter1 is not None else None,
        assoc1=tuple(assoc[1]),
        actor2=actor2,
        inter2=int(inter2) if inter2 is not None else None,
        assoc2=tuple(assoc[2]),
    )


def interaction(inter1: int | None, inter2: int | None) -> str:
    codes = sorted(c for c in (inter1, inter2) if c is not None)
    if not codes:
        return ""
    if len(codes) == 1:
        return f"{codes[0]}0"
    return f"{codes[0]}{codes[1]}"


def civilian_targeting(report: Report) -> bool:
    if report.event_type == EventType.VIOLENCE_AGAINST_CIVILIANS:
        return True
    return any(a.role == ActorRole.TARGET and a.inter == 7 for a in report.actors)


def casualty_total(
    report: Report,
    kind: CasualtyKind,
    bound: str = "low",
    category: CasualtyCategory | None = None,
) -> int | None:
    """Sum over categories of one bound ('low', 'best', 'high'); None if the report gives no
    figure of that kind, or if a needed bound is unknown (an open upper bound, say)."""
    total = 0
    found = False
    for c in report.casualties:
        if c.kind != kind or (category is not None and c.category != category):
            continue
        found = True
        value = c.low if bound == "low" else c.best if bound == "best" else c.high
        if value is None:
            return None
        total += value
    return total if found else None

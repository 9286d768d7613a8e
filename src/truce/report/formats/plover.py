"""PLOVER JSON lines (openeventdata/PLOVER, the successor to CAMEO): one event per line.

Fields as the PLOVER manual's "Data Fields" chapter names them (table "PLOVER JSON"): ``id``,
``date`` and ``enddate`` (YYYY-MM-DD), ``actor`` and ``recipient`` (lists of entity objects with
``entity_text``), ``event`` (a list of categories), ``mode`` and ``context`` (lists of the
manual's values, or ``null`` when none applies -- never an empty string), ``quad_code`` (1
verbal cooperation .. 4 material conflict), ``event_loc`` (the manual's location object:
``extracted_place``, ``resolved_place``, ``lat``, ``lon``, ``district``, ``province``,
``country``, ``country_code``, ``resolution``), ``text`` and ``coder``; ``dead`` and
``injured`` (the manual's size fields, the lowest figures reported). truce adds ``occurrence``
(its grade), ``acled_sub_event_type`` and, per entity, ``acled_inter``, as the manual allows
("named fields beyond those provided here").

Each ACLED sub-event type maps to a category and the manual's modes for it (ASSAULT aerial /
drone / heavy-weapons / explosives / suicide-attack / unconventional / sexual / abduct / destroy;
COERCE arrest; PROTEST demo / riot; RETREAT ceasefire / withdraw; MOBILIZE troops / militia).
``context`` ``military`` only where a side is an official state military (the manual excludes
militias and non-state armed actors), ``cbrn`` for chemical weapons, ``territory`` for territorial
changes, ``repression`` for force against protesters. COOPERATE requires a recipient (the manual):
a joint activity names the partner as recipient, and one with no partner is left out and
counted, as are sub-event types PLOVER has no category for ("Other", "Change to group/activity",
"Disrupted weapons use", a foiled attack, which is no assault).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, TextIO

from truce.model import CasualtyKind, EventType, Report
from truce.report.admin import admin_place
from truce.report.codes import casualty_total, sides
from truce.report.read import Event
from truce.report.registry import ExportContext, ExportResult, Format, register_format

__all__ = ["PLOVER", "QUAD", "export_plover", "record"]

#: ACLED / truce sub-event type -> (PLOVER event, modes, contexts); None: none applies.
PLOVER: dict[str, tuple[str, tuple[str, ...] | None, tuple[str, ...] | None]] = {
    "Armed clash": ("ASSAULT", None, None),
    "Government regains territory": ("ASSAULT", None, ("territory",)),
    "Non-state actor overtakes territory": ("ASSAULT", None, ("territory",)),
    "Chemical weapon": ("ASSAULT", ("unconventional",), ("cbrn",)),
    "Air/drone strike": ("ASSAULT", ("aerial",), None),  # "drone" when the report says so
    "Suicide bomb": ("ASSAULT", ("suicide-attack",), None),
    "Shelling/artillery/missile attack": ("ASSAULT", ("heavy-weapons",), None),
    "Remote explosive/landmine/IED": ("ASSAULT", ("explosives",), None),
    "Grenade": ("ASSAULT", ("explosives",), None),
    "Sexual violence": ("ASSAULT", ("sexual",), None),
    "Attack": ("ASSAULT", None, None),
    "Abduction/forced disappearance": ("ASSAULT", ("abduct",), None),
    "Peaceful protest": ("PROTEST", ("demo",), None),
    "Protest with intervention": ("PROTEST", ("demo",), None),
    "Excessive force against protesters": ("ASSAULT", None, ("repression",)),
    "Violent demonstration": ("PROTEST", ("riot",), None),
    "Mob violence": ("ASSAULT", None, None),
    "Agreement": ("AGREE", None, None),
    "Arrests": ("COERCE", ("arrest",), None),
    "Headquarters or base established": ("MOBILIZE", ("troops",), None),
    "Looting/property destruction": ("ASSAULT", ("destroy",), None),
    "Non-violent transfer of territory": ("RETREAT", ("withdraw",), ("territory",)),
    "Patrol": ("COOPERATE", None, ("peacekeeping",)),
    "Ceasefire declared": ("RETREAT", ("ceasefire",), ("peacekeeping",)),
    "Weapons withdrawal": ("RETREAT", ("withdraw",), ("peacekeeping",)),
    "Military deployment": ("MOBILIZE", ("troops",), None),
}
#: The manual's quad category of each event type (1 verbal cooperation, 2 material cooperation,
#: 3 verbal conflict, 4 material conflict).
QUAD = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), 1),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), 2),
    **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "THREATEN"), 3),
    **dict.fromkeys(("PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"), 4),
}
#: Categories the manual says require a recipient.
NEEDS_RECIPIENT = frozenset(("COOPERATE", "AID", "SANCTION"))
_DRONE = re.compile(r"\b(drones?|uavs?|unmanned)\b", re.IGNORECASE)
# Geonames-style resolution per ACLED geo_precision: 4 city, 3 district, 2 province.
_RESOLUTION = {1: 4, 2: 3, 3: 2}


def _state_military(name: str, inter: int | None) -> bool:
    """An official state military (the manual's ``military`` context), not a militia."""
    return inter == 1 or name.startswith("Military Forces of")


def _entity(name: str, inter: int | None) -> dict[str, Any]:
    entity: dict[str, Any] = {"entity_text": name}
    if inter is not None:
        entity["acled_inter"] = inter
    return entity


def _modes(r: Report, modes: tuple[str, ...] | None) -> list[str] | None:
    if modes == ("aerial",) and _DRONE.search(" ".join((r.title or "", r.text, *r.tags))):
        return ["drone"]
    return list(modes) if modes else None


def record(event: Event, coder: str) -> dict[str, object] | None:
    """The PLOVER record of one event; None if PLOVER cannot carry it (see :func:`why_not`)."""
    if why_not(event):
        return None
    r = event.report
    category, modes, contexts = PLOVER[r.sub_event_type]
    s = sides(r)
    actor_name, inter1 = s.actor1, s.inter1
    if not actor_name:  # as the ACLED export codes it: PLOVER requires an actor
        actor_name, inter1 = (
            ("Protesters (Syria)", 6)
            if r.event_type == EventType.PROTESTS
            else ("Rioters (Syria)", 5)
            if r.event_type == EventType.RIOTS
            else ("Unidentified Armed Group (Syria)", 3)
        )
    actors = [_entity(actor_name, inter1), *(_entity(n, None) for n in s.assoc1)]
    recipients = [_entity(n, None) for n in (s.actor2, *s.assoc2) if n]
    if s.actor2:
        recipients[0] = _entity(s.actor2, s.inter2)
    if category in NEEDS_RECIPIENT and not recipients:
        recipients, actors = actors[1:], actors[:1]  # a joint activity: the partners
    context = list(contexts or ())
    military = _state_military(actor_name, inter1) or (
        bool(s.actor2) and _state_military(s.actor2, s.inter2)
    )
    if military and category in ("ASSAULT", "MOBILIZE", "RETREAT", "COOPERATE"):
        context.insert(0, "military")
    if category == "MOBILIZE" and not _state_military(actor_name, inter1):
        modes = ("militia",)
    loc = r.location
    place = admin_place(r)
    event_loc: dict[str, object] = {
        "extracted_place": loc.place or loc.area,
        "resolved_place": place.admin3 or loc.place or place.admin1 or None,
        "lat": float(place.lat) if place.lat is not None else None,
        "lon": float(place.lon) if place.lon is not None else None,
        "district": place.admin2 or None,
        "province": place.admin1 or loc.admin1,
        "country": "Syria",
        "country_code": "SYR",
        "resolution": _RESOLUTION.get(place.precision, 2),
    }
    return {
        "id": event.id,
        "date": r.date.start.isoformat(),
        "enddate": r.date.end.isoformat(),
        "actor": actors,
        "recipient": recipients or None,
        "event": [category],
        "mode": _modes(r, modes),
        "context": context or None,
        "quad_code": QUAD[category],
        "event_loc": event_loc,
        "text": r.title or r.text[:500] or None,
        "coder": coder,
        "dead": casualty_total(r, CasualtyKind.KILLED, "low") or 0,
        "injured": casualty_total(r, CasualtyKind.INJURED, "low") or 0,
        "occurrence": event.occurrence,
        "acled_sub_event_type": r.sub_event_type,
    }


def why_not(event: Event) -> str:
    """Why PLOVER cannot carry the event ('' when it can)."""
    r = event.report
    mapped = PLOVER.get(r.sub_event_type)
    if mapped is None:
        return f"PLOVER has no category for {r.sub_event_type!r}"
    if mapped[0] in NEEDS_RECIPIENT:
        s = sides(r)
        if not (s.actor2 or s.assoc2 or s.assoc1):
            return f"PLOVER {mapped[0]} requires a recipient; the event names one actor"
    return ""


def export_plover(events: Iterable[Event], stream: TextIO, context: ExportContext) -> ExportResult:
    coder = f"truce {context.state.origin}"
    result = ExportResult()
    for event in events:
        rec = record(event, coder)
        if rec is None:
            result.leave_out(event.id, why_not(event))
            continue
        stream.write(json.dumps(rec, ensure_ascii=False, sort_keys=False))
        stream.write("\n")
        result.written += 1
    return result


register_format(
    Format(
        name="plover",
        title="PLOVER JSON lines",
        media_type="application/x-ndjson",
        extension="jsonl",
        export=export_plover,
        spec="PLOVER manual (openeventdata/PLOVER), Data Fields chapter; JSON lines",
    )
)

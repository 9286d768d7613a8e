"""PLOVER JSON lines (openeventdata/PLOVER, the successor to CAMEO): one event per line.

Fields: ``id``, ``date``, ``enddate``, ``actor``, ``recipient``, ``event``, ``mode``, ``context``,
``event_loc`` (``name``, ``admin1``, ``country``, ``lat``, ``lon``, ``geo_precision``), ``text``,
``coder``, and PLOVER's magnitude fields ``dead`` and ``injured`` (the lowest figures reported).
truce adds ``occurrence`` (its grade) and ``acled_sub_event_type``, which PLOVER's extension
rules allow. ACLED sub-event types map to PLOVER categories, modes and contexts as below (ASSAULT
aerial / heavy-weapons / explosives / CBRN; RETREAT ceasefire / withdraw; MOBILIZE troops;
contexts military, peacekeeping, territory); sub-event types PLOVER has no category for
("Other", "Change to group/activity") are left out and counted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from truce.model import CasualtyKind
from truce.report.codes import casualty_total, sides
from truce.report.read import Event
from truce.report.registry import ExportContext, ExportResult, Format, register_format

__all__ = ["PLOVER", "export_plover", "record"]

#: ACLED / truce sub-event type -> (PLOVER event, mode, context).
PLOVER: dict[str, tuple[str, str, str]] = {
    "Armed clash": ("ASSAULT", "", "military"),
    "Government regains territory": ("ASSAULT", "", "territory"),
    "Non-state actor overtakes territory": ("ASSAULT", "", "territory"),
    "Chemical weapon": ("ASSAULT", "CBRN", "military"),
    "Air/drone strike": ("ASSAULT", "aerial", "military"),
    "Suicide bomb": ("ASSAULT", "explosives", "military"),
    "Shelling/artillery/missile attack": ("ASSAULT", "heavy-weapons", "military"),
    "Remote explosive/landmine/IED": ("ASSAULT", "explosives", "military"),
    "Grenade": ("ASSAULT", "explosives", "military"),
    "Sexual violence": ("ASSAULT", "sexual", ""),
    "Attack": ("ASSAULT", "", ""),
    "Abduction/forced disappearance": ("COERCE", "abduct", ""),
    "Peaceful protest": ("PROTEST", "demonstrate", ""),
    "Protest with intervention": ("PROTEST", "demonstrate", ""),
    "Excessive force against protesters": ("COERCE", "", ""),
    "Violent demonstration": ("PROTEST", "riot", ""),
    "Mob violence": ("ASSAULT", "", ""),
    "Agreement": ("AGREE", "", ""),
    "Arrests": ("COERCE", "arrest", ""),
    "Disrupted weapons use": ("ASSAULT", "", "military"),
    "Headquarters or base established": ("MOBILIZE", "troops", "military"),
    "Looting/property destruction": ("COERCE", "seize", ""),
    "Non-violent transfer of territory": ("RETREAT", "withdraw", "territory"),
    "Patrol": ("COOPERATE", "", "peacekeeping"),
    "Ceasefire declared": ("RETREAT", "ceasefire", "peacekeeping"),
    "Weapons withdrawal": ("RETREAT", "withdraw", "peacekeeping"),
    "Military deployment": ("MOBILIZE", "troops", "military"),
}


def record(event: Event, coder: str) -> dict[str, object] | None:
    r = event.report
    mapped = PLOVER.get(r.sub_event_type)
    if mapped is None:
        return None
    category, mode, context = mapped
    s = sides(r)
    loc = r.location
    event_loc: dict[str, object] = {"name": loc.place or loc.area or "", "country": "Syria"}
    if loc.admin1:
        event_loc["admin1"] = loc.admin1
    if loc.point:
        event_loc["lat"] = float(loc.point.lat)
        event_loc["lon"] = float(loc.point.lon)
    event_loc["geo_precision"] = int(loc.precision)
    return {
        "id": event.id,
        "date": r.date.start.isoformat(),
        "enddate": r.date.end.isoformat(),
        "actor": "; ".join(n for n in (s.actor1, *s.assoc1) if n),
        "recipient": "; ".join(n for n in (s.actor2, *s.assoc2) if n),
        "event": category,
        "mode": mode,
        "context": context,
        "event_loc": event_loc,
        "text": r.title or r.text[:500],
        "coder": coder,
        "dead": casualty_total(r, CasualtyKind.KILLED, "low") or 0,
        "injured": casualty_total(r, CasualtyKind.INJURED, "low") or 0,
        "occurrence": event.occurrence,
        "acled_sub_event_type": r.sub_event_type,
    }


def export_plover(events: Sequence[Event], stream: TextIO, context: ExportContext) -> ExportResult:
    coder = f"truce {context.state.origin}"
    result = ExportResult()
    for event in events:
        rec = record(event, coder)
        if rec is None:
            reason = f"PLOVER has no category for {event.report.sub_event_type!r}"
            result.left_out.append((event.id, reason))
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
        spec="PLOVER (openeventdata/PLOVER) event records",
    )
)

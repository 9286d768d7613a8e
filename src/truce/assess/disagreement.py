"""The disagreement view: each field of an incident across its reports, side by side.

For the date, place, event type, perpetrator, target and casualties, the values the reports give
are grouped (value → the reports giving it), and the field is marked as agreeing or not:

- dates agree when all the reports' intervals share a day;
- places agree when their town-level names reduce to one place key (spellings of one village
  agree, and the spellings are listed) — reports naming no town, or only a region, are left out
  — and no two reports' points lie farther apart than both their error radii (such a pair is
  named, with the distance: the incident's place is the most precise report's, never an
  average of the two);
- perpetrators and targets agree when one actor is named (reports naming none are left out);
- casualties agree when every report gives the same low/best/high; the consolidated range and
  the conservative figure (ACLED codes the most conservative fatality figure) are shown.

A party's ``dispute`` response adds its own value (and evidence) to the field it names, and
marks the field disputed. Pure functions over :class:`truce.assess.grade.Member` and
:class:`truce.assess.grade.Reply`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from truce.assess.grade import Member, Reply, casualty_ranges
from truce.assess.names import actor_key, place_key
from truce.model import ActorRole, GeoPrecision, Modality, Report, ResponseKind, TimePrecision

__all__ = ["FIELDS", "disagreement"]

#: Fields shown, in order; a dispute may name any of them (or "casualties.<category>.<kind>").
FIELDS = ("date", "place", "event_type", "perpetrator", "target", "casualties")
_FIELD_ALIASES = {"time": "date", "location": "place", "type": "event_type", "actor": "perpetrator"}


def _date(r: Report) -> str:
    d = r.date
    if d.start == d.end:
        return d.start.isoformat()
    precision = {TimePrecision.WEEK: "week", TimePrecision.MONTH: "month"}.get(d.precision, "")
    return f"{d.start.isoformat()}/{d.end.isoformat()}" + (f" ({precision})" if precision else "")


def _place(r: Report) -> str | None:
    loc = r.location
    name = loc.place or loc.area or loc.admin1
    if loc.point is not None:
        where = f"{loc.point.lat}, {loc.point.lon} ±{loc.point.error_m} m"
        return f"{name} ({where})" if name else where
    return name


def _actors(role: ActorRole) -> Callable[[Report], str | None]:
    def get(r: Report) -> str | None:
        names = [a.name for a in r.actors_in(role)]
        if not names:
            return None
        # A denial names who denies it; a plan, who plans it: not who did it.
        suffix = "" if r.modality == Modality.OCCURRED else f" ({r.modality.value})"
        return "; ".join(names) + suffix

    return get


def _group(members: Sequence[Member], get: Callable[[Report], str | None]) -> list[dict[str, Any]]:
    groups: dict[str, list[str]] = {}
    for m in members:
        value = get(m.report)
        if value is not None:
            groups.setdefault(value, []).append(m.report_id)
    return [{"value": v, "reports": rs} for v, rs in groups.items()]


def _disputes(replies: Sequence[Reply], name: str) -> list[dict[str, Any]]:
    out = []
    for r in replies:
        if r.kind != ResponseKind.DISPUTE or not r.field:
            continue
        field = _FIELD_ALIASES.get(r.field, r.field)
        if field == name or field.startswith(name + "."):
            out.append(
                {
                    "response": r.response_id,
                    "party": r.author,
                    "field": r.field,
                    "value": r.value,
                    "text": r.text,
                    "evidence": list(r.evidence),
                }
            )
    return out


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) kilometres: exact at any distance, not only nearby."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _points_apart(members: Sequence[Member]) -> list[str]:
    """Pairs of reports whose points are farther apart than both error radii (plus 0.5 km):
    they cannot both be right, and the incident's place is not their average."""
    points = [
        (m.report_id, float(p.lat), float(p.lon), p.error_m / 1000)
        for m in members
        if (p := m.report.location.point) is not None
    ]
    out = []
    for i, (ra, lat_a, lon_a, err_a) in enumerate(points):
        for rb, lat_b, lon_b, err_b in points[i + 1 :]:
            km = _km(lat_a, lon_a, lat_b, lon_b)
            if km > err_a + err_b + 0.5:
                out.append(f"{ra} and {rb} are {km:,.1f} km apart, beyond their error radii")
    return out[:10]


def disagreement(members: Sequence[Member], replies: Sequence[Reply]) -> list[dict[str, Any]]:
    """One entry per field: its values across the reports, whether they agree, and disputes."""
    out: list[dict[str, Any]] = []
    reports = [m.report for m in members]

    # Date: agree when some day lies in every interval.
    latest_start = max(r.date.start for r in reports)
    earliest_end = min(r.date.end for r in reports)
    out.append(
        {
            "field": "date",
            "agree": latest_start <= earliest_end,
            "values": _group(members, _date),
            "note": "" if latest_start <= earliest_end else "the reports' dates do not overlap",
        }
    )

    # Place: agree when the names reduce to one place.
    keys: dict[str, list[str]] = {}
    regions: list[str] = []
    for m in members:
        loc = m.report.location
        name = loc.place
        if name and loc.precision >= GeoPrecision.REGION:
            regions.append(f"{m.report_id} gives only a region: {name}")
            continue
        if name:
            keys.setdefault(place_key(name), [])
            if name not in keys[place_key(name)]:
                keys[place_key(name)].append(name)
    spellings = [n for names in keys.values() for n in names]
    note = ""
    if len(keys) == 1 and len(spellings) > 1:
        note = "spellings of one place: " + ", ".join(spellings)
    elif len(keys) > 1:
        note = "different places named: " + " / ".join(names[0] for names in keys.values())
    apart = _points_apart(members)
    note = "; ".join(x for x in (note, *regions, *apart) if x)
    out.append(
        {
            "field": "place",
            "agree": len(keys) <= 1 and not apart,
            "values": _group(members, _place),
            "note": note,
        }
    )

    subs = {r.sub_event_type for r in reports}
    out.append(
        {
            "field": "event_type",
            "agree": len(subs) == 1,
            "values": _group(members, lambda r: r.sub_event_type),
            "note": "" if len(subs) == 1 else "sub-event types differ (one event family)",
        }
    )

    for name, role in (("perpetrator", ActorRole.PERPETRATOR), ("target", ActorRole.TARGET)):
        named = {
            frozenset(actor_key(a.name) for a in r.actors_in(role))
            for r in reports
            if r.actors_in(role)
        }
        unnamed = [m.report_id for m in members if not m.report.actors_in(role)]
        out.append(
            {
                "field": name,
                "agree": len(named) <= 1,
                "values": _group(members, _actors(role)),
                "note": f"not named by {', '.join(unnamed)}" if unnamed else "",
            }
        )

    ranges = casualty_ranges(members)
    values: list[dict[str, Any]] = []
    agree = True
    for c in ranges:
        figures = {(lo, b, hi) for _, lo, b, hi in c.figures}
        agree = agree and len(figures) == 1
        for _rid, lo, b, hi in c.figures:
            text = f"{c.category} {c.kind}: {lo}" + (f"/{b}" if b is not None else "")
            text += f"/{hi}" if hi is not None else "/?"
            values.append({"value": text, "reports": [_rid]})
    merged: dict[str, list[str]] = {}
    for v in values:
        merged.setdefault(v["value"], []).extend(v["reports"])
    out.append(
        {
            "field": "casualties",
            "agree": agree,
            "values": [{"value": v, "reports": rs} for v, rs in merged.items()],
            "ranges": [c.to_json() for c in ranges],
            "note": "; ".join(
                f"{c.category} {c.kind} {c.low}–{c.high}{'+' if c.open_ended else ''}"
                f" (conservative {c.conservative})"
                for c in ranges
            ),
        }
    )
    for entry in out:
        entry["disputes"] = _disputes(replies, entry["field"])
        if entry["disputes"]:
            entry["agree"] = False
    return out

"""UCDP GED-style CSV (Uppsala Conflict Data Program, Georeferenced Event Dataset codebook).

Columns in GED's order and names, as far as truce knows them: ``id``, ``year``,
``type_of_violence`` (1 state-based, 2 non-state, 3 one-sided), ``side_a``, ``side_b``,
``number_of_sources``, ``source_office``, ``where_prec`` (1 exact .. 4 first-order admin),
``where_coordinates``, ``where_description``, ``adm_1``, ``adm_2``, ``latitude``, ``longitude``,
``geom_wkt``, ``country``, ``country_id`` (Gleditsch-Ward 652), ``region``, ``event_clarity``,
``date_prec`` (1 a day, 2 two to six days, 3 a week to a month, 4 up to a year, 5 longer),
``date_start``, ``date_end``, ``deaths_a``, ``deaths_b``, ``deaths_civilians``,
``deaths_unknown``, ``best``, ``high``, ``low``. GED's own ids for conflicts, dyads and sides
(``conflict_new_id``, ``dyad_new_id``, ``side_a_new_id``...) are UCDP's to assign, so they are
left out rather than invented.

GED lists organised violence with at least one death: events of the political-violence types
(Battles, Explosions/Remote violence, Violence against civilians) with a death reported; the
others are left out and counted. Deaths keep truce's ranges: ``low`` and ``high`` over the
reports (``high`` empty when a report gives no upper bound), ``best`` only where the reports
agree on one (else empty: never a false point value). Combatant deaths go to ``deaths_unknown``,
since no report says which side they fell on.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from truce.model import CasualtyCategory, CasualtyKind, EventType, Report
from truce.report.admin import admin_place
from truce.report.codes import casualty_total, sides
from truce.report.read import Event
from truce.report.registry import ExportContext, ExportResult, Format, register_format
from truce.spreadsheet import neutralise_row

__all__ = ["COLUMNS", "export_ucdp"]

COLUMNS = (
    "id",
    "year",
    "type_of_violence",
    "side_a",
    "side_b",
    "number_of_sources",
    "source_office",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
)
NUMERIC = frozenset(
    ("year", "type_of_violence", "number_of_sources", "where_prec", "latitude", "longitude",
     "country_id", "event_clarity", "date_prec", "deaths_a", "deaths_b", "deaths_civilians",
     "deaths_unknown", "best", "high", "low")
)  # fmt: skip
VIOLENT = frozenset((EventType.BATTLES, EventType.EXPLOSIONS, EventType.VIOLENCE_AGAINST_CIVILIANS))
_ARMED = frozenset((1, 2, 3, 4, 8))


def _date_prec(days: int) -> int:
    return 1 if days == 1 else 2 if days <= 6 else 3 if days <= 31 else 4 if days <= 366 else 5


def _type_of_violence(r: Report) -> int:
    s = sides(r)
    state = [
        name.startswith("Military Forces of") or inter == 1
        for name, inter in ((s.actor1, s.inter1), (s.actor2, s.inter2))
        if name
    ]
    if r.event_type == EventType.VIOLENCE_AGAINST_CIVILIANS or s.inter2 == 7 or not s.actor2:
        return 3
    if any(state) and s.inter2 in _ARMED:
        return 1
    return 2


def _figure(r: Report, bound: str, category: CasualtyCategory | None = None) -> str:
    value = casualty_total(r, CasualtyKind.KILLED, bound, category)
    return "" if value is None else str(value)


def _deaths(r: Report, category: CasualtyCategory) -> str:
    """A category's deaths: the agreed best figure, else the lowest (GED's columns are single
    figures; the range is in low/high)."""
    best = casualty_total(r, CasualtyKind.KILLED, "best", category)
    low = casualty_total(r, CasualtyKind.KILLED, "low", category)
    value = best if best is not None else low
    return str(value or 0)


def row_for(event: Event) -> dict[str, str] | None:
    r = event.report
    low = casualty_total(r, CasualtyKind.KILLED, "low")
    if r.event_type not in VIOLENT or not low:
        return None
    s = sides(r)
    place = admin_place(r)
    loc = r.location
    if place.fallback:
        where_prec = 3 if place.admin2 else 4
    else:
        where_prec = {1: 1, 2: 2}.get(place.precision, 4)
    lat = format(place.lat, "f") if place.lat is not None else ""
    lon = format(place.lon, "f") if place.lon is not None else ""
    return {
        "id": event.id,
        "year": str(r.date.start.year),
        "type_of_violence": str(_type_of_violence(r)),
        "side_a": s.actor1 or "Unidentified Armed Group (Syria)",
        "side_b": s.actor2 or ("Civilians" if _type_of_violence(r) == 3 else ""),
        "number_of_sources": str(len(r.sources)),
        "source_office": "; ".join(src.name for src in r.sources),
        "where_prec": str(where_prec),
        "where_coordinates": loc.place or loc.area or place.admin3 or place.admin1,
        "where_description": r.title or "",
        "adm_1": f"{place.admin1} governorate" if place.admin1 else "",
        "adm_2": f"{place.admin2} district" if place.admin2 else "",
        "latitude": lat,
        "longitude": lon,
        "geom_wkt": f"POINT ({lon} {lat})" if lat else "",
        "country": "Syria",
        "country_id": "652",
        "region": "Middle East",
        "event_clarity": "1",
        "date_prec": str(_date_prec(r.date.days)),
        "date_start": r.date.start.isoformat(),
        "date_end": r.date.end.isoformat(),
        "deaths_a": "0",
        "deaths_b": "0",
        "deaths_civilians": _deaths(r, CasualtyCategory.CIVILIANS),
        "deaths_unknown": str(
            int(_deaths(r, CasualtyCategory.COMBATANTS)) + int(_deaths(r, CasualtyCategory.UNKNOWN))
        ),
        "best": _figure(r, "best"),
        "high": _figure(r, "high"),
        "low": str(low),
    }


def export_ucdp(events: Iterable[Event], stream: TextIO, context: ExportContext) -> ExportResult:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    numeric = [c in NUMERIC for c in COLUMNS]
    result = ExportResult()
    for event in events:
        row = row_for(event)
        if row is None:
            result.leave_out(event.id, "UCDP GED lists organised violence with at least one death")
            continue
        writer.writerow(neutralise_row((row[c] for c in COLUMNS), numeric))
        result.written += 1
    return result


register_format(
    Format(
        name="ucdp",
        title="UCDP GED-style CSV",
        media_type="text/csv",
        extension="csv",
        export=export_ucdp,
        spec="UCDP Georeferenced Event Dataset (GED) codebook; column names and codes",
    )
)

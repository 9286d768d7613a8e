"""HXL-tagged CSV export of events (Humanitarian Exchange Language, hxlstandard.org).

A header row of human-readable column names, then the HXL hashtag row, then one row per event.
Hashtags from the HXL dictionary (see ``docs/domain.md``): ``#event+id``, ``#event+type``
(``+sub`` for ACLED's sub-event type), ``#date+start``/``#date+end``, the admin units as OCHA
names them with their P-codes (``#adm1+name``/``#adm1+code`` .. ``#adm3``; an HDX dataset joins
on the code), ``#loc+name``, ``#geo+lat``, ``#geo+lon``, ``#group+name+first``/``+second`` (the
two sides' actors), ``#affected+killed+min``/``+max`` and ``#affected+injured+min``/``+max`` (the
lowest and highest figure reported, ``+max`` empty when no report bounds it: each attribute set
names one column), ``#status+occurrence`` (truce's grade), ``#loc+zone``, ``#meta+source``,
``#description``. Tested with libhxl's ``hxlvalidate`` against a schema for these columns.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from truce.model import CasualtyKind, Report
from truce.report.admin import admin_place
from truce.report.codes import casualty_total, sides
from truce.report.read import Event
from truce.report.registry import ExportContext, ExportResult, Format, register_format
from truce.spreadsheet import neutralise_row

__all__ = ["COLUMNS", "export_hxl"]

#: (header, hashtag) per column.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Event ID", "#event+id"),
    ("Event type", "#event+type"),
    ("Sub-event type", "#event+type+sub"),
    ("Start date", "#date+start"),
    ("End date", "#date+end"),
    ("Governorate", "#adm1+name"),
    ("Governorate P-code", "#adm1+code"),
    ("District", "#adm2+name"),
    ("District P-code", "#adm2+code"),
    ("Sub-district", "#adm3+name"),
    ("Sub-district P-code", "#adm3+code"),
    ("Location", "#loc+name"),
    ("Latitude", "#geo+lat"),
    ("Longitude", "#geo+lon"),
    ("Actor 1", "#group+name+first"),
    ("Actor 2", "#group+name+second"),
    ("Killed (lowest reported)", "#affected+killed+min"),
    ("Killed (highest reported)", "#affected+killed+max"),
    ("Injured (lowest reported)", "#affected+injured+min"),
    ("Injured (highest reported)", "#affected+injured+max"),
    ("Occurrence grade", "#status+occurrence"),
    ("Zones", "#loc+zone"),
    ("Sources", "#meta+source"),
    ("Description", "#description"),
)


def _num(value: int | None) -> str:
    return "" if value is None else str(value)


def _range(report: Report, kind: CasualtyKind) -> tuple[str, str]:
    """Lowest and highest figure; 0 and 0 when no report gives one (ACLED's convention)."""
    low = casualty_total(report, kind, "low")
    if low is None:
        return "0", "0"
    return str(low), _num(casualty_total(report, kind, "high"))


def export_hxl(events: Iterable[Event], stream: TextIO, context: ExportContext) -> ExportResult:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([h for h, _ in COLUMNS])
    writer.writerow([t for _, t in COLUMNS])
    numeric = [tag.startswith(("#geo", "#affected")) for _, tag in COLUMNS]
    written = 0
    for event in events:
        r = event.report
        loc = r.location
        s = sides(r)
        place = admin_place(r)
        row = [
            event.id,
            r.event_type.value,
            r.sub_event_type,
            r.date.start.isoformat(),
            r.date.end.isoformat(),
            place.admin1 or loc.admin1 or "",
            place.admin1_pcode,
            place.admin2,
            place.admin2_pcode,
            place.admin3,
            place.admin3_pcode,
            loc.place or loc.area or "",
            format(loc.point.lat, "f") if loc.point else "",
            format(loc.point.lon, "f") if loc.point else "",
            s.actor1,
            s.actor2,
            *_range(r, CasualtyKind.KILLED),
            *_range(r, CasualtyKind.INJURED),
            event.occurrence or "",
            " ".join(event.zones),
            "; ".join(src.name for src in r.sources),
            r.title or r.text[:200],
        ]
        writer.writerow(neutralise_row(row, numeric))
        written += 1
    return ExportResult(written=written)


register_format(
    Format(
        name="hxl",
        title="HXL-tagged CSV",
        media_type="text/csv",
        extension="csv",
        export=export_hxl,
        spec="HXL 1.1 (hxlstandard.org) dictionary; OCHA COD-AB P-codes",
    )
)

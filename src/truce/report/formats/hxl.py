"""HXL-tagged CSV export of events (Humanitarian Exchange Language, hxlstandard.org).

A header row of human-readable column names, then the HXL hashtag row, then one row per event.
Hashtags as listed in ``docs/domain.md``: ``#event+id``, ``#event+type`` (``+sub`` for ACLED's
sub-event type), ``#date+start``/``#date+end``, ``#adm1+name``, ``#loc+name``, ``#geo+lat``,
``#geo+lon``, ``#group+name+first``/``+second`` (the two sides' actors), ``#affected+killed`` and
``#affected+injured`` (the lowest figure reported; ``+max`` the highest, empty when a report
gives no upper bound), ``#status+occurrence`` (truce's grade), ``#meta+source``, ``#description``.
Tested to parse with libhxl (``hxl.data``), each column read back under its hashtag.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import TextIO

from truce.model import CasualtyKind, Report
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
    ("Location", "#loc+name"),
    ("Latitude", "#geo+lat"),
    ("Longitude", "#geo+lon"),
    ("Actor 1", "#group+name+first"),
    ("Actor 2", "#group+name+second"),
    ("Killed (lowest reported)", "#affected+killed"),
    ("Killed (highest reported)", "#affected+killed+max"),
    ("Injured (lowest reported)", "#affected+injured"),
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


def export_hxl(events: Sequence[Event], stream: TextIO, context: ExportContext) -> ExportResult:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([h for h, _ in COLUMNS])
    writer.writerow([t for _, t in COLUMNS])
    numeric = [tag.startswith(("#geo", "#affected")) for _, tag in COLUMNS]
    for event in events:
        r = event.report
        loc = r.location
        s = sides(r)
        row = [
            event.id,
            r.event_type.value,
            r.sub_event_type,
            r.date.start.isoformat(),
            r.date.end.isoformat(),
            loc.admin1 or "",
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
    return ExportResult(written=len(events))


register_format(
    Format(
        name="hxl",
        title="HXL-tagged CSV",
        media_type="text/csv",
        extension="csv",
        export=export_hxl,
        spec="HXL 1.1 (hxlstandard.org); hashtags from docs/domain.md",
    )
)

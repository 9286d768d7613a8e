"""KML 2.2 (OGC 07-147r2) export of events, for Google Earth, QGIS and ATAK's KML layers.

One ``<Document>`` with a ``<Placemark>`` per event: ``name`` (title or sub-event type),
``description`` (sub-event type, dates, casualty range, grade), ``TimeSpan`` ``begin``/``end``
(the date interval; KML's ``end`` is exclusive of nothing finer than the day, so it is the last
day), ``ExtendedData`` (``id``, ``event_type``, ``sub_event_type``, ``occurrence``,
``killed_low``/``killed_high``, ``geo_precision``, ``admin1``/``admin1_pcode``) and a ``Point``
(longitude,latitude -- KML's order -- with six decimals). An event known only by its area is
placed at the area's representative point with ``geo_precision`` 3, as in the ACLED export; one
with neither point nor known area is left out and counted. The document is written as it goes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from truce.model import CasualtyKind
from truce.report.admin import admin_place
from truce.report.codes import casualty_total
from truce.report.read import Event
from truce.report.registry import ExportContext, ExportResult, Format, register_format

__all__ = ["KML_NS", "export_kml"]

KML_NS = "http://www.opengis.net/kml/2.2"


def _data(name: str, value: object) -> str:
    return f"<Data name={quoteattr(name)}><value>{escape(str(value))}</value></Data>"


def placemark(event: Event) -> str | None:
    r = event.report
    place = admin_place(r)
    if place.lat is None or place.lon is None:
        return None
    low = casualty_total(r, CasualtyKind.KILLED, "low")
    high = casualty_total(r, CasualtyKind.KILLED, "high")
    killed = "" if low is None else f"; killed {low}" + (f"-{high}" if high and high != low else "")
    when = r.date.start.isoformat()
    if r.date.end != r.date.start:
        when += f" to {r.date.end.isoformat()}"
    description = f"{r.sub_event_type}, {when}{killed}"
    if event.occurrence:
        description += f"; occurrence: {event.occurrence}"
    data = [
        _data("id", event.id),
        _data("event_type", r.event_type.value),
        _data("sub_event_type", r.sub_event_type),
        _data("occurrence", event.occurrence or ""),
        _data("killed_low", "" if low is None else low),
        _data("killed_high", "" if high is None else high),
        _data("geo_precision", place.precision),
        _data("admin1", place.admin1),
        _data("admin1_pcode", place.admin1_pcode),
    ]
    lon, lat = round(float(place.lon), 6), round(float(place.lat), 6)
    return (
        f"<Placemark id={quoteattr(event.id)}><name>{escape(r.title or r.sub_event_type)}</name>"
        f"<description>{escape(description)}</description>"
        f"<TimeSpan><begin>{r.date.start.isoformat()}</begin>"
        f"<end>{r.date.end.isoformat()}</end></TimeSpan>"
        f"<ExtendedData>{''.join(data)}</ExtendedData>"
        f"<Point><coordinates>{lon},{lat}</coordinates></Point></Placemark>"
    )


def export_kml(events: Iterable[Event], stream: TextIO, context: ExportContext) -> ExportResult:
    state = context.state
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(f'<kml xmlns="{KML_NS}"><Document>\n')
    stream.write(f"<name>{escape(f'truce incidents, {state.cite()}')}</name>\n")
    result = ExportResult()
    for event in events:
        mark = placemark(event)
        if mark is None:
            result.leave_out(event.id, "no point and no known area: KML needs a position")
            continue
        stream.write(mark + "\n")
        result.written += 1
    stream.write("</Document></kml>\n")
    return result


register_format(
    Format(
        name="kml",
        title="KML 2.2 placemarks",
        media_type="application/vnd.google-earth.kml+xml",
        extension="kml",
        export=export_kml,
        spec="OGC KML 2.2 (07-147r2)",
    )
)

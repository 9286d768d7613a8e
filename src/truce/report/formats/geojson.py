"""GeoJSON (RFC 7946) export of events: a FeatureCollection of Point features.

Coordinates are WGS 84 longitude, latitude (RFC 7946 section 3.1.1); an event known only by its
admin area or place name has a ``null`` geometry (an "unlocated" feature, section 3.2). The
collection carries the ledger state it was read from as a foreign member ``truce`` (section 6.1).
Properties keep truce's ranges: each casualty figure with its low, best and high, the position's
error radius, the date interval with its precision, the occurrence grade and the responses; and
flat scalar copies of the main values (``actor1``, ``actor2``, ``killed_low``, ``killed_high``,
``injured_low``, ``source_names``) for tools that drop list properties (a Shapefile).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from truce.model import CasualtyKind
from truce.report.codes import casualty_total, disorder_type, sides
from truce.report.formats.layout import position, write_collection
from truce.report.read import Event
from truce.report.registry import ExportContext, ExportResult, Format, register_format

__all__ = ["export_geojson", "feature"]


def feature(event: Event) -> dict[str, Any]:
    r = event.report
    loc = r.location
    geometry = (
        {"type": "Point", "coordinates": position(loc.point.lon, loc.point.lat)}
        if loc.point
        else None
    )
    properties: dict[str, Any] = {
        "unit": event.unit,
        "title": r.title,
        "event_type": r.event_type.value,
        "sub_event_type": r.sub_event_type,
        "disorder_type": disorder_type(r.event_type, r.sub_event_type),
        "modality": r.modality.value,
        "date_start": r.date.start.isoformat(),
        "date_end": r.date.end.isoformat(),
        "time_precision": int(r.date.precision),
        "place": loc.place,
        "area": loc.area,
        "admin1": loc.admin1,
        "geo_precision": int(loc.precision),
        "error_m": loc.point.error_m if loc.point else None,
        "actors": [a.model_dump(mode="json", exclude_none=True) for a in r.actors],
        "casualties": [c.model_dump(mode="json", exclude_none=True) for c in r.casualties],
        "fatalities_low": casualty_total(r, CasualtyKind.KILLED, "low") or 0,
        # Flat copies of the lists' main values: a Shapefile or a spreadsheet keeps scalars only.
        "actor1": sides(r).actor1 or None,
        "actor2": sides(r).actor2 or None,
        "killed_low": casualty_total(r, CasualtyKind.KILLED, "low"),
        "killed_high": casualty_total(r, CasualtyKind.KILLED, "high"),
        "injured_low": casualty_total(r, CasualtyKind.INJURED, "low"),
        "source_names": "; ".join(s.name for s in r.sources),
        "sources": [s.model_dump(mode="json", exclude_none=True) for s in r.sources],
        "occurrence": event.occurrence,
        "reports": list(event.report_ids),
        "authors": list(event.authors),
        "zones": list(event.zones),
        "responses": [
            {
                "id": s.id,
                "party": s.author,
                "kind": s.kind,
                **({"field": s.field, "value": s.value} if s.field else {}),
                "text": s.text,
            }
            for s in event.responses
        ],
        "first_filed": event.first_filed,
        "last_filed": event.last_filed,
        "tags": list(r.tags),
        "text": r.text,
    }
    return {"type": "Feature", "id": event.id, "geometry": geometry, "properties": properties}


def export_geojson(events: Iterable[Event], stream: TextIO, context: ExportContext) -> ExportResult:
    state = context.state
    written = write_collection(
        stream,
        (feature(e) for e in events),
        {"truce": {"origin": state.origin, "size": state.size, "root": state.root_b64}},
    )
    return ExportResult(written=written)


register_format(
    Format(
        name="geojson",
        title="GeoJSON",
        media_type="application/geo+json",
        extension="geojson",
        export=export_geojson,
        spec="RFC 7946",
    )
)

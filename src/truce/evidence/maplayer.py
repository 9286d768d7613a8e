"""The map's evidence layer: where photos say they were taken, against where the record says.

GeoJSON (RFC 7946), library code (no web framework; :mod:`truce.web.routes_map` serves it). For
each attachment whose file carries a GPS position (a photo's EXIF, a video's QuickTime
location), two features:

- a ``Point`` at the photo's position (``layer: "photo"``): id, file name, media type, capture
  time, graphic, the report or incident it is attached to, its incident now, the number of
  findings and the place finding's text if there is one;
- a ``LineString`` from the photo's position to the claimed one (``layer: "offset"``), with the
  distance in km and the claimed place's name; none when the claim has no position.

The claimed position is the report's point for a file attached to a report (what the report
says), the incident's for one attached to an incident. The public sees only the files of
published incidents (:func:`truce.evidence.queries.is_public`) and, as it sees no report bodies,
lines to the incident's position, never a report's.
"""

from __future__ import annotations

from typing import Any

from truce.evidence.queries import incident_points, is_public, located_rows, report_points
from truce.geo.distance import haversine_km

__all__ = ["evidence_geojson"]


def evidence_geojson(conn: Any, *, public: bool = False) -> dict[str, Any]:
    """The evidence layer as a FeatureCollection (see the module docstring)."""
    rows = located_rows(conn)
    if public:
        rows = [r for r in rows if is_public(conn, r["incident_now"])]
    by_report = (
        {} if public else report_points(conn, {r["report_id"] for r in rows if r["report_id"]})
    )
    by_incident = incident_points(conn, {r["incident_now"] for r in rows if r["incident_now"]})
    features: list[dict[str, Any]] = []
    for r in rows:
        lat, lon = float(r["lat"]), float(r["lon"])
        claimed = None
        if r["report_id"] and not public:
            claimed = by_report.get(r["report_id"])
        elif r["incident_now"]:
            claimed = by_incident.get(r["incident_now"])
        place = next((f["text"] for f in r["findings"] if f["kind"] == "place"), None)
        props = {
            "id": r["id"],
            "sha256": r["sha256"],
            "filename": r["filename"],
            "media_type": r["media_type"],
            "captured": r["captured"],
            "graphic": r["graphic"],
            "report": None if public else r["report_id"],
            "incident": r["incident_now"],
            "findings": len(r["findings"]),
            "place_finding": place,
        }
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"layer": "photo", **props},
            }
        )
        if claimed is not None:
            c_lat, c_lon, c_place = claimed
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": [[lon, lat], [c_lon, c_lat]]},
                    "properties": {
                        "layer": "offset",
                        "id": r["id"],
                        "report": None if public else r["report_id"],
                        "incident": r["incident_now"],
                        "claimed_place": c_place,
                        "distance_km": round(haversine_km(lat, lon, c_lat, c_lon), 2),
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}

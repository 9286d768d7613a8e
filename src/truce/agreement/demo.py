"""The agreement part of ``truce demo``: zones, posts, protected sites, rules and a joint patrol.

Geometry is drawn from gazetteer villages (``data/demo/anchors.yaml``), all of it approximate
and marked so in the data (``approximate: true``, and the zone's ``source`` says how it was
drawn):

- the **demilitarized zone** of the Sochi memorandum (17 September 2018): a band 15–20 km deep
  along the 2018 line of contact, on the opposition-held side: the line's buffer (per-vertex
  depth) intersected with a rough outline of the held area;
- the **M4 security corridor** of the Moscow additional protocol (5 March 2020): 6 km either
  side of the M4 between Trumba and Ain al-Havr; with no road data the M4 is a polyline through
  the towns it passes;
- the twelve **Turkish observation posts** of 2017–2018, placed at villages;
- six invented **protected sites** near real villages, registered by a humanitarian party;
- a small **restricted area** (illustrative) so that the patrol checks have something to find;
- the agreement file with the issue's three example clauses;
- a **joint patrol** on the M4 on 15 March 2020 (the day the first joint patrol ran and was cut
  short by a road blockade), its recorded track (GPX), an observation of movement denied, and a
  Russian-only patrol nearby so that the proximity check fires.

Every file is written into ``$TRUCE_HOME/agreement/`` and loaded through the same functions as
``truce zone add``, ``truce site add``, ``truce rules load`` and ``truce patrol ...``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import yaml

from truce.agreement.aoi import geometry_to_lonlat, geometry_to_metric, to_lonlat, to_metric
from truce.agreement.patrol import add_track, observe, plan_patrol, read_track, track_parts
from truce.agreement.rules import read_agreement
from truce.agreement.sites import add_sites, fill_admin1, read_sites
from truce.agreement.violations import refresh
from truce.agreement.zones import add_zones, read_zones
from truce.geo import Gazetteer
from truce.model import PartyKind, Report, Site, SiteKind
from truce.model.patrol import ObservationKind, PatrolObservation, PatrolPlan
from truce.node import Node

__all__ = ["build_agreement_demo", "demo_geometry"]

HUMANITARIAN = ("health-cluster", "Health cluster partners (illustrative)")


def _anchors() -> dict[str, Any]:
    text = resources.files("truce.agreement").joinpath("data/demo/anchors.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _xy(gazetteer: Gazetteer, items: list[dict[str, Any]]) -> np.ndarray:
    lon = np.array([float(gazetteer.get(i["place"]).lon) for i in items])
    lat = np.array([float(gazetteer.get(i["place"]).lat) for i in items])
    x, y = to_metric(lon, lat)
    return np.column_stack([x, y])


def _clean(geom_metric: shapely.Geometry) -> shapely.Geometry:
    """Back to longitude/latitude, simplified to 50 m, coordinates at 6 decimals (~10 cm)."""
    simple = shapely.simplify(geom_metric, 50)
    lonlat = geometry_to_lonlat(simple)
    return shapely.set_precision(lonlat, 1e-6)


def demo_geometry(gazetteer: Gazetteer) -> dict[str, shapely.Geometry]:
    """The demo's hand-drawn geometry (longitude/latitude): dmz, m4, m4_corridor, contact_line."""
    anchors = _anchors()
    contact = anchors["contact_line_2018"]
    line_xy = _xy(gazetteer, contact)
    depth = np.array([float(c["depth_km"]) * 1000 for c in contact])
    held = shapely.Polygon(np.vstack([line_xy, _xy(gazetteer, anchors["held_area_closure"])]))
    held = shapely.make_valid(held)
    band_parts = []
    for i in range(len(line_xy) - 1):
        segment = shapely.LineString(line_xy[i : i + 2])
        band_parts.append(segment.buffer((depth[i] + depth[i + 1]) / 2, quad_segs=8))
    dmz = shapely.intersection(shapely.union_all(band_parts), held)
    m4_xy = _xy(gazetteer, anchors["m4"])
    m4 = shapely.LineString(m4_xy)
    corridor = m4.buffer(6000, cap_style="flat", quad_segs=8)
    return {
        "dmz": _clean(dmz),
        "m4_corridor": _clean(corridor),
        "m4": geometry_to_lonlat(m4),
        "contact_line": geometry_to_lonlat(shapely.LineString(line_xy)),
    }


def _feature(geom: shapely.Geometry, **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": json.loads(shapely.to_geojson(geom)),
    }


def _write_zones(folder: Path, geometry: dict[str, shapely.Geometry]) -> Path:
    how = "hand-drawn from gazetteer villages (truce demo anchors); approximate, illustrative"
    # A small restricted area around Ariha's centre, illustrative, so the patrol check finds one.
    gaz_free = geometry_to_metric(shapely.Point(36.6102, 35.8140)).buffer(1500, quad_segs=8)
    features = [
        _feature(
            geometry["dmz"],
            id="idlib-dmz-2018",
            name="Idlib demilitarized zone (Sochi memorandum, 2018)",
            kind="demilitarized_zone",
            valid_from="2018-10-15",
            approximate=True,
            source="Sochi memorandum of 17 September 2018: a band 15-20 km deep; " + how,
        ),
        _feature(
            geometry["m4_corridor"],
            id="m4-corridor-2020",
            name="M4 security corridor (Moscow protocol, 2020)",
            kind="security_corridor",
            valid_from="2020-03-15",
            approximate=True,
            source="Moscow additional protocol of 5 March 2020: 6 km either side of the M4 "
            "from Trumba to Ain al-Havr; the M4 drawn through the towns on it; " + how,
        ),
        _feature(
            _clean(gaz_free),
            id="ariha-restricted-demo",
            name="Ariha town centre, no patrol entry (illustrative)",
            kind="restricted",
            valid_from="2020-03-01",
            approximate=True,
            source="invented for the demo",
        ),
    ]
    path = folder / "zones.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


def _write_posts(folder: Path, gazetteer: Gazetteer) -> Path:
    features = []
    for post in _anchors()["observation_posts"]:
        place = gazetteer.get(post["place"])
        note = f"placed at {post.get('at') or place.name} ({place.id}), not at the post itself"
        features.append(
            _feature(
                shapely.Point(float(place.lon), float(place.lat)),
                id=post["id"],
                name=post["name"],
                kind="observation_post",
                approximate=True,
                source="press reports of the 12 Turkish observation posts (2017-2018)",
                notes=note,
            )
        )
    path = folder / "observation_posts.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def _write_sites_hxl(folder: Path, gazetteer: Gazetteer) -> Path:
    lines = [
        "Site ID,Facility,Type,Latitude,Longitude,Organisation,Source",
        "#loc+code,#loc+name,#loc+type,#geo+lat,#geo+lon,#org+name,#meta+source",
    ]
    for site in _anchors()["protected_sites"]:
        place = gazetteer.get(site["place"])
        x, y = to_metric(float(place.lon), float(place.lat))
        lon, lat = to_lonlat(x + site["east_m"], y + site["north_m"])
        lines.append(
            f"{site['id']},{site['name']},{site['kind']},{float(lat):.6f},{float(lon):.6f},"
            f"Health cluster partners (illustrative),invented near {place.name} ({place.id})"
        )
    path = folder / "protected_sites.hxl.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _gpx(points: list[tuple[datetime, float, float]], name: str) -> str:
    body = "\n".join(
        f'      <trkpt lat="{lat:.6f}" lon="{lon:.6f}"><time>{t:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>'
        for t, lat, lon in points
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="truce demo" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f"  <trk><name>{name}</name><trkseg>\n{body}\n  </trkseg></trk>\n</gpx>\n"
    )


def _drive(
    line_metric: shapely.LineString, start: datetime, km_h: float, until_m: float, back: bool
) -> list[tuple[datetime, float, float]]:
    """Positions every 30 s along a line at a steady speed (and back, if asked)."""
    step = km_h / 3.6 * 30
    along = np.arange(0, until_m, step)
    if back:
        along = np.concatenate([along, along[::-1]])
    pts = shapely.line_interpolate_point(line_metric, along)
    xy = shapely.get_coordinates(pts)
    lon, lat = to_lonlat(xy[:, 0], xy[:, 1])
    return [
        (start + timedelta(seconds=30 * i), float(lat[i]), float(lon[i])) for i in range(len(along))
    ]


def _patrols(node: Node, folder: Path, geometry: dict[str, shapely.Geometry]) -> list[str]:
    lines = []
    m4 = geometry["m4"]
    route = folder / "patrol-m4-route.geojson"
    route.write_text(json.dumps({"type": "FeatureCollection", "features": [_feature(m4)]}), "utf-8")
    start = datetime(2020, 3, 15, 9, 0, tzinfo=UTC)
    plan = PatrolPlan(
        id="jp-2020-03-15",
        name="First joint patrol on the M4, Trumba to Ain al-Havr (illustrative)",
        parties=["ru", "tr"],
        route_wkt=shapely.to_wkt(m4, rounding_precision=6, trim=True),
        start=start,
        end=start + timedelta(hours=4),
        approximate=True,
    )
    plan_patrol(node, "monitors", plan)
    # The convoy drove west from Trumba, was stopped short of Ariha and turned back (illustrative).
    m4_metric = geometry_to_metric(m4)
    track = _drive(m4_metric, start + timedelta(minutes=5), 25, 14_000, back=True)
    gpx = folder / "patrol-jp-2020-03-15-tr.gpx"
    gpx.write_text(_gpx(track, "jp-2020-03-15 (Turkish vehicles)"), "utf-8")
    add_track(node, "tr", track_parts("jp-2020-03-15", read_track(gpx), source=gpx.name))
    halt = track[len(track) // 2]
    observe(
        node,
        "monitors",
        PatrolObservation(
            patrol="jp-2020-03-15",
            kind=ObservationKind.MOVEMENT_DENIED,
            time=halt[0],
            lat=Decimal(f"{halt[1]:.6f}"),
            lon=Decimal(f"{halt[2]:.6f}"),
            denied_by="a crowd blocking the M4 (illustrative)",
            text="Road blocked by a sit-in; the patrol turned back (illustrative).",
        ),
    )
    # A Russian-only patrol on a parallel road 600 m south at the same time (illustrative).
    south = shapely.offset_curve(m4_metric, -600)
    south_lonlat = geometry_to_lonlat(south)
    rplan = PatrolPlan(
        id="ru-2020-03-15",
        name="Russian military police patrol south of the M4 (illustrative)",
        parties=["ru"],
        route_wkt=shapely.to_wkt(south_lonlat, rounding_precision=6, trim=True),
        start=start,
        end=start + timedelta(hours=3),
        approximate=True,
    )
    plan_patrol(node, "monitors", rplan)
    rtrack = _drive(south, start + timedelta(minutes=20), 20, 12_000, back=False)
    rgpx = folder / "patrol-ru-2020-03-15.gpx"
    rgpx.write_text(_gpx(rtrack, "ru-2020-03-15"), "utf-8")
    add_track(node, "ru", track_parts("ru-2020-03-15", read_track(rgpx), source=rgpx.name))
    lines.append("patrols: jp-2020-03-15 (ru, tr; track, movement denied), ru-2020-03-15")
    return lines


_REPORTS: list[tuple[str, dict[str, Any]]] = [
    (
        "tr",
        {
            "event_type": "Explosions/Remote violence",
            "sub_event_type": "Air/drone strike",
            "date": "2019-05-28",
            "locations": [
                {
                    "place": "Kafr Nabl",
                    "point": {"lat": "35.6170", "lon": "36.5590", "error_m": 300},
                    "admin1": "Idlib",
                }
            ],
            "sources": [{"name": "Turkish MoD statement (illustrative)", "kind": "party"}],
            "title": "Air strike near the surgical hospital in Kafr Nabl (illustrative)",
            "tags": ["illustrative"],
        },
    ),
    (
        "monitors",
        {
            "event_type": "Explosions/Remote violence",
            "sub_event_type": "Shelling/artillery/missile attack",
            "date": "2020-04-02",
            "locations": [
                {
                    "place": "Urum al-Joz",
                    "point": {"lat": "35.7930", "lon": "36.5660", "error_m": 500},
                    "admin1": "Idlib",
                }
            ],
            "sources": [{"name": "Joint center monitors (illustrative)", "kind": "monitor"}],
            "title": "Artillery fire on Urum al-Joz, in the M4 corridor (illustrative)",
            "tags": ["illustrative", "heavy-weapons"],
        },
    ),
]


def build_agreement_demo(node: Node, home: Path) -> list[str]:
    """Add the agreement scenario to a demo node; returns summary lines."""
    folder = home / "agreement"
    folder.mkdir(parents=True, exist_ok=True)
    gazetteer = Gazetteer.default()
    geometry = demo_geometry(gazetteer)
    lines = []
    node.add_party(HUMANITARIAN[0], HUMANITARIAN[1], PartyKind.HUMANITARIAN)
    zones = read_zones(_write_zones(folder, geometry))
    lines += add_zones(node, "monitors", zones)
    posts = fill_admin1(read_sites(_write_posts(folder, gazetteer)), gazetteer)
    lines += add_sites(node, "tr", posts)
    # The air base that open sources (and the seed page) name: registered so that ingestion
    # places "Hmeimim air base" at the base, not at the village it is named after.
    base = Site(
        id="hmeimim-air-base",
        name="Hmeimim Air Base",
        kind=SiteKind.BASE,
        lat="35.4011",
        lon="35.9486",
        names=["Khmeimim Air Base", "Hmeimim airbase", "Khmeimim airbase", "قاعدة حميميم"],
        admin1="Latakia",
        approximate=True,
        source="public reporting; position approximate",
    )
    node.append("ru", "site.registered", base)
    lines.append(f"site {base.id}: {base.name} (registered by ru)")
    sites = fill_admin1(read_sites(_write_sites_hxl(folder, gazetteer)), gazetteer)
    lines += add_sites(node, HUMANITARIAN[0], sites)
    for author, body in _REPORTS:
        rid = node.file_report(author, Report.model_validate(body))
        lines.append(f"{rid} by {author}: {body['title']}")
    agreement_path = folder / "agreement.yaml"
    agreement_path.write_text(
        resources.files("truce.agreement").joinpath("data/demo/agreement.yaml").read_text("utf-8"),
        encoding="utf-8",
    )
    known_zones = {r["id"] for r in node.store.rows("zones")}
    agreement = read_agreement(agreement_path, zones=known_zones)
    node.append("monitors", "agreement.adopted", agreement)
    lines.append(f"agreement {agreement.id}: {len(agreement.clauses)} clauses")
    lines += _patrols(node, folder, geometry)
    result = refresh(node, force=True)
    lines.append(f"violations: {result.violations} (truce violations)")
    return lines

"""Joint patrols: plans, uploaded tracks, observations, and the checks the center runs on them.

Inputs:

- a **route** for a plan: a GeoJSON LineString/MultiLineString (first such feature), or a GPX
  file's route (``<rte>``) or track (``<trk>``);
- a **track**: GPX 1.0/1.1 ``<trkpt lat lon><time>`` points, or GeoJSON: a LineString feature with
  a ``coordTimes`` or ``times`` property (one ISO time per vertex, as written by togeojson and
  common GPS exports), or Point features with a ``time`` property. Every point needs a time.
  Points less than 5 s and 5 m after the last kept one are dropped (GPS jitter); a track longer
  than :data:`~truce.model.patrol.MAX_TRACK_POINTS` points is recorded in consecutive parts.

Checks (:func:`check_patrols`), distances in UTM 37N metres (:mod:`truce.agreement.aoi`):

- **proximity**: two patrols of different parties closer than ``distance_m`` at overlapping
  times. Plans: their routes come that close and their windows overlap (a warning before the
  fact). Tracks: both positions are interpolated on a common 30 s clock (never across a gap of
  more than 10 minutes) and the closest approach is reported. The tracks of one joint patrol are
  not compared with each other: they are meant to be together;
- **restricted**: a planned route or a recorded track entering a zone of kind ``restricted``
  that is in force at the time (length inside, where it enters);
- **coverage**: kilometres patrolled inside each zone per ISO week, from the tracks (what was
  driven), beside the kilometres planned (from the routes, in the week the plan starts);
- **denials**: every freedom-of-movement denial observed.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from truce.agreement.aoi import Aoi, default_aoi, geometry_to_metric, to_lonlat, to_metric
from truce.agreement.batch import append_batch
from truce.agreement.geojson import feature_geometry, read_features
from truce.agreement.queries import (
    observations_of_kind,
    observations_per_patrol,
    patrol_plans,
    points_per_patrol,
    track_bodies,
)
from truce.errors import NotFoundError, ValidationError
from truce.intake import check_records, parse_xml, read_bytes
from truce.model import Report, ZoneKind
from truce.model.patrol import (
    MAX_TRACK_POINTS,
    ObservationKind,
    PatrolObservation,
    PatrolPlan,
    PatrolTrack,
)
from truce.node import Node
from truce.store.projections import report_id

__all__ = [
    "PatrolCheck",
    "TrackPoint",
    "add_track",
    "check_patrols",
    "list_patrols",
    "observe",
    "plan_patrol",
    "read_route",
    "read_track",
    "track_parts",
]

_STEP_S = 30
_MAX_GAP_S = 600
_JITTER_S, _JITTER_M = 5, 5.0


@dataclass(frozen=True)
class TrackPoint:
    time: datetime
    lat: float
    lon: float


def parse_time(value: str, where: str) -> datetime:
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"{where}: time {value!r} is not ISO 8601") from None
    if moment.tzinfo is None:
        raise ValidationError(f"{where}: time {value!r} has no UTC offset (add Z)")
    return moment.astimezone(UTC)


# -- GPX ------------------------------------------------------------------------------------------
def _gpx(path: Path) -> Any:
    # Capped read, and expat's own DOCTYPE/ENTITY refusal after decoding (a byte search for
    # "<!DOCTYPE" misses it in a UTF-16 file): truce.intake.
    root = parse_xml(read_bytes(path), path)
    if not root.tag.endswith("gpx"):
        raise ValidationError(f"{path}: not GPX (root element is {root.tag!r})")
    return root


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _gpx_points(path: Path, element: str) -> list[tuple[float, float, str | None, str]]:
    """(lon, lat, time text, where) of every ``trkpt`` or ``rtept``, in document order."""
    root = _gpx(path)
    out = []
    for n, node in enumerate(e for e in root.iter() if _local(e.tag) == element):
        where = f"{path.name} {element} {n}"
        check_records(n + 1, path, f"<{element}> points")
        try:
            lat, lon = float(node.attrib["lat"]), float(node.attrib["lon"])
        except (KeyError, ValueError):
            raise ValidationError(f"{where}: needs numeric lat and lon attributes") from None
        time = next((c.text for c in node if _local(c.tag) == "time" and c.text), None)
        out.append((lon, lat, time, where))
    return out


def _check_aoi(path: Path, lon: list[float], lat: list[float], aoi: Aoi) -> None:
    problem = aoi.problem(np.array(lon), np.array(lat))
    if problem:
        raise ValidationError(f"{path.name}: {problem}")


def read_route(path: Path, aoi: Aoi | None = None) -> shapely.Geometry:
    """A plan's route (longitude/latitude LineString or MultiLineString)."""
    aoi = aoi or default_aoi()
    if path.suffix.lower() == ".gpx":
        points = _gpx_points(path, "rtept") or _gpx_points(path, "trkpt")
        if len(points) < 2:
            raise ValidationError(f"{path}: a route needs at least two <rtept> or <trkpt>")
        line = shapely.LineString([(p[0], p[1]) for p in points])
    else:
        lines = []
        for feature in read_features(path):
            geom = feature_geometry(feature)
            if geom.geom_type in ("LineString", "MultiLineString"):
                lines.append(geom)
        if not lines:
            raise ValidationError(f"{path}: no LineString feature to use as the route")
        line = (
            lines[0]
            if len(lines) == 1
            else shapely.MultiLineString([part for g in lines for part in shapely.get_parts(g)])
        )
    coords = shapely.get_coordinates(line)
    _check_aoi(path, list(coords[:, 0]), list(coords[:, 1]), aoi)
    return line


def read_track(path: Path, aoi: Aoi | None = None) -> list[TrackPoint]:
    """Timed points from GPX or GeoJSON, sorted by time, with GPS jitter dropped."""
    aoi = aoi or default_aoi()
    raw: list[tuple[float, float, datetime]] = []
    if path.suffix.lower() == ".gpx":
        for lon, lat, time, where in _gpx_points(path, "trkpt"):
            if time is None:
                raise ValidationError(f"{where}: a track point needs a <time>")
            raw.append((lon, lat, parse_time(time, where)))
    else:
        for feature in read_features(path):
            geom = feature_geometry(feature)
            props = feature.properties
            if geom.geom_type == "Point":
                if "time" not in props:
                    raise feature.error("a track point needs a 'time' property")
                raw.append((geom.x, geom.y, parse_time(str(props["time"]), feature.where)))
            elif geom.geom_type == "LineString":
                times = props.get("coordTimes") or props.get("times")
                coords = shapely.get_coordinates(geom)
                if not isinstance(times, list) or len(times) != len(coords):
                    raise feature.error(
                        "a track LineString needs 'coordTimes' (or 'times'): one ISO time per "
                        f"vertex ({len(coords)} vertices)"
                    )
                for (lon, lat), t in zip(coords, times, strict=True):
                    raw.append((float(lon), float(lat), parse_time(str(t), feature.where)))
            else:
                raise feature.error(f"a track is a LineString or Points, got {geom.geom_type}")
    if len(raw) < 2:
        raise ValidationError(f"{path}: a track needs at least two timed points")
    _check_aoi(path, [r[0] for r in raw], [r[1] for r in raw], aoi)
    raw.sort(key=lambda r: r[2])
    x, y = to_metric(np.array([r[0] for r in raw]), np.array([r[1] for r in raw]))
    kept = [0]
    for i in range(1, len(raw)):
        j = kept[-1]
        close = math.hypot(x[i] - x[j], y[i] - y[j]) < _JITTER_M
        if close and (raw[i][2] - raw[j][2]).total_seconds() < _JITTER_S:
            continue
        kept.append(i)
    return [TrackPoint(raw[i][2], raw[i][1], raw[i][0]) for i in kept]


def track_parts(
    patrol: str, points: list[TrackPoint], party: str | None = None, source: str = ""
) -> list[PatrolTrack]:
    """Split a track into ledger-sized parts (consecutive parts share their boundary point)."""
    chunk = MAX_TRACK_POINTS - 1
    starts = list(range(0, max(len(points) - 1, 1), chunk))
    parts = []
    for n, s in enumerate(starts, start=1):
        piece = points[s : s + chunk + 1]
        start = piece[0].time.replace(microsecond=0)
        parts.append(
            PatrolTrack(
                patrol=patrol,
                party=party,
                start=start,
                part=n,
                parts=len(starts),
                points=[
                    (
                        int((p.time - start).total_seconds()),
                        Decimal(f"{p.lat:.6f}"),
                        Decimal(f"{p.lon:.6f}"),
                    )
                    for p in piece
                ],
                source=source,
            )
        )
    return parts


# -- recording ------------------------------------------------------------------------------------
def _plan_row(node: Node, patrol: str) -> dict[str, Any]:
    rows = list(node.store.rows("patrols", id=patrol))
    if not rows:
        raise NotFoundError(
            f"no patrol {patrol!r}",
            hint="Plan it first: truce patrol plan (see truce patrol list).",
        )
    return rows[0]


def plan_patrol(node: Node, author: str, plan: PatrolPlan) -> int:
    """Record a plan (a new version if the id exists); returns the entry index."""
    known = {r["id"] for r in node.parties()}
    unknown = [p for p in plan.parties if p not in known]
    if unknown:
        raise ValidationError(
            f"unknown part{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)}",
            field="parties",
            hint="List parties with 'truce party list'.",
        )
    node.append(author, "patrol.planned", plan)
    return node.last_index


def add_track(node: Node, author: str, parts: list[PatrolTrack]) -> list[int]:
    if not parts:
        raise ValidationError("no track to add")
    _plan_row(node, parts[0].patrol)
    entries = append_batch(node, author, [("patrol.tracked", p) for p in parts])
    first = node.ledger.size - len(entries)
    return list(range(first, first + len(entries)))


def observe(
    node: Node, author: str, observation: PatrolObservation, report: Report | None = None
) -> tuple[str, str | None]:
    """Record an observation; an observed incident's report is filed first, in the same batch.

    Returns (observation id ``O-<index>``, report id ``R-<index>`` or None).
    """
    _plan_row(node, observation.patrol)
    if observation.kind == ObservationKind.INCIDENT_OBSERVED:
        if report is None:
            raise ValidationError(
                "an incident observed needs the monitor's report (--report FILE.json)"
            )
        rid = report_id(node.ledger.size)
        tagged = report.model_copy(update={"tags": [*report.tags, f"patrol:{observation.patrol}"]})
        observation = observation.model_copy(update={"report": rid})
        # Re-validate: model_copy does not run validators.
        tagged = Report.model_validate(tagged.model_dump())
        observation = PatrolObservation.model_validate(observation.model_dump())
        append_batch(node, author, [("report.filed", tagged), ("patrol.observed", observation)])
        return f"O-{node.last_index}", rid
    if report is not None:
        raise ValidationError("only an incident_observed observation files a report")
    node.append(author, "patrol.observed", observation)
    return f"O-{node.last_index}", None


def list_patrols(node: Node) -> list[dict[str, Any]]:
    with node.store.engine.connect() as conn:
        plans = patrol_plans(conn)
        n_points = points_per_patrol(conn)
        n_obs = observations_per_patrol(conn)
    for p in plans:
        line = geometry_to_metric(shapely.from_wkt(p["route_wkt"]))
        p["route_km"] = round(line.length / 1000, 2)
        p["track_points"] = n_points.get(p["id"], 0)
        p["observations"] = n_obs.get(p["id"], 0)
    return plans


# -- checks ---------------------------------------------------------------------------------------
@dataclass
class _Track:
    patrol: str
    party: str
    t: np.ndarray  # seconds since the epoch
    x: np.ndarray
    y: np.ndarray


@dataclass
class PatrolCheck:
    distance_m: int
    proximity: list[dict[str, Any]] = field(default_factory=list)
    restricted: list[dict[str, Any]] = field(default_factory=list)
    coverage: list[dict[str, Any]] = field(default_factory=list)
    denials: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "distance_m": self.distance_m,
            "proximity": self.proximity,
            "restricted": self.restricted,
            "coverage": self.coverage,
            "denials": self.denials,
        }


def _tracks(node: Node) -> list[_Track]:
    grouped: dict[tuple[str, str], list[tuple[float, float, float]]] = defaultdict(list)
    with node.store.engine.connect() as conn:
        for patrol_id, party, body in track_bodies(conn):
            track = PatrolTrack.model_validate(json.loads(body))
            base = track.start.timestamp()
            for offset, lat, lon in track.points:
                grouped[(patrol_id, party)].append((base + offset, float(lon), float(lat)))
    out = []
    for (patrol, party), pts in sorted(grouped.items()):
        arr = np.array(sorted(pts))
        _, unique = np.unique(arr[:, 0], return_index=True)  # part boundaries repeat a point
        arr = arr[unique]
        x, y = to_metric(arr[:, 1], arr[:, 2])
        out.append(_Track(patrol, party, arr[:, 0], x, y))
    return out


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sample(track: _Track, clock: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.interp(clock, track.t, track.x)
    y = np.interp(clock, track.t, track.y)
    # No position inside a recording gap: the unit could have been anywhere.
    k = np.clip(np.searchsorted(track.t, clock), 1, len(track.t) - 1)
    gap = (track.t[k] - track.t[k - 1]) > _MAX_GAP_S
    x[gap] = np.nan
    y[gap] = np.nan
    return x, y


def _lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = to_lonlat(x, y)
    return round(float(lon), 5), round(float(lat), 5)


def _track_proximity(tracks: list[_Track], distance_m: int) -> list[dict[str, Any]]:
    found = []
    for a, b in combinations(tracks, 2):
        if a.party == b.party or a.patrol == b.patrol:
            continue
        start, end = max(a.t[0], b.t[0]), min(a.t[-1], b.t[-1])
        if end < start:
            continue
        clock = np.arange(start, end + 1, _STEP_S, dtype=np.float64)
        ax, ay = _sample(a, clock)
        bx, by = _sample(b, clock)
        d = np.hypot(ax - bx, ay - by)
        if np.all(np.isnan(d)):
            continue
        i = int(np.nanargmin(d))
        if d[i] >= distance_m:
            continue
        close = np.flatnonzero(d < distance_m)
        lon, lat = _lonlat((ax[i] + bx[i]) / 2, (ay[i] + by[i]) / 2)
        found.append(
            {
                "source": "tracks",
                "patrols": [a.patrol, b.patrol],
                "parties": [a.party, b.party],
                "closest_m": round(float(d[i])),
                "at": _iso(clock[i]),
                "from": _iso(clock[close[0]]),
                "to": _iso(clock[close[-1]]),
                "lon": lon,
                "lat": lat,
            }
        )
    return found


def _plan_proximity(plans: list[dict[str, Any]], distance_m: int) -> list[dict[str, Any]]:
    found = []
    for a, b in combinations(plans, 2):
        if set(a["parties"].split(",")) == set(b["parties"].split(",")):
            continue
        if a["end"] <= b["start"] or b["end"] <= a["start"]:
            continue
        la = geometry_to_metric(shapely.from_wkt(a["route_wkt"]))
        lb = geometry_to_metric(shapely.from_wkt(b["route_wkt"]))
        d = float(shapely.distance(la, lb))
        if d >= distance_m:
            continue
        pa, pb = shapely.shortest_line(la, lb).coords
        lon, lat = _lonlat((pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2)
        found.append(
            {
                "source": "plans",
                "patrols": [a["id"], b["id"]],
                "parties": [a["parties"], b["parties"]],
                "closest_m": round(d),
                "from": max(a["start"], b["start"]),
                "to": min(a["end"], b["end"]),
                "lon": lon,
                "lat": lat,
            }
        )
    return found


def _zones(node: Node) -> list[dict[str, Any]]:
    rows = sorted(node.store.rows("zones"), key=lambda r: r["id"])
    for r in rows:
        r["metric"] = geometry_to_metric(shapely.from_wkt(r["wkt"]))
    return rows


def _in_force(zone: dict[str, Any], start: str, end: str) -> bool:
    return (zone["valid_from"] or "0000") <= end[:10] and (zone["valid_to"] or "9999") >= start[:10]


def _week(seconds: float) -> str:
    year, week, _ = datetime.fromtimestamp(seconds, UTC).isocalendar()
    return f"{year}-W{week:02d}"


def _restricted(
    plans: list[dict[str, Any]], tracks: list[_Track], zones: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    found = []
    restricted = [z for z in zones if z["kind"] == ZoneKind.RESTRICTED.value]
    for plan in plans:
        line = geometry_to_metric(shapely.from_wkt(plan["route_wkt"]))
        for zone in restricted:
            if not _in_force(zone, plan["start"], plan["end"]):
                continue
            inside = shapely.intersection(line, zone["metric"])
            if inside.is_empty:
                continue
            first = shapely.get_coordinates(inside)[0]
            lon, lat = _lonlat(first[0], first[1])
            found.append(
                {
                    "source": "plan",
                    "patrol": plan["id"],
                    "zone": zone["id"],
                    "zone_name": zone["name"],
                    "km_inside": round(inside.length / 1000, 2),
                    "enters_at": [lon, lat],
                }
            )
    for track in tracks:
        line = shapely.LineString(np.column_stack([track.x, track.y]))
        for zone in restricted:
            if not _in_force(zone, _iso(track.t[0]), _iso(track.t[-1])):
                continue
            inside_pts = shapely.contains_xy(zone["metric"], track.x, track.y)
            inside = shapely.intersection(line, zone["metric"])
            if inside.is_empty:
                continue
            first = int(np.argmax(inside_pts)) if inside_pts.any() else 0
            lon, lat = _lonlat(track.x[first], track.y[first])
            found.append(
                {
                    "source": "track",
                    "patrol": track.patrol,
                    "party": track.party,
                    "zone": zone["id"],
                    "zone_name": zone["name"],
                    "km_inside": round(inside.length / 1000, 2),
                    "enters_at": [lon, lat],
                    "time": _iso(track.t[first]),
                }
            )
    return found


def _coverage(
    plans: list[dict[str, Any]], tracks: list[_Track], zones: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    driven: dict[tuple[str, str], float] = defaultdict(float)
    planned: dict[tuple[str, str], float] = defaultdict(float)
    patrols_seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for track in tracks:
        if len(track.t) < 2:
            continue
        weeks = np.array([_week(t) for t in track.t[:-1]])
        for week in np.unique(weeks):
            idx = np.flatnonzero(weeks == week)
            segs = shapely.linestrings(
                np.stack(
                    [
                        np.column_stack([track.x[idx], track.y[idx]]),
                        np.column_stack([track.x[idx + 1], track.y[idx + 1]]),
                    ],
                    axis=1,
                )
            )
            lines = shapely.multilinestrings(segs)
            for zone in zones:
                km = shapely.intersection(lines, zone["metric"]).length / 1000
                if km > 0:
                    driven[(zone["id"], str(week))] += km
                    patrols_seen[(zone["id"], str(week))].add(track.patrol)
    for plan in plans:
        line = geometry_to_metric(shapely.from_wkt(plan["route_wkt"]))
        week = _week(datetime.fromisoformat(plan["start"].replace("Z", "+00:00")).timestamp())
        for zone in zones:
            if not _in_force(zone, plan["start"], plan["end"]):
                continue
            km = shapely.intersection(line, zone["metric"]).length / 1000
            if km > 0:
                planned[(zone["id"], week)] += km
    names = {z["id"]: z["name"] for z in zones}
    out = []
    for key in sorted(set(driven) | set(planned)):
        out.append(
            {
                "zone": key[0],
                "zone_name": names[key[0]],
                "week": key[1],
                "km_patrolled": round(driven.get(key, 0.0), 2),
                "km_planned": round(planned.get(key, 0.0), 2),
                "patrols": sorted(patrols_seen.get(key, set())),
            }
        )
    return out


def check_patrols(node: Node, *, distance_m: int = 1000) -> PatrolCheck:
    """Run every patrol check over the current plans, tracks and observations."""
    if distance_m <= 0:
        raise ValidationError("the proximity distance must be positive", field="distance")
    plans = sorted(node.store.rows("patrols"), key=lambda r: r["id"])
    tracks = _tracks(node)
    zones = _zones(node)
    result = PatrolCheck(distance_m)
    result.proximity = _plan_proximity(plans, distance_m) + _track_proximity(tracks, distance_m)
    result.restricted = _restricted(plans, tracks, zones)
    result.coverage = _coverage(plans, tracks, zones)
    with node.store.engine.connect() as conn:
        result.denials = observations_of_kind(conn, ObservationKind.MOVEMENT_DENIED.value)
    return result


def plan_window(start: str, end: str | None, hours: float | None) -> tuple[datetime, datetime]:
    """Parse a plan's window: an end time, or a duration in hours."""
    begin = parse_time(start, "start")
    if end:
        return begin, parse_time(end, "end")
    if hours is None:
        raise ValidationError(
            "a patrol's window needs an end time or a length in hours", field="end"
        )
    return begin, begin + timedelta(hours=hours)

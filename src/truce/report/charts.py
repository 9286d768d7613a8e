"""The report's map and charts, drawn with matplotlib as SVG text, byte for byte reproducible.

Reproducible because: every figure is a fresh :class:`matplotlib.figure.Figure` (no pyplot
state), rendered with fixed rcParams -- ``svg.hashsalt`` set (matplotlib otherwise salts element
ids with random bytes), ``svg.fonttype`` ``none`` (text stays text, so the PDF's text is
selectable and no font outlines are embedded) -- and saved with ``metadata={"Date": None}`` (no
timestamp). Inputs are sorted before drawing. The same matplotlib version and inputs give the
same bytes (tested by building twice).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, cast

import matplotlib
import shapely
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.ticker import MaxNLocator

from truce.report.basemap import basemap
from truce.report.read import Event
from truce.report.situation import GRADES, SituationReport

__all__ = ["casualty_chart", "grade_chart", "map_svg", "violation_chart", "zone_chart"]

GRADE_COLOURS = {
    "confirmed": "#b2182b",
    "corroborated": "#ef8a62",
    "single-source": "#999999",
    "contested": "#7b3294",
    "discounted": "#4d9221",
    "ungraded": "#cccccc",
}
PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
OUTSIDE, NO_POSITION = "outside zones", "no position"
DEFAULT_EXTENT = (35.9, 35.0, 37.4, 36.4)  # lon/lat box around the Idlib front


def _rc(salt: str) -> dict[str, Any]:
    return {
        "svg.hashsalt": f"truce-{salt}",
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "axes.titlesize": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "path.simplify": True,
    }


def _svg(fig: Figure, salt: str) -> str:
    buf = io.StringIO()
    with matplotlib.rc_context(cast(Any, _rc(salt))):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "truce"})
    text = buf.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog: the SVG is inlined in HTML


def _figure(salt: str, size: tuple[float, float]) -> Figure:
    with matplotlib.rc_context(cast(Any, _rc(salt))):
        return Figure(figsize=size, dpi=100)


# -- map ---------------------------------------------------------------------------------------
def _path(geom: shapely.Geometry) -> MplPath | None:
    polygons = getattr(geom, "geoms", [geom])
    paths = []
    for poly in polygons:
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        for ring in (poly.exterior, *poly.interiors):
            coords = list(ring.coords)
            codes = [MplPath.MOVETO] + [MplPath.LINETO] * (len(coords) - 2) + [MplPath.CLOSEPOLY]
            paths.append(MplPath(coords, codes))
    return MplPath.make_compound_path(*paths) if paths else None


def _lines(geom: shapely.Geometry) -> Iterable[list[tuple[float, float]]]:
    for line in getattr(geom, "geoms", [geom]):
        if line.geom_type == "LineString" and not line.is_empty:
            yield list(line.coords)


def _extent(rep: SituationReport) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for z in rep.zones:
        minx, miny, maxx, maxy = z.geometry.bounds
        xs += [minx, maxx]
        ys += [miny, maxy]
    for e in rep.events:
        p = e.report.location.point
        if p is not None:
            xs.append(float(p.lon))
            ys.append(float(p.lat))
    if not xs:
        return DEFAULT_EXTENT
    pad = 0.12
    minx, maxx, miny, maxy = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
    span = max(maxx - minx, (maxy - miny) * 1.3, 0.8)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return (cx - span / 2, cy - span / 2.6, cx + span / 2, cy + span / 2.6)


def map_svg(rep: SituationReport) -> tuple[str, list[str]]:
    """The period's incidents, violations, zones, sites and patrol routes over the basemap;
    returns the SVG and notes (what could not be drawn)."""
    notes: list[str] = []
    fig = _figure("map", (7.4, 5.6))
    ax = fig.add_axes((0.07, 0.07, 0.9, 0.88))
    minx, miny, maxx, maxy = _extent(rep)
    frame = shapely.box(minx, miny, maxx, maxy)
    base = basemap()
    if not base:
        notes.append("No basemap files were found; the map is drawn on plain axes.")
    if "countries" in base.layers:
        for geom, _ in base.layers["countries"].features:
            clipped = geom.intersection(frame)
            path = _path(clipped)
            if path is not None:
                ax.add_patch(PathPatch(path, facecolor="#f4f1ea", edgecolor="none", zorder=0))
    if "lakes" in base.layers:
        for geom, _ in base.layers["lakes"].features:
            path = _path(geom.intersection(frame))
            if path is not None:
                ax.add_patch(PathPatch(path, facecolor="#cfe3f3", edgecolor="none", zorder=1))
    styles: tuple[tuple[str, dict[str, Any]], ...] = (
        ("admin1", {"color": "#a0a0a0", "linewidth": 0.6, "linestyle": (0, (4, 2))}),
        ("borders", {"color": "#606060", "linewidth": 1.0}),
        ("rivers", {"color": "#8fbfe0", "linewidth": 0.7}),
    )
    for layer, style in styles:
        if layer not in base.layers:
            continue
        for geom, _ in base.layers[layer].features:
            shape = geom.boundary if geom.geom_type in ("Polygon", "MultiPolygon") else geom
            for coords in _lines(shape.intersection(frame)):
                xs, ys = zip(*coords, strict=True)
                ax.plot(xs, ys, zorder=2, **style)
    if "places" in base.layers:
        for geom, props in sorted(
            base.layers["places"].features, key=lambda f: str(f[1].get("NAME"))
        ):
            if frame.contains(geom) and int(props.get("SCALERANK", 10)) <= 9:
                ax.plot(geom.x, geom.y, "o", color="#444444", markersize=2, zorder=3)
                ax.annotate(
                    str(props.get("NAME_EN") or props.get("NAME")),
                    (geom.x, geom.y),
                    xytext=(3, 2),
                    textcoords="offset points",
                    fontsize=6.5,
                    color="#444444",
                    zorder=3,
                )
    for i, z in enumerate(rep.zones):
        path = _path(z.geometry)
        if path is None:
            continue
        ax.add_patch(
            PathPatch(
                path,
                facecolor="#fdd49e",
                edgecolor="#d7301f",
                alpha=0.35 if i == 0 else 0.2,
                linewidth=1.2,
                zorder=4,
                label=f"zone: {z.name}",
            )
        )
    for site in rep.sites:
        protected = site["kind"] not in ("observation_post", "base")
        ax.plot(
            site["lon"],
            site["lat"],
            "s" if protected else "^",
            color="#2166ac" if protected else "#35978f",
            markersize=4,
            zorder=5,
        )
    for patrol in rep.patrols or ():
        for coords in _lines(shapely.from_wkt(patrol["route_wkt"])):
            xs, ys = zip(*coords, strict=True)
            ax.plot(xs, ys, color="#1a9850", linewidth=1.5, linestyle="--", zorder=5)
    violated = {v["incident_id"] for v in rep.violations or ()}
    unplaced = 0
    for e in sorted(rep.events, key=lambda e: e.id):
        p = e.report.location.point
        if p is None:
            unplaced += 1
            continue
        x, y = float(p.lon), float(p.lat)
        grade = e.occurrence or "ungraded"
        if e.id in violated:
            ax.plot(x, y, "o", markersize=13, markerfacecolor="none", color="#d7301f", zorder=6)
        ax.plot(x, y, "o", markersize=7, color=GRADE_COLOURS.get(grade, "#333333"), zorder=7)
        ax.annotate(e.id, (x, y), xytext=(5, -9), textcoords="offset points", fontsize=7, zorder=8)
    if unplaced:
        notes.append(f"{unplaced} incident(s) of the period have no position and are not mapped.")
    # Legend: grades present, violation ring, zones, sites, patrols.
    handles = []
    for grade in (*GRADES, "ungraded"):
        if any((e.occurrence or "ungraded") == grade for e in rep.events):
            (h,) = ax.plot([], [], "o", color=GRADE_COLOURS[grade], label=f"incident: {grade}")
            handles.append(h)
    if violated:
        (h,) = ax.plot(
            [], [], "o", markerfacecolor="none", color="#d7301f", markersize=10, label="violation"
        )
        handles.append(h)
    if rep.patrols:
        (h,) = ax.plot([], [], "--", color="#1a9850", label="patrol route")
        handles.append(h)
    if rep.sites:
        (h,) = ax.plot([], [], "s", color="#2166ac", markersize=4, label="protected site")
        handles.append(h)
    if handles:
        ax.legend(handles=handles, loc="lower left", fontsize=6.5, framealpha=0.9)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect(1 / math.cos(math.radians((miny + maxy) / 2)))
    ax.tick_params(labelsize=6.5)
    ax.set_xlabel("longitude (°E)", fontsize=7)
    ax.set_ylabel("latitude (°N)", fontsize=7)
    ax.grid(color="#e0e0e0", linewidth=0.4, zorder=-1)
    ax.set_facecolor("#eaf2f8" if base else "white")
    return _svg(fig, "map"), notes


# -- charts ------------------------------------------------------------------------------------
def _first_day(event: Event, days: Sequence[date]) -> date:
    start = event.report.date.start
    return max(start, days[0])


def _stacked(
    salt: str,
    title: str,
    days: Sequence[date],
    counts: dict[str, list[int]],
    colours: dict[str, str],
    highlight: Sequence[date],
) -> str:
    fig = _figure(salt, (3.6, 2.4))
    ax = fig.add_axes((0.12, 0.3, 0.85, 0.6))
    x = list(range(len(days)))
    bottom = [0] * len(days)
    for name, values in counts.items():
        if not any(values):
            continue
        ax.bar(x, values, bottom=bottom, color=colours[name], label=name, width=0.7)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for i, d in enumerate(days):
        if d in highlight and len(highlight) < len(days):
            ax.axvspan(i - 0.45, i + 0.45, color="#fff3b0", zorder=-1)
    ax.set_xticks(x, [f"{d:%d %b}" for d in days], rotation=45, ha="right", fontsize=6.5)
    ax.set_title(title, loc="left")
    top = max(bottom, default=0)
    ax.set_ylim(0, max(top * 1.7 + 0.5, 1))  # headroom for the legend
    cast(MaxNLocator, ax.yaxis.get_major_locator()).set_params(integer=True)
    if any(any(v) for v in counts.values()):
        ax.legend(fontsize=6, frameon=False, loc="upper left", bbox_to_anchor=(0, 1.0))
    else:
        ax.text(0.5, 0.5, "none recorded", transform=ax.transAxes, ha="center", color="#777777")
    return _svg(fig, salt)


def _per_day(
    items: Iterable[tuple[date, str]], days: Sequence[date], order: Sequence[str]
) -> dict[str, list[int]]:
    index = {d: i for i, d in enumerate(days)}
    counts = {name: [0] * len(days) for name in order}
    for day, name in items:
        if day in index:
            counts.setdefault(name, [0] * len(days))[index[day]] += 1
    return counts


def zone_chart(rep: SituationReport) -> str:
    names = {z.id: z.name for z in rep.zones}
    order = [*sorted(names.values()), OUTSIDE, NO_POSITION]
    items = []
    for e in rep.trend:
        if e.report.location.point is None:
            label = NO_POSITION
        elif e.zones:
            label = names.get(sorted(e.zones)[0], sorted(e.zones)[0])
        else:
            label = OUTSIDE
        items.append((_first_day(e, rep.trend_days), label))
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(order[:-2])}
    colours |= {OUTSIDE: "#bdbdbd", NO_POSITION: "#e0e0e0"}
    counts = _per_day(items, rep.trend_days, order)
    return _stacked(
        "zone", "Incidents per day by zone", rep.trend_days, counts, colours, rep.period.days
    )


def grade_chart(rep: SituationReport) -> str:
    order = [*GRADES, "ungraded"]
    items = [(_first_day(e, rep.trend_days), e.occurrence or "ungraded") for e in rep.trend]
    counts = _per_day(items, rep.trend_days, order)
    return _stacked(
        "grade",
        "Incidents per day by grade",
        rep.trend_days,
        counts,
        GRADE_COLOURS,
        rep.period.days,
    )


def violation_chart(rep: SituationReport) -> str | None:
    if rep.trend_violations is None:
        return None
    statuses = ("confirmed", "corroborated", "alleged", "contested", "discounted")
    colours = dict(
        zip(statuses, ("#b2182b", "#ef8a62", "#999999", "#7b3294", "#4d9221"), strict=True)
    )
    items = [
        (max(date.fromisoformat(v["date_start"]), rep.trend_days[0]), v["status"])
        for v in rep.trend_violations
    ]
    counts = _per_day(items, rep.trend_days, statuses)
    for name in counts:
        colours.setdefault(name, "#333333")
    return _stacked(
        "violation",
        "Violations per day by status",
        rep.trend_days,
        counts,
        colours,
        rep.period.days,
    )


def casualty_chart(rep: SituationReport) -> str:
    from truce.model import CasualtyKind
    from truce.report.codes import casualty_total

    days = rep.trend_days
    index = {d: i for i, d in enumerate(days)}
    low = {k: [0] * len(days) for k in ("killed", "injured")}
    high: dict[str, list[float]] = {k: [0.0] * len(days) for k in ("killed", "injured")}
    for e in rep.trend:
        i = index[_first_day(e, days)]
        for name, kind in (("killed", CasualtyKind.KILLED), ("injured", CasualtyKind.INJURED)):
            lo = casualty_total(e.report, kind, "low")
            if lo is None:
                continue
            hi = casualty_total(e.report, kind, "high")
            low[name][i] += lo
            high[name][i] += hi if hi is not None else lo
    fig = _figure("casualty", (3.6, 2.4))
    ax = fig.add_axes((0.12, 0.3, 0.85, 0.6))
    width = 0.38
    for offset, name, colour in (
        (-width / 2, "killed", "#67001f"),
        (width / 2, "injured", "#f4a582"),
    ):
        xs = [i + offset for i in range(len(days))]
        errors = [max(h - lo, 0) for h, lo in zip(high[name], low[name], strict=True)]
        ax.bar(xs, low[name], width=width, color=colour, label=f"{name} (lowest figure)")
        ax.errorbar(
            xs,
            low[name],
            yerr=cast(Any, [[0] * len(days), errors]),
            fmt="none",
            ecolor="#333333",
            elinewidth=0.7,
            capsize=2,
        )
    for i, d in enumerate(days):
        if d in rep.period.days and len(rep.period.days) < len(days):
            ax.axvspan(i - 0.45, i + 0.45, color="#fff3b0", zorder=-1)
    ax.set_xticks(
        range(len(days)), [f"{d:%d %b}" for d in days], rotation=45, ha="right", fontsize=6.5
    )
    ax.set_title("Casualties per day", loc="left")
    cast(MaxNLocator, ax.yaxis.get_major_locator()).set_params(integer=True)
    top = max([*high["killed"], *high["injured"], 0])
    ax.set_ylim(0, max(top * 1.7 + 0.5, 1))
    ax.legend(fontsize=6, frameon=False, loc="upper left")
    return _svg(fig, "casualty")

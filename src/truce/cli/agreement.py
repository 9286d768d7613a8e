"""``truce zone|site|rules|violations|patrol ...``: the agreement on the map (issue 6).

Thin: each command parses its arguments, calls :mod:`truce.agreement`, prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import numpy as np
import shapely

from truce.agreement.aoi import Aoi, aoi_from_setting
from truce.agreement.rules import read_agreement
from truce.agreement.sites import add_sites, fill_admin1, list_sites, read_sites, site_kind
from truce.agreement.violations import list_violations, refresh
from truce.agreement.zones import add_zones, list_zones, read_zones
from truce.cli.app import AppContext, cli, echo_json, pass_app
from truce.cli.reports import load_report
from truce.errors import ValidationError
from truce.geo import Gazetteer
from truce.model.kinds import parse_body
from truce.model.patrol import ObservationKind, PatrolObservation, PatrolPlan

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _aoi(app: AppContext) -> Aoi:
    return aoi_from_setting(app.settings.extra.get("TRUCE_AOI"))


# -- zones ----------------------------------------------------------------------------------------
@cli.group()
def zone() -> None:
    """Zones of the agreement: demilitarized zone, corridors, sectors, restricted areas."""


@zone.command("add")
@click.argument("file", type=FILE)
@click.option("--as", "author", required=True, help="The party recording the zones.")
@click.option(
    "--on-invalid",
    type=click.Choice(["repair", "raise"]),
    default="repair",
    show_default=True,
    help="A self-intersecting polygon: repair it with make_valid (and say so), or refuse.",
)
@click.option("--approximate", is_flag=True, default=None, help="Mark every zone hand-drawn.")
@click.option("--source", help="Where the geometry comes from (overrides the file's).")
@pass_app
def zone_add(
    app: AppContext,
    file: Path,
    author: str,
    on_invalid: str,
    approximate: bool | None,
    source: str | None,
) -> None:
    """Validate every feature of FILE (GeoJSON), then record them all as zone.defined entries."""
    load = read_zones(
        file,
        aoi=_aoi(app),
        on_invalid="raise" if on_invalid == "raise" else "repair",
        approximate=approximate,
        source=source,
    )
    for note in load.notes:
        click.echo(f"note: {note}", err=True)
    for line in add_zones(app.node(), author, load):
        click.echo(line)


@zone.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with WKT geometry).")
@pass_app
def zone_list(app: AppContext, as_json: bool) -> None:
    """List the current version of every zone."""
    rows = list_zones(app.node())
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        period = (
            f"{r['valid_from'] or '…'}..{r['valid_to'] or '…'}"
            if r["valid_from"] or r["valid_to"]
            else "always"
        )
        flag = " approximate" if r["approximate"] else ""
        click.echo(
            f"{r['id']:<24} v{r['version']:<3} {r['kind']:<20} {r['area_km2']:>9,.1f} km²  "
            f"{period:<23}{flag}  {r['name']}"
        )


# -- sites ----------------------------------------------------------------------------------------
@cli.group()
def site() -> None:
    """Protected civilian sites, observation posts and bases."""


@site.command("add")
@click.argument("file", type=FILE)
@click.option("--as", "author", required=True, help="The party or organisation registering them.")
@click.option("--kind", "default_kind", help="Kind for rows that give none.")
@click.option("--approximate", is_flag=True, default=None, help="Mark every site approximate.")
@click.option("--source", help="Where the locations come from (overrides the file's).")
@pass_app
def site_add(
    app: AppContext,
    file: Path,
    author: str,
    default_kind: str | None,
    approximate: bool | None,
    source: str | None,
) -> None:
    """Validate every site in FILE (GeoJSON, CSV or HXL-tagged CSV), then register them all."""
    try:
        kind = site_kind(default_kind) if default_kind else None
    except ValueError as exc:
        raise ValidationError(str(exc), field="kind") from None
    load = read_sites(
        file, aoi=_aoi(app), default_kind=kind, approximate=approximate, source=source
    )
    load = fill_admin1(load, Gazetteer.default())
    for note in load.notes:
        click.echo(f"note: {note}", err=True)
    for line in add_sites(app.node(), author, load):
        click.echo(line)


@site.command("list")
@click.option("--kind", help="Only this kind.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def site_list(app: AppContext, kind: str | None, as_json: bool) -> None:
    """List registered sites."""
    rows = list_sites(app.node(), kind)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        flag = " approximate" if r["approximate"] else ""
        click.echo(
            f"{r['id']:<28} {r['kind']:<17} {r['lat']:>9.5f} {r['lon']:>9.5f} "
            f"{r['admin1']:<8} {r['author']:<10}{flag}  {r['name']}"
        )


# -- rules and violations -------------------------------------------------------------------------
@cli.group()
def rules() -> None:
    """The agreement's clauses (YAML) and the check of incidents against them."""


@rules.command("load")
@click.argument("file", type=FILE)
@click.option("--as", "author", required=True, help="The party adopting it (usually the center).")
@pass_app
def rules_load(app: AppContext, file: Path, author: str) -> None:
    """Check FILE (agreement YAML) against the known zones and sites; record it."""
    node = app.node()
    zones = {r["id"] for r in node.store.rows("zones")}
    sites = {r["id"] for r in node.store.rows("sites")}
    agreement = read_agreement(file, zones=zones, sites=sites)
    node.append(author, "agreement.adopted", agreement)
    click.echo(
        f"adopted {agreement.id} ({len(agreement.clauses)} clauses) "
        f"[entry {node.last_index}, sha256 {agreement.text_sha256}]"
    )


@rules.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the violations as JSON.")
@pass_app
def rules_check(app: AppContext, as_json: bool) -> None:
    """Recompute every violation from the incidents, zones, sites and agreements."""
    node = app.node()
    result = refresh(node, force=True)
    rows = list_violations(node)
    if as_json:
        echo_json({"ledger_size": result.size, "unplaced": result.unplaced, "violations": rows})
        return
    if not result.agreements:
        click.echo("no agreement adopted yet (truce rules load FILE.yaml --as PARTY)")
        return
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for r in rows:
        key = (r["agreement_id"], r["clause_id"])
        bucket = counts.setdefault(key, {})
        label = f"{r['status']}/{r['certainty']}"
        bucket[label] = bucket.get(label, 0) + 1
    click.echo(f"{len(rows)} violation(s) at ledger size {result.size}")
    for (agreement, clause), bucket in sorted(counts.items()):
        detail = ", ".join(f"{n} {k}" for k, n in sorted(bucket.items()))
        click.echo(f"  {agreement}/{clause}: {detail}")
    for clause, n in sorted(result.unplaced.items()):
        click.echo(f"  {clause}: {n} incident(s) without a point could not be placed")


@cli.command("violations")
@click.option("--status", help="alleged, corroborated, confirmed, contested or discounted.")
@click.option("--clause", help="Only this clause id.")
@click.option("--certainty", type=click.Choice(["certain", "possible"]))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def violations_cmd(
    app: AppContext, status: str | None, clause: str | None, certainty: str | None, as_json: bool
) -> None:
    """List violations: the clause, the incident, the geometry it breaks and the reports."""
    rows = list_violations(app.node(), status=status, clause=clause, certainty=certainty)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        target = r["target_name"] or "anywhere"
        if r["target_approximate"]:
            target += " (approximate)"
        where = (
            f"inside {target}"
            if r["relation"] == "inside" and r["distance_m"] == 0
            else f"{r['distance_m']} m from {target}"
        )
        click.echo(
            f"{r['date_start']} {r['status']:<12} {r['certainty']:<8} {r['clause_id']:<28} "
            f"{r['incident_id']:<8} {r['sub_event_type']} at {r['place'] or '?'}, {where} "
            f"(±{r['error_m']} m) reports {', '.join(r['reports'])}"
        )


# -- patrols --------------------------------------------------------------------------------------
@cli.group()
def patrol() -> None:
    """Joint patrols: plans, tracks, observations and their checks."""


@patrol.command("plan")
@click.argument("patrol_id", metavar="ID")
@click.option("--route", type=FILE, required=True, help="Route: GeoJSON LineString or GPX.")
@click.option("--parties", required=True, help="Participating parties, comma-separated.")
@click.option("--start", required=True, help="Start, ISO 8601 with offset (2020-03-15T09:00Z).")
@click.option("--end", help="End, ISO 8601 with offset.")
@click.option("--hours", type=click.FloatRange(min=0, min_open=True), help="Or: duration.")
@click.option("--name", help="A name (default: the id).")
@click.option("--approximate", is_flag=True, help="The route is hand-drawn.")
@click.option("--as", "author", required=True, help="The party recording the plan.")
@pass_app
def patrol_plan(
    app: AppContext,
    patrol_id: str,
    route: Path,
    parties: str,
    start: str,
    end: str | None,
    hours: float | None,
    name: str | None,
    approximate: bool,
    author: str,
) -> None:
    """Record a patrol plan: route, time window, participating parties."""
    from truce.agreement import patrol as patrols  # pyproj: only for patrol commands

    line = patrols.read_route(route, _aoi(app))
    begin, finish = patrols.plan_window(start, end, hours)
    plan = parse_body(
        "patrol.planned",
        {
            "id": patrol_id,
            "name": name or patrol_id,
            "parties": [p.strip() for p in parties.split(",") if p.strip()],
            "route_wkt": shapely.to_wkt(line, rounding_precision=6, trim=True),
            "start": begin.isoformat(),
            "end": finish.isoformat(),
            "approximate": approximate,
        },
        "patrol plan",
    )
    assert isinstance(plan, PatrolPlan)
    index = patrols.plan_patrol(app.node(), author, plan)
    click.echo(f"planned {plan.id}: {', '.join(plan.parties)} {begin:%Y-%m-%d %H:%M}Z [{index}]")


@patrol.command("track")
@click.argument("patrol_id", metavar="ID")
@click.argument("file", type=FILE)
@click.option("--as", "author", required=True, help="The party uploading the track.")
@click.option("--party", help="The party whose unit drove it (default: --as).")
@pass_app
def patrol_track(
    app: AppContext, patrol_id: str, file: Path, author: str, party: str | None
) -> None:
    """Upload a recorded track (GPX or GeoJSON with times) for patrol ID."""
    from truce.agreement import patrol as patrols  # pyproj: only for patrol commands

    points = patrols.read_track(file, _aoi(app))
    parts = patrols.track_parts(patrol_id, points, party=party, source=file.name)
    indexes = patrols.add_track(app.node(), author, parts)
    click.echo(
        f"tracked {patrol_id}: {len(points)} points, {points[0].time:%Y-%m-%d %H:%M}Z.."
        f"{points[-1].time:%H:%M}Z in {len(parts)} entr{'y' if len(parts) == 1 else 'ies'} "
        f"{indexes}"
    )


@patrol.command("observe")
@click.argument("patrol_id", metavar="ID")
@click.option(
    "--kind", type=click.Choice([k.value for k in ObservationKind]), required=True, help="What."
)
@click.option("--time", "when", required=True, help="When, ISO 8601 with offset.")
@click.option("--lat", type=float)
@click.option("--lon", type=float)
@click.option("--report", type=FILE, help="incident_observed: the monitor's report (JSON).")
@click.option("--denied-by", help="movement_denied: who stopped the patrol.")
@click.option("--text", default="", help="Free text.")
@click.option("--as", "author", required=True, help="The party (monitor) recording it.")
@pass_app
def patrol_observe(
    app: AppContext,
    patrol_id: str,
    kind: str,
    when: str,
    lat: float | None,
    lon: float | None,
    report: Path | None,
    denied_by: str | None,
    text: str,
    author: str,
) -> None:
    """Record an observation; an observed incident is also filed as the monitor's report."""
    from truce.agreement import patrol as patrols  # pyproj: only for patrol commands

    body: dict[str, Any] = {
        "patrol": patrol_id,
        "kind": kind,
        "time": patrols.parse_time(when, "--time").isoformat(),
        "text": text,
    }
    if lat is not None and lon is not None:
        problem = _aoi(app).problem(np.array([lon]), np.array([lat]))
        if problem:
            raise ValidationError(f"--lat/--lon: {problem}")
        body["lat"], body["lon"] = f"{lat:.6f}", f"{lon:.6f}"
    if denied_by:
        body["denied_by"] = denied_by
    if kind == ObservationKind.INCIDENT_OBSERVED.value:
        body["report"] = "R-0"  # replaced by the filed report's id
    observation = parse_body("patrol.observed", body, "observation")
    assert isinstance(observation, PatrolObservation)
    parsed = load_report(report) if report else None
    oid, rid = patrols.observe(app.node(), author, observation, parsed)
    click.echo(f"observed {oid} on {patrol_id}: {kind}" + (f"; filed {rid}" if rid else ""))


@patrol.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def patrol_list(app: AppContext, as_json: bool) -> None:
    """List patrol plans with their tracks and observations."""
    from truce.agreement import patrol as patrols  # pyproj: only for patrol commands

    rows = patrols.list_patrols(app.node())
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(
            f"{r['id']:<20} {r['start'][:16]}..{r['end'][11:16]} {r['parties']:<10} "
            f"{r['route_km']:>6.1f} km planned, {r['track_points']} track points, "
            f"{r['observations']} observation(s)  {r['name']}"
        )


@patrol.command("check")
@click.option(
    "--distance",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Metres: closer than this, patrols of different parties are reported.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def patrol_check(app: AppContext, distance: int, as_json: bool) -> None:
    """Proximity of patrols, restricted-zone entries, coverage per zone and week, denials."""
    from truce.agreement import patrol as patrols  # pyproj: only for patrol commands

    result = patrols.check_patrols(app.node(), distance_m=distance)
    if as_json:
        echo_json(result.to_json())
        return
    click.echo(f"proximity (< {distance} m, different parties, overlapping times):")
    if not result.proximity:
        click.echo("  none")
    for p in result.proximity:
        click.echo(
            f"  {p['source']}: {' / '.join(p['patrols'])} ({' / '.join(p['parties'])}) "
            f"{p['closest_m']} m apart at {p.get('at', p['from'])}, near {p['lat']}, {p['lon']}"
        )
    click.echo("restricted zones entered:")
    if not result.restricted:
        click.echo("  none")
    for r in result.restricted:
        click.echo(
            f"  {r['source']} {r['patrol']}: {r['km_inside']} km inside {r['zone_name']} "
            f"({r['zone']}), entering at {r['enters_at'][1]}, {r['enters_at'][0]}"
        )
    click.echo("coverage (km inside each zone per ISO week):")
    if not result.coverage:
        click.echo("  none")
    for c in result.coverage:
        click.echo(
            f"  {c['week']} {c['zone']:<24} patrolled {c['km_patrolled']:>7.2f} km, "
            f"planned {c['km_planned']:>7.2f} km"
        )
    click.echo("freedom of movement denied:")
    if not result.denials:
        click.echo("  none")
    for d in result.denials:
        click.echo(
            f"  {d['id']} {d['time']} {d['patrol_id']} at {d['lat']}, {d['lon']} "
            f"by {d['denied_by'] or '?'}: {d['text']}"
        )

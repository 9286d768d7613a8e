"""The agreement on a real node: all-or-nothing loading, versions, violations that follow the
evidence and the zones, rebuild equality, patrols and their checks, the CLI, the demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from truce.agreement.patrol import (
    add_track,
    check_patrols,
    observe,
    plan_patrol,
    read_track,
    track_parts,
)
from truce.agreement.rules import parse_agreement
from truce.agreement.sites import add_sites, read_sites, register_sites
from truce.agreement.violations import list_violations, refresh
from truce.agreement.zones import add_zones, read_zones
from truce.cli import main
from truce.config import Settings
from truce.errors import NotFoundError, ValidationError
from truce.geo import Gazetteer
from truce.model import Report
from truce.model.patrol import ObservationKind, PatrolObservation, PatrolPlan
from truce.node import Node

SQUARE = [[36.5, 35.5], [36.9, 35.5], [36.9, 35.9], [36.5, 35.9], [36.5, 35.5]]
SMALL = [[36.7, 35.7], [36.8, 35.7], [36.8, 35.8], [36.7, 35.8], [36.7, 35.7]]

AGREEMENT = """\
agreement: {id: t, title: Test}
clauses:
  - id: air-dmz
    text: "No air or drone strikes inside the demilitarized zone."
    when: {sub_event_type: [Air/drone strike]}
    where: {inside: {zone_kind: demilitarized_zone}}
  - id: near-sites
    text: "No attack within 500 m of a protected site."
    when: {family: [remote, battle]}
    where: {within: {metres: 500, site_kind: protected}}
"""


def zones_file(tmp_path: Path, *features: tuple[str, list[Any], str]) -> Path:
    path = tmp_path / "zones.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"id": ident, "kind": kind},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                    for ident, ring, kind in features
                ],
            }
        )
    )
    return path


def strike(lat: str, lon: str, error_m: int = 0, sub: str = "Air/drone strike") -> Report:
    return Report.model_validate(
        {
            "event_type": "Battles" if sub == "Armed clash" else "Explosions/Remote violence",
            "sub_event_type": sub,
            "date": "2019-06-01",
            "locations": [{"place": "X", "point": {"lat": lat, "lon": lon, "error_m": error_m}}],
            "sources": [{"name": "S", "kind": "party"}],
        }
    )


def test_zone_file_is_all_or_nothing(node: Node, tmp_path: Path) -> None:
    good = ("dmz", SQUARE, "demilitarized_zone")
    swapped = ("bad", [[c[1], c[0]] for c in SQUARE], "demilitarized_zone")
    size = node.ledger.size
    with pytest.raises(ValidationError, match=r"feature 1 .* look swapped"):
        add_zones(node, "ru", read_zones(zones_file(tmp_path, good, swapped)))
    assert node.ledger.size == size and list(node.store.rows("zones")) == []
    lines = add_zones(node, "ru", read_zones(zones_file(tmp_path, good)))
    assert lines[0].startswith("zone dmz v1: demilitarized_zone")
    add_zones(node, "tr", read_zones(zones_file(tmp_path, ("dmz", SMALL, "demilitarized_zone"))))
    (row,) = node.store.rows("zones")
    assert row["version"] == 2 and row["author"] == "tr"
    assert node.ledger.size == size + 2


def test_violations_follow_reports_zones_and_rebuild(node: Node, tmp_path: Path) -> None:
    add_zones(node, "ru", read_zones(zones_file(tmp_path, ("dmz", SQUARE, "demilitarized_zone"))))
    sites = tmp_path / "s.csv"
    sites.write_text(
        "id,name,kind,lat,lon\nh1,Hospital,hospital,35.6,36.6\nb1,Base,base,35.65,36.65\n"
    )
    add_sites(node, "tr", read_sites(sites))
    zones = {r["id"] for r in node.store.rows("zones")}
    node.append("ru", "agreement.adopted", parse_agreement(AGREEMENT, "a", zones=zones))
    assert refresh(node).violations == 0
    r1 = node.file_report("tr", strike("35.6020", "36.6000", 50))  # 222 m from the hospital
    node.file_report("ru", strike("35.6500", "36.6500", 0, "Armed clash"))  # at the base only
    rows = list_violations(node)
    assert sorted((v["clause_id"], v["reports"][0]) for v in rows) == [
        ("air-dmz", r1),
        ("near-sites", r1),
    ]
    near = next(v for v in rows if v["clause_id"] == "near-sites")
    assert near["status"] == "alleged" and near["certainty"] == "certain"
    assert near["target_id"] == "h1" and 215 <= near["distance_m"] <= 230
    assert near["clause_text"] == "No attack within 500 m of a protected site."
    # The zone changes: the strike is no longer inside it.
    add_zones(node, "ru", read_zones(zones_file(tmp_path, ("dmz", SMALL, "demilitarized_zone"))))
    assert [v["clause_id"] for v in list_violations(node)] == ["near-sites"]
    before = list_violations(node)
    node.rebuild()
    assert list_violations(node) == before


def test_rules_load_refuses_unknown_zone_via_cli(node: Node, tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(AGREEMENT.replace("zone_kind: demilitarized_zone", "zone: nowhere"))
    home = str(node.settings.home)
    node.close()
    code = main(["--home", home, "rules", "load", str(path), "--as", "ru"])
    err = capsys.readouterr().err
    assert code == 2 and "a.yaml line 6: unknown zone 'nowhere'" in err


def test_cli_round_trip(settings: Settings, tmp_path: Path, capsys: Any) -> None:
    home = str(settings.home)
    with Node.init(settings) as n:
        n.add_party("ru", "Russian Federation")
    zones = zones_file(tmp_path, ("dmz", SQUARE, "dmz"))
    agreement = tmp_path / "a.yaml"
    agreement.write_text(AGREEMENT)
    report = tmp_path / "r.json"
    report.write_text(strike("35.7", "36.7").model_dump_json())
    for args in (
        ["zone", "add", str(zones), "--as", "ru"],
        ["rules", "load", str(agreement), "--as", "ru"],
        ["report", "add", str(report), "--as", "ru"],
    ):
        assert main(["--home", home, *args]) == 0
    capsys.readouterr()
    assert main(["--home", home, "rules", "check"]) == 0
    out = capsys.readouterr().out
    assert "1 violation(s)" in out and "t/air-dmz: 1 alleged/certain" in out
    assert main(["--home", home, "violations", "--json"]) == 0
    (violation,) = json.loads(capsys.readouterr().out)
    assert violation["target_id"] == "dmz" and violation["relation"] == "inside"
    assert main(["--home", home, "zone", "list"]) == 0
    assert "demilitarized_zone" in capsys.readouterr().out


TRACK = """<?xml version="1.0"?>
<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
{points}
</trkseg></trk></gpx>
"""


def gpx(tmp_path: Path, name: str, lat: float, lon0: float, minute0: int, n: int) -> Path:
    points = "\n".join(
        f'<trkpt lat="{lat:.5f}" lon="{lon0 - i * 0.005:.5f}">'
        f"<time>2020-03-15T09:{minute0 + i:02d}:00Z</time></trkpt>"
        for i in range(n)
    )
    path = tmp_path / name
    path.write_text(TRACK.format(points=points))
    return path


def plan(ident: str, parties: list[str], lat: float, hours: int = 2) -> PatrolPlan:
    return PatrolPlan(
        id=ident,
        name=ident,
        parties=parties,
        route_wkt=f"LINESTRING (36.76 {lat}, 36.60 {lat})",
        start="2020-03-15T09:00:00Z",
        end=f"2020-03-15T{9 + hours:02d}:00:00Z",
    )


def test_patrols_checks_and_observations(node: Node, tmp_path: Path) -> None:
    node.add_party("monitors", "Monitors")
    restricted = [[36.70, 35.84], [36.72, 35.84], [36.72, 35.88], [36.70, 35.88], [36.70, 35.84]]
    zones = zones_file(tmp_path, ("no-go", restricted, "restricted"), ("dmz", SQUARE, "dmz"))
    add_zones(node, "monitors", read_zones(zones))
    plan_patrol(node, "monitors", plan("joint", ["ru", "tr"], 35.860))
    plan_patrol(node, "monitors", plan("ru-only", ["ru"], 35.865))
    plan_patrol(node, "monitors", plan("far", ["tr"], 35.60))
    with pytest.raises(ValidationError, match="unknown party xx"):
        plan_patrol(node, "monitors", plan("bad", ["xx"], 35.6))
    add_track(
        node, "tr", track_parts("joint", read_track(gpx(tmp_path, "a.gpx", 35.860, 36.76, 0, 30)))
    )
    add_track(
        node, "ru", track_parts("ru-only", read_track(gpx(tmp_path, "b.gpx", 35.866, 36.76, 0, 30)))
    )
    with pytest.raises(NotFoundError):
        add_track(
            node, "ru", track_parts("nope", read_track(gpx(tmp_path, "c.gpx", 35.8, 36.7, 0, 3)))
        )
    result = check_patrols(node, distance_m=1000)
    sources = sorted((p["source"], tuple(p["patrols"])) for p in result.proximity)
    assert sources == [("plans", ("joint", "ru-only")), ("tracks", ("joint", "ru-only"))]
    track_hit = next(p for p in result.proximity if p["source"] == "tracks")
    assert 600 <= track_hit["closest_m"] <= 700
    entered = {(r["source"], r["patrol"]) for r in result.restricted}
    assert {("plan", "joint"), ("plan", "ru-only"), ("track", "joint")} <= entered
    assert ("plan", "far") not in entered
    dmz_weeks = [c for c in result.coverage if c["zone"] == "dmz"]
    assert dmz_weeks and dmz_weeks[0]["week"] == "2020-W11"
    # 30 points, 0.005° apart westward at 35.86°N: about 29 × 451 m, all inside the square.
    joint_km = 29 * 0.451
    assert dmz_weeks[0]["km_patrolled"] == pytest.approx(joint_km + 29 * 0.451, rel=0.03)
    # Observations: a denial, and an incident that becomes the monitors' report.
    observe(
        node,
        "monitors",
        PatrolObservation(
            patrol="joint",
            kind=ObservationKind.MOVEMENT_DENIED,
            time="2020-03-15T09:40:00Z",
            lat="35.86",
            lon="36.70",
            denied_by="checkpoint",
        ),
    )
    oid, rid = observe(
        node,
        "monitors",
        PatrolObservation(
            patrol="joint",
            kind=ObservationKind.INCIDENT_OBSERVED,
            time="2020-03-15T09:45:00Z",
            report="R-0",
        ),
        strike("35.86", "36.70"),
    )
    assert rid is not None and oid == f"O-{int(rid[2:]) + 1}"
    (filed,) = [r for r in node.reports() if r["id"] == rid]
    assert filed["author"] == "monitors" and "patrol:joint" in json.loads(filed["body"])["tags"]
    observation = next(node.store.rows("patrol_observations", id=oid))
    assert observation["report_id"] == rid
    assert [d["denied_by"] for d in check_patrols(node).denials] == ["checkpoint"]


def test_sites_feed_the_gazetteer(node: Node, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "id,name,kind,lat,lon,names\nop9,Morek observation post,observation_post,"
        "35.3739,36.6893,Murak post;نقطة مورك\n"
    )
    add_sites(node, "tr", read_sites(path))
    gazetteer = Gazetteer.default().copy()
    assert register_sites(gazetteer, node) == 1
    place = gazetteer.get("site:op9")
    assert place.kind == "site" and place.admin1 == "Hama" and "نقطة مورك" in place.names_ar
    assert [m.place.id for m in gazetteer.lookup("Murak post")][:1] == ["site:op9"]


@pytest.mark.slow
def test_demo_scenario(tmp_path: Path, capsys: Any) -> None:
    home = str(tmp_path / "demo")
    assert main(["--home", home, "demo"]) == 0
    capsys.readouterr()
    assert main(["--home", home, "zone", "list", "--json"]) == 0
    zones = {z["id"]: z for z in json.loads(capsys.readouterr().out)}
    assert 2000 < zones["idlib-dmz-2018"]["area_km2"] < 4500  # a 15-20 km band, ~200 km long
    assert 500 < zones["m4-corridor-2020"]["area_km2"] < 900  # 12 km wide, ~60 km long
    assert all(z["approximate"] for z in zones.values())
    assert main(["--home", home, "site", "list", "--kind", "observation_post", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 12
    assert main(["--home", home, "violations", "--json"]) == 0
    clauses = {v["clause_id"] for v in json.loads(capsys.readouterr().out)}
    assert clauses == {
        "no-air-strikes-in-dmz",
        "no-attack-near-protected-site",
        "no-heavy-weapons-in-zone",
    }
    assert main(["--home", home, "patrol", "check", "--json"]) == 0
    check = json.loads(capsys.readouterr().out)
    assert {p["source"] for p in check["proximity"]} == {"plans", "tracks"}
    assert check["denials"] and check["restricted"] and check["coverage"]

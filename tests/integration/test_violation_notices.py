"""Violation notices (issue 22) on a real node, on both backends: a new violation is heard once
by the chair, the party it is held against and the parties that reported it, never by the
others; it stays heard across a rebuild and a later regrading."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from truce.agreement.rules import parse_agreement
from truce.agreement.violations import list_violations
from truce.agreement.zones import add_zones, read_zones
from truce.collab.actions import notifications_for
from truce.collab.notices import CHAIR
from truce.config import Settings
from truce.model import Report
from truce.model.party import PartyKind
from truce.node import Node

DMZ = [[36.6, 35.3], [36.8, 35.3], [36.8, 35.45], [36.6, 35.45], [36.6, 35.3]]
AGREEMENT = """\
agreement: {id: t, title: Test}
clauses:
  - id: dmz
    text: "No shelling inside the demilitarized zone."
    when: {family: [remote]}
    where: {inside: {zone_kind: demilitarized_zone}}
"""


def dmz_node(settings: Settings, tmp_path: Path) -> Node:
    node = Node.init(settings)
    node.add_party("ru", "Russian Federation")
    node.add_party("tr", "Republic of Türkiye")
    node.add_party("sy", "Syrian Arab Republic")
    node.add_party("center", "Joint coordination center", PartyKind.CENTER)
    path = tmp_path / "zones.geojson"
    feature = {
        "type": "Feature",
        "properties": {"id": "dmz", "kind": "demilitarized_zone"},
        "geometry": {"type": "Polygon", "coordinates": [DMZ]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    add_zones(node, "center", read_zones(path))
    node.append("center", "agreement.adopted", parse_agreement(AGREEMENT, "a", zones={"dmz"}))
    return node


def outside(report: dict[str, Any]) -> dict[str, Any]:
    far = copy.deepcopy(report)
    far["title"] = "Test: shelling far away"
    far["locations"] = [{"place": "Far", "point": {"lat": "35.9", "lon": "36.2", "error_m": 100}}]
    return far


def _violations(conn: Any, party: str | None, chair: bool = False) -> list[dict[str, Any]]:
    return [n for n in notifications_for(conn, party, chair=chair) if n["kind"] == "violation"]


def test_a_new_violation_is_heard_by_its_parties_and_the_chair(
    tmp_path: Path, database_url: str, sample_report: dict[str, Any]
) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    with dmz_node(settings, tmp_path) as node:
        node.file_report("ru", Report.model_validate(outside(sample_report)))
        with node.store.engine.connect() as conn:
            assert _violations(conn, None, chair=True) == []  # no violation, nothing heard
        against_sy = copy.deepcopy(sample_report)
        against_sy["actors"] = [{"name": "Syrian Arab Republic", "role": "perpetrator", "inter": 1}]
        rid = node.file_report("ru", Report.model_validate(against_sy))
        (violation,) = list_violations(node)
        assert violation["clause_id"] == "dmz" and violation["reports"] == [rid]
        incident = violation["incident_id"]
        with node.store.engine.connect() as conn:
            (chair,) = _violations(conn, "center", chair=True)
            (ru,) = _violations(conn, "ru")
            (sy,) = _violations(conn, "sy")
            assert _violations(conn, "tr") == [] and _violations(conn, "center") == []
        assert (chair["audience"], ru["audience"], sy["audience"]) == (CHAIR, "ru", "sy")
        assert chair["incident_id"] == ru["incident_id"] == sy["incident_id"] == incident
        assert "violation of t § dmz" in chair["text"] and rid in chair["text"]
        assert "ru reported it" in ru["text"] and "held against sy" in sy["text"]
        assert chair["entry_index"] == int(rid.removeprefix("R-"))  # rides the report's event

        # tr reports the same event: tr is involved now, and hears it once; the others heard
        # it already, and a third report changes nothing for anyone.
        node.file_report("tr", Report.model_validate(sample_report))
        node.file_report("tr", Report.model_validate(sample_report))
        with node.store.engine.connect() as conn:
            assert len(_violations(conn, "center", chair=True)) == 1
            assert len(_violations(conn, "ru")) == 1
            assert len(_violations(conn, "sy")) == 1
            (tr,) = _violations(conn, "tr")
        assert tr["incident_id"] == incident and tr["entry_index"] > ru["entry_index"]

        before = node.store.dump()
        with node.store.engine.connect() as conn:
            heard = notifications_for(conn, "tr", chair=True) + notifications_for(conn, "ru")
        assert node.rebuild() == node.ledger.size
        assert node.store.dump() == before
        with node.store.engine.connect() as conn:
            assert (
                notifications_for(conn, "tr", chair=True) + notifications_for(conn, "ru") == heard
            )

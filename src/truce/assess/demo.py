"""The assessment part of ``truce demo``: one strike reported several ways, graded, answered.

All of it is illustrative (written for truce; positions approximate), filed through the same
functions as ``truce report add``, ``truce respond`` and ``truce incident merge``:

- the air strike near Jarjanaz that ``tr`` reports (demo report R-4) is reported again by an
  outlet quoting the same ministry (one originator: still single-source), then by the civil
  defence (a second originator: corroborated), with another spelling and other tolls;
- the same morning, shelling of a neighbouring village stays a separate incident;
- a vague report ("southern Idlib countryside") stays apart until the monitors merge it by hand;
- ``ru`` denies the strike (corroborated → contested), and ``tr`` disputes the perpetrator of
  the Morek shelling with a document as evidence.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from truce.assess.actions import merge, respond
from truce.model import Report
from truce.node import Node

__all__ = ["build_assess_demo"]

_NOTE = "Illustrative demo report written for truce; not a real event."
_STRIKE: dict[str, Any] = {
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Air/drone strike",
    "modality": "occurred",
    "date": {"start": "2019-03-13", "end": "2019-03-13", "precision": 1},
    "actors": [
        {
            "name": "Military Forces of Russia",
            "role": "perpetrator",
            "inter": 8,
            "country": "Russia",
        },
        {"name": "Civilians (Syria)", "role": "target", "inter": 7},
    ],
    "text": _NOTE,
}


def _report(**fields: Any) -> Report:
    body = copy.deepcopy(_STRIKE)
    body.update(fields)
    return Report.model_validate(body)


def _incident(node: Node, rid: str) -> str:
    return next(str(r["incident_id"]) for r in node.reports() if r["id"] == rid)


def build_assess_demo(node: Node, home: Path) -> list[str]:
    """File the assessment demo into ``node``; returns lines for the demo's summary."""
    lines: list[str] = []
    strike = next(
        (r["id"] for r in node.reports() if r["place"] == "Jarjanaz" and r["author"] == "tr"), None
    )
    relay = node.file_report(
        "osint",
        _report(
            title="Illustrative: Anadolu relays the ministry on the Jarjanaz strike",
            locations=[{"place": "Jarjnaz", "admin1": "Idlib", "precision": 1}],
            casualties=[{"category": "civilians", "kind": "killed", "low": 5, "best": 5}],
            sources=[
                {"name": "Anadolu Agency", "kind": "outlet", "reliability": "C", "credibility": 3,
                 "originator": "Turkish Ministry of National Defence"}
            ],
        ),
    )  # fmt: skip
    incident = _incident(node, relay)
    lines.append(f"{relay} joins {incident}: same ministry, so still one originator")
    civil = node.file_report(
        "osint",
        _report(
            title="Illustrative: civil defence reports the Jarjanaz strike",
            locations=[{"place": "Jarjanaz", "admin1": "Idlib", "precision": 1,
                        "point": {"lat": "35.6230", "lon": "36.7790", "error_m": 1000}}],
            casualties=[{"category": "civilians", "kind": "killed",
                         "low": 3, "best": 3, "high": 4}],
            sources=[{"name": "Syria Civil Defence", "kind": "ngo", "reliability": "B",
                      "credibility": 2}],
        ),
    )  # fmt: skip
    lines.append(f"{civil} joins {_incident(node, civil)}: a second originator, corroborated")
    neighbour = node.file_report(
        "osint",
        _report(
            title="Illustrative: shelling of a neighbouring village the same morning",
            sub_event_type="Shelling/artillery/missile attack",
            locations=[{"place": "Tell Mannas", "admin1": "Idlib", "precision": 1,
                        "point": {"lat": "35.6390", "lon": "36.7470", "error_m": 1000}}],
            actors=[{"name": "Military Forces of Syria", "role": "perpetrator", "inter": 1}],
            sources=[{"name": "Enab Baladi", "kind": "outlet", "reliability": "C",
                      "credibility": 3}],
        ),
    )  # fmt: skip
    lines.append(f"{neighbour} is {_incident(node, neighbour)}: another village, another incident")
    vague = node.file_report(
        "osint",
        _report(
            title="Illustrative: air strike in the southern Idlib countryside",
            locations=[{"place": "southern Idlib countryside", "admin1": "Idlib", "precision": 3}],
            actors=[],
            sources=[{"name": "Step News Agency", "kind": "outlet", "reliability": "D",
                      "credibility": 3}],
        ),
    )  # fmt: skip
    apart = _incident(node, vague)
    if apart != incident:
        merge(node, [incident, apart], "monitors", text="The same strike, located vaguely.")
        lines.append(
            f"{vague} was its own incident {apart}; the monitors merged it into {incident}"
        )
    sid = respond(
        node, incident, "ru", "deny", text="No Russian aircraft flew over Jarjanaz that day."
    )
    lines.append(f"{sid}: ru denies {incident}: corroborated becomes contested")
    morek = next((r["id"] for r in node.reports() if r["place"] == "Morek"), None)
    if morek is not None:
        folder = home / "assess"
        folder.mkdir(parents=True, exist_ok=True)
        statement = folder / "tr-statement-morek.txt"
        statement.write_text(
            "Illustrative statement written for truce: the shells came from the west.\n",
            encoding="utf-8",
        )
        sid = respond(
            node, _incident(node, morek), "tr", "dispute", field="perpetrator",
            value="Military Forces of Syria", text="The shells came from the west.",
            evidence=[statement],
        )  # fmt: skip
        lines.append(f"{sid}: tr disputes the perpetrator of {_incident(node, morek)}")
    if strike is not None:
        lines.append(f"see: truce incident show {incident}")
    return lines

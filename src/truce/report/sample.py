"""A small fixed scenario for golden files, docs samples and benchmarks: same bytes every time.

Every entry is signed with a key derived from a fixed seed and carries a fixed time, so the log's
leaves, its size and its root hash are the same on every machine (Ed25519 signatures are
deterministic, RFC 8032). Places are real villages of the demilitarized zone; the events, the
zone polygon and the sites are ILLUSTRATIVE, written for truce's tests: none is a real event.

``python -m truce.report.sample DIR`` writes the scenario's data directory to DIR.
"""

from __future__ import annotations

import hashlib
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from truce.config import Settings
from truce.ledger.entry import Entry
from truce.ledger.keys import SigningKey
from truce.model import Party, PartyKind, Report, Response, Site, Zone
from truce.model.agreement import Agreement
from truce.model.base import Model
from truce.model.patrol import PatrolObservation, PatrolPlan
from truce.node import Node

__all__ = ["PARTIES", "SAMPLE_DATE", "build_sample", "sample_key"]

#: The day the scenario's daily report is about.
SAMPLE_DATE = "2019-03-13"
_T0 = datetime(2019, 3, 13, 6, 0, tzinfo=UTC)

PARTIES: tuple[tuple[str, str, PartyKind], ...] = (
    ("ru", "Russian Federation", PartyKind.PARTY),
    ("tr", "Republic of Türkiye", PartyKind.PARTY),
    ("monitors", "Joint center monitors", PartyKind.MONITOR),
    ("ingest", "Open sources", PartyKind.INGEST),
)

# An illustrative demilitarized-zone polygon along the Idlib front (lon lat), not the agreed line.
DMZ_WKT = (
    "POLYGON ((36.20 35.75, 36.45 35.60, 36.62 35.42, 36.80 35.35, 36.98 35.40, 37.05 35.55, "
    "36.90 35.62, 36.72 35.55, 36.55 35.70, 36.35 35.86, 36.20 35.75))"
)


def sample_key(party: str) -> SigningKey:
    return SigningKey.from_seed(hashlib.sha256(f"truce sample key {party}".encode()).digest())


def _report(**fields: Any) -> Report:
    base: dict[str, Any] = {
        "sources": [{"name": "Illustrative source", "kind": "monitor"}],
        "text": "Illustrative event written for truce's tests; not a real event.",
    }
    return Report.model_validate({**base, **fields})


def _loc(place: str, lat: str, lon: str, error_m: int, admin1: str) -> dict[str, Any]:
    return {
        "place": place,
        "point": {"lat": lat, "lon": lon, "error_m": error_m},
        "admin1": admin1,
        "precision": 1,
    }


def _scenario() -> list[tuple[str, str, Model]]:
    """(author, kind, body) in log order after the party registrations."""
    hts = {"name": "Hay'at Tahrir al-Sham", "role": "perpetrator", "inter": 2}
    syr = {"name": "Military Forces of Syria", "role": "perpetrator", "inter": 1}
    rus = {"name": "Military Forces of Russia", "role": "associated", "inter": 8}
    civ = {"name": "Civilians (Syria)", "role": "target", "inter": 7}
    return [
        (
            "monitors",
            "zone.defined",
            Zone(
                id="dmz",
                name="Demilitarized zone (illustrative)",
                kind="demilitarized_zone",
                wkt=DMZ_WKT,
                valid_from="2018-10-15",
                approximate=True,
                source="Illustrative polygon for truce's tests",
            ),
        ),
        (
            "monitors",
            "site.registered",
            Site(
                id="hosp-kafr-nubl",
                name="Kafr Nubl hospital (illustrative)",
                kind="hospital",
                lat="35.6131",
                lon="36.5610",
                admin1="Idlib",
                source="Illustrative",
            ),
        ),
        (
            "monitors",
            "site.registered",
            Site(
                id="op-murak",
                name="Observation post 9, Murak (illustrative)",
                kind="observation_post",
                lat="35.3760",
                lon="36.6890",
                admin1="Hama",
                source="Illustrative",
            ),
        ),
        (
            "monitors",
            "agreement.adopted",
            Agreement.model_validate(
                {
                    "id": "sample",
                    "title": "Illustrative rules for truce's tests",
                    "clauses": [
                        {
                            "id": "no-fire-in-dmz",
                            "text": "No shelling or air strikes inside the demilitarized zone "
                            "(illustrative).",
                            "when": [{"family": ["remote"]}],
                            "where": [{"relation": "inside", "zones": ["dmz"]}],
                        }
                    ],
                }
            ),
        ),
        (
            "ru",
            "report.filed",
            _report(
                title="Shelling of Murak from the demilitarized zone",
                event_type="Explosions/Remote violence",
                sub_event_type="Shelling/artillery/missile attack",
                date="2019-03-11",
                locations=[_loc("Murak", "35.3762", "36.6897", 1500, "Hama")],
                actors=[hts, civ],
                casualties=[
                    {"category": "civilians", "kind": "injured", "low": 2, "best": 3, "high": 4}
                ],
                sources=[
                    {
                        "name": "Russian Centre for Reconciliation",
                        "kind": "party",
                        "reliability": "C",
                        "credibility": 3,
                    }
                ],
            ),
        ),
        (
            "tr",
            "report.filed",
            _report(
                title="Air strike on Kafr Nubl market",
                event_type="Explosions/Remote violence",
                sub_event_type="Air/drone strike",
                date="2019-03-12",
                locations=[_loc("Kafr Nubl", "35.6140", "36.5620", 1000, "Idlib")],
                actors=[syr, rus, civ],
                casualties=[
                    {"category": "civilians", "kind": "killed", "low": 4, "best": 5, "high": 7},
                    {"category": "civilians", "kind": "injured", "low": 9, "high": 12},
                ],
                sources=[
                    {"name": "Syria Civil Defence", "kind": "ngo", "reliability": "B"},
                    {"name": "Local coordination committee", "kind": "witness"},
                ],
                tags=["market"],
            ),
        ),
        (
            "ingest",
            "report.filed",
            _report(
                title="Clashes near Khan Shaykhun",
                event_type="Battles",
                sub_event_type="Armed clash",
                date="2019-03-12",
                locations=[_loc("Khan Shaykhun", "35.4410", "36.6510", 3000, "Idlib")],
                actors=[
                    {"name": "Military Forces of Syria", "role": "perpetrator", "inter": 1},
                    {"name": "National Liberation Front", "role": "target", "inter": 2},
                ],
                casualties=[{"category": "combatants", "kind": "killed", "low": 3, "best": 3}],
                sources=[{"name": "Illustrative outlet", "kind": "outlet"}],
            ),
        ),
        (
            "monitors",
            "report.filed",
            _report(
                title="Joint patrol on the M4 south of Saraqib",
                event_type="Strategic developments",
                sub_event_type="Patrol",
                date="2019-03-13",
                locations=[_loc("Saraqib", "35.8620", "36.8060", 500, "Idlib")],
                actors=[
                    {"name": "Military Forces of Russia", "role": "perpetrator", "inter": 8},
                    {"name": "Military Forces of Turkey", "role": "associated", "inter": 8},
                ],
                sources=[{"name": "Joint center monitors", "kind": "monitor", "reliability": "A"}],
            ),
        ),
        (
            "ru",
            "report.filed",
            _report(
                title="Drone attack on positions in southern Idlib countryside",
                event_type="Explosions/Remote violence",
                sub_event_type="Air/drone strike",
                date={"start": "2019-03-11", "end": "2019-03-13", "precision": 2},
                locations=[
                    {"area": "southern Idlib countryside", "admin1": "Idlib", "precision": 3}
                ],
                actors=[hts],
                sources=[{"name": "Russian Ministry of Defence", "kind": "official"}],
            ),
        ),
        (
            "tr",
            "report.filed",
            _report(
                title="Shelling of Jisr ash Shughur outskirts",
                event_type="Explosions/Remote violence",
                sub_event_type="Shelling/artillery/missile attack",
                date="2019-03-13",
                locations=[_loc("Jisr ash Shughur", "35.8120", "36.3180", 2000, "Idlib")],
                actors=[syr, civ],
                casualties=[{"category": "civilians", "kind": "killed", "low": 1}],
                sources=[{"name": "Turkish Ministry of National Defence", "kind": "official"}],
            ),
        ),
        (
            "ingest",
            "report.filed",
            _report(
                title="Local council reorganised in Ma`arrat an Nu`man",
                event_type="Strategic developments",
                sub_event_type="Change to group/activity",
                date="2019-03-13",
                locations=[_loc("Ma`arrat an Nu`man", "35.6480", "36.6740", 2000, "Idlib")],
                actors=[{"name": "Syrian Salvation Government", "role": "perpetrator", "inter": 3}],
                sources=[{"name": "Illustrative outlet", "kind": "outlet"}],
            ),
        ),
        (
            "ru",
            "response.filed",
            Response(incident="I-9", kind="deny", text="No Russian aircraft flew that day."),
        ),
        (
            "monitors",
            "patrol.planned",
            PatrolPlan(
                id="p-2019-03-13",
                name="Joint patrol M4, Saraqib",
                parties=["ru", "tr"],
                route_wkt="LINESTRING (36.806 35.862, 36.75 35.80, 36.66 35.76)",
                start="2019-03-13T07:00:00Z",
                end="2019-03-13T12:00:00Z",
            ),
        ),
        (
            "monitors",
            "patrol.observed",
            PatrolObservation(
                patrol="p-2019-03-13",
                kind="nothing_observed",
                time="2019-03-13T10:30:00Z",
                text="Route completed; nothing to report (illustrative).",
            ),
        ),
    ]


def _sign(
    key: SigningKey,
    origin: str,
    author: str,
    seq: int,
    prev: str | None,
    kind: str,
    body: Model,
    moment: datetime,
) -> Entry:
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return Entry.sign(
        key,
        origin=origin,
        kind=kind,
        author=author,
        seq=seq,
        prev=prev,
        body=body.to_body(),
        time=stamp,
        mode="custodial",
    )


def build_sample(settings: Settings) -> Node:
    """Create the scenario's data directory (``settings.home`` must not hold a ledger yet)."""
    node = Node.init(settings)
    heads: dict[str, tuple[int, str | None]] = {}
    entries: list[Entry] = []
    moment = _T0

    def add(author: str, kind: str, body: Model) -> None:
        nonlocal moment
        seq, prev = heads.get(author, (1, None))
        entry = _sign(sample_key(author), settings.origin, author, seq, prev, kind, body, moment)
        heads[author] = (seq + 1, entry.hash.hex())
        entries.append(entry)
        moment += timedelta(minutes=30)

    for party_id, name, party_kind in PARTIES:
        key = sample_key(party_id)
        key.save(node.key_path(party_id))
        public = Party(id=party_id, name=name, kind=party_kind, public_key=key.public_key.to_b64())
        add(party_id, "party.registered", public)
    for author, kind, body in _scenario():
        add(author, kind, body)
    node.append_signed(entries)
    return node


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m truce.report.sample DIR", file=sys.stderr)
        return 2
    with build_sample(Settings(home=Path(args[0]).absolute())) as node:
        print(f"sample ledger in {args[0]}: {node.ledger.size} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Incidents as projections of a real ledger: correlation, responses, merges, splits, rebuilds."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from truce.assess import tables
from truce.assess.actions import merge, respond, split
from truce.assess.engine import Correlator
from truce.assess.kinds import IncidentMerge, IncidentSplit
from truce.assess.queries import list_incidents, parse_bbox, show_incident
from truce.assess.scenario import AUTHORS, ScenarioConfig, generate
from truce.assess.summary import summarize
from truce.config import Settings
from truce.errors import NotFoundError, ValidationError
from truce.model import PartyKind, Report
from truce.node import Node

STRIKE: dict[str, Any] = {
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Air/drone strike",
    "date": "2019-03-13",
    "locations": [
        {"place": "Jarjanaz", "point": {"lat": "35.61823", "lon": "36.78281", "error_m": 2000},
         "admin1": "Idlib"}
    ],
    "actors": [
        {"name": "Military Forces of Russia", "role": "perpetrator", "country": "Russia"},
        {"name": "Civilians (Syria)", "role": "target"},
    ],
    "casualties": [{"category": "civilians", "kind": "killed", "low": 3, "best": 4, "high": 6}],
    "sources": [{"name": "Anadolu Agency", "kind": "outlet", "reliability": "C",
                 "originator": "Turkish Ministry of National Defence"}],
}  # fmt: skip


def variant(**changes: Any) -> Report:
    body = copy.deepcopy(STRIKE)
    body.update(changes)
    return Report.model_validate(body)


def located(place: str, lat: str, lon: str, **changes: Any) -> Report:
    loc = {"place": place, "point": {"lat": lat, "lon": lon, "error_m": 1000}, "admin1": "Idlib"}
    return variant(locations=[loc], **changes)


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    with Node.init(Settings(home=tmp_path / "home")) as n:
        for pid, name, kind in AUTHORS:
            n.add_party(pid, name, PartyKind(kind))
        yield n


def incident_of(node: Node, rid: str) -> str:
    (row,) = [r for r in node.reports() if r["id"] == rid]
    return str(row["incident_id"])


def show(node: Node, incident: str) -> dict[str, Any]:
    with node.store.engine.connect() as conn:
        return show_incident(conn, incident)


def test_one_event_reported_three_ways_is_one_incident_graded_with_reasons(node: Node) -> None:
    r1 = node.file_report("osint", variant())
    r2 = node.file_report(
        "osint",
        located("Jarjnaz", "35.6201", "36.7790",
                sources=[{"name": "TRT World", "kind": "outlet",
                          "originator": "Turkish Ministry of National Defence"}]),
    )  # fmt: skip
    i = incident_of(node, r1)
    assert incident_of(node, r2) == i
    shown = show(node, i)
    assert shown["occurrence"] == "single-source"  # two outlets, one ministry
    r3 = node.file_report(
        "osint",
        variant(casualties=[{"category": "civilians", "kind": "killed", "low": 5, "best": 7}],
                sources=[{"name": "Syria Civil Defence", "kind": "ngo"}]),
    )  # fmt: skip
    assert incident_of(node, r3) == i
    shown = show(node, i)
    assert shown["occurrence"] == "corroborated" and shown["originators"] == 2
    assert shown["airwars"] == "Fair" and shown["admiralty"] == "C1"
    assert (shown["killed_low"], shown["killed_high"], shown["killed"]) == (3, 7, 4)
    assert shown["responsible"] == "Military Forces of Russia"
    assert shown["responsible_party"] == "ru" and shown["attribution_state"] == "no response"
    assert [r["how"] for r in shown["reports"]] == ["new", "joined", "joined"]
    assert "same place" in shown["reports"][1]["reason"]


def test_responses_regrade_and_carry_evidence(node: Node, tmp_path: Path) -> None:
    i = incident_of(node, node.file_report("osint", variant()))
    node.file_report("osint", variant(sources=[{"name": "Syria Civil Defence", "kind": "ngo"}]))
    assert show(node, i)["occurrence"] == "corroborated"
    sid = respond(node, i, "ru", "deny", text="no flights over Jarjanaz that day")
    shown = show(node, i)
    assert shown["occurrence"] == "contested" and shown["attribution_state"] == "denied"
    assert shown["airwars"] == "Contested"
    assert shown["responses"][0]["id"] == sid
    paper = tmp_path / "hospital-list.txt"
    paper.write_text("names of the dead\n")
    respond(node, i, "tr", "dispute", field="casualties", value="9 killed", evidence=[paper])
    casualties = {f["field"]: f for f in show(node, i)["disagreement"]}["casualties"]
    (dispute,) = casualties["disputes"]
    assert dispute["party"] == "tr" and dispute["value"] == "9 killed"
    assert node.evidence.get(dispute["evidence"][0]) == b"names of the dead\n"
    respond(node, i, "ru", "acknowledge")
    shown = show(node, i)
    assert shown["occurrence"] == "confirmed" and shown["airwars"] == "Confirmed"


def test_merge_and_split_are_respected_by_later_reports(node: Node) -> None:
    a = node.file_report("osint", variant())
    # The same strike reported far off (a wrong town): its own incident, merged by hand.
    b = node.file_report("tr", located("Saraqib", "35.8620", "36.8060"))
    ia, ib = incident_of(node, a), incident_of(node, b)
    assert ia != ib
    done = merge(node, [ib, ia], "monitors", text="the same strike")
    assert done.incident == ia and done.merged == (ib,)
    assert incident_of(node, b) == ia
    followed = show(node, ib)
    assert followed["id"] == ia and followed["merged_into"] == ia and followed["aliases"] == [ib]
    # A response to the old id lands on the survivor.
    respond(node, ib, "ru", "under_investigation")
    assert show(node, ia)["attribution_state"] == "under investigation"
    c = node.file_report("osint", variant(sources=[{"name": "Enab Baladi", "kind": "outlet"}]))
    assert incident_of(node, c) == ia
    s = split(node, ia, [c], "monitors", text="another strike that morning")
    assert s.new == f"I-{s.entry_index}" and incident_of(node, c) == s.new
    # The split-off report's twin joins the incident it is most like; the split stays.
    d = node.file_report("osint", variant())
    assert incident_of(node, d) in (ia, s.new)
    assert incident_of(node, c) == s.new and incident_of(node, a) == ia
    actions = show(node, ia)["actions"]
    assert [(x["kind"], x["status"]) for x in actions] == [
        ("merge", "applied"),
        ("split", "applied"),
    ]


def test_bad_requests_write_nothing(node: Node) -> None:
    i = incident_of(node, node.file_report("osint", variant()))
    other = incident_of(node, node.file_report("osint", located("Saraqib", "35.862", "36.806")))
    size = node.ledger.size
    cases: list[tuple[Any, type[Exception], str]] = [
        (lambda: respond(node, "I-999", "ru", "deny"), NotFoundError, "no incident I-999"),
        (lambda: respond(node, "X", "ru", "deny"), ValidationError, "not a incident id"),
        (lambda: respond(node, i, "ru", "dispute", field="casualties"), ValidationError,
         "names the field and the party's own value"),
        (lambda: respond(node, i, "ru", "dispute", field="colour", value="red"),
         ValidationError, "unknown field 'colour'"),
        (lambda: respond(node, i, "nobody", "deny"), NotFoundError, "no party 'nobody'"),
        (lambda: merge(node, [i, i], "monitors"), ValidationError, f"cannot merge {i} with itself"),
        (lambda: merge(node, [i], "monitors"), ValidationError, "at least two incidents"),
        (lambda: merge(node, [i, "I-999"], "monitors"), NotFoundError, "no incident I-999"),
        (lambda: split(node, i, [f"R-{i[2:]}"], "monitors"), ValidationError,
         "would leave it with no report"),
        (lambda: split(node, i, [f"R-{other[2:]}"], "monitors"), ValidationError,
         f"is in {other}, not in {i}"),
        (lambda: split(node, i, ["R-999"], "monitors"), NotFoundError, "no report R-999"),
        (lambda: split(node, i, [], "monitors"), ValidationError, "name the reports"),
    ]  # fmt: skip
    for call, error, message in cases:
        with pytest.raises(error, match=message.replace("(", r"\(")):
            call()
    assert node.ledger.size == size
    merge(node, [i, other], "monitors")
    with pytest.raises(ValidationError, match=f"are already one incident \\({i}\\)"):
        merge(node, [i, other], "monitors")
    assert node.ledger.size == size + 1


def test_entries_signed_elsewhere_that_no_longer_apply_are_ignored_with_why(node: Node) -> None:
    i = incident_of(node, node.file_report("osint", variant()))
    node.append("monitors", "incident.merged", IncidentMerge(incidents=[i, "I-424242"]))
    node.append("monitors", "incident.split", IncidentSplit(incident=i, reports=[f"R-{i[2:]}"]))
    with node.store.engine.connect() as conn:
        rows = conn.execute(select(tables.incident_actions)).mappings().all()
    assert [(r["status"], r["note"]) for r in rows] == [
        ("ignored", "no incident I-424242"),
        ("ignored", f"that would leave {i} with no report"),
    ]
    assert show(node, i)["report_count"] == 1


def test_the_ledger_places_reports_as_the_engine_does_and_rebuilds_the_same(node: Node) -> None:
    scenario = generate(ScenarioConfig(events=70, seed=3, events_per_day=12, villages=60))
    summaries = []
    for i in range(len(scenario.reports)):
        report = scenario.report(i)
        rid = node.file_report(scenario.author(i), report)
        summaries.append(summarize(report, int(rid[2:])))
    engine = Correlator()
    engine.add_many(summaries)
    expected = engine.labels()
    got = {r["entry_index"]: r["incident_id"] for r in node.reports()}
    assert got == expected
    assert len(set(got.values())) < len(got)
    ids = sorted(set(got.values()), key=lambda x: int(x[2:]))
    merge(node, ids[:2], "monitors")
    first = next(r["id"] for r in node.reports() if r["incident_id"] == ids[2])
    members = [r["id"] for r in node.reports() if r["incident_id"] == ids[2]]
    if len(members) > 1:
        split(node, ids[2], [members[-1]], "monitors")
    respond(node, ids[3], "ru", "deny")
    assert first
    before = node.store.dump()
    node.rebuild()
    assert node.store.dump() == before


def test_listing_filters(node: Node) -> None:
    a = incident_of(node, node.file_report("osint", variant()))
    b = incident_of(
        node,
        node.file_report(
            "monitors",
            located("Saraqib", "35.862", "36.806", date="2019-04-02", sub_event_type="Patrol",
                    event_type="Strategic developments", actors=[], casualties=[],
                    sources=[{"name": "Team 2", "kind": "monitor"}]),
        ),
    )  # fmt: skip
    with node.store.engine.connect() as conn:

        def ids(**kw: Any) -> list[str]:
            return [r["id"] for r in list_incidents(conn, **kw)]

        from datetime import date

        assert ids() == [a, b]
        assert ids(since=date(2019, 3, 14)) == [b]
        assert ids(until=date(2019, 3, 13)) == [a]
        assert ids(bbox=parse_bbox("36.7,35.55,36.8,35.65")) == [a]
        assert ids(grades=["confirmed"]) == [b]
        assert ids(types=["patrol"]) == [b] and ids(types=["Air/drone strike"]) == [a]
        assert ids(types=["explosions/remote violence"]) == [a]
        row = list_incidents(conn, grades=["single-source"])[0]
        assert isinstance(row["reasons"], dict) and "state" not in row
        with pytest.raises(ValidationError, match="four numbers"):
            parse_bbox("1,2,3")
        with pytest.raises(ValidationError, match="unknown grade"):
            ids(grades=["likely"])
    assert json.dumps(show(node, a))  # JSON-ready


def _signed_reports(node: Node, scenario: Any, indices: range) -> list[Any]:
    """The scenario's reports signed by their authors, chained, not yet appended."""
    from truce.ledger.entry import Entry

    heads: dict[str, tuple[int, str | None]] = {}
    entries = []
    for i in indices:
        author = scenario.author(i)
        seq, prev = heads.get(author) or node.ledger.next_position(author)
        entry = Entry.sign(
            node.signing_key(author),
            origin=node.ledger.origin,
            kind="report.filed",
            author=author,
            seq=seq,
            prev=prev,
            body=scenario.report(i).to_body(),
        )
        heads[author] = (seq + 1, entry.hash.hex())
        entries.append(entry)
    return entries


def test_a_batch_of_reports_is_placed_as_one_at_a_time(node: Node) -> None:
    # One append of many reports is projected as one batch: candidates read at once, rows
    # written together, reports joining incidents that the same batch started.
    scenario = generate(ScenarioConfig(events=60, seed=5, events_per_day=12, villages=50))
    first = node.ledger.size
    node.append_signed(_signed_reports(node, scenario, range(len(scenario.reports))))
    engine = Correlator()
    engine.add_many(
        [summarize(scenario.report(i), first + i) for i in range(len(scenario.reports))]
    )
    got = {r["entry_index"]: r["incident_id"] for r in node.reports()}
    assert got == engine.labels()
    assert len(set(got.values())) < len(got) / 1.5  # many joined, within the batch


def test_reports_after_a_merge_in_the_same_batch_see_the_merge(node: Node) -> None:
    scenario = generate(ScenarioConfig(events=40, seed=9, events_per_day=10, villages=40))
    n = len(scenario.reports)
    node.append_signed(_signed_reports(node, scenario, range(0, n, 2)))  # one of each pair
    ids = sorted({r["incident_id"] for r in node.reports()}, key=lambda x: int(x[2:]))
    merge(node, ids[:3], "monitors")
    merged_at = node.ledger.size - 1
    node.append_signed(_signed_reports(node, scenario, range(1, n, 2)))  # and the other
    live = node.store.dump()
    # Rebuilding applies all of it as one batch: the merge sits between the two runs of reports.
    node.rebuild()
    assert node.store.dump() == live
    later = [r for r in live["reports"] if r["entry_index"] > merged_at]
    assert any(r["incident_id"] == ids[0] for r in later)  # joined the merged incident


def test_merging_paris_and_saraqib_never_lands_in_italy(node: Node) -> None:
    """Merging by evidence, not arithmetic (issue 22): the merged place is the most precise
    consistent report's, and the two reports are flagged as disagreeing, never averaged."""
    saraqib = node.file_report("tr", located("Saraqib", "35.86110", "36.80611"))  # ±1 km
    paris = variant(
        locations=[{"place": "Saraqib", "point": {"lat": "48.85", "lon": "2.35", "error_m": 3000}}],
        date="2019-03-13",
    )
    far = node.file_report("ru", paris)
    a, b = incident_of(node, saraqib), incident_of(node, far)
    assert a != b
    merge(node, [b, a], "monitors", text="the same strike, one of them mislocated")
    shown = show(node, a)
    # Saraqib's point (the smaller error radius), not a point between Paris and Idlib.
    assert (round(shown["lat"], 5), round(shown["lon"], 5)) == (35.8611, 36.80611)
    assert shown["error_km"] <= 1.0
    place = {f["field"]: f for f in shown["disagreement"]}["place"]
    assert place["agree"] is False
    assert f"{saraqib} and {far} are 3," in place["note"]
    assert "beyond their error radii" in place["note"]
    # The other way round: the more precise one wins, whichever was filed first.
    node2_far = node.file_report(
        "ru",
        variant(
            locations=[{"place": "X", "point": {"lat": "48.85", "lon": "2.35", "error_m": 100}}],
            date="2019-04-01",
        ),
    )
    near = node.file_report("tr", located("Saraqib", "35.86110", "36.80611", date="2019-04-01"))
    c, d = incident_of(node, node2_far), incident_of(node, near)
    merge(node, [c, d], "monitors")
    shown = show(node, c)
    assert (round(shown["lat"], 2), round(shown["lon"], 2)) == (48.85, 2.35)
    node.rebuild()  # the same from the log
    assert (round(show(node, c)["lat"], 2), round(show(node, c)["lon"], 2)) == (48.85, 2.35)
    assert (round(show(node, a)["lat"], 5), round(show(node, a)["lon"], 5)) == (35.8611, 36.80611)

"""The disagreement view: each field across the reports, where they differ, and disputes."""

from __future__ import annotations

from typing import Any

from truce.assess.disagreement import disagreement
from truce.assess.grade import Member, Reply
from truce.model import Report, ResponseKind


def member(rid: str, **kw: Any) -> Member:
    body: dict[str, Any] = {
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "date": "2019-03-12",
        "locations": [{"place": "Morek", "point": {"lat": "35.376", "lon": "36.69"}}],
        "actors": [{"name": "Hay'at Tahrir al-Sham", "role": "perpetrator"}],
        "casualties": [{"category": "civilians", "kind": "killed", "low": 2, "best": 3, "high": 4}],
        "sources": [{"name": rid, "kind": "outlet"}],
    }
    body.update(kw)
    return Member(rid, "osint", "ingest", Report.model_validate(body))


def by_field(view: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f["field"]: f for f in view}


def test_reports_that_agree_agree_everywhere() -> None:
    view = by_field(disagreement([member("R-1"), member("R-2")], []))
    assert list(view) == ["date", "place", "event_type", "perpetrator", "target", "casualties"]
    assert all(f["agree"] for f in view.values())
    assert view["date"]["values"] == [{"value": "2019-03-12", "reports": ["R-1", "R-2"]}]


def test_spellings_agree_but_are_listed_and_other_fields_disagree() -> None:
    a = member("R-1")
    b = member(
        "R-2",
        date="2019-03-13",
        locations=[{"place": "Murak"}],
        sub_event_type="Air/drone strike",
        actors=[{"name": "Military Forces of Syria", "role": "perpetrator"}],
        casualties=[{"category": "civilians", "kind": "killed", "low": 5, "best": 6, "high": 9}],
    )
    view = by_field(disagreement([a, b], []))
    assert (
        view["place"]["agree"] and view["place"]["note"] == "spellings of one place: Morek, Murak"
    )
    assert not view["date"]["agree"]
    assert [v["value"] for v in view["date"]["values"]] == ["2019-03-12", "2019-03-13"]
    assert not view["event_type"]["agree"]
    assert not view["perpetrator"]["agree"]
    c = view["casualties"]
    assert not c["agree"]
    (r,) = c["ranges"]
    assert (r["low"], r["high"], r["conservative"]) == (2, 9, 3)
    assert "civilians killed 2–9 (conservative 3)" in c["note"]


def test_a_week_interval_containing_the_day_agrees() -> None:
    week = {"start": "2019-03-10", "end": "2019-03-16", "precision": 2}
    view = by_field(disagreement([member("R-1"), member("R-2", date=week)], []))
    assert view["date"]["agree"]
    assert "2019-03-10/2019-03-16 (week)" in [v["value"] for v in view["date"]["values"]]


def test_a_dispute_adds_the_partys_value_and_marks_the_field() -> None:
    dispute = Reply(
        "S-5", "tr", ResponseKind.DISPUTE, "casualties.civilians.killed", "7", "hospital list",
        ("ab" * 32,),
    )  # fmt: skip
    view = by_field(disagreement([member("R-1"), member("R-2")], [dispute]))
    c = view["casualties"]
    assert not c["agree"]
    assert c["disputes"] == [
        {
            "response": "S-5",
            "party": "tr",
            "field": "casualties.civilians.killed",
            "value": "7",
            "text": "hospital list",
            "evidence": ["ab" * 32],
        }
    ]
    assert view["date"]["disputes"] == [] and view["date"]["agree"]


def test_a_denial_names_who_denies_not_who_did_it() -> None:
    denial = member("R-2", modality="denied")
    view = by_field(disagreement([member("R-1"), denial], []))
    values = [v["value"] for v in view["perpetrator"]["values"]]
    assert values == ["Hay'at Tahrir al-Sham", "Hay'at Tahrir al-Sham (denied)"]


def test_a_region_is_not_another_place() -> None:
    region = [{"place": "southern Idlib countryside", "precision": 3}]
    view = by_field(disagreement([member("R-1"), member("R-2", locations=region)], []))
    assert view["place"]["agree"]
    assert view["place"]["note"] == "R-2 gives only a region: southern Idlib countryside"

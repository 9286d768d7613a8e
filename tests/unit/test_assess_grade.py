"""Grades by hand: each occurrence grade, each transition, attribution, Airwars, Admiralty."""

from __future__ import annotations

from typing import Any

from truce.assess.grade import Member, PartyInfo, Reply, casualty_ranges, grade
from truce.model import OccurrenceGrade, Report, ResponseKind
from truce.model.vocab import AirwarsGrade

PARTIES = {
    "ru": PartyInfo("ru", "Russian Federation", "party"),
    "tr": PartyInfo("tr", "Republic of Türkiye", "party"),
    "monitors": PartyInfo("monitors", "Joint center monitors", "monitor"),
    "osint": PartyInfo("osint", "Open sources", "ingest"),
}
RUSSIA = {"name": "Military Forces of Russia", "role": "perpetrator", "country": "Russia"}
HTS = {"name": "Hay'at Tahrir al-Sham", "role": "perpetrator"}


def source(name: str, originator: str | None = None, **kw: Any) -> dict[str, Any]:
    out = {"name": name, "kind": kw.pop("kind", "outlet"), "reliability": "C", "credibility": 3}
    if originator:
        out["originator"] = originator
    out.update(kw)
    return out


def member(rid: str, *sources: dict[str, Any], author: str = "osint", **kw: Any) -> Member:
    body: dict[str, Any] = {
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "date": "2019-03-13",
        "locations": [{"place": "Jarjanaz"}],
        "actors": [RUSSIA],
        "sources": list(sources),
    }
    body.update(kw)
    return Member(rid, author, PARTIES[author].kind, Report.model_validate(body))


def reply(sid: str, author: str, kind: str, **kw: Any) -> Reply:
    return Reply(sid, author, ResponseKind(kind), **kw)


TWO_OUTLETS_ONE_MINISTRY = [
    member("R-1", source("Anadolu Agency", "Turkish Ministry of National Defence")),
    member("R-2", source("TRT World", "Turkish Ministry of National Defence")),
]
TWO_ORIGINATORS = [
    member("R-1", source("Anadolu Agency", "Turkish Ministry of National Defence")),
    member("R-2", source("Syria Civil Defence", kind="ngo")),
]


def test_two_outlets_citing_one_ministry_stay_single_source() -> None:
    g = grade(TWO_OUTLETS_ONE_MINISTRY, [], PARTIES)
    assert g.occurrence == OccurrenceGrade.SINGLE_SOURCE
    assert g.originators == ["Turkish Ministry of National Defence"]
    text = " ".join(g.occurrence_reasons)
    assert "Anadolu Agency, TRT World relay Turkish Ministry of National Defence" in text
    assert g.airwars == AirwarsGrade.WEAK
    assert g.admiralty == "C3"


def test_two_independent_originators_corroborate() -> None:
    g = grade(TWO_ORIGINATORS, [], PARTIES)
    assert g.occurrence == OccurrenceGrade.CORROBORATED
    assert "2 independent originators" in g.occurrence_reasons[0]
    assert g.airwars == AirwarsGrade.FAIR
    assert g.admiralty == "C1"  # confirmed by other sources


def test_a_denial_turns_corroborated_into_contested() -> None:
    g = grade(TWO_ORIGINATORS, [reply("S-9", "ru", "deny", text="no sorties that day")], PARTIES)
    assert g.occurrence == OccurrenceGrade.CONTESTED
    assert "denied by Russian Federation (ru) (S-9)" in g.occurrence_reasons
    assert g.attribution["state"] == "denied" and g.attribution["contested"]
    assert g.airwars == AirwarsGrade.CONTESTED
    assert g.admiralty == "C1"  # still two independent sources: a denial does not undo that


def test_an_acknowledgement_by_the_party_held_responsible_confirms() -> None:
    g = grade(TWO_OUTLETS_ONE_MINISTRY, [reply("S-9", "ru", "acknowledge")], PARTIES)
    assert g.occurrence == OccurrenceGrade.CONFIRMED
    assert "the party held responsible" in g.occurrence_reasons[0]
    assert g.attribution["state"] == "acknowledged"
    assert g.airwars == AirwarsGrade.CONFIRMED
    assert g.admiralty == "C1"


def test_an_acknowledgement_by_another_party_only_corroborates() -> None:
    g = grade(TWO_OUTLETS_ONE_MINISTRY, [reply("S-9", "tr", "acknowledge")], PARTIES)
    assert g.occurrence == OccurrenceGrade.CORROBORATED
    assert g.attribution["state"] == "no response"
    assert any("acknowledging it (S-9)" in o for o in g.originators)


def test_the_monitors_observation_confirms_and_outlasts_a_denial() -> None:
    seen = member("R-3", source("Center monitoring team 2", kind="monitor"), author="monitors")
    g = grade([*TWO_OUTLETS_ONE_MINISTRY, seen], [reply("S-9", "ru", "deny")], PARTIES)
    assert g.occurrence == OccurrenceGrade.CONFIRMED
    assert g.occurrence_reasons[0] == "observed by the center's monitors (R-3)"
    assert any("but the confirmation stands" in r for r in g.occurrence_reasons)
    assert g.attribution["state"] == "denied"  # attribution is graded apart


def test_a_monitor_source_filed_by_someone_else_does_not_confirm() -> None:
    relayed = member("R-3", source("Center monitoring team 2", kind="monitor"), author="osint")
    g = grade([relayed], [], PARTIES)
    assert g.occurrence == OccurrenceGrade.SINGLE_SOURCE


def test_the_monitors_finding_nothing_discounts() -> None:
    checked = member(
        "R-3", source("Center monitoring team 2", kind="monitor"), author="monitors",
        modality="denied",
    )  # fmt: skip
    g = grade([*TWO_ORIGINATORS, checked], [], PARTIES)
    assert g.occurrence == OccurrenceGrade.DISCOUNTED
    assert g.airwars == AirwarsGrade.DISCOUNTED


def test_only_doubtful_information_is_discounted() -> None:
    doubtful = [
        member("R-1", source("A", credibility=4)),
        member("R-2", source("B", credibility=5)),
    ]
    g = grade(doubtful, [], PARTIES)
    assert g.occurrence == OccurrenceGrade.DISCOUNTED
    assert "doubtful or improbable" in g.occurrence_reasons[0]


def test_unreliable_sources_do_not_corroborate() -> None:
    members = [member("R-1", source("A")), member("R-2", source("Rumour mill", reliability="E"))]
    g = grade(members, [], PARTIES)
    assert g.occurrence == OccurrenceGrade.SINGLE_SOURCE
    assert any("not counted (unreliable or improbable): Rumour mill (E3)" in r
               for r in g.occurrence_reasons)  # fmt: skip


def test_a_denial_of_the_perpetrator_only_leaves_occurrence_alone() -> None:
    r = reply("S-9", "ru", "deny", field="perpetrator")
    g = grade(TWO_ORIGINATORS, [r], PARTIES)
    assert g.occurrence == OccurrenceGrade.CORROBORATED
    assert g.attribution["state"] == "denied"
    assert g.airwars == AirwarsGrade.CONTESTED


def test_under_investigation_and_disputes_are_recorded() -> None:
    g = grade(TWO_ORIGINATORS, [reply("S-9", "ru", "under_investigation")], PARTIES)
    assert g.occurrence == OccurrenceGrade.CORROBORATED
    assert g.attribution["state"] == "under investigation"
    assert any("under investigation by Russian Federation" in r for r in g.occurrence_reasons)
    g = grade(
        TWO_ORIGINATORS,
        [reply("S-9", "ru", "dispute", field="perpetrator", value="Hay'at Tahrir al-Sham")],
        PARTIES,
    )
    assert g.attribution["state"] == "disputed"
    assert g.airwars == AirwarsGrade.CONTESTED


def test_competing_claims_of_responsibility_are_contested() -> None:
    members = [
        member("R-1", source("Anadolu Agency", "Turkish MoD")),
        member("R-2", source("Syria Civil Defence", kind="ngo")),
        member("R-3", source("TASS", "Russian MoD"), actors=[HTS]),
    ]
    g = grade(members, [], PARTIES)
    a = g.attribution
    assert a["responsible"] == "Military Forces of Russia" and a["party"] == "ru"
    assert [c["actor"] for c in a["claims"]] == [
        "Military Forces of Russia",
        "Hay'at Tahrir al-Sham",
    ]
    assert a["claims"][0]["reports"] == ["R-1", "R-2"]
    assert a["contested"] and g.airwars == AirwarsGrade.CONTESTED
    assert "competing claim: Hay'at Tahrir al-Sham named by R-3" in a["reasons"]


def test_no_response_and_not_a_party() -> None:
    g = grade(TWO_ORIGINATORS, [], PARTIES)
    assert g.attribution["state"] == "no response"
    assert "no response from Russian Federation (ru)" in g.attribution["reasons"]
    hts = [member("R-1", source("A"), actors=[HTS])]
    g = grade(hts, [], PARTIES)
    assert g.attribution["state"] == "not a party" and g.attribution["party"] is None


def test_harm_only_to_combatants_is_discounted_by_airwars() -> None:
    killed = [{"category": "combatants", "kind": "killed", "low": 4, "best": 5, "high": 6}]
    members = [m for m in TWO_ORIGINATORS]
    members[0] = member("R-1", source("A"), casualties=killed)
    g = grade(members, [], PARTIES)
    assert g.occurrence == OccurrenceGrade.CORROBORATED
    assert g.airwars == AirwarsGrade.DISCOUNTED
    assert g.airwars_reasons == ["those harmed were combatants"]


def test_casualties_are_a_range_with_the_conservative_figure() -> None:
    def killed(low: int, best: int | None, high: int | None) -> list[dict[str, Any]]:
        return [{"category": "civilians", "kind": "killed", "low": low, "best": best, "high": high}]

    members = [
        member("R-1", source("A"), casualties=killed(3, 4, 6)),
        member("R-2", source("B"), casualties=killed(5, 7, None)),
        member("R-3", source("C")),  # no figure: not zero
    ]
    (c,) = casualty_ranges(members)
    assert (c.low, c.high, c.conservative, c.open_ended) == (3, 7, 4, True)
    assert [f[0] for f in c.figures] == ["R-1", "R-2"]
    assert grade(members, [], PARTIES).killed() == (3, 7, 4)


def test_planned_reports_do_not_say_it_happened() -> None:
    planned = [member("R-1", source("A"), modality="planned")]
    g = grade(planned, [], PARTIES)
    assert g.occurrence == OccurrenceGrade.SINGLE_SOURCE
    assert g.occurrence_reasons[0] == "no credible source says it happened"
    assert g.attribution["responsible"] is None


def test_a_denial_report_contests_and_names_who_denies() -> None:
    syria = [{"name": "Military Forces of Syria", "role": "perpetrator"}]
    denial = member("R-2", source("SANA", "Syrian army"), modality="denied", actors=syria)
    claim = member("R-1", source("Enab Baladi"), actors=syria)
    g = grade([claim, denial], [], PARTIES)
    assert g.occurrence == OccurrenceGrade.CONTESTED
    assert "R-2 says it did not happen" in g.occurrence_reasons
    assert g.attribution["state"] == "denied"
    assert "R-2 reports that Military Forces of Syria denies it" in g.attribution["reasons"]

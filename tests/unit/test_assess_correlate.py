"""Correlation by hand: what joins, what stays apart, and why; the index changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from truce.assess.correlate import THRESHOLD, IncidentState, choose, score
from truce.assess.engine import Correlator
from truce.assess.scenario import ScenarioConfig, generate
from truce.assess.summary import Summary, make_summary

MOREK = (35.37615, 36.6897)
KAFR_ZITA = (35.3750, 36.6010)  # ~8 km west of Morek
LATAMNEH = (35.318, 36.622)


def s(index: int, **kw: Any) -> Summary:
    """A report summary: shelling of Morek on day 100, unless told otherwise."""
    values: dict[str, Any] = {
        "family": "remote",
        "sub": "Shelling/artillery/missile attack",
        "d0": 100,
        "d1": 100,
        "point": MOREK,
        "error_m": 1000,
        "precision": 1,
        "places": ("Morek",),
        "areas": ("Hama",),
        "perps": (),
        "targets": (),
        "docs": (),
    }
    values.update(kw)
    point = values.pop("point")
    return make_summary(
        index,
        values["family"],
        values["sub"],
        values["d0"],
        values["d1"],
        point[0] if point else None,
        point[1] if point else None,
        values["error_m"],
        values["precision"],
        values["places"],
        values["areas"],
        values["perps"],
        values["targets"],
        docs=values["docs"],
    )


def place(*summaries: Summary) -> list[str]:
    c = Correlator()
    c.add_many(summaries)
    labels = c.labels()
    return [labels[x.index] for x in summaries]


def test_one_event_in_several_spellings_and_tolls_is_one_incident() -> None:
    labels = place(
        s(1, places=("Morek",), perps=("Hay'at Tahrir al-Sham",)),
        s(2, places=("Murak",), point=(35.3801, 36.6950), error_m=2000),
        s(3, places=("Mourek",), point=None, sub="Air/drone strike"),
        s(4, places=(), point=(35.3700, 36.6850), error_m=1500),
    )
    assert labels == ["I-1"] * 4


def test_same_day_events_in_different_villages_stay_apart() -> None:
    labels = place(
        s(1),
        s(2, places=("Kafr Zita",), point=KAFR_ZITA),
        s(3, places=("Latamneh",), point=LATAMNEH),
        s(4, places=("Kafr Zeita",), point=None),
    )
    assert labels == ["I-1", "I-2", "I-3", "I-2"]


def test_neighbouring_village_named_differently_is_another_place_even_when_near() -> None:
    near = (35.3900, 36.7050)  # 2 km from Morek, within the points' uncertainty
    assert place(s(1), s(2, places=("Tell Abu Shahin",), point=near)) == ["I-1", "I-2"]
    # Without names, the same two points are one place.
    assert place(s(1, places=()), s(2, places=(), point=near)) == ["I-1", "I-1"]


def test_different_event_families_at_one_place_stay_apart() -> None:
    labels = place(s(1), s(2, family="protest", sub="Peaceful protest"), s(3))
    assert labels == ["I-1", "I-2", "I-1"]


def test_a_report_one_day_off_joins_but_the_next_days_event_does_not() -> None:
    labels = place(s(1), s(2), s(3, d0=101, d1=101), s(4, d0=101, d1=101), s(5, d0=101, d1=101))
    # R-3 may be R-1's event dated a day late; a second report of day 101, against a day that
    # two reports agree on, is the next day's event; R-5 joins it.
    assert labels == ["I-1", "I-1", "I-1", "I-4", "I-4"]


def test_two_days_apart_is_two_events() -> None:
    assert place(s(1), s(2, d0=102, d1=102)) == ["I-1", "I-2"]


def test_a_week_interval_joins_the_day_inside_it() -> None:
    assert place(s(1), s(2, d0=97, d1=103)) == ["I-1", "I-1"]


def test_too_imprecise_a_date_is_not_correlated() -> None:
    c = Correlator()
    c.add(s(1))
    _, decision = c.add(s(2, d0=0, d1=200))
    assert decision.incident is None
    assert "too imprecise" in decision.reason


def test_far_points_are_two_places_even_with_one_name() -> None:
    far = (35.60, 36.70)  # 25 km north
    assert place(s(1), s(2, point=far)) == ["I-1", "I-2"]


def test_a_vague_report_joins_only_the_one_incident_in_its_area() -> None:
    vague: dict[str, Any] = {"point": None, "places": (), "areas": ("Hama",), "perps": ("SAA",)}
    assert place(s(1, perps=("SAA",)), s(2, **vague)) == ["I-1", "I-1"]
    # Same day, type and area only is not enough: the area is large.
    assert place(s(1), s(2, **{**vague, "perps": ()})) == ["I-1", "I-2"]
    c = Correlator()
    c.add_many([s(1, perps=("SAA",)), s(2, places=("Kafr Zita",), point=KAFR_ZITA, perps=("SAA",))])
    _, decision = c.add(s(3, **vague))
    assert decision.incident is None and decision.candidates == 2
    assert "2 incidents qualify" in decision.reason
    # Another admin area: not the same event.
    assert place(s(1), s(2, point=None, places=(), areas=("Idlib",))) == ["I-1", "I-2"]


def test_no_locational_evidence_no_join() -> None:
    # One has only a point, the other only a name: nothing says they are one place.
    assert place(s(1, places=()), s(2, point=None)) == ["I-1", "I-2"]


def test_score_explains_itself_and_ties_go_to_the_oldest() -> None:
    a = IncidentState("I-1", s(1))
    b = IncidentState("I-2", s(2))
    report = s(3, perps=("HTS",))
    assert score(report, a) == score(report, b)
    decision = choose(report, [b, a])
    assert decision.incident is a
    assert decision.score >= THRESHOLD
    assert "same place" in decision.reason and "km apart" in decision.reason


def test_state_round_trips_through_json() -> None:
    c = IncidentState("I-1", s(1, perps=("A",)))
    c.absorb(s(2, places=("Murak",), point=(35.38, 36.69), d0=101, d1=101))
    import json

    back = IncidentState.from_json("I-1", 1, json.loads(json.dumps(c.to_json())))
    for name in ("lat", "lon", "r", "d0", "d1", "days", "places", "areas", "perps", "n"):
        assert getattr(back, name) == getattr(c, name), name
    report = s(3)
    assert score(report, back) == score(report, c)


def test_merge_and_split_in_the_engine() -> None:
    c = Correlator()
    c.add_many([s(1), s(2, places=("Kafr Zita",), point=KAFR_ZITA), s(3)])
    assert c.labels() == {1: "I-1", 2: "I-2", 3: "I-1"}
    assert c.merge(["I-2", "I-1"]) == "I-1"
    assert set(c.labels().values()) == {"I-1"}
    c.split("I-1", [2], "I-9")
    assert c.labels() == {1: "I-1", 2: "I-9", 3: "I-1"}
    # A new report of Kafr Zita joins the split-off incident, one of Morek the old one.
    c.add(s(4, places=("Kafr Zeita",), point=KAFR_ZITA))
    c.add(s(5))
    assert c.labels()[4] == "I-9" and c.labels()[5] == "I-1"


class BruteForce(Correlator):
    """Every live incident is a candidate: what the index must not change."""

    def _candidates(self, s: Summary) -> list[IncidentState]:
        return [c for c in self.incidents if c is not None]


@pytest.mark.parametrize("seed", [0, 1])
def test_the_index_finds_every_incident_the_score_accepts(seed: int) -> None:
    scenario = generate(ScenarioConfig(events=250, seed=seed, events_per_day=20, villages=120))
    summaries = scenario.summaries()
    fast, slow = Correlator(), BruteForce()
    assert fast.add_many(summaries) == slow.add_many(summaries)
    assert len(fast) < len(summaries)  # something was correlated


def test_an_admin_area_report_is_compatible_with_places_inside_it_and_is_refined() -> None:
    # A district-level report (P-code SY0503) of a strike, then the village inside it.
    area = s(1, point=None, places=(), areas=("SY0503", "Hama"), perps=("SAA",), targets=("C",))
    town = s(2, areas=("SY050300", "Hama"), perps=("SAA",), targets=("C",), d0=100, d1=100)
    elsewhere = s(3, areas=("SY050100", "Hama"), perps=("SAA",), targets=("C",))
    c = Correlator()
    c.add(area)
    _, joined = c.add(town)
    assert joined.incident is not None and joined.incident.id == "I-1"
    state = c.incidents[0]
    assert state is not None and not state.area_only and state.place_from == 2
    # Outside the district: not the same event, whatever else agrees.
    assert (
        score(s(4, point=None, places=(), areas=("SY0503",)), IncidentState("I-3", elsewhere))
        is None
    )


def test_a_documents_area_only_claim_never_joins_its_own_precise_claim() -> None:
    precise = s(1, areas=("SY050300",), perps=("SAA",), targets=("C",), docs=("d1",))
    vague = s(2, point=None, places=(), areas=("SY0503",), perps=("SAA",), targets=("C",))
    assert score(vague, IncidentState("I-1", precise)) is not None
    same_doc = s(
        3, point=None, places=(), areas=("SY0503",), perps=("SAA",), targets=("C",), docs=("d1",)
    )
    assert score(same_doc, IncidentState("I-1", precise)) is None

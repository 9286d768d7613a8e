"""The generator's ground truth against the engine: pairwise precision, recall and F1."""

from __future__ import annotations

import statistics

import pytest

from truce.assess.engine import Correlator
from truce.assess.scenario import ScenarioConfig, generate, pairwise


def test_pairwise_scores_by_hand() -> None:
    truth = ["a", "a", "a", "b", "b", "c"]
    perfect = pairwise(truth, [1, 1, 1, 2, 2, 3])
    assert (perfect.precision, perfect.recall, perfect.f1) == (1.0, 1.0, 1.0)
    lumped = pairwise(truth, [0] * 6)  # 15 pairs predicted, 4 true
    assert lumped.predicted_pairs == 15 and lumped.correct_pairs == 4
    assert lumped.precision == pytest.approx(4 / 15) and lumped.recall == 1.0
    split = pairwise(truth, [1, 1, 9, 2, 8, 3])  # keeps 1 of 4 true pairs
    assert split.precision == 1.0 and split.recall == pytest.approx(0.25)
    with pytest.raises(ValueError, match="6 truth labels but 2"):
        pairwise(truth, [1, 2])


def test_the_generator_is_deterministic_and_hard() -> None:
    a, b = generate(), generate()
    assert a.reports == b.reports
    assert a.reports != generate(ScenarioConfig(seed=1)).reports
    events = {r.event for r in a.reports}
    assert len(events) == 800 and len(a.reports) > 1500
    places = {r.place for r in a.reports if r.place}
    assert len(places) > 400  # spelling variants, not just 250 village names
    # Decoys: same-day events of one family in neighbouring villages, other types in one place.
    by_day: dict[tuple[int, str], set[int]] = {}
    for r in a.reports:
        by_day.setdefault((r.start, r.sub), set()).add(r.event)
    assert sum(len(e) > 1 for e in by_day.values()) > 100


def test_default_scenario_pairwise_f1_is_at_least_095() -> None:
    scenario = generate()
    labels = Correlator().add_many(scenario.summaries())
    scores = pairwise(scenario.truth, labels)
    assert scores.f1 >= 0.95, str(scores)
    assert scores.precision >= 0.95 and scores.recall >= 0.93, str(scores)


def test_f1_holds_across_seeds() -> None:
    f1s = []
    for seed in range(1, 5):
        scenario = generate(ScenarioConfig(seed=seed))
        f1s.append(pairwise(scenario.truth, Correlator().add_many(scenario.summaries())).f1)
    assert statistics.mean(f1s) >= 0.95, f1s
    assert min(f1s) >= 0.94, f1s


def test_the_scenario_becomes_valid_reports() -> None:
    scenario = generate(ScenarioConfig(events=20))
    reports = [scenario.report(i) for i in range(len(scenario.reports))]
    assert all(r.sources and r.locations for r in reports)
    assert {scenario.author(i) for i in range(len(reports))} <= {"ru", "tr", "monitors", "osint"}

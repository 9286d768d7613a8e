"""ACLED's event_id_cnty form and source_scale vocabulary (truce.report.acled_fields)."""

from __future__ import annotations

from typing import Any

import pytest

from truce.model import Report
from truce.report.acled_fields import SCALES, acled_event_id, check_source_scale, source_scale


def report(sources: list[dict[str, str]], tags: list[str] | None = None) -> Report:
    data: dict[str, Any] = {
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "date": {"start": "2020-05-09", "end": "2020-05-09"},
        "locations": [{"place": "Saraqib", "point": {"lat": "35.862", "lon": "36.806"}}],
        "sources": sources,
        "tags": tags or [],
    }
    return Report.model_validate(data)


def test_event_ids_are_acleds_form_distinct_and_stable() -> None:
    assert acled_event_id("I-8") == "SYR10000008"
    assert acled_event_id("R-9") == "SYR20000009"
    assert acled_event_id("I-12345678") == "SYR112345678"
    ids = {acled_event_id(f"{k}-{n}") for k in "IR" for n in (*range(1, 2000), 10**7, 10**8)}
    assert len(ids) == 2 * 2001  # incidents and reports never share a number
    with pytest.raises(ValueError, match="not a truce incident"):
        acled_event_id("X-1")


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        ([("Local coordination committee", "witness")], "Local partner"),
        ([("A channel", "social_media")], "New media"),
        ([("A ministry", "official"), ("Reuters", "outlet")], "National-International"),
        ([("A channel", "social_media"), ("Al Arabiya", "outlet")], "New media-Regional"),
        ([("Unknown paper", "outlet")], "National"),  # reach unknown: the fallback
        (
            [("Monitors", "monitor"), ("A ministry", "party"), ("AFP", "outlet")],
            "Local partner-International",  # three scales: the lowest and the highest
        ),
    ],
)
def test_source_scale_from_kinds_and_known_outlets(
    sources: list[tuple[str, str]], expected: str
) -> None:
    r = report([{"name": n, "kind": k} for n, k in sources])
    assert source_scale(r) == expected


def test_an_acled_coded_scale_is_combined_with_the_other_sources() -> None:
    tags = ["acled:source_scale=Subnational", "acled:source_scale=New media-National"]
    r = report([{"name": "Unknown paper", "kind": "outlet"}], tags)
    assert source_scale(r) == "New media-National"
    old_form = report([{"name": "x", "kind": "outlet"}], ["acled:source_scale=Local"])
    assert source_scale(old_form) == "Local partner"


def test_check_source_scale() -> None:
    for name in SCALES:
        assert check_source_scale(name) is None
    assert check_source_scale("") is None
    assert check_source_scale("national-international") is None
    assert check_source_scale("Other-New media") is None
    problem = check_source_scale("Global")
    assert problem and "'Global'" in problem and "National-International" in problem

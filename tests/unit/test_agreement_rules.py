"""Agreement YAML: parsed into clauses; every error names the line that causes it."""

from __future__ import annotations

from datetime import date

import pytest

from truce.agreement.rules import parse_agreement
from truce.errors import ValidationError
from truce.model.agreement import Relation

GOOD = """\
agreement:
  id: test
  title: Test agreement
  signed: 2018-09-17
clauses:
  - id: no-air-dmz
    text: "No air or drone strikes inside the demilitarized zone."
    when:
      sub_event_type: [Air/drone strike]
    unless:
      modality: planned
    where:
      inside: {zone_kind: demilitarized_zone}
    start: 2018-10-15
  - id: no-attack-near-sites
    text: "No attack within 500 m of a protected site."
    when: {family: [remote, battle, civilians]}
    where:
      within: {metres: 500, site_kind: protected}
  - id: heavy
    text: "No heavy weapons in the zone."
    when:
      - sub_event_type: [Shelling/artillery/missile attack]
      - tag: heavy-weapons
    where:
      - inside: dmz-1
      - within: {km: 1.5, zone_kind: security_corridor}
"""


def parse(text: str) -> object:
    return parse_agreement(text, "a.yaml", zones={"dmz-1"}, sites={"h1"})


def test_good_file_parses_into_clauses() -> None:
    agreement = parse_agreement(GOOD, "a.yaml", zones={"dmz-1"})
    assert agreement.id == "test" and agreement.signed == date(2018, 9, 17)
    first, second, third = agreement.clauses
    assert first.when == [{"sub_event_type": ["Air/drone strike"]}]
    assert first.unless == [{"modality": ["planned"]}]
    assert first.where[0].relation == Relation.INSIDE and first.start == date(2018, 10, 15)
    assert second.where[0].metres == 500 and "hospital" in second.where[0].site_kind_values()
    assert "observation_post" not in second.where[0].site_kind_values()
    assert len(third.when) == 2 and third.when[1] == {"tag": ["heavy-weapons"]}
    assert third.where[0].zones == ["dmz-1"] and third.where[1].metres == 1500
    assert agreement.text_sha256 is not None and len(agreement.text_sha256) == 64


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("inside: dmz-1", "inside: dmz-2", 26, "unknown zone 'dmz-2'"),
        ("when: {family:", "when: {famly:", 17, "unknown incident field 'famly'"),
        ("family: [remote, battle", "family: [remote, battel", 17, "family 'battel'"),
        ("metres: 500", "metres: -5", 19, "not a positive number"),
        ("zone_kind: demilitarized_zone}", "zone_kind: dmzz}", 13, "zone_kinds"),
        ("site_kind: protected", "site_kind: hospitol", 19, "hospitol"),
        ("- id: heavy", "- id: no-air-dmz", 20, "already used on line 6"),
        ("    start: 2018-10-15", "    start: someday", 14, "not a date"),
        ("    start: 2018-10-15", "    colour: red", 14, "unknown key 'colour'"),
        ("inside: {zone_kind: demilitarized_zone}", "inside: {site_kind: school}", 13, "zones"),
        ("within: {km: 1.5,", "within: {", 27, "needs one distance"),
        ("  signed: 2018-09-17", "  signed: 2018-09-17\n  signed: 2018-09-18", 5, "twice"),
    ],
)
def test_errors_point_at_the_line(old: str, new: str, line: int, words: str) -> None:
    assert old in GOOD
    with pytest.raises(ValidationError) as err:
        parse(GOOD.replace(old, new, 1))
    assert f"a.yaml line {line}:" in err.value.message
    assert words in err.value.message


def test_yaml_syntax_error_names_a_line() -> None:
    with pytest.raises(ValidationError, match=r"a\.yaml line \d+: not YAML"):
        parse(GOOD.replace("title: Test agreement", "title: [Test"))


def test_clause_without_when_or_where_is_refused() -> None:
    text = "agreement: {id: x, title: t}\nclauses:\n  - id: c\n    text: everything\n"
    with pytest.raises(ValidationError, match=r"line 3: .*needs a 'when' or a 'where'"):
        parse(text)


def test_zone_ids_are_not_checked_when_not_given() -> None:
    agreement = parse_agreement(GOOD.replace("dmz-1", "future-zone"), "a.yaml")
    assert agreement.clauses[2].where[0].zones == ["future-zone"]

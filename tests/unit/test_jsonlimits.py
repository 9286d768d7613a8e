"""The one reader of JSON from outside (:func:`truce.jsonlimits.loads`) and its lenient mode."""

from __future__ import annotations

import pytest

from truce.errors import ValidationError
from truce.intake import loads_json
from truce.jsonlimits import MAX_DEPTH, loads


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1, "a": 2}', "the file: duplicate object key 'a'; JSON objects must not repeat"),
        ('[{"b": {"c": 1, "c": 1}}]', "the file: duplicate object key 'c'"),
        ('{"a": NaN}', "the file: not JSON: NaN is not a JSON number"),
        ("[Infinity]", "the file: not JSON: Infinity is not a JSON number"),
        ('{"a": 1', "the file: not JSON: Expecting ',' delimiter at line 1 column 8"),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), f"{MAX_DEPTH} levels"),
        (b"\xff[]", "the file: not UTF-8 at byte 0"),
    ],
)
def test_what_the_strict_reader_refuses(text: str | bytes, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        loads(text, "the file")
    assert message in caught.value.message
    assert "\n" not in caught.value.message


def test_files_read_the_same_way_naming_the_path() -> None:
    with pytest.raises(ValidationError, match=r"^zones\.geojson: duplicate object key 'type'"):
        loads_json('{"type": "FeatureCollection", "type": "Feature"}', "zones.geojson")
    assert loads_json('{"a": [1, {"b": null}]}', "f.json") == {"a": [1, {"b": None}]}


def test_lenient_mode_reads_a_sloppy_web_page_as_a_browser_does() -> None:
    assert loads('{"headline": "old", "headline": "new", "x": NaN}', lenient=True)["headline"] == (
        "new"
    )
    with pytest.raises(ValidationError, match=f"{MAX_DEPTH} levels"):
        loads("[" * 100 + "]" * 100, "JSON-LD", lenient=True)  # depth is never lenient

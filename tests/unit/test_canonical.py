import json

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from truce.errors import EntryError
from truce.ledger.canonical import canonicalize, parse_canonical

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
@settings(max_examples=200, deadline=None)
def test_round_trip_is_byte_exact(value: object) -> None:
    import unicodedata

    def is_nfc(v: object) -> bool:
        if isinstance(v, str):
            return unicodedata.is_normalized("NFC", v)
        if isinstance(v, list):
            return all(is_nfc(x) for x in v)
        if isinstance(v, dict):
            return all(is_nfc(k) and is_nfc(x) for k, x in v.items())
        return True

    if not is_nfc(value):
        with pytest.raises(EntryError, match="NFC"):
            canonicalize(value)
        return
    data = canonicalize(value)
    assert data == rfc8785.dumps(value)
    assert parse_canonical(data) == value


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'{"a":1.5}', "floating-point"),
        (b'{"a":1e3}', "floating-point"),
        (b'{"a":1,"a":2}', "duplicate object key"),
        (b'{"b":1,"a":2}', "canonical"),
        (b'{"a": 1}', "canonical"),
        (b'{"a":"e\xcc\x81"}', "NFC"),
        (b'{"a":NaN}', "not JSON"),
        (b"\xff", "UTF-8"),
        (b'{"a":', "not JSON"),
        (b'{"a":9007199254740993}', "2\\*\\*53"),
    ],
)
def test_rejects(data: bytes, problem: str) -> None:
    with pytest.raises(EntryError, match=problem):
        parse_canonical(data)


def test_rejects_floats_on_output() -> None:
    with pytest.raises(EntryError, match=r"\$\.body\.lat: floating-point"):
        canonicalize({"body": {"lat": 35.1}})


def test_key_order_is_utf16_code_units() -> None:
    # RFC 8785 sorts keys by UTF-16 code units, not by code points.
    value = {"\U0001f600": 1, "\ufb01": 2}
    assert canonicalize(value) == rfc8785.dumps(value)
    assert list(json.loads(canonicalize(value))) == ["\U0001f600", "\ufb01"]


@given(
    st.dictionaries(
        st.text(
            alphabet=st.characters(
                min_codepoint=0xD7F0, max_codepoint=0x1F6FF, exclude_categories=["Cs"]
            ),
            max_size=3,
        ),
        st.integers(0, 3),
        max_size=6,
    )
)
@settings(max_examples=200, deadline=None)
def test_key_order_matches_rfc8785_around_the_surrogate_range(value: dict) -> None:
    import unicodedata

    if all(unicodedata.is_normalized("NFC", k) for k in value):
        assert canonicalize(value) == rfc8785.dumps(value)


def test_lone_surrogates_are_rejected() -> None:
    with pytest.raises(EntryError, match="surrogate"):
        parse_canonical(b'{"a":"\\ud800"}')


any_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["09:00:00.000Z", '":1.5', ",2e3", "[3.0", "35.376"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=16,
)


def _verdict(parse, data: bytes) -> object:
    try:
        return ("ok", parse(data))
    except EntryError as exc:
        return ("error", str(exc))


@given(
    any_json,
    st.sampled_from(["rfc8785", "sorted", "unsorted", "spaced", "ascii"]),
    st.lists(st.tuples(st.integers(0, 10_000), st.binary(max_size=2)), max_size=2),
)
@settings(max_examples=400, deadline=None)
def test_fast_path_agrees_with_the_exact_checks(value: object, style: str, edits: list) -> None:
    # parse_canonical takes an orjson shortcut; on any input, canonical or not, well-formed or
    # not, it must reach the same verdict (and the same value or error) as the exact path.
    from truce.ledger.canonical import _parse_exact

    try:
        if style == "rfc8785":
            data = rfc8785.dumps(value)
        else:
            data = json.dumps(
                value,
                sort_keys=style != "unsorted",
                ensure_ascii=style == "ascii",
                separators=(", ", ": ") if style == "spaced" else (",", ":"),
            ).encode("utf-8", "surrogatepass")
    except (rfc8785.CanonicalizationError, ValueError, OverflowError):
        return
    for position, replacement in edits:  # mutated bytes: mostly invalid, sometimes not
        at = position % (len(data) + 1)
        data = data[:at] + replacement + data[at + 1 :]
    assert _verdict(parse_canonical, data) == _verdict(_parse_exact, data)


@pytest.mark.parametrize(
    "data",
    [
        b"1.5",
        b"-2e3",
        b'{"a":[1,2.5]}',
        b'{"a":[2.5]}',
        b'{"a":-0.0}',
        b'{"a":1E2}',
        b'{"t":"09:00:00.000Z","x":1.25}',
        b'{"a":9007199254740992}',
        b'{"a":18446744073709551616}',
    ],
)
def test_numbers_that_are_not_safe_integers_never_take_the_fast_path(data: bytes) -> None:
    with pytest.raises(EntryError, match=r"floating-point|2\*\*53|canonical"):
        parse_canonical(data)


def test_strings_that_look_like_floats_are_accepted() -> None:
    data = canonicalize({"a": ["x,1.5", "[2.0", 'q":3e1', "09:00:00.000Z"], "b": 3})
    assert parse_canonical(data) == json.loads(data)

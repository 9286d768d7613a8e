"""The exact bytes that are signed: RFC 8785 JSON Canonicalization Scheme (JCS).

truce is stricter than JCS on input: no floating-point numbers (coordinates travel as decimal
strings), no duplicate object keys, only Unicode NFC strings, integers within ±(2**53 - 1), and the
bytes received must already be canonical, so that what was signed is what is stored is what is
served, byte for byte. ``rfc8785`` (the Trail of Bits implementation) defines the canonical form;
the verifier's hot path checks against it with ``orjson`` and falls back to the exact, slower
checks (which name the problem) whenever anything is unusual.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import orjson
import rfc8785

from truce.errors import EntryError
from truce.jsonlimits import deeper_than, too_deep_message

__all__ = ["MAX_SAFE_INTEGER", "canonicalize", "parse_canonical"]

MAX_SAFE_INTEGER = 2**53 - 1


def _ok(value: Any) -> bool:
    """Fast check that ``value`` holds only what truce accepts (no paths built)."""
    if isinstance(value, str):
        return unicodedata.is_normalized("NFC", value)
    if isinstance(value, dict):
        return all(
            isinstance(k, str) and unicodedata.is_normalized("NFC", k) and _ok(v)
            for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return all(_ok(v) for v in value)
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        return abs(value) <= MAX_SAFE_INTEGER
    return False


def _check(value: Any, path: str) -> None:
    """Raise naming the first offending path; only walked in full when :func:`_ok` failed."""
    if _ok(value):
        return
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, float):
        raise EntryError(f"{path}: floating-point number {value!r}; use an integer or a string")
    if isinstance(value, int):
        raise EntryError(f"{path}: integer {value} is outside ±(2**53-1)")
    if isinstance(value, str):
        raise EntryError(f"{path}: string is not in Unicode NFC")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise EntryError(f"{path}: object key {key!r} is not a string")
            if not unicodedata.is_normalized("NFC", key):
                raise EntryError(f"{path}: object key {key!r} is not in Unicode NFC")
            _check(item, f"{path}.{key}")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
        return
    raise EntryError(f"{path}: {type(value).__name__} is not a JSON value")


def _keys_sort_alike(value: Any) -> bool:
    """True if sorting keys by code point gives RFC 8785's UTF-16 code-unit order.

    The two orders differ only between a character above U+FFFF (a surrogate pair in UTF-16)
    and one in U+E000..U+FFFF; keys below U+E000 (all of truce's own) sort alike.
    """
    if isinstance(value, dict):
        return all(
            (k.isascii() or max(k) < "\ue000") and _keys_sort_alike(v) for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return all(_keys_sort_alike(v) for v in value)
    return True


def canonicalize(value: Any) -> bytes:
    """Return the RFC 8785 bytes of ``value`` after truce's stricter checks.

    With no floats (rejected above), JCS is ``json.dumps`` with sorted keys, no whitespace and
    no ASCII escaping, so that (in C) is the fast path; ``rfc8785`` handles keys whose order
    would differ. The property tests compare both against ``rfc8785`` on random values.
    """
    _check(value, "$")
    try:
        if _keys_sort_alike(value):
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            return text.encode("utf-8")
        return rfc8785.dumps(value)
    except UnicodeEncodeError:
        raise EntryError("cannot canonicalize: a string holds a lone surrogate") from None
    except rfc8785.CanonicalizationError as exc:  # translate at the seam
        raise EntryError(f"cannot canonicalize: {exc}") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise EntryError(f"duplicate object key {key!r}")
        result[key] = value
    return result


def _no_float(text: str) -> Any:
    raise EntryError(f"floating-point number {text}; use an integer or a string")


def _safe_int(text: str) -> int:
    value = int(text)
    if abs(value) > MAX_SAFE_INTEGER:
        raise EntryError(f"integer {text} is outside ±(2**53-1)")
    return value


def _no_constant(text: str) -> Any:
    raise EntryError(f"{text} is not JSON")


_BEYOND_E000 = re.compile("[\ue000-\U0010ffff]")


# A number token with a fraction or exponent. In canonical JSON a number starts the text or
# follows a key's '":', a '[' or an array's ',' directly. A string can hold the same bytes (an
# escaped quote then ':', or ',1.5'); then the slow path decides, so nothing is missed. Three
# patterns, each with a literal first byte, search much faster than one with alternatives.
_FLOATISH = tuple(
    re.compile(p) for p in (rb'":-?[0-9]+[.eE]', rb",-?[0-9]+[.eE]", rb"\[-?[0-9]+[.eE]")
)
_NUMBER_START = frozenset(b"-0123456789")


def _may_hold_float(data: bytes) -> bool:
    return data[0] in _NUMBER_START or any(p.search(data) is not None for p in _FLOATISH)


_ORJSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_STRICT_INTEGER


def parse_canonical(data: bytes) -> Any:
    """Parse bytes that must already be canonical; raise :class:`EntryError` otherwise.

    This is the verifier's hot path. The fast path accepts ``data`` only when ``orjson`` parses
    it, re-encodes it (sorted keys, integers within 53 bits) to the very same bytes, no number
    in it could be a float, and, if it is not ASCII, it is NFC with no character from U+E000 up
    (where code-point and UTF-16 key orders can differ). Everything else, valid or not, goes
    through :func:`_parse_exact`, which decides with the standard library and ``rfc8785``; the
    property tests check that both paths agree on arbitrary and mutated input. Nesting past
    :data:`truce.jsonlimits.MAX_DEPTH` levels is refused before anything recurses.
    """
    if deeper_than(data):
        raise EntryError(too_deep_message("the entry"))
    try:
        value = orjson.loads(data)
        same = orjson.dumps(value, option=_ORJSON_OPTIONS) == data
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return _parse_exact(data)
    if not same or _may_hold_float(data):
        return _parse_exact(data)
    if not data.isascii():
        text = data.decode("utf-8")  # orjson has already checked it is UTF-8
        if _BEYOND_E000.search(text) is not None or not unicodedata.is_normalized("NFC", text):
            return _parse_exact(data)
    return value


def _parse_exact(data: bytes) -> Any:
    """:func:`parse_canonical` without shortcuts: slower, and names what is wrong."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EntryError(f"not UTF-8 at byte {exc.start}") from None
    try:
        value = json.loads(
            text, parse_float=_no_float, parse_int=_safe_int, parse_constant=_no_constant
        )
    except json.JSONDecodeError as exc:
        raise EntryError(f"not JSON: {exc.msg} at character {exc.pos}") from None
    except RecursionError:  # pragma: no cover - parse_canonical refuses it first
        raise EntryError(too_deep_message("the entry")) from None
    ascii_only = text.isascii()
    if not ascii_only and not unicodedata.is_normalized("NFC", text):
        _check(value, "$")
    try:
        if ascii_only or _BEYOND_E000.search(text) is None or _keys_sort_alike(value):
            out = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            canonical = out.encode("utf-8")
        else:
            canonical = rfc8785.dumps(value)
    except UnicodeEncodeError:
        raise EntryError("a string holds a lone surrogate") from None
    except rfc8785.CanonicalizationError as exc:
        raise EntryError(f"cannot canonicalize: {exc}") from None
    if canonical != data:
        json.loads(text, object_pairs_hook=_no_duplicates)  # names a duplicate key if any
        raise EntryError("JSON is not in RFC 8785 canonical form")
    return value

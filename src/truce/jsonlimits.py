"""How deep JSON from outside may nest: :data:`MAX_DEPTH` levels of arrays and objects.

Python's JSON decoder, ``rfc8785`` and pydantic all recurse, so JSON nested 20,000 deep (issue
23, failure 8) raised ``RecursionError`` wherever it was read: a 500 from the API, a traceback from
every command once such an entry was in the log. Every seam where JSON enters truce (API
request bodies in :class:`truce.web.errors.BodyLimit`, ledger entries in
:func:`truce.ledger.canonical.parse_canonical`, the CLI's and importers' files through
:func:`loads`) counts the nesting on the raw text first, without recursion and stopping at the
first level too many, and refuses deeper input with one line. truce's own bodies nest at most
about 8 levels (a GeoJSON MultiPolygon in a feature collection); 64 leaves room for any honest
input.
"""

from __future__ import annotations

import json
import re
from typing import Any

from truce.errors import ValidationError

__all__ = ["MAX_DEPTH", "deeper_than", "loads", "too_deep_message"]

#: The most levels of nested arrays and objects truce reads (``[[1]]`` is 2 levels).
MAX_DEPTH = 64

_TOKENS_B = re.compile(rb'[\[\]{}"\\]')
_TOKENS_S = re.compile(r'[\[\]{}"\\]')
_OPEN = frozenset((ord("["), ord("{"), "[", "{"))
_CLOSE = frozenset((ord("]"), ord("}"), "]", "}"))
_QUOTE = frozenset((ord('"'), '"'))
_BACKSLASH = frozenset((ord("\\"), "\\"))


def deeper_than(data: bytes | str, limit: int = MAX_DEPTH) -> bool:
    """True if the JSON text ``data`` nests arrays and objects more than ``limit`` levels deep.

    Brackets inside strings do not count. Linear in the number of brackets, quotes and
    backslashes; a text with no more than ``limit`` opening brackets is answered by counting
    them. Text that is not JSON is answered as well as it can be (its parser says the rest).
    """
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if raw.count(b"[") + raw.count(b"{") <= limit:
            return False
        tokens = _TOKENS_B.finditer(raw)
        at = raw
    else:
        if data.count("[") + data.count("{") <= limit:
            return False
        tokens = _TOKENS_S.finditer(data)  # type: ignore[assignment]
        at = data  # type: ignore[assignment]
    depth = 0
    in_string = False
    skip = -1  # the position of a character escaped by a backslash
    for match in tokens:
        i = match.start()
        c = at[i]
        if in_string:
            if i == skip:
                continue
            if c in _BACKSLASH:
                skip = i + 1
            elif c in _QUOTE:
                in_string = False
        elif c in _QUOTE:
            in_string = True
        elif c in _OPEN:
            depth += 1
            if depth > limit:
                return True
        elif c in _CLOSE:
            depth -= 1
    return False


def too_deep_message(what: str = "the JSON") -> str:
    return (
        f"{what} nests arrays or objects more than {MAX_DEPTH} levels deep; "
        f"flatten it (truce reads at most {MAX_DEPTH} levels)"
    )


def loads(text: str | bytes, what: str = "the JSON", *, lenient: bool = False) -> Any:
    """``json.loads`` for input from outside, the one reader truce has for it.

    Refuses, with one :class:`~truce.errors.ValidationError` line naming ``what``: nesting over
    :data:`MAX_DEPTH`, text that is not JSON, an object that repeats a key (two readers may take
    different values of it: a signature checked over one and a record read from the other) and
    ``NaN``/``Infinity`` (not JSON). ``lenient`` keeps the last of repeated keys and accepts
    the constants, as browsers do: for web pages' JSON-LD, where a sloppy page is still news.
    """
    if deeper_than(text):
        raise ValidationError(too_deep_message(what))
    try:
        if lenient:
            return json.loads(text)
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except _Duplicate as exc:
        raise ValidationError(
            f"{what}: duplicate object key {exc.args[0]!r}; JSON objects must not repeat a key",
            hint="Keep one value per key: readers disagree on which of two repeated keys counts.",
        ) from None
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{what}: not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{what}: not UTF-8 at byte {exc.start}") from None
    except ValueError as exc:  # NaN, Infinity
        raise ValidationError(f"{what}: not JSON: {exc}") from None
    except RecursionError:  # pragma: no cover - deeper_than refuses it first
        raise ValidationError(too_deep_message(what)) from None


class _Duplicate(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Duplicate(key)
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")

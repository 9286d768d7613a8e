"""Reading untrusted files: byte and record caps, XML without DTDs, JSON without duplicate keys.

Every importer (ACLED CSV, sites CSV/HXL/GeoJSON, zones, GPX and GeoJSON routes and tracks, the
agreement's rules, the area of interest, gazetteer files, HTML and text pages, proof bundles,
report and entry files) reads its input through this module, before anything is appended:

- **Byte cap.** :func:`read_bytes` reads at most the cap plus one byte, whatever ``stat()`` says:
  ``/dev/zero``, a FIFO or a file that grows while it is read report a size of 0 and would
  otherwise be read until memory runs out. Default :data:`DEFAULT_MAX_BYTES` (64 MiB), raised
  with ``TRUCE_MAX_INPUT_BYTES``.
- **Record cap.** :func:`check_records` (rows, features, track points, entries, documents) stops
  an import as soon as it passes the cap, before the records are converted into entries. Default
  :data:`DEFAULT_MAX_RECORDS` (100,000), raised with ``TRUCE_MAX_INPUT_RECORDS``.
  Both are read when the file is read (not at import), so a command line such as
  ``TRUCE_MAX_INPUT_BYTES=200000000 truce import acled big.csv`` raises them for one run.
- **XML** (:func:`parse_xml`): expat with every DTD refused (``<!DOCTYPE``, entity declarations,
  external entities: the billion-laughs and XXE attacks), checked by expat's own handlers after
  it has decoded the document, so a UTF-16 or UTF-32 file cannot hide ``<!DOCTYPE`` from a byte
  search. UTF-32 (which expat does not read) is decoded first, by its byte-order mark.
- **JSON** (:func:`loads_json`): duplicate object keys are refused (Python's ``json`` keeps the
  last one silently, so two readers could see two different documents), as are ``NaN`` and
  ``Infinity``.

A refusal is one :class:`~truce.errors.TooLarge` or :class:`~truce.errors.ValidationError` line
naming the file and what to do; nothing has been appended when it is raised.
"""

from __future__ import annotations

import codecs
import os
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.parsers import expat

from truce.errors import TooLarge, ValidationError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_RECORDS",
    "byte_cap",
    "check_records",
    "loads_json",
    "parse_xml",
    "read_bytes",
    "read_text",
    "record_cap",
]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_RECORDS = 100_000
BYTES_VARIABLE = "TRUCE_MAX_INPUT_BYTES"
RECORDS_VARIABLE = "TRUCE_MAX_INPUT_RECORDS"


def _cap(variable: str, default: int, env: Mapping[str, str] | None) -> int:
    text = (os.environ if env is None else env).get(variable, "").strip()
    if not text:
        return default
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise ValidationError(
            f"{variable}={text!r} is not a whole number", field=variable
        ) from None
    if value < 1:
        raise ValidationError(f"{variable}={text!r} must be at least 1")
    return value


def byte_cap(env: Mapping[str, str] | None = None) -> int:
    """The most bytes one input file may hold (``TRUCE_MAX_INPUT_BYTES``)."""
    return _cap(BYTES_VARIABLE, DEFAULT_MAX_BYTES, env)


def record_cap(env: Mapping[str, str] | None = None) -> int:
    """The most records one import may hold (``TRUCE_MAX_INPUT_RECORDS``)."""
    return _cap(RECORDS_VARIABLE, DEFAULT_MAX_RECORDS, env)


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < 1024 * 1024 else f"{n / (1024 * 1024):g} MiB ({n:,} bytes)"


def read_bytes(path: Path, *, cap: int | None = None, variable: str = BYTES_VARIABLE) -> bytes:
    """At most ``cap`` bytes of ``path``, or :class:`TooLarge` (``stat()`` is not trusted)."""
    limit = byte_cap() if cap is None else cap
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise ValidationError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ValidationError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise ValidationError(f"{path}: cannot read ({exc.strerror})") from None
    if len(data) > limit:
        raise TooLarge(
            f"{path}: over the input cap of {_size(limit)}; nothing was read into the ledger",
            hint=f"Split the file, or raise the cap with {variable}=<bytes> if it is genuine.",
        )
    return data


def read_text(path: Path, *, encoding: str = "utf-8-sig", cap: int | None = None) -> str:
    """:func:`read_bytes` decoded, or a :class:`ValidationError` naming the first bad byte."""
    data = read_bytes(path, cap=cap)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"{path}: not {encoding.removesuffix('-sig').upper()} text "
            f"(bad byte at offset {exc.start})"
        ) from None


def check_records(count: int, path: Path | str, what: str = "records") -> None:
    """Refuse an import past the record cap, as soon as the count passes it."""
    limit = record_cap()
    if count > limit:
        raise TooLarge(
            f"{path}: more than {limit:,} {what}, the cap for one import; nothing was imported",
            hint=f"Split the file, or raise the cap with {RECORDS_VARIABLE}=<count>.",
        )


# -- XML ------------------------------------------------------------------------------------------
class _Refused(Exception):
    pass


def _refuse(what: str) -> Any:
    def handler(*args: object) -> None:
        raise _Refused(what)

    return handler


def _name(raw: str) -> str:
    # expat with namespace_separator "}" gives "uri}local"; ElementTree writes "{uri}local".
    return "{" + raw if "}" in raw else raw


def parse_xml(data: bytes, path: Path | str) -> ET.Element:
    """Parse untrusted XML into an ElementTree element, refusing any DTD or entity declaration."""
    text: str | bytes = data
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32")):
        if data.startswith(bom):  # expat reads UTF-8 and UTF-16 itself, not UTF-32
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise ValidationError(f"{path}: not UTF-32 (bad byte at {exc.start})") from None
            break
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse("a DOCTYPE")
    parser.EntityDeclHandler = _refuse("an ENTITY declaration")
    parser.UnparsedEntityDeclHandler = _refuse("an ENTITY declaration")
    parser.ExternalEntityRefHandler = _refuse("an external entity")
    parser.StartElementHandler = lambda tag, attrs: builder.start(
        _name(tag), {_name(k): v for k, v in attrs.items()}
    )
    parser.EndElementHandler = lambda tag: builder.end(_name(tag))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(text, True)
    except _Refused as exc:
        raise ValidationError(
            f"{path}: XML with {exc} is refused (DTDs and entities are an attack vector)",
            hint="Remove the <!DOCTYPE ...> and any <!ENTITY ...> from the file.",
        ) from None
    except expat.ExpatError as exc:
        raise ValidationError(
            f"{path}: not XML: {expat.ErrorString(exc.code)} at line {exc.lineno} "
            f"column {exc.offset + 1}"
        ) from None
    except (UnicodeError, ValueError) as exc:
        raise ValidationError(f"{path}: not XML: {exc}") from None
    root = builder.close()
    if root is None:  # pragma: no cover - expat refuses a document without an element
        raise ValidationError(f"{path}: not XML: no root element")
    return root


# -- JSON -----------------------------------------------------------------------------------------
def loads_json(text: str | bytes, path: Path | str) -> Any:
    """Parse JSON from the file ``path`` with :func:`truce.jsonlimits.loads` (duplicate keys,
    NaN/Infinity and nesting deeper than :data:`truce.jsonlimits.MAX_DEPTH` refused); errors
    name ``path``."""
    from truce import jsonlimits

    return jsonlimits.loads(text, str(path))

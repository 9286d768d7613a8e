"""Agreement files: YAML clauses parsed into an :class:`~truce.model.agreement.Agreement`.

Every error names the file and the line of the offending key or value (PyYAML marks), so
"unknown zone 'idlib-dmzz'" points at the line that says it. The syntax::

    agreement:
      id: sochi-2018                       # letters, digits, . _ -
      title: Memorandum on Stabilization of the Situation in the Idlib De-escalation Area
      signed: 2018-09-17
      source: where the text comes from
    clauses:
      - id: no-air-strikes-in-dmz
        text: "No air or drone strikes inside the demilitarized zone."   # the quoted clause
        source: para. 3 (paraphrase)
        when:                              # incident fields; a list of mappings = OR
          sub_event_type: [Air/drone strike]
        unless:                            # optional exemptions, same shape
          modality: [foiled]
        where:                             # one place or a list (OR)
          inside: {zone_kind: demilitarized_zone}          # or zone: idlib-dmz
        start: 2018-10-15                  # optional window, inclusive
        end: 2020-03-05
      - id: no-attack-near-protected-sites
        text: "No attack within 500 m of a protected site."
        when: {family: [remote, battle, civilians]}
        where:
          within: {metres: 500, site_kind: protected}      # or site: ID, zone: ID, zone_kind

``when`` fields: ``family``, ``event_type``, ``sub_event_type``, ``occurrence``, ``modality``,
``tag``; values are a string or a list. ``inside`` takes ``zone``/``zone_kind``; ``within`` takes
``metres`` (or ``m``/``km``) and any of ``zone``, ``zone_kind``, ``site``, ``site_kind``
(``protected`` = every protected civilian site kind).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import date
from pathlib import Path
from typing import Any

import pydantic
import yaml

from truce.errors import ValidationError
from truce.intake import read_text
from truce.model.agreement import CONDITION_FIELDS, Agreement, Clause
from truce.model.kinds import validation_error

__all__ = ["parse_agreement", "read_agreement"]


class _Map(dict[Any, Any]):
    line: int
    lines: dict[Any, int]


class _Seq(list[Any]):
    line: int
    lines: list[int]


class _Loader(yaml.SafeLoader):
    """SafeLoader that remembers the line of every mapping key and sequence item."""


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    result = _Map()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result:
            raise ValidationError(f"line {line}: key {key!r} appears twice")
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    result = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


class _Ctx:
    """Builds the model input while remembering, for each path, the YAML line."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines: dict[tuple[Any, ...], int] = {}

    def fail(self, line: int, message: str) -> ValidationError:
        return ValidationError(f"{self.name} line {line}: {message}")


def _line(container: Any, key: Any, default: int) -> int:
    if isinstance(container, _Map):
        return container.lines.get(key, container.line)
    if isinstance(container, _Seq) and isinstance(key, int) and key < len(container.lines):
        return container.lines[key]
    return default


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _strings(ctx: _Ctx, value: Any, line: int, what: str) -> list[str]:
    items = _as_list(value)
    if not items:
        raise ctx.fail(line, f"{what} is empty")
    out = []
    for item in items:
        if isinstance(item, (dict, list)) or item is None:
            raise ctx.fail(line, f"{what}: expected a value or a list of values, got {item!r}")
        out.append(str(item))
    return out


def _conditions(ctx: _Ctx, value: Any, line: int, key: str) -> list[dict[str, list[str]]]:
    alternatives = value if isinstance(value, list) else [value]
    result = []
    for i, alt in enumerate(alternatives):
        alt_line = _line(value, i, line) if isinstance(value, list) else line
        if not isinstance(alt, dict) or not alt:
            raise ctx.fail(alt_line, f"'{key}' needs field: values mappings, got {alt!r}")
        condition: dict[str, list[str]] = {}
        for field_name, values in alt.items():
            fline = _line(alt, field_name, alt_line)
            if field_name not in CONDITION_FIELDS:
                raise ctx.fail(
                    fline,
                    f"unknown incident field {field_name!r} in '{key}'; expected one of: "
                    f"{', '.join(CONDITION_FIELDS)}",
                )
            strings = _strings(ctx, values, fline, str(field_name))
            allowed = CONDITION_FIELDS[field_name]
            if allowed is not None:
                for s in strings:
                    if s not in allowed:
                        raise ctx.fail(
                            fline,
                            f"{field_name} {s!r} is not known; expected one of: "
                            f"{', '.join(sorted(allowed))}",
                        )
            condition[str(field_name)] = strings
        result.append(condition)
    return result


_PLACE_KEYS = {
    "zone": "zones",
    "zones": "zones",
    "zone_kind": "zone_kinds",
    "zone_kinds": "zone_kinds",
    "site": "sites",
    "sites": "sites",
    "site_kind": "site_kinds",
    "site_kinds": "site_kinds",
}


def _distance(ctx: _Ctx, spec: dict[Any, Any], line: int) -> int:
    found = [k for k in ("metres", "meters", "m", "km") if k in spec]
    if len(found) != 1:
        raise ctx.fail(line, "'within' needs one distance: metres: N (or km: N)")
    key = found[0]
    value = spec[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ctx.fail(_line(spec, key, line), f"distance {value!r} is not a positive number")
    metres = value * 1000 if key == "km" else value
    return round(metres)


def _places(
    ctx: _Ctx,
    value: Any,
    line: int,
    zones: Collection[str] | None,
    sites: Collection[str] | None,
    place_lines: list[dict[str, int]],
) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    result = []
    for i, item in enumerate(items):
        iline = _line(value, i, line) if isinstance(value, list) else line
        if not isinstance(item, dict) or len(item) != 1:
            raise ctx.fail(iline, "each place is 'inside: {...}' or 'within: {...}'")
        ((relation, spec),) = item.items()
        rline = _line(item, relation, iline)
        if relation not in ("inside", "within"):
            raise ctx.fail(rline, f"unknown relation {relation!r}; use 'inside' or 'within'")
        if isinstance(spec, str):  # inside: idlib-dmz
            spec_map: dict[Any, Any] = {"zone": spec}
        elif isinstance(spec, dict):
            spec_map = spec
        else:
            raise ctx.fail(rline, f"'{relation}' needs a mapping like {{zone_kind: ...}}")
        place: dict[str, Any] = {"relation": relation}
        lines: dict[str, int] = {"": rline}
        if relation == "within":
            place["metres"] = _distance(ctx, spec_map, rline)
        for key, raw in spec_map.items():
            kline = _line(spec_map, key, rline)
            if key in ("metres", "meters", "m", "km"):
                if relation == "inside":
                    raise ctx.fail(kline, "'inside' takes no distance; use 'within'")
                continue
            target = _PLACE_KEYS.get(key)
            if target is None:
                raise ctx.fail(
                    kline,
                    f"unknown key {key!r} in '{relation}'; expected zone, zone_kind, "
                    "site, site_kind" + (", metres" if relation == "within" else ""),
                )
            names = _strings(ctx, raw, kline, str(key))
            known = zones if target == "zones" else sites if target == "sites" else None
            if known is not None:
                for name in names:
                    if name not in known:
                        what = "zone" if target == "zones" else "site"
                        listed = ", ".join(sorted(known)[:20]) or "none yet"
                        raise ctx.fail(kline, f"unknown {what} {name!r} (known: {listed})")
            place.setdefault(target, []).extend(names)
            lines[target] = kline
        result.append(place)
        place_lines.append(lines)
    return result


def _date(ctx: _Ctx, value: Any, line: int, key: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ctx.fail(line, f"{key} {value!r} is not a date like 2018-09-17") from None


_CLAUSE_KEYS = ("id", "text", "source", "when", "unless", "where", "start", "end")


def parse_agreement(
    text: str,
    name: str = "agreement",
    *,
    zones: Collection[str] | None = None,
    sites: Collection[str] | None = None,
) -> Agreement:
    """Parse agreement YAML. ``zones``/``sites``: the known ids (None: not checked)."""
    ctx = _Ctx(name)
    try:
        data = yaml.load(text, Loader=_Loader)
    except ValidationError as exc:
        raise ValidationError(f"{name} {exc.message}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ValidationError(f"{name}{where}: not YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ValidationError(f"{name}: expected a mapping with 'agreement' and 'clauses'")
    for key in data:
        if key not in ("agreement", "clauses"):
            raise ctx.fail(_line(data, key, 1), f"unknown top-level key {key!r}")
    head = data.get("agreement")
    if not isinstance(head, _Map):
        raise ctx.fail(_line(data, "agreement", 1), "'agreement:' needs id and title")
    for key in head:
        if key not in ("id", "title", "signed", "source"):
            raise ctx.fail(_line(head, key, head.line), f"unknown key {key!r} in 'agreement'")
    clauses_raw = data.get("clauses")
    if not isinstance(clauses_raw, list) or not clauses_raw:
        raise ctx.fail(_line(data, "clauses", 1), "'clauses:' needs a list of clauses")
    clauses = []
    clause_ids: dict[str, int] = {}
    for i, raw in enumerate(clauses_raw):
        cline = _line(clauses_raw, i, 1)
        if not isinstance(raw, dict):
            raise ctx.fail(cline, "a clause is a mapping with id, text, when, where")
        for key in raw:
            if key not in _CLAUSE_KEYS:
                raise ctx.fail(
                    _line(raw, key, cline),
                    f"unknown key {key!r} in a clause; expected: {', '.join(_CLAUSE_KEYS)}",
                )
        clause: dict[str, Any] = {
            k: raw[k] for k in ("id", "text", "source") if raw.get(k) is not None
        }
        for key in ("id", "text", "source"):
            if key in clause:
                clause[key] = str(clause[key])
        if "id" in clause:
            if clause["id"] in clause_ids:
                raise ctx.fail(
                    _line(raw, "id", cline),
                    f"clause id {clause['id']!r} is already used on line "
                    f"{clause_ids[clause['id']]}",
                )
            clause_ids[clause["id"]] = _line(raw, "id", cline)
        if "when" in raw:
            clause["when"] = _conditions(ctx, raw["when"], _line(raw, "when", cline), "when")
        if "unless" in raw:
            clause["unless"] = _conditions(
                ctx, raw["unless"], _line(raw, "unless", cline), "unless"
            )
        place_lines: list[dict[str, int]] = []
        if "where" in raw:
            clause["where"] = _places(
                ctx, raw["where"], _line(raw, "where", cline), zones, sites, place_lines
            )
        for key in ("start", "end"):
            if key in raw:
                clause[key] = _date(ctx, raw[key], _line(raw, key, cline), key)
        try:
            clauses.append(Clause.model_validate(clause))
        except pydantic.ValidationError as exc:
            err = exc.errors()[0]
            loc = err["loc"]
            line = _line(raw, loc[0], cline) if loc else cline
            if loc and loc[0] == "where" and len(loc) > 1 and isinstance(loc[1], int):
                lines = place_lines[loc[1]] if loc[1] < len(place_lines) else {}
                line = lines.get(str(loc[2]) if len(loc) > 2 else "", lines.get("", line))
            label = clause.get("id", f"#{i + 1}")
            message = validation_error(exc, f"clause {label!r}").message
            raise ctx.fail(line, message) from None
    try:
        return Agreement(
            id=str(head.get("id", "")),
            title=str(head.get("title", "")),
            signed=_date(ctx, head.get("signed"), _line(head, "signed", head.line), "signed"),
            source=str(head.get("source") or ""),
            clauses=clauses,
            text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        )
    except pydantic.ValidationError as exc:
        err = exc.errors()[0]
        key = err["loc"][0] if err["loc"] else None
        line = _line(head, key, head.line)
        raise ctx.fail(line, validation_error(exc, "agreement").message) from None


def read_agreement(
    path: Path,
    *,
    zones: Collection[str] | None = None,
    sites: Collection[str] | None = None,
) -> Agreement:
    text = read_text(path)  # capped (truce.intake)
    return parse_agreement(text, str(path), zones=zones, sites=sites)

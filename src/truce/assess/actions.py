"""Merge, split and respond: checked against the projections first, then signed and appended.

Each function validates its request against the current state of the tables and raises a
:class:`truce.errors.TruceError` with a one-line message before anything is written: a response
to an unknown incident, a merge of an incident with itself, a split that would leave an
incident with no report (or names a report that is not in it). Only then is the entry signed
with the author's key and appended (:meth:`truce.node.Node.append`).

Who may merge and split: for now any registered party (the entries name their author, so the
record shows who did it); permissions arrive with the server's roles.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from truce.assess.disagreement import FIELDS
from truce.assess.grade import ATTRIBUTION_FIELDS
from truce.assess.kinds import INCIDENT_ID, REPORT_ID, IncidentMerge, IncidentSplit
from truce.assess.projection import resolve
from truce.assess.queries import action_outcome, incident_of_report, reports_of
from truce.errors import ConflictError, NotFoundError, ValidationError
from truce.model import Evidence, Response, ResponseKind
from truce.node import Node

__all__ = ["DISPUTABLE", "Merged", "Split", "merge", "respond", "split"]

#: Fields a dispute may name (a casualty figure as "casualties" or "casualties.civilians.killed").
DISPUTABLE = frozenset({*FIELDS, *ATTRIBUTION_FIELDS})
_CASUALTY_FIELD = re.compile(r"^casualties\.(civilians|combatants|unknown)\.(killed|injured)$")


@dataclass(frozen=True)
class Merged:
    incident: str  # the surviving incident
    merged: tuple[str, ...]  # the incidents merged into it
    entry_index: int


@dataclass(frozen=True)
class Split:
    incident: str  # the incident split
    new: str  # the new incident holding the reports moved
    reports: tuple[str, ...]
    entry_index: int


def _check_id(value: str, pattern: str, what: str) -> None:
    if not re.match(pattern, value):
        example = "I-12" if what == "incident" else "R-7"
        raise ValidationError(f"{value!r} is not a {what} id (they look like {example})")


def _current(node: Node, incident: str) -> str:
    _check_id(incident, INCIDENT_ID, "incident")
    with node.store.engine.connect() as conn:
        now = resolve(conn, incident)
    if now is None:
        raise NotFoundError(
            f"no incident {incident}", hint="List incidents with 'truce incidents'."
        )
    return now


def _author(node: Node, author: str) -> None:
    node.signing_key(author)  # raises NotFoundError / ConfigError with a hint


def merge(node: Node, incidents: Sequence[str], author: str, text: str = "") -> Merged:
    """Record that ``incidents`` are one event; the oldest keeps its id."""
    if len(incidents) < 2:
        raise ValidationError("a merge needs at least two incidents", field="incidents")
    resolved: list[str] = []
    for given in incidents:
        now = _current(node, given)
        if now in resolved:
            same = [g for g in incidents if _current(node, g) == now]
            if len(set(same)) == 1:
                raise ValidationError(f"cannot merge {given} with itself", field="incidents")
            raise ValidationError(
                f"{' and '.join(same)} are already one incident ({now})", field="incidents"
            )
        resolved.append(now)
    _author(node, author)
    node.append(author, "incident.merged", IncidentMerge(incidents=resolved, text=text))
    index = node.last_index
    with node.store.engine.connect() as conn:
        row = action_outcome(conn, index)
    if row is None or row.status != "applied":  # raced by another writer: say so
        note = row.note if row else "not projected"
        raise ConflictError(f"the merge was recorded but not applied: {note}")
    keep = str(row.result)
    return Merged(keep, tuple(i for i in resolved if i != keep), index)


def split(node: Node, incident: str, reports: Sequence[str], author: str, text: str = "") -> Split:
    """Record that ``reports`` of ``incident`` describe another event: they move to a new one."""
    current = _current(node, incident)
    if not reports:
        raise ValidationError("name the reports to split off (--reports R-..)", field="reports")
    for r in reports:
        _check_id(r, REPORT_ID, "report")
    seen: set[str] = set()
    for r in reports:
        if r in seen:
            raise ValidationError(f"{r} is listed twice", field="reports")
        seen.add(r)
    with node.store.engine.connect() as conn:
        members = reports_of(conn, current)
        for r in reports:
            if r in members:
                continue
            held = incident_of_report(conn, r)
            if held is None:
                raise NotFoundError(f"no report {r}", hint="List reports with 'truce report list'.")
            raise ValidationError(f"{r} is in {held}, not in {current}", field="reports")
    if len(reports) >= len(members):
        raise ValidationError(
            f"splitting off every report of {current} would leave it with no report; "
            f"keep at least one of {', '.join(members)}",
            field="reports",
        )
    _author(node, author)
    ordered = [r for r in members if r in seen]
    node.append(
        author, "incident.split", IncidentSplit(incident=current, reports=ordered, text=text)
    )
    index = node.last_index
    with node.store.engine.connect() as conn:
        row = action_outcome(conn, index)
    if row is None or row.status != "applied":
        note = row.note if row else "not projected"
        raise ConflictError(f"the split was recorded but not applied: {note}")
    return Split(current, str(row.result), tuple(ordered), index)


def respond(
    node: Node,
    incident: str,
    author: str,
    kind: ResponseKind | str,
    *,
    field: str | None = None,
    value: str | None = None,
    text: str = "",
    evidence: Sequence[Path] = (),
) -> str:
    """File ``author``'s response to ``incident``; returns its id (``S-<entry index>``).

    Evidence files are stored in the node's content-addressed store and cited by SHA-256.
    """
    current = _current(node, incident)
    try:
        kind = ResponseKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in ResponseKind)
        raise ValidationError(f"unknown response kind {kind!r}; use one of: {choices}") from None
    if kind == ResponseKind.DISPUTE and (not field or value is None):
        raise ValidationError(
            "a dispute names the field and the party's own value (--field and --value)",
            field="field",
        )
    if field is not None and field not in DISPUTABLE and not _CASUALTY_FIELD.match(field):
        raise ValidationError(
            f"unknown field {field!r}; use one of: {', '.join(sorted(DISPUTABLE))} "
            "(or casualties.<category>.<kind>)",
            field="field",
        )
    _author(node, author)
    cited: list[Evidence] = []
    for path in evidence:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ValidationError(
                f"{path}: cannot read the evidence file: {exc.strerror}"
            ) from None
        media = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        digest = node.evidence.put(data)
        cited.append(Evidence(sha256=digest, media_type=media, description=Path(path).name))
    response = Response(
        incident=current, kind=kind, field=field, value=value, text=text, evidence=cited
    )
    node.append(author, "response.filed", response)
    return f"S-{node.last_index}"

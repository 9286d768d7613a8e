"""The agreement as data: clauses with a condition over incidents and the map.

An agreement file (YAML, see ``docs/agreement.md``) is parsed by :mod:`truce.agreement.rules`
into an :class:`Agreement` and recorded as an ``agreement.adopted`` ledger entry; adopting the
same id again makes a new version. A clause says what may not happen where and when:

- ``when``: one or more alternatives (OR), each a mapping of incident field to allowed values
  (AND across fields, OR within a list). Fields: ``family`` (truce's event families, see
  :data:`truce.model.vocab.EVENT_FAMILIES`), ``event_type`` and ``sub_event_type`` (ACLED),
  ``occurrence`` (truce's grade), ``modality`` and ``tag`` (any report of the incident);
- ``unless``: the same shape; an incident matching it is exempt;
- ``where``: one or more places (OR): ``inside`` a zone (by id or kind), or ``within`` N metres of
  a zone or a site (by id or kind; ``protected`` names every protected site kind);
- ``start``/``end``: the time window the clause is in force (inclusive dates).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Final, Self

from pydantic import Field, field_validator, model_validator

from truce.model.base import Model, Sha256Hex
from truce.model.vocab import (
    ACLED_EVENT_TYPES,
    EVENT_FAMILIES,
    EventType,
    Modality,
    OccurrenceGrade,
)
from truce.model.zone import SiteKind, ZoneKind

__all__ = [
    "CONDITION_FIELDS",
    "PROTECTED",
    "Agreement",
    "Clause",
    "Place",
    "Relation",
]

Ident = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
Value = Annotated[str, Field(min_length=1, max_length=100)]
Condition = dict[str, Annotated[list[Value], Field(min_length=1, max_length=100)]]

#: The site-kind shorthand for every protected civilian site kind (:attr:`SiteKind.protected`).
PROTECTED: Final = "protected"


def _known_values() -> dict[str, frozenset[str] | None]:
    sub_types = {s for subs in ACLED_EVENT_TYPES.values() for s in subs}
    return {
        "family": frozenset(EVENT_FAMILIES.values()),
        "event_type": frozenset(e.value for e in EventType),
        "sub_event_type": frozenset(sub_types),
        "occurrence": frozenset(g.value for g in OccurrenceGrade),
        "modality": frozenset(m.value for m in Modality),
        "tag": None,  # free text: the reports' own tags
    }


#: Incident fields a condition may test, with their allowed values (None: any text).
CONDITION_FIELDS: Final[dict[str, frozenset[str] | None]] = _known_values()


def _check_condition(condition: Condition) -> Condition:
    for name, values in condition.items():
        if name not in CONDITION_FIELDS:
            raise ValueError(
                f"unknown incident field {name!r}; expected one of: {', '.join(CONDITION_FIELDS)}"
            )
        allowed = CONDITION_FIELDS[name]
        if allowed is None:
            continue
        for value in values:
            if value not in allowed:
                raise ValueError(
                    f"{name} {value!r} is not known; expected one of: {', '.join(sorted(allowed))}"
                )
    return condition


class Relation(StrEnum):
    INSIDE = "inside"
    WITHIN = "within"


class Place(Model):
    """Where a clause applies: inside zones, or within ``metres`` of zones or sites."""

    relation: Relation
    metres: Annotated[int, Field(ge=0, le=200_000)] = 0
    zones: Annotated[list[Ident], Field(max_length=100)] = []
    zone_kinds: Annotated[list[ZoneKind], Field(max_length=10)] = []
    sites: Annotated[list[Ident], Field(max_length=1000)] = []
    site_kinds: Annotated[list[Value], Field(max_length=20)] = []

    @field_validator("site_kinds")
    @classmethod
    def _site_kinds(cls, values: list[str]) -> list[str]:
        known = {k.value for k in SiteKind} | {PROTECTED}
        for value in values:
            if value not in known:
                raise ValueError(
                    f"site kind {value!r} is not known; expected one of: {', '.join(sorted(known))}"
                )
        return values

    @model_validator(mode="after")
    def _targets(self) -> Self:
        has_zone = bool(self.zones or self.zone_kinds)
        has_site = bool(self.sites or self.site_kinds)
        if not (has_zone or has_site):
            raise ValueError("a place names at least one zone, zone_kind, site or site_kind")
        if self.relation == Relation.INSIDE and has_site:
            raise ValueError("'inside' applies to zones; use 'within: {metres: N, site_kind: ...}'")
        if self.relation == Relation.WITHIN and self.metres == 0:
            raise ValueError("'within' needs a distance: metres: N (N > 0)")
        return self

    def site_kind_values(self) -> frozenset[str]:
        """The site kinds named, with ``protected`` expanded."""
        kinds = set(self.site_kinds)
        if PROTECTED in kinds:
            kinds.discard(PROTECTED)
            kinds |= {k.value for k in SiteKind if k.protected}
        return frozenset(kinds)


class Clause(Model):
    id: Ident
    text: Annotated[str, Field(min_length=1, max_length=5000)]
    source: Annotated[str, Field(max_length=1000)] = ""
    when: Annotated[list[Condition], Field(max_length=20)] = []
    unless: Annotated[list[Condition], Field(max_length=20)] = []
    where: Annotated[list[Place], Field(max_length=20)] = []
    start: date | None = None
    end: date | None = None

    @field_validator("when", "unless")
    @classmethod
    def _conditions(cls, conditions: list[Condition]) -> list[Condition]:
        for condition in conditions:
            _check_condition(condition)
        return conditions

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if not self.when and not self.where:
            raise ValueError("a clause needs a 'when' or a 'where' (else every incident breaks it)")
        return self


class Agreement(Model):
    """An agreement's clauses, as adopted. ``text_sha256`` names the exact file it came from."""

    id: Ident
    title: Annotated[str, Field(min_length=1, max_length=500)]
    signed: date | None = None
    source: Annotated[str, Field(max_length=1000)] = ""
    clauses: Annotated[list[Clause], Field(min_length=1, max_length=500)]
    text_sha256: Sha256Hex | None = None

    @model_validator(mode="after")
    def _unique(self) -> Self:
        seen: set[str] = set()
        for clause in self.clauses:
            if clause.id in seen:
                raise ValueError(f"clause id {clause.id!r} appears twice")
            seen.add(clause.id)
        return self

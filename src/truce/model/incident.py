"""Incidents (one real event, several reports) and the parties' responses to them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, model_validator

from truce.model.base import Model, Sha256Hex
from truce.model.report import Evidence, TimeInterval
from truce.model.vocab import OccurrenceGrade

__all__ = ["Incident", "Response", "ResponseKind"]


class ResponseKind(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    DENY = "deny"
    DISPUTE = "dispute"
    UNDER_INVESTIGATION = "under_investigation"


class Response(Model):
    """A party's answer to an incident. ``dispute`` names a field and the party's own value."""

    incident: Annotated[str, Field(min_length=1, max_length=64)]
    kind: ResponseKind
    field: Annotated[str, Field(max_length=64)] | None = None
    value: Annotated[str, Field(max_length=2000)] | None = None
    text: Annotated[str, Field(max_length=20_000)] = ""
    evidence: Annotated[list[Evidence], Field(max_length=100)] = []

    @model_validator(mode="after")
    def _dispute_names_field(self) -> Self:
        if self.kind == ResponseKind.DISPUTE and not (self.field and self.value is not None):
            raise ValueError("a dispute names the disputed field and the party's own value")
        return self


class Incident(Model):
    """A projection: the reports held to describe one event, and its current grade."""

    id: str
    reports: Annotated[list[str], Field(min_length=1)]
    event_type: str
    sub_event_type: str
    date: TimeInterval
    occurrence: OccurrenceGrade = OccurrenceGrade.SINGLE_SOURCE
    evidence: list[Sha256Hex] = []

"""The assessment's entry kinds: manual merges and splits of incidents.

Correlation is automatic, but the record must let the center correct it: ``incident.merged``
holds several incidents to be one event, ``incident.split`` moves reports out of an incident
into a new one. Both are signed entries like any other, and the automatic pass respects them:
reports are never moved automatically, so a merge stays merged and a split report never
rejoins. Registered with :func:`truce.model.kinds.register_kind`, as a third party would.
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, model_validator

from truce.model.base import Model
from truce.model.kinds import register_kind

__all__ = ["INCIDENT_ID", "REPORT_ID", "IncidentMerge", "IncidentSplit"]

INCIDENT_ID = r"^I-[0-9]{1,12}$"
REPORT_ID = r"^R-[0-9]{1,12}$"
IncidentId = Annotated[str, Field(pattern=INCIDENT_ID)]
ReportRef = Annotated[str, Field(pattern=REPORT_ID)]
Text = Annotated[str, Field(max_length=20_000)]


def _no_repeats(items: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise ValueError(f"{item} is listed twice among the {what}")
        seen.add(item)


class IncidentMerge(Model):
    """``incident.merged``: these incidents are one event (the oldest id survives)."""

    incidents: Annotated[list[IncidentId], Field(min_length=2, max_length=100)]
    text: Text = ""

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        _no_repeats(self.incidents, "incidents")
        return self


class IncidentSplit(Model):
    """``incident.split``: these reports of the incident describe another event."""

    incident: IncidentId
    reports: Annotated[list[ReportRef], Field(min_length=1, max_length=1000)]
    text: Text = ""

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        _no_repeats(self.reports, "reports")
        return self


register_kind("incident.merged", IncidentMerge)
register_kind("incident.split", IncidentSplit)

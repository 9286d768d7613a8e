"""Domain values, valid from construction. See docs/domain.md for the vocabularies."""

from truce.model.base import Model, PartyId, ReportId
from truce.model.incident import Incident, Response, ResponseKind
from truce.model.party import Party
from truce.model.report import (
    Actor,
    Casualty,
    Evidence,
    Location,
    Point,
    Report,
    Source,
    TimeInterval,
)
from truce.model.vocab import (
    ActorRole,
    CasualtyCategory,
    CasualtyKind,
    Credibility,
    EventType,
    GeoPrecision,
    Inter,
    Modality,
    OccurrenceGrade,
    PartyKind,
    Reliability,
    SourceKind,
    TimePrecision,
)
from truce.model.zone import Site, SiteKind, Zone, ZoneKind

__all__ = [
    "Actor",
    "ActorRole",
    "Casualty",
    "CasualtyCategory",
    "CasualtyKind",
    "Credibility",
    "EventType",
    "Evidence",
    "GeoPrecision",
    "Incident",
    "Inter",
    "Location",
    "Modality",
    "Model",
    "OccurrenceGrade",
    "Party",
    "PartyId",
    "PartyKind",
    "Point",
    "Reliability",
    "Report",
    "ReportId",
    "Response",
    "ResponseKind",
    "Site",
    "SiteKind",
    "Source",
    "SourceKind",
    "TimeInterval",
    "TimePrecision",
    "Zone",
    "ZoneKind",
]

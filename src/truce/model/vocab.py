"""The field's vocabularies, with their own names and codes (see docs/domain.md).

- ACLED event types and sub-event types (ACLED codebook), plus truce's monitoring extensions,
  all under "Strategic developments" and exported to ACLED as "Other" with the extension named;
- ACLED ``geo_precision`` (1 named town, 2 near a town / part of a region, 3 larger region) and
  ``time_precision`` (1 day, 2 week, 3 month);
- ACLED actor "inter" codes 1-8;
- the Admiralty (NATO) code: source reliability A-F, information credibility 1-6;
- the Airwars civilian-harm grades, kept beside truce's occurrence grades.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Final

__all__ = [
    "ACLED_EVENT_TYPES",
    "EVENT_FAMILIES",
    "MONITORING_EXTENSIONS",
    "ActorRole",
    "AirwarsGrade",
    "CasualtyCategory",
    "CasualtyKind",
    "Credibility",
    "EventType",
    "GeoPrecision",
    "Inter",
    "Modality",
    "OccurrenceGrade",
    "PartyKind",
    "Reliability",
    "SourceKind",
    "TimePrecision",
    "event_family",
    "sub_event_types",
]


class EventType(StrEnum):
    BATTLES = "Battles"
    EXPLOSIONS = "Explosions/Remote violence"
    VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
    PROTESTS = "Protests"
    RIOTS = "Riots"
    STRATEGIC = "Strategic developments"


#: truce's monitoring extensions; ACLED exports code them as "Other".
MONITORING_EXTENSIONS: Final[tuple[str, ...]] = (
    "Patrol",
    "Ceasefire declared",
    "Weapons withdrawal",
    "Military deployment",
)

ACLED_EVENT_TYPES: Final[dict[EventType, tuple[str, ...]]] = {
    EventType.BATTLES: (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    EventType.EXPLOSIONS: (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    EventType.VIOLENCE_AGAINST_CIVILIANS: (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    EventType.PROTESTS: (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    EventType.RIOTS: ("Violent demonstration", "Mob violence"),
    EventType.STRATEGIC: (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
        *MONITORING_EXTENSIONS,
    ),
}

#: Event families used by correlation and agreement rules: coarser than ACLED sub-types so that
#: "Air/drone strike" and "Shelling/artillery/missile attack" reports of one event still meet.
EVENT_FAMILIES: Final[dict[str, str]] = {
    "Armed clash": "battle",
    "Government regains territory": "battle",
    "Non-state actor overtakes territory": "battle",
    "Chemical weapon": "remote",
    "Air/drone strike": "remote",
    "Suicide bomb": "remote",
    "Shelling/artillery/missile attack": "remote",
    "Remote explosive/landmine/IED": "remote",
    "Grenade": "remote",
    "Sexual violence": "civilians",
    "Attack": "civilians",
    "Abduction/forced disappearance": "civilians",
    "Peaceful protest": "protest",
    "Protest with intervention": "protest",
    "Excessive force against protesters": "protest",
    "Violent demonstration": "riot",
    "Mob violence": "riot",
    "Agreement": "agreement",
    "Arrests": "arrests",
    "Change to group/activity": "other",
    "Disrupted weapons use": "remote",
    "Headquarters or base established": "deployment",
    "Looting/property destruction": "civilians",
    "Non-violent transfer of territory": "other",
    "Other": "other",
    "Patrol": "patrol",
    "Ceasefire declared": "agreement",
    "Weapons withdrawal": "deployment",
    "Military deployment": "deployment",
}


def sub_event_types(event_type: EventType) -> tuple[str, ...]:
    return ACLED_EVENT_TYPES[event_type]


def event_family(sub_event_type: str) -> str:
    return EVENT_FAMILIES.get(sub_event_type, "other")


class Modality(StrEnum):
    """Whether the event happened, or is only planned, foiled, announced, denied or alleged."""

    OCCURRED = "occurred"
    PLANNED = "planned"
    FOILED = "foiled"
    ANNOUNCED = "announced"
    DENIED = "denied"
    ALLEGED = "alleged"


class TimePrecision(IntEnum):
    """ACLED ``time_precision``."""

    DAY = 1
    WEEK = 2
    MONTH = 3


class GeoPrecision(IntEnum):
    """ACLED ``geo_precision``."""

    TOWN = 1
    NEAR_TOWN = 2
    REGION = 3


class Inter(IntEnum):
    """ACLED actor "inter" codes."""

    STATE_FORCES = 1
    REBEL_GROUPS = 2
    POLITICAL_MILITIAS = 3
    IDENTITY_MILITIAS = 4
    RIOTERS = 5
    PROTESTERS = 6
    CIVILIANS = 7
    EXTERNAL_OTHER = 8


class ActorRole(StrEnum):
    """ACLED actor1 (perpetrator), actor2 (target), assoc_actor (associated)."""

    PERPETRATOR = "perpetrator"
    TARGET = "target"
    ASSOCIATED = "associated"


class CasualtyCategory(StrEnum):
    CIVILIANS = "civilians"
    COMBATANTS = "combatants"
    UNKNOWN = "unknown"


class CasualtyKind(StrEnum):
    KILLED = "killed"
    INJURED = "injured"


class Reliability(StrEnum):
    """Admiralty code: source reliability."""

    A = "A"  # completely reliable
    B = "B"  # usually reliable
    C = "C"  # fairly reliable
    D = "D"  # not usually reliable
    E = "E"  # unreliable
    F = "F"  # reliability cannot be judged


class Credibility(IntEnum):
    """Admiralty code: information credibility."""

    CONFIRMED = 1
    PROBABLY_TRUE = 2
    POSSIBLY_TRUE = 3
    DOUBTFUL = 4
    IMPROBABLE = 5
    CANNOT_BE_JUDGED = 6


class SourceKind(StrEnum):
    PARTY = "party"
    MONITOR = "monitor"
    OUTLET = "outlet"
    OFFICIAL = "official"
    NGO = "ngo"
    SOCIAL_MEDIA = "social_media"
    WITNESS = "witness"


class PartyKind(StrEnum):
    PARTY = "party"  # a signatory of the agreement
    MONITOR = "monitor"  # the center's own monitors
    CENTER = "center"  # the log operator / chair
    INGEST = "ingest"  # the open-sources ingest identity
    HUMANITARIAN = "humanitarian"


class OccurrenceGrade(StrEnum):
    """truce's occurrence grade (did it happen), kept apart from attribution."""

    SINGLE_SOURCE = "single-source"
    CORROBORATED = "corroborated"
    CONFIRMED = "confirmed"
    CONTESTED = "contested"
    DISCOUNTED = "discounted"


class AirwarsGrade(StrEnum):
    CONFIRMED = "Confirmed"
    FAIR = "Fair"
    WEAK = "Weak"
    CONTESTED = "Contested"
    DISCOUNTED = "Discounted"

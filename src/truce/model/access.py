"""Who may act, and the release of incidents to the public: the decisions that go on the record.

Users, passwords, sessions and API tokens are operational data (``truce.access``), not ledger
entries. What the record must show is: who was granted a role for a party (``role.granted``,
``role.revoked``, signed by that party's key), each party's and the chair's sign-off on releasing
an incident (``incident.signoff``), and its publication (``incident.published``): either on the
chair's and every signatory party's approval, or by a time-limited chair override whose reason
and expiry are part of the entry.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, model_validator

from truce.model.base import Model, Sha256Hex
from truce.model.party import PARTY_ID_PATTERN

__all__ = [
    "USERNAME_PATTERN",
    "Publication",
    "PublicationBasis",
    "Role",
    "RoleGrant",
    "SealedRecord",
    "SignOff",
    "SignOffDecision",
]

USERNAME_PATTERN = r"^[a-z][a-z0-9._-]{1,63}$"
IncidentRef = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]


class Role(StrEnum):
    """What a user may do. Officers and monitors act for their own party only."""

    OFFICER = "officer"  # files reports, responses and sign-offs for their own party
    MONITOR = "monitor"  # files observations for the center's monitors
    ANALYST = "analyst"  # reads everything but other parties' drafts
    CHAIR = "chair"  # merges, splits, publishes; reads every party's drafts
    PUBLIC = "public"  # reads published incidents only


class RoleGrant(Model):
    """``role.granted`` / ``role.revoked``: the author party vouches for (or withdraws) a user."""

    user: Annotated[str, Field(pattern=USERNAME_PATTERN)]
    role: Role
    party: Annotated[str, Field(pattern=PARTY_ID_PATTERN)]


class SignOffDecision(StrEnum):
    APPROVE = "approve"
    WITHHOLD = "withhold"


class SignOff(Model):
    """``incident.signoff``: one party's (or the chair's) decision on releasing an incident."""

    incident: IncidentRef
    decision: SignOffDecision
    note: Annotated[str, Field(max_length=2000)] = ""


class PublicationBasis(StrEnum):
    SIGNOFFS = "signoffs"  # the chair and every signatory party approved
    OVERRIDE = "override"  # the chair released it alone, for a limited time, giving a reason


class Publication(Model):
    """``incident.published``: the incident is visible to the public (until ``until``, if set)."""

    incident: IncidentRef
    basis: PublicationBasis
    reason: Annotated[str, Field(max_length=2000)] = ""
    until: datetime | None = None

    @model_validator(mode="after")
    def _override_is_limited(self) -> Self:
        if self.basis == PublicationBasis.OVERRIDE:
            if self.until is None:
                raise ValueError("a chair override names when it expires ('until')")
            if not self.reason:
                raise ValueError("a chair override gives its reason")
            if self.until.tzinfo is None:
                raise ValueError("'until' must carry a time zone (use UTC, ending in Z)")
        elif self.until is not None:
            raise ValueError("only a chair override expires; a release on sign-offs has no until")
        return self


class SealedRecord(Model):
    """``record.sealed``: a party holds a record of ``kind`` whose body hashes to ``sha256``.

    The body itself stays with the party's node, visible to the party and the chair, until the
    party releases it as an ordinary entry; the commitment proves it was not written later.
    """

    kind: Annotated[str, Field(pattern=r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$", max_length=64)]
    sha256: Sha256Hex
    note: Annotated[str, Field(max_length=500)] = ""

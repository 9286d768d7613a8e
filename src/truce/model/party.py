"""Parties: the signatories, the center's monitors, the log operator, the open-sources identity.

A party is known by a short id (``ru``, ``tr``, ``monitors``) and its Ed25519 public key. The
party's registration entry is signed with that key, proving the registrant holds it.
"""

from __future__ import annotations

import base64
from typing import Annotated

from pydantic import Field, field_validator

from truce.model.base import Model
from truce.model.vocab import PartyKind

__all__ = ["PARTY_ID_PATTERN", "Party"]

PARTY_ID_PATTERN = r"^[a-z][a-z0-9-]{0,31}$"


class Party(Model):
    id: Annotated[str, Field(pattern=PARTY_ID_PATTERN)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: PartyKind = PartyKind.PARTY
    public_key: Annotated[str, Field(description="Ed25519 public key, 32 bytes, base64")]
    recovery_key: Annotated[
        str | None,
        Field(
            description="Ed25519 public key, 32 bytes, base64, of the party's recovery key: kept "
            "offline, it alone can move the party onto a new key when the signing key is lost "
            "or stolen (a party.key_rotated entry with recovery_signature)"
        ),
    ] = None

    @field_validator("recovery_key")
    @classmethod
    def _recovery(cls, value: str | None) -> str | None:
        return None if value is None else cls._key(value)

    @field_validator("public_key")
    @classmethod
    def _key(cls, value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
        except ValueError:
            raise ValueError("public_key must be base64") from None
        if len(raw) != 32:
            raise ValueError(f"public_key must be 32 bytes, got {len(raw)}")
        return value


class KeyRotation(Model):
    """``party.key_rotated``: the party replaces its signing key, signed with the key it retires.

    ``proof`` is the new key's Ed25519 signature of :func:`truce.ledger.batch.rotation_message`
    (the log's origin, the party and the new key), so nobody can rotate a party onto a key they
    do not hold. From the entry on, the party's entries verify with the new key only: a party
    whose first key was made by the center's node takes its key back by rotating to one made on
    its own machine.

    **Revocation.** A signing key that is lost or stolen cannot be trusted to sign its own
    retirement (a thief would rotate first). A party that registered a ``recovery_key`` (kept
    offline) revokes it with a rotation carrying ``recovery_signature``: the entry is signed with
    the new key, the recovery key authorizes it, and from the entry on the revoked key — and any
    key a thief rotated onto meanwhile — signs nothing for the party.
    """

    public_key: Annotated[str, Field(description="the new Ed25519 public key, 32 bytes, base64")]
    proof: Annotated[str, Field(description="the new key's signature, 64 bytes, base64")]
    reason: Annotated[str, Field(max_length=500)] = ""
    recovery_key: Annotated[
        str | None,
        Field(
            description="a recovery key for the party (32 bytes, base64): set by a rotation "
            "when the party has none, replaced only by a rotation the recovery key authorizes"
        ),
    ] = None
    recovery_signature: Annotated[
        str | None,
        Field(
            description="the party's recovery key's signature (64 bytes, base64) of "
            "truce.ledger.batch.recovery_message: the entry is then signed with the NEW key, "
            "and the old one (lost, or held by a thief) is revoked without being needed"
        ),
    ] = None

    @field_validator("public_key")
    @classmethod
    def _key(cls, value: str) -> str:
        return Party._key(value)

    @field_validator("proof")
    @classmethod
    def _proof(cls, value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
        except ValueError:
            raise ValueError("proof must be base64") from None
        if len(raw) != 64:
            raise ValueError(f"proof must be a 64-byte Ed25519 signature, got {len(raw)}")
        return value

    @field_validator("recovery_key")
    @classmethod
    def _recovery(cls, value: str | None) -> str | None:
        return None if value is None else Party._key(value)

    @field_validator("recovery_signature")
    @classmethod
    def _recovery_signature(cls, value: str | None) -> str | None:
        return None if value is None else cls._proof(value)

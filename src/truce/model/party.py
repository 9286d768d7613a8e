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
    """

    public_key: Annotated[str, Field(description="the new Ed25519 public key, 32 bytes, base64")]
    proof: Annotated[str, Field(description="the new key's signature, 64 bytes, base64")]
    reason: Annotated[str, Field(max_length=500)] = ""

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

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

"""The base every domain value inherits: strict, immutable, NFC text, no floats on the wire.

Values are valid from construction. Text is normalised to Unicode NFC (the ledger rejects
non-NFC strings). Coordinates are decimals serialised as strings, because the ledger's canonical
JSON carries no floats (RFC 8785 numbers are IEEE doubles; a string keeps the digits as written).
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, NewType

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, model_validator

__all__ = [
    "Latitude",
    "Longitude",
    "Model",
    "PartyId",
    "ReportId",
    "Sha256Hex",
    "nfc",
]

PartyId = NewType("PartyId", str)
ReportId = NewType("ReportId", str)


def nfc(value: Any) -> Any:
    """Normalise every string inside ``value`` to NFC, recursively."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {nfc(k): nfc(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(nfc(v) for v in value)
    return value


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        use_enum_values=False,
        validate_default=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _normalise_text(cls, data: Any) -> Any:
        return nfc(data)

    def to_body(self) -> dict[str, Any]:
        """The JSON object this value is recorded as in a ledger entry (no floats, no nulls)."""
        body: dict[str, Any] = self.model_dump(mode="json", exclude_none=True)
        return body


def _to_decimal(places: int, limit: int) -> BeforeValidator:
    quantum = Decimal(1).scaleb(-places)

    def convert(value: Any) -> Decimal:
        if isinstance(value, bool):
            raise ValueError("expected a number of degrees, got a boolean")
        try:
            number = Decimal(str(value)) if not isinstance(value, Decimal) else value
        except (InvalidOperation, ValueError):
            raise ValueError(f"expected a number of degrees, got {value!r}") from None
        if not number.is_finite() or abs(number) > limit:
            raise ValueError(f"must be between -{limit} and {limit} degrees, got {value}")
        return number.quantize(quantum).normalize() if number != 0 else Decimal(0)

    return BeforeValidator(convert)


_as_string = PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json")

#: Latitude and longitude in WGS 84 degrees, 7 decimal places at most (about 1 cm).
Latitude = Annotated[Decimal, _to_decimal(7, 90), _as_string]
Longitude = Annotated[Decimal, _to_decimal(7, 180), _as_string]


def _sha256_hex(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a SHA-256 as 64 hexadecimal characters")
    text = value.lower().removeprefix("sha256:")
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        raise ValueError(f"expected a SHA-256 as 64 hexadecimal characters, got {value!r}")
    return text


Sha256Hex = Annotated[str, BeforeValidator(_sha256_hex)]

"""``evidence.added``: a file attached to a report or an incident, signed into the log.

The entry holds what a party needs to prove later that this file was in the record at a given
checkpoint and unchanged (its SHA-256, media type, size and name), what it is attached to, and
what truce read from it when it was added (capture time, GPS, device, perceptual hash or a
video's keyframes' hashes, and any problems reading its metadata). Findings (the photo is older
than the event, far from the place, the same image as one attached elsewhere) are computed from
these fields by the projection (:mod:`truce.evidence.tables`), so a rebuild from the log gives
them again.
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, field_validator, model_validator

from truce.access.policy import allow_kind
from truce.assess.kinds import INCIDENT_ID, REPORT_ID
from truce.errors import ValidationError
from truce.evidence.sniff import safe_filename
from truce.model.access import Role
from truce.model.base import Latitude, Longitude, Model, Sha256Hex
from truce.model.kinds import register_kind

__all__ = ["C2pa", "EvidenceAdded"]

_Text = Annotated[str, Field(max_length=300)]
#: Metadata read from the file, by name ("xmp:CreateDate", "producer"): a few short strings.
_Properties = Annotated[
    dict[Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9:_.-]{0,63}$")], _Text],
    Field(max_length=24),
]


class C2pa(Model):
    """What a C2PA manifest store says about the file (its active manifest), as read when the
    file was added: who made the claim, whether its signature and hashes check, and which
    assertions it makes. ``validation`` is the reader's state: ``valid`` (or ``trusted``, with a
    trusted signer), or ``invalid`` with the failure codes in ``errors``."""

    claim_generator: Annotated[str | None, Field(max_length=200)] = None
    title: Annotated[str | None, Field(max_length=200)] = None
    signer: Annotated[str | None, Field(max_length=200)] = None
    signed: Annotated[str | None, Field(max_length=40)] = None
    validation: Annotated[str, Field(pattern=r"^[a-z_]{1,20}$")]
    errors: Annotated[list[_Text], Field(max_length=10)] = []
    assertions: Annotated[list[Annotated[str, Field(max_length=100)]], Field(max_length=24)] = []
    manifests: Annotated[int, Field(ge=0, le=1000)] = 1


class EvidenceAdded(Model):
    """One file attached to one report or one incident."""

    sha256: Sha256Hex
    media_type: Annotated[str, Field(pattern=r"^[a-z]+/[A-Za-z0-9.+\-]+$", max_length=100)]
    size: Annotated[int, Field(ge=1, le=2**53)]
    filename: Annotated[str, Field(min_length=1, max_length=255)]
    report: Annotated[str | None, Field(pattern=REPORT_ID)] = None
    incident: Annotated[str | None, Field(pattern=INCIDENT_ID)] = None
    description: Annotated[str, Field(max_length=2000)] = ""
    graphic: bool = False  # shown blurred until clicked
    width: Annotated[int | None, Field(ge=1, le=1_000_000)] = None
    height: Annotated[int | None, Field(ge=1, le=1_000_000)] = None
    captured: Annotated[str | None, Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")] = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    device: Annotated[str | None, Field(max_length=200)] = None
    dhash: Annotated[str | None, Field(pattern=r"^[0-9a-f]{16}$")] = None
    #: A video's keyframes' dHashes, in time order (absent for other files).
    keyframes: (
        Annotated[list[Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]], Field(max_length=8)]
        | None
    ) = None
    problems: Annotated[list[Annotated[str, Field(max_length=300)]], Field(max_length=20)] = []
    #: A document's (PDF's) page count and Info dictionary (title, author, creator, producer,
    #: created, modified), as read.
    pages: Annotated[int | None, Field(ge=0, le=10_000_000)] = None
    document: _Properties | None = None
    #: The XMP properties read from an embedded XMP packet ("xmp:CreateDate": "2017-04-04...").
    xmp: _Properties | None = None
    #: The C2PA manifest store's active manifest, if the file carries one.
    c2pa: C2pa | None = None

    @field_validator("filename")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        try:
            return safe_filename(value)
        except ValidationError as exc:
            raise ValueError(exc.message) from None

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.report is None) == (self.incident is None):
            raise ValueError("evidence is attached to exactly one report or one incident")
        if (self.lat is None) != (self.lon is None):
            raise ValueError("a position needs both lat and lon")
        return self


register_kind("evidence.added", EvidenceAdded)
allow_kind("evidence.added", Role.OFFICER, Role.MONITOR, Role.CHAIR)

"""Entry kinds: which domain value each kind of ledger entry carries in its body.

Every capability registers its kinds here, through the same function a third party would use.
The node validates a body against its kind's model before signing or appending it; projections
parse bodies with the same models, so a body that was accepted always projects.
"""

from __future__ import annotations

from typing import Any

import pydantic

from truce.errors import ValidationError
from truce.model.access import Publication, RoleGrant, SealedRecord, SignOff
from truce.model.agreement import Agreement
from truce.model.base import Model
from truce.model.incident import Response
from truce.model.party import KeyRotation, Party
from truce.model.patrol import PatrolObservation, PatrolPlan, PatrolTrack
from truce.model.report import Report
from truce.model.zone import Site, Zone

__all__ = ["KINDS", "parse_body", "register_kind", "validation_error"]

KINDS: dict[str, type[Model]] = {}


def register_kind(kind: str, model: type[Model]) -> None:
    existing = KINDS.get(kind)
    if existing is not None and existing is not model:
        raise ValueError(f"entry kind {kind!r} is already registered to {existing.__name__}")
    KINDS[kind] = model


def validation_error(exc: pydantic.ValidationError, what: str = "") -> ValidationError:
    """Translate pydantic's error at the seam: the first problem, its field path, one line."""
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or None
    message = str(first["msg"]).removeprefix("Value error, ")
    prefix = f"{what}: " if what else ""
    where = f"field '{field}': " if field else ""
    more = len(exc.errors()) - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return ValidationError(f"{prefix}{where}{message}{tail}", field=field)


def parse_body(kind: str, body: Any, what: str = "", *, recorded: bool = False) -> Model:
    """``body`` as its kind's model. ``recorded``: the body is read back from the log (a
    projection), so checks added after it was accepted are not applied again (a body that was
    accepted always projects); every new body is checked in full."""
    model = KINDS.get(kind)
    if model is None:
        raise ValidationError(
            f"unknown entry kind {kind!r}", hint=f"Known kinds: {', '.join(sorted(KINDS))}."
        )
    try:
        return model.model_validate(body, context={"recorded": True} if recorded else None)
    except pydantic.ValidationError as exc:
        raise validation_error(exc, what) from None


for _kind, _model in (
    ("party.registered", Party),
    ("party.key_rotated", KeyRotation),
    ("report.filed", Report),
    ("response.filed", Response),
    ("zone.defined", Zone),
    ("site.registered", Site),
    ("agreement.adopted", Agreement),
    ("patrol.planned", PatrolPlan),
    ("patrol.tracked", PatrolTrack),
    ("patrol.observed", PatrolObservation),
    ("role.granted", RoleGrant),
    ("role.revoked", RoleGrant),
    ("incident.signoff", SignOff),
    ("incident.published", Publication),
    ("record.sealed", SealedRecord),
):
    register_kind(_kind, _model)

"""Incidents: query by box and window, read one, and release it to the public.

Visibility: members (officers, monitors, analysts, the chair) see every incident; the public
(no sign-in, or the public role) sees only published ones, and an unpublished incident is a 404
to them (its existence is not disclosed). Release: each signatory party's officer signs off
(``POST .../signoff``, an ``incident.signoff`` entry); when every signatory party's latest
sign-off approves, the chair publishes (``POST .../publish``, an ``incident.published`` entry,
basis ``signoffs``). The chair may instead override for a limited time, giving a reason
(``POST .../override``, basis ``override`` with ``until``): the override is on the record, and
the incident drops out of public view when it expires unless the parties have signed off. An
override is not renewable (409; the projection ignores a second one), and a signatory party's
withhold after a publication on sign-offs withdraws it (:mod:`truce.store.release`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from truce.access.accounts import Principal
from truce.access.policy import MEMBER_ROLES, check_role
from truce.errors import ConflictError, NotFoundError, ValidationError
from truce.model.access import Publication, PublicationBasis, Role, SignOff, SignOffDecision
from truce.store import queries
from truce.store.spatial import BBox, find_incidents, published_clause
from truce.web.deps import Services, current, services
from truce.web.routes.records import Filed, PartyParam, acting_party, filed

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])

Who = Annotated[Principal, Depends(current)]
Svc = Annotated[Services, Depends(services)]
MAX_OVERRIDE_HOURS = 72


def now_iso() -> str:
    return queries.stamp()


def parse_bbox(text: str | None) -> BBox | None:
    if text is None:
        return None
    try:
        w, s, e, n = (float(v) for v in text.split(","))
    except ValueError:
        raise ValidationError(
            "bbox is west,south,east,north in degrees, like 36.5,35.3,36.9,35.7", field="bbox"
        ) from None
    if not (-180 <= w <= e <= 180 and -90 <= s <= n <= 90):
        raise ValidationError("bbox must have west <= east and south <= north", field="bbox")
    return BBox(w, s, e, n)


class SignOffBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: SignOffDecision
    note: str = Field(default="", max_length=2000)


class OverrideBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)
    hours: int = Field(ge=1, le=MAX_OVERRIDE_HOURS)


def _public(who: Principal) -> bool:
    return who.role not in MEMBER_ROLES


@router.get("", summary="Incidents in a bounding box and time window")
def list_incidents(
    svc: Svc,
    who: Who,
    bbox: Annotated[
        str | None, Query(max_length=100, description="west,south,east,north (degrees)")
    ] = None,
    start: Annotated[date | None, Query(description="window start (inclusive)")] = None,
    end: Annotated[date | None, Query(description="window end (inclusive)")] = None,
    after: Annotated[int, Query(ge=-1, le=2**31 - 1)] = -1,  # an INTEGER column
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[dict[str, Any]]:
    if start and end and end < start:
        raise ValidationError("end is before start", field="end")
    with svc.node.store.engine.connect() as conn:
        return find_incidents(
            conn,
            bbox=parse_bbox(bbox),
            start=start,
            end=end,
            published_at=now_iso() if _public(who) else None,
            after=after,
            limit=limit,
        )


@router.get("/{incident_id}", summary="One incident, its reports, responses and release state")
def get_incident(incident_id: str, svc: Svc, who: Who) -> dict[str, Any]:
    with svc.node.store.engine.connect() as conn:
        row = queries.incident_row(conn, incident_id)
        release = queries.release_state(conn, incident_id, now_iso()) if row else None
        if row is None or release is None or (_public(who) and not release["public"]):
            raise NotFoundError(f"no incident {incident_id!r}")
        out: dict[str, Any] = {"incident": row, **release}
        out["responses"] = queries.responses_of(conn, incident_id)
        if not _public(who):
            out["reports"] = queries.report_summaries(conn, incident_id)
    return out


def _require_incident(svc: Services, incident_id: str) -> None:
    with svc.node.store.engine.connect() as conn:
        if not queries.incident_exists(conn, incident_id):
            raise NotFoundError(f"no incident {incident_id!r}")


@router.post("/{incident_id}/signoff", status_code=201, summary="Sign off on releasing it")
async def sign_off(
    incident_id: str, body: SignOffBody, svc: Svc, who: Who, party: PartyParam = None
) -> Filed:
    _require_incident(svc, incident_id)
    value = SignOff(incident=incident_id, decision=body.decision, note=body.note)
    appended = await svc.append(who, acting_party(who, party), "incident.signoff", value)
    return filed(appended, incident_id)


def _missing_approvals(svc: Services, incident_id: str) -> list[str]:
    parties = [p["id"] for p in svc.node.parties() if p["kind"] == "party"]
    with svc.node.store.engine.connect() as conn:
        offs = queries.signoff_decisions(conn, incident_id)
    return [p for p in parties if offs.get(p) != "approve"]


@router.post("/{incident_id}/publish", status_code=201, summary="Publish (chair; all sign-offs)")
async def publish(incident_id: str, svc: Svc, who: Who) -> Filed:
    check_role(who, Role.CHAIR)
    _require_incident(svc, incident_id)
    missing = _missing_approvals(svc, incident_id)
    if missing:
        raise ConflictError(
            f"incident {incident_id} lacks the approval of {', '.join(missing)}",
            hint="Each signatory party signs off first, or the chair overrides for a limited time.",
        )
    value = Publication(incident=incident_id, basis=PublicationBasis.SIGNOFFS)
    appended = await svc.append(who, acting_party(who, None), "incident.published", value)
    return filed(appended, incident_id)


@router.post(
    "/{incident_id}/override", status_code=201, summary="Publish for a limited time (chair)"
)
async def override(incident_id: str, body: OverrideBody, svc: Svc, who: Who) -> Filed:
    check_role(who, Role.CHAIR)
    _require_incident(svc, incident_id)
    with svc.node.store.engine.connect() as conn:
        latest = queries.publication_of(conn, incident_id)
    if latest is not None and latest["basis"] == PublicationBasis.OVERRIDE.value:
        raise ConflictError(
            f"incident {incident_id} has been published by override already (until "
            f"{latest['until']}); an override is not renewable",
            hint="Ask the signatory parties to sign off; then publish on their sign-offs.",
        )
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=body.hours)
    value = Publication(
        incident=incident_id, basis=PublicationBasis.OVERRIDE, reason=body.reason, until=until
    )
    appended = await svc.append(who, acting_party(who, None), "incident.published", value)
    return filed(appended, incident_id)


__all__ = ["published_clause", "router"]

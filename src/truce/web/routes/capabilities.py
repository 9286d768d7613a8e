"""Routes over other areas' libraries: agreement violations and patrols (issue 6), and the
upload of open-source documents for ingestion (issue 4).

Each calls the area's library; anything that writes runs on the node's one writer (the
sequencer). Merges and splits of incidents (issue 5) are the chair's, signed for the center.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from truce.access.accounts import Principal
from truce.access.policy import check_act, check_member, check_role
from truce.errors import ValidationError
from truce.model.access import Role
from truce.web.deps import Services, current, services
from truce.web.routes.records import acting_party

router = APIRouter(prefix="/api/v1")

Who = Annotated[Principal, Depends(current)]
Svc = Annotated[Services, Depends(services)]
MAX_UPLOAD = 32 << 20


@router.get("/violations", tags=["agreement"], summary="Violations of the agreement's rules")
async def violations(
    svc: Svc,
    who: Who,
    status: Annotated[str | None, Query(max_length=32)] = None,
    clause: Annotated[str | None, Query(max_length=64)] = None,
    certainty: Annotated[str | None, Query(max_length=32)] = None,
) -> list[dict[str, Any]]:
    check_member(who)
    from truce.agreement.violations import list_violations

    # Recomputing stale violations writes derived tables: do it on the writer.
    fut = svc.sequencer.call(
        lambda node: list_violations(node, status=status, clause=clause, certainty=certainty)
    )
    result: list[dict[str, Any]] = await asyncio.wrap_future(fut)
    return result


@router.get("/patrols", tags=["agreement"], summary="Planned patrols, their tracks and reports")
def patrols(svc: Svc, who: Who) -> list[dict[str, Any]]:
    check_member(who)
    from truce.agreement.patrol import list_patrols

    return list_patrols(svc.node)


@router.post(
    "/ingest",
    status_code=201,
    tags=["ingest"],
    summary="Ingest one open-source document (the raw bytes as the body)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    },
)
async def ingest(
    request: Request,
    svc: Svc,
    who: Who,
    name: Annotated[str, Query(min_length=1, max_length=200, pattern=r"^[^/\\]+$")],
    url: Annotated[str | None, Query(max_length=2000)] = None,
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    published: date | None = None,
    format: Annotated[str | None, Query(max_length=32, pattern=r"^[a-z0-9-]+$")] = None,
) -> dict[str, Any]:
    """Monitors and the chair ingest; claims become reports filed by the ingest identity."""
    check_role(who, Role.MONITOR, Role.CHAIR)
    data = await request.body()
    if not data:
        raise ValidationError("send the document's bytes as the request body", field="body")
    from truce.ingest.pipeline import Options, ingest_bytes

    options = Options(url=url, outlet=outlet, published=published, format=format)
    fut = svc.sequencer.call(lambda node: ingest_bytes(node, data, name, options))
    outcome = await asyncio.wrap_future(fut)
    result: dict[str, Any] = outcome.to_json()
    return result


class MergeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    incidents: list[str] = Field(min_length=2, max_length=100)
    text: str = Field(default="", max_length=2000)


class SplitBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reports: list[str] = Field(min_length=1, max_length=1000)
    text: str = Field(default="", max_length=2000)


@router.post("/incidents/merge", status_code=201, tags=["incidents"], summary="Merge (chair)")
async def merge_incidents(body: MergeBody, svc: Svc, who: Who) -> dict[str, Any]:
    """Hold several incidents to be one event (an ``incident.merged`` entry)."""
    party = acting_party(who, None)
    check_act(who, party, "incident.merged")
    from truce.assess.actions import merge

    fut = svc.sequencer.call(lambda node: merge(node, body.incidents, party, body.text))
    done = await asyncio.wrap_future(fut)
    return {"incident": done.incident, "merged": list(done.merged), "index": done.entry_index}


@router.post(
    "/incidents/{incident_id}/split", status_code=201, tags=["incidents"], summary="Split (chair)"
)
async def split_incident(incident_id: str, body: SplitBody, svc: Svc, who: Who) -> dict[str, Any]:
    """Move reports out of an incident into a new one (an ``incident.split`` entry)."""
    party = acting_party(who, None)
    check_act(who, party, "incident.split")
    from truce.assess.actions import split

    fut = svc.sequencer.call(lambda node: split(node, incident_id, body.reports, party, body.text))
    done = await asyncio.wrap_future(fut)
    return {
        "incident": done.incident,
        "new": done.new,
        "reports": list(done.reports),
        "index": done.entry_index,
    }

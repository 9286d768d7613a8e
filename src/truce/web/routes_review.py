"""The review queue's routes (issue 15), under ``/api/v1/review``: list, show, accept, reject.

Thin: check who may see or decide, call :mod:`truce.ingest.review`, send. Members read the
queue; the chair and the monitors decide, for their own party (``claim.reviewed`` is allowed
to those roles in :mod:`truce.ingest.pending`), and the decision names the signed-in user. A
decision appends, so it runs on the node's one writer (the sequencer).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from truce.access.accounts import Principal
from truce.access.policy import check_act, check_member
from truce.ingest import review
from truce.web.deps import Services, current, services
from truce.web.routes.records import acting_party

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/review", tags=["review"])

Who = Annotated[Principal, Depends(current)]
Svc = Annotated[Services, Depends(services)]
ClaimId = Annotated[str, Path(pattern=r"^C-[0-9]{1,12}$", description="A pending claim, C-12")]


class AcceptBody(BaseModel):
    """What the reviewer completes or corrects; fields left out keep the claim's value."""

    model_config = ConfigDict(extra="forbid")
    date: str | None = Field(default=None, max_length=40, description="YYYY-MM-DD, A/B, YYYY-MM")
    place: str | None = Field(default=None, max_length=200, description="A name, or LAT,LON")
    type: str | None = Field(default=None, max_length=100, description="ACLED sub-event type")
    reason: str = Field(default="", max_length=2000)


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)


def _decided(done: review.Decided) -> dict[str, Any]:
    return {
        "claim": done.claim,
        "decision": done.decision,
        "index": done.entry_index,
        "report": done.report,
        "changes": [c.to_body() for c in done.changes],
    }


@router.get("/claims", summary="The review queue: pending (or decided) claims, oldest first")
async def claims(
    svc: Svc,
    who: Who,
    status: Annotated[str, Query(pattern=r"^(pending|accepted|rejected|all)$")] = "pending",
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    after: Annotated[int, Query(ge=-1, le=2**31 - 1)] = -1,  # an INTEGER column
) -> list[dict[str, Any]]:
    check_member(who)
    chosen = None if status == "all" else status
    rows = await run_in_threadpool(
        review.list_claims, svc.node.store.engine, chosen, limit=limit, after=after
    )
    return cast("list[dict[str, Any]]", rows)  # the same JSON (see routes/collab.py)


@router.get("/claims/{claim_id}", summary="One claim: its source paragraph, draft and needs")
async def claim(claim_id: ClaimId, svc: Svc, who: Who) -> dict[str, Any]:
    check_member(who)
    row = await run_in_threadpool(review.show_claim, svc.node.store.engine, claim_id)
    return cast("dict[str, Any]", row)


@router.post(
    "/claims/{claim_id}/accept",
    status_code=201,
    summary="Accept a claim, completing or correcting it (chair, monitors)",
)
async def accept(claim_id: ClaimId, body: AcceptBody, svc: Svc, who: Who) -> dict[str, Any]:
    """Signs ``claim.reviewed`` for the user's party and files the report as ``osint``."""
    party = acting_party(who, None)
    check_act(who, party, "claim.reviewed")
    fut = svc.sequencer.call(
        lambda node: review.accept(
            node,
            claim_id,
            party,
            reviewer=who.username,
            when=body.date,
            place=body.place,
            sub_event_type=body.type,
            reason=body.reason,
        )
    )
    return _decided(await asyncio.wrap_future(fut))


@router.post(
    "/claims/{claim_id}/reject", status_code=201, summary="Reject a claim (chair, monitors)"
)
async def reject(claim_id: ClaimId, body: RejectBody, svc: Svc, who: Who) -> dict[str, Any]:
    party = acting_party(who, None)
    check_act(who, party, "claim.reviewed")
    fut = svc.sequencer.call(
        lambda node: review.reject(node, claim_id, party, reason=body.reason, reviewer=who.username)
    )
    return _decided(await asyncio.wrap_future(fut))


@router.get("/history", summary="For reports that came out of review: who accepted, what changed")
async def history(
    svc: Svc,
    who: Who,
    report: Annotated[list[str], Query(max_length=500)],
) -> dict[str, dict[str, Any]]:
    check_member(who)
    ids = [r for r in report if r.startswith("R-") and r[2:].isdigit()]
    found = await run_in_threadpool(review.history, svc.node.store.engine, ids)
    return cast("dict[str, dict[str, Any]]", found)

"""Drafts: a party's unfinished records, visible to its own officers and monitors and the chair.

Anyone else gets 404 for another party's draft (its existence is not disclosed). ``POST
/api/v1/drafts/{id}/file`` validates, signs (custodially) and appends it on the server's one
writer, and keeps the draft as a tombstone: filing it again (or ten times at once) is a 409.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from truce import ids
from truce.access import drafts as draft_book
from truce.access.accounts import Principal
from truce.access.drafts import Drafts
from truce.access.policy import check_act, check_member, may_read_drafts
from truce.agreement.filing import check_body as check_filing
from truce.errors import NotFoundError
from truce.model.kinds import parse_body
from truce.model.report import Report
from truce.web.deps import Services, current, services
from truce.web.routes.records import Filed, PartyParam, acting_party, filed
from truce.web.sequencer import Appended

router = APIRouter(prefix="/api/v1/drafts", tags=["drafts"])

Who = Annotated[Principal, Depends(current)]
Svc = Annotated[Services, Depends(services)]


class NewDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(pattern=r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$", max_length=64)
    body: dict[str, Any]


class DraftBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: dict[str, Any]


def _drafts(svc: Services) -> Drafts:
    return Drafts(svc.node.store.engine)


def _visible(svc: Services, who: Principal, draft_id: str) -> dict[str, Any]:
    draft = _drafts(svc).get(draft_id)
    if not may_read_drafts(who, draft["party"]):
        raise NotFoundError(f"no draft {draft_id!r}")
    return draft


@router.get("", summary="Drafts you may see (your party's; the chair sees all)")
def list_drafts(svc: Svc, who: Who) -> list[dict[str, Any]]:
    check_member(who)
    if who.party is None:
        return []
    return [d for d in _drafts(svc).list() if may_read_drafts(who, d["party"])]


@router.post("", status_code=201, summary="Start a draft for your party")
def create_draft(body: NewDraft, svc: Svc, who: Who, party: PartyParam = None) -> dict[str, Any]:
    acting = acting_party(who, party)
    check_act(who, acting, body.kind, body.body)
    return _drafts(svc).create(acting, body.kind, body.body, who.username)


@router.get("/{draft_id}", summary="One draft")
def get_draft(draft_id: str, svc: Svc, who: Who) -> dict[str, Any]:
    check_member(who)
    return _visible(svc, who, draft_id)


@router.put("/{draft_id}", summary="Replace a draft's body")
def update_draft(draft_id: str, body: DraftBody, svc: Svc, who: Who) -> dict[str, Any]:
    check_member(who)
    draft = _visible(svc, who, draft_id)
    check_act(who, draft["party"], draft["kind"], body.body)
    return _drafts(svc).update(draft_id, body.body)


@router.delete("/{draft_id}", status_code=204, summary="Discard a draft")
def delete_draft(draft_id: str, svc: Svc, who: Who) -> Response:
    check_member(who)
    draft = _visible(svc, who, draft_id)
    check_act(who, draft["party"], draft["kind"])
    _drafts(svc).delete(draft_id)
    return Response(status_code=204)


@router.post("/{draft_id}/file", status_code=201, summary="File the draft (sign and append)")
async def file_draft(draft_id: str, svc: Svc, who: Who) -> Filed:
    check_member(who)
    draft = _visible(svc, who, draft_id)
    check_act(who, draft["party"], draft["kind"], draft["body"])
    if draft["kind"] == "report.filed":
        report = parse_body("report.filed", draft["body"], f"draft {draft_id}")
        assert isinstance(report, Report)
        await svc.refuse_implausible(report)
    check_filing(draft["kind"], parse_body(draft["kind"], draft["body"]), svc.settings.extra)
    index, entry = await asyncio.wrap_future(
        svc.sequencer.call(lambda node: draft_book.file_draft(node, draft_id))
    )
    appended = Appended(index, (entry,))
    return filed(appended, ids.report_id(index) if draft["kind"] == "report.filed" else None)


__all__ = ["PartyParam", "acting_party", "router"]

"""Restricted records: filed now as a sealed commitment, released later by their party.

``POST /api/v1/restricted`` validates the record, appends a ``record.sealed`` entry (its kind and
the SHA-256 of its canonical body, nothing else) and keeps the body, which only the party's
officers and monitors and the chair can read (404 to anyone else). ``POST
/api/v1/restricted/{id}/release`` appends the record itself, whose body hashes to the
commitment. See :mod:`truce.access.sealed`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from truce import ids
from truce.access.accounts import Principal
from truce.access.policy import check_act, check_member, may_read_drafts
from truce.access.sealed import SealedRecords, body_sha256
from truce.errors import ConflictError, NotFoundError
from truce.model.access import SealedRecord
from truce.model.kinds import parse_body
from truce.web.deps import Services, current, services
from truce.web.routes.records import Filed, PartyParam, acting_party, filed

router = APIRouter(prefix="/api/v1/restricted", tags=["restricted records"])

Who = Annotated[Principal, Depends(current)]
Svc = Annotated[Services, Depends(services)]


class NewRestricted(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(pattern=r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$", max_length=64)
    body: dict[str, Any]
    note: str = Field(default="", max_length=500)


def _store(svc: Services) -> SealedRecords:
    return SealedRecords(svc.node.store.engine)


def _visible(svc: Services, who: Principal, record_id: str) -> dict[str, Any]:
    record = _store(svc).get(record_id)
    if not may_read_drafts(who, record["party"]):
        raise NotFoundError(f"no restricted record {record_id!r}")
    return record


@router.post("", status_code=201, summary="File a restricted record (sealed on the ledger)")
async def file_restricted(
    body: NewRestricted, svc: Svc, who: Who, party: PartyParam = None
) -> dict[str, Any]:
    acting = acting_party(who, party)
    check_act(who, acting, body.kind, body.body)
    record = parse_body(body.kind, body.body).to_body()
    seal = SealedRecord(kind=body.kind, sha256=body_sha256(record), note=body.note)
    appended = await svc.append(who, acting, "record.sealed", seal)
    record_id = ids.sealed_id(appended.index)
    stored = _store(svc).add(record_id, acting, body.kind, record, appended.index, who.username)
    return {**stored, "entry_hash": appended.entries[0].hash.hex()}


@router.get("", summary="Restricted records you may see (your party's; the chair sees all)")
def list_restricted(svc: Svc, who: Who) -> list[dict[str, Any]]:
    check_member(who)
    return [r for r in _store(svc).list() if may_read_drafts(who, r["party"])]


@router.get("/{record_id}", summary="One restricted record")
def get_restricted(record_id: str, svc: Svc, who: Who) -> dict[str, Any]:
    check_member(who)
    return _visible(svc, who, record_id)


@router.post("/{record_id}/release", status_code=201, summary="Release it: append the record")
async def release(record_id: str, svc: Svc, who: Who) -> Filed:
    check_member(who)
    record = _visible(svc, who, record_id)
    check_act(who, record["party"], record["kind"])
    if record["released_index"] is not None:
        raise ConflictError(f"{record_id} was released as entry {record['released_index']}")
    if body_sha256(record["body"]) != record["sha256"]:  # pragma: no cover - storage damage
        raise ConflictError(f"{record_id} no longer matches its sealed hash; not releasing it")
    model = parse_body(record["kind"], record["body"], record_id)
    appended = await svc.append(who, record["party"], record["kind"], model)
    _store(svc).released(record_id, appended.index)
    ident = ids.report_id(appended.index) if record["kind"] == "report.filed" else None
    return filed(appended, ident)

"""Parties, reports, responses, zones and sites: list, read, and file (signed custodially).

Filing is ``POST`` with the domain value as the body (the same JSON as a report file, see
``docs/report.schema.json``); the entry is signed with the acting party's key by the server and
records ``"mode": "custodial"``. The acting party is the user's own; ``?party=`` may name it
explicitly, and naming another party is refused (403). To sign on your own machine instead,
post the signed entry to ``/api/v1/ledger/entries`` (client mode).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from truce import ids
from truce.access.accounts import Principal
from truce.access.policy import check_member, check_role
from truce.errors import AuthenticationError, NotFoundError, PermissionDenied, ValidationError
from truce.model import PartyKind, Report, Response, Site, Zone
from truce.model.access import Role
from truce.model.party import PARTY_ID_PATTERN
from truce.store import queries
from truce.web.deps import Services, current, services
from truce.web.sequencer import Appended

router = APIRouter(prefix="/api/v1")

Who = Annotated[Principal, Depends(current)]
Svc = Annotated[Services, Depends(services)]
PartyParam = Annotated[
    str | None,
    Query(pattern=PARTY_ID_PATTERN, description="The party to act for (default: your own)."),
]
Limit = Annotated[int, Query(ge=1, le=1000)]
#: Compared with INTEGER columns (32 bits on PostgreSQL): a larger number was a 500 (issue 23).
MAX_INDEX = 2**31 - 1
After = Annotated[int, Query(ge=-1, le=MAX_INDEX, description="Entries after this ledger index.")]


class Filed(BaseModel):
    id: str
    index: int
    entry_hash: str
    author: str
    kind: str
    mode: str


def filed(appended: Appended, ident: str | None = None) -> Filed:
    entry = appended.entries[0]
    return Filed(
        id=ident or str(appended.index),
        index=appended.index,
        entry_hash=entry.hash.hex(),
        author=entry.author,
        kind=entry.kind,
        mode=entry.mode or "",
    )


def acting_party(who: Principal, party: str | None) -> str:
    if who.via == "anonymous":
        raise AuthenticationError("sign in to file or sign anything")
    if who.role == Role.PUBLIC:
        raise PermissionDenied("the public role reads published incidents only")
    chosen = party or who.party
    if chosen is None:
        raise ValidationError("you belong to no party; name one with ?party=", field="party")
    return chosen


def rows(
    svc: Services, table: queries.RecordTable, *, after: int, limit: int, **where: str | None
) -> list[dict[str, Any]]:
    with svc.node.store.engine.connect() as conn:
        return queries.records(conn, table, after=after, limit=limit, where=where)


def one(svc: Services, table: queries.RecordTable, ident: str, what: str) -> dict[str, Any]:
    with svc.node.store.engine.connect() as conn:
        row = queries.record(conn, table, ident)
    if row is None:
        raise NotFoundError(f"no {what} {ident!r}")
    return row


# -- parties -----------------------------------------------------------------------------------
class NewParty(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=PARTY_ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    kind: PartyKind = PartyKind.PARTY


@router.get("/parties", tags=["parties"], summary="Registered parties and their public keys")
def list_parties(svc: Svc) -> list[dict[str, Any]]:
    return svc.node.parties()


@router.post(
    "/parties", status_code=201, tags=["parties"], summary="Register a party (chair, custodial key)"
)
async def add_party(body: NewParty, svc: Svc, who: Who) -> dict[str, Any]:
    check_role(who, Role.CHAIR)
    fut = svc.sequencer.call(lambda node: node.add_party(body.id, body.name, body.kind))
    party = await run_in_threadpool(fut.result)
    return party.to_body()


# -- reports -----------------------------------------------------------------------------------
@router.get("/reports", tags=["reports"], summary="Filed reports, in ledger order")
def list_reports(
    svc: Svc,
    who: Who,
    after: After = -1,
    limit: Limit = 100,
    author: Annotated[str | None, Query(pattern=PARTY_ID_PATTERN)] = None,
    incident: Annotated[str | None, Query(max_length=64)] = None,
) -> list[dict[str, Any]]:
    check_member(who)
    return rows(svc, "reports", after=after, limit=limit, author=author, incident_id=incident)


@router.get("/reports/{report_id}", tags=["reports"], summary="One report")
def get_report(report_id: str, svc: Svc, who: Who) -> dict[str, Any]:
    check_member(who)
    return one(svc, "reports", report_id, "report")


@router.post("/reports", status_code=201, tags=["reports"], summary="File a report")
async def file_report(report: Report, svc: Svc, who: Who, party: PartyParam = None) -> Filed:
    appended = await svc.append(who, acting_party(who, party), "report.filed", report)
    return filed(appended, ids.report_id(appended.index))


# -- responses ---------------------------------------------------------------------------------
@router.get("/responses", tags=["responses"], summary="The parties' responses to incidents")
def list_responses(
    svc: Svc,
    who: Who,
    incident: Annotated[str | None, Query(max_length=64)] = None,
    after: After = -1,
    limit: Limit = 100,
) -> list[dict[str, Any]]:
    check_member(who)
    return rows(svc, "responses", after=after, limit=limit, incident_id=incident)


@router.post("/responses", status_code=201, tags=["responses"], summary="Respond to an incident")
async def file_response(response: Response, svc: Svc, who: Who, party: PartyParam = None) -> Filed:
    check_member(who)
    with svc.node.store.engine.connect() as conn:
        if not queries.incident_exists(conn, response.incident):
            raise NotFoundError(f"no incident {response.incident!r}", field="incident")
    appended = await svc.append(who, acting_party(who, party), "response.filed", response)
    return filed(appended, ids.response_id(appended.index))


# -- zones and sites ---------------------------------------------------------------------------
@router.get("/zones", tags=["agreement"], summary="Zones of the agreement (WKT)")
def list_zones(svc: Svc, who: Who, after: After = -1, limit: Limit = 1000) -> list[dict[str, Any]]:
    check_member(who)
    return rows(svc, "zones", after=after, limit=limit)


@router.get("/zones/{zone_id}", tags=["agreement"], summary="One zone")
def get_zone(zone_id: str, svc: Svc, who: Who) -> dict[str, Any]:
    check_member(who)
    return one(svc, "zones", zone_id, "zone")


@router.post("/zones", status_code=201, tags=["agreement"], summary="Define or redefine a zone")
async def define_zone(zone: Zone, svc: Svc, who: Who, party: PartyParam = None) -> Filed:
    appended = await svc.append(who, acting_party(who, party), "zone.defined", zone)
    return filed(appended, zone.id)


@router.get("/sites", tags=["agreement"], summary="Protected sites and posts")
def list_sites(svc: Svc, who: Who, after: After = -1, limit: Limit = 1000) -> list[dict[str, Any]]:
    check_member(who)
    return rows(svc, "sites", after=after, limit=limit)


@router.get("/sites/{site_id}", tags=["agreement"], summary="One site")
def get_site(site_id: str, svc: Svc, who: Who) -> dict[str, Any]:
    check_member(who)
    return one(svc, "sites", site_id, "site")


@router.post("/sites", status_code=201, tags=["agreement"], summary="Register or update a site")
async def register_site(site: Site, svc: Svc, who: Who, party: PartyParam = None) -> Filed:
    appended = await svc.append(who, acting_party(who, party), "site.registered", site)
    return filed(appended, site.id)

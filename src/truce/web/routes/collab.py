"""Comments on incidents, tasks for parties, and each user's notifications (issue 22).

- ``GET/POST /api/v1/incidents/{id}/comments``: members read and write them; the public never
  (403). ``"party_only": true`` files the comment as a restricted record (sealed on the ledger:
  the body is read by the author party's officers and monitors and by the chair only, until the
  party releases it); the list shows those to whoever may read them, marked ``party_only``.
- ``GET/POST /api/v1/tasks``, ``POST /api/v1/tasks/{id}/status``: a task for a party, and its
  status changes as new entries. An officer assigns and updates only its own party's tasks; the
  center's monitors and chair assign to any party (:mod:`truce.collab.kinds`).
- ``GET /api/v1/notifications``: the signed-in member's (their party's and everyone's, and the
  chair's own for the chair), newest first; the same rows arrive on the live stream
  (``/api/v1/stream``, under ``notifications``).
- ``GET /api/v1/notifications/unread``, ``POST /api/v1/notifications/read`` (``{"through": i}``):
  the user's read mark, kept on this server per user, not on the ledger (:mod:`truce.collab.reads`).
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from truce.access.accounts import Principal
from truce.access.policy import check_act, check_member, may_read_drafts
from truce.access.sealed import SealedRecords, body_sha256
from truce.collab.actions import (
    check_incident,
    held,
    list_comments,
    list_tasks,
    notifications_for,
    task_party,
)
from truce.collab.kinds import IncidentComment, TaskAssigned, TaskStatus, TaskUpdated
from truce.collab.reads import mark_read, read_through, unread
from truce.errors import NotFoundError
from truce.model.access import Role, SealedRecord
from truce.model.party import PARTY_ID_PATTERN
from truce.web.deps import Services, current, services
from truce.web.routes.records import Filed, PartyParam, acting_party, filed

router = APIRouter(prefix="/api/v1", tags=["collaboration"])

Who = Annotated[Principal, Depends(current)]
Svc = Annotated[Services, Depends(services)]


class NewComment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=5000)
    party_only: bool = False


class NewTask(BaseModel):
    model_config = ConfigDict(extra="forbid")
    party: str = Field(pattern=PARTY_ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    incident: str | None = None
    text: str = Field(default="", max_length=5000)


class ReadMark(BaseModel):
    model_config = ConfigDict(extra="forbid")
    through: int = Field(ge=-1, le=2**31 - 1, description="the newest entry_index read")


class NewStatus(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: TaskStatus
    text: str = Field(default="", max_length=5000)


def _incident(svc: Services, incident_id: str) -> str:
    with svc.node.store.engine.connect() as conn:
        return check_incident(conn, incident_id)


def _sealed_comments(svc: Services, who: Principal, incident_id: str) -> list[dict[str, Any]]:
    with svc.node.store.engine.connect() as conn:
        ids = set(held(conn, incident_id))
    out = []
    for r in SealedRecords(svc.node.store.engine).list():
        if r["kind"] != "incident.commented" or r["released_index"] is not None:
            continue
        if r["body"].get("incident") not in ids or not may_read_drafts(who, r["party"]):
            continue
        out.append(
            dict(
                id=r["id"],
                incident_id=incident_id,
                author=r["party"],
                at="",  # a restricted record keeps no time of its own; its seal entry does
                by=r["created_by"],
                sealed_index=r["sealed_index"],
                text=r["body"].get("text", ""),
                party_only=True,
            )
        )
    return out


@router.get("/incidents/{incident_id}/comments", summary="Comments on an incident (members)")
def get_comments(incident_id: str, svc: Svc, who: Who) -> list[dict[str, Any]]:
    check_member(who)
    now = _incident(svc, incident_id)
    with svc.node.store.engine.connect() as conn:
        shared = [{**c, "party_only": False} for c in list_comments(conn, now)]
    return shared + _sealed_comments(svc, who, now)


@router.post("/incidents/{incident_id}/comments", status_code=201, summary="Comment on an incident")
async def post_comment(
    incident_id: str, body: NewComment, svc: Svc, who: Who, party: PartyParam = None
) -> dict[str, Any]:
    check_member(who)
    acting = acting_party(who, party)
    now = await run_in_threadpool(_incident, svc, incident_id)
    value = IncidentComment(incident=now, text=body.text)
    if not body.party_only:
        appended = await svc.append(who, acting, "incident.commented", value)
        return filed(appended, f"C-{appended.index}").model_dump()
    check_act(who, acting, "incident.commented", value)
    record = value.to_body()
    seal = SealedRecord(kind="incident.commented", sha256=body_sha256(record), note="comment")
    appended = await svc.append(who, acting, "record.sealed", seal)
    record_id = f"X-{appended.index}"
    SealedRecords(svc.node.store.engine).add(
        record_id, acting, "incident.commented", record, appended.index, who.username
    )
    return {**filed(appended, record_id).model_dump(), "party_only": True}


@router.get("/tasks", summary="Tasks (members): by party, incident or status")
def get_tasks(
    svc: Svc,
    who: Who,
    party: Annotated[str | None, Query(pattern=PARTY_ID_PATTERN)] = None,
    incident: Annotated[str | None, Query(max_length=32)] = None,
    status: TaskStatus | None = None,
) -> list[dict[str, Any]]:
    check_member(who)
    with svc.node.store.engine.connect() as conn:
        now = check_incident(conn, incident) if incident else None
        rows = list_tasks(conn, party=party, incident=now, status=status.value if status else None)
    # The same JSON: FastAPI would need typing_extensions.TypedDict (Python 3.11) to use TaskRow.
    return cast("list[dict[str, Any]]", rows)


@router.post("/tasks", status_code=201, summary="Assign a task to a party")
async def post_task(body: NewTask, svc: Svc, who: Who, party: PartyParam = None) -> Filed:
    check_member(who)
    acting = acting_party(who, party)
    if body.party not in {p["id"] for p in svc.node.parties()}:
        raise NotFoundError(f"no party {body.party!r}", field="party")
    now = await run_in_threadpool(_incident, svc, body.incident) if body.incident else None
    value = TaskAssigned(party=body.party, title=body.title, incident=now, text=body.text)
    appended = await svc.append(who, acting, "task.assigned", value)
    return filed(appended, f"T-{appended.index}")


@router.post("/tasks/{task_id}/status", status_code=201, summary="Mark a task done (or open)")
async def post_status(
    task_id: str, body: NewStatus, svc: Svc, who: Who, party: PartyParam = None
) -> Filed:
    check_member(who)
    acting = acting_party(who, party)
    with svc.node.store.engine.connect() as conn:
        assignee = task_party(conn, task_id)
    value = TaskUpdated(task=task_id, party=assignee, status=body.status, text=body.text)
    appended = await svc.append(who, acting, "task.updated", value)
    return filed(appended, task_id)


@router.get("/notifications", summary="Your notifications, newest first")
def get_notifications(
    svc: Svc,
    who: Who,
    after: Annotated[int, Query(ge=-1, le=2**53, description="only after this index")] = -1,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    check_member(who)
    with svc.node.store.engine.connect() as conn:
        chair = who.role == Role.CHAIR
        rows = notifications_for(conn, who.party, chair=chair, after=after, limit=limit)
    return cast("list[dict[str, Any]]", rows)


def _unread(svc: Services, who: Principal, through: int) -> dict[str, int]:
    with svc.node.store.engine.connect() as conn:
        chair = who.role == Role.CHAIR
        count = unread(conn, who.party, chair=chair, through=through)
    return {"read_through": through, "unread": count}


@router.get("/notifications/unread", summary="How many of your notifications are unread")
def get_unread(svc: Svc, who: Who) -> dict[str, int]:
    check_member(who)
    return _unread(svc, who, read_through(svc.node.store.engine, who.username))


@router.post("/notifications/read", summary="Mark your notifications read, up to an index")
async def post_read(body: ReadMark, svc: Svc, who: Who) -> dict[str, int]:
    """Per-user state of this server, not a ledger entry (:mod:`truce.collab.reads`); every
    browser of the user sees the same mark, and their live streams get a ``read`` event."""
    check_member(who)
    engine, size = svc.node.store.engine, svc.node.ledger.size
    mark = await run_in_threadpool(mark_read, engine, who.username, body.through, size)
    if svc.hub is not None:
        svc.hub.read(who.username, mark)
    return await run_in_threadpool(_unread, svc, who, mark)

"""The live picture (issue 22): the ledger's appends as server-sent events, per role.

``GET /api/v1/stream?after=<ledger index>`` (``text/event-stream``) sends one event per entry
appended after ``after`` (default: from now on), each with ``id:`` its ledger index, so a browser's
``EventSource`` reconnects with ``Last-Event-ID`` and is caught up from the ledger. An event says
what changed, already joined with the tables the entry was projected into: a report and the
incident it joined (its grade, place, violations); a response, a sign-off, a publication, a
merge or split (the incidents as they now are); a patrol's plan, track (its last position) or
observation; a zone, site or agreement; the review queue.

Who sees what is the server's one rule (:mod:`truce.web.routes.incidents`): members see the
shared record; the public sees incidents that are published, and nothing else (no reports, no
patrols, no sign-offs; an unpublished incident's existence is not disclosed).

The writer never waits for a browser. The sequencer tells the :class:`Hub` how far the tables
are (``notify``, a queue put); the hub's thread reads the new entries, describes them (one
database read per entry, once for every stream) and hands the encoded events to the event loop,
which keeps the last few thousand and wakes the streams. Each stream writes at its own pace; one
that falls behind the kept events is caught up from the ledger, in a worker thread, like a
reconnecting one; one that is too far behind gets a ``reset`` event (reload everything).
"""

from __future__ import annotations

import asyncio
import bisect
import json
import logging
import queue
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from truce import ids
from truce.access.accounts import Principal
from truce.access.policy import MEMBER_ROLES
from truce.errors import TruceError
from truce.ledger.entry import Entry
from truce.model.access import Role
from truce.store import queries
from truce.web.deps import SESSION_COOKIE, Services, current, services

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = ["Event", "Hub", "describe", "router"]

log = logging.getLogger(__name__)

#: Events kept in memory for streams that are a little behind; older ones come from the ledger.
KEEP = 4096
#: A stream further behind than this is told to reload (``reset``) rather than replayed.
MAX_CATCH_UP = 20_000
KEEPALIVE_S = 15.0
RECHECK_S = 60.0  # how often a stream checks that its session or token still holds
#: The hub gathers the appends of this long into one wake-up of every stream: at 50 reports a
#: second, 200 streams write 20 chunks a second each rather than 50 (a browser redraws once).
COALESCE_S = 0.05

router = APIRouter(prefix="/api/v1", tags=["live"])


@dataclass(frozen=True)
class Event:
    """One entry, described: for members, and for the public (None: not shown to it); and the
    notifications it raised, one ``notification`` frame per audience (a party, ``@chair`` or
    ``*``), which only the streams of that audience are sent (:func:`audiences`)."""

    index: int
    member: bytes
    public: bytes | None
    notes: tuple[tuple[str, bytes], ...] = ()

    def for_member(self, heard: frozenset[str]) -> bytes:
        """The frames a member stream whose audiences are ``heard`` is sent."""
        if not self.notes:
            return self.member
        return self.member + b"".join(frame for to, frame in self.notes if to in heard)


def audiences(who: Principal) -> frozenset[str]:
    """The notification audiences ``who`` belongs to (the notifications list's own rule)."""
    from truce.collab.queries import audiences as of

    return frozenset(of(who.party, chair=who.role is Role.CHAIR))


def _note_frames(index: int, heard: list[dict[str, Any]]) -> tuple[tuple[str, bytes], ...]:
    """One ``notification`` frame per audience; no ``id:`` line, so a browser's Last-Event-ID
    stays the entry's (a reconnect replays the entry, and its notifications with it)."""
    by: dict[str, list[dict[str, Any]]] = {}
    for n in heard:
        by.setdefault(str(n["audience"]), []).append(n)
    out = []
    for to, notes in by.items():
        payload = json.dumps({"index": index, "notifications": notes}, separators=(",", ":"))
        out.append((to, f"event: notification\ndata: {payload}\n\n".encode()))
    return tuple(out)


def _index(event: Event) -> int:
    return event.index


def _frame(index: int, kind: str, data: dict[str, Any]) -> bytes:
    payload = json.dumps({"index": index, **data}, separators=(",", ":"), default=str)
    return f"id: {index}\nevent: {kind}\ndata: {payload}\n\n".encode()


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_STATE = ("id", "sub_event_type", "family", "date_start", "date_end", "lat", "lon", "place")


def _incident(conn: Connection, incident_id: str | None) -> tuple[dict[str, Any] | None, bool]:
    """The incident as it now is (grade, place, violations), and whether it is public."""
    if not incident_id:
        return None, False
    row = queries.incident_row(conn, incident_id)
    if row is None:
        return {"id": incident_id, "gone": True}, False
    state = {k: row[k] for k in _STATE}
    state.update(occurrence=row["occurrence"], report_count=row["report_count"])
    # What the map filters on besides: the browser adds the incident to its picture from the
    # event alone, without asking for every incident again (members only: see _public_view).
    state["responsible_party"] = row.get("responsible_party")
    state["reported_by"] = sorted(queries.reporters(conn, [incident_id]).get(incident_id, ()))
    from truce.agreement.queries import violations_of

    state["violations"] = [
        {"clause": f"{v['agreement_id']} § {v['clause_id']}", "status": v["status"]}
        for v in violations_of(conn, incident_id)
    ]
    public = queries.is_public(queries.publication_of(conn, incident_id), _now_iso())
    return state, public


def _public_view(index: int, state: dict[str, Any]) -> bytes:
    keep = ("id", "sub_event_type", "family", "date_start", "date_end", "lat", "lon", "place")
    return _frame(index, "incident", {"incident": {k: state.get(k) for k in keep}})


def _notifications(conn: Connection, index: int) -> list[dict[str, Any]]:
    from truce.collab.actions import notifications_between

    return [
        {
            "id": n["id"],
            "kind": n["kind"],
            "audience": n["audience"],
            "incident_id": n["incident_id"],
            "task_id": n["task_id"],
            "text": n["text"],
        }
        for n in notifications_between(conn, index, index + 1)
    ]


def describe(conn: Connection, index: int, entry: Entry) -> Event:
    """What ``entry`` (at ``index``) changed, as members and as the public may see it."""
    kind, body, author = entry.kind, entry.body, entry.author
    base = {"kind": kind, "author": author}
    incidents: list[str] = []
    if kind == "report.filed":
        rid = ids.report_id(index)
        found = queries.incident_of_report(conn, rid)
        incidents = [found] if found else []
        typ, data = "report", {**base, "id": rid, "title": body.get("title", "")}
    elif kind == "response.filed":
        incidents = [str(body.get("incident", ""))]
        typ, data = "response", {**base, "id": ids.response_id(index), "response": body.get("kind")}
    elif kind == "incident.signoff":
        incidents = [str(body.get("incident", ""))]
        typ, data = "signoff", {**base, "decision": body.get("decision")}
    elif kind == "incident.published":
        incidents = [str(body.get("incident", ""))]
        typ, data = "publication", {**base, "basis": body.get("basis")}
    elif kind == "incident.merged":
        incidents = [str(i) for i in body.get("incidents", [])]
        typ, data = "incident", {**base}
    elif kind == "incident.split":
        moved = [str(r) for r in body.get("reports", [])]
        now_in = queries.incidents_of_reports(conn, moved)
        incidents = [str(body.get("incident", "")), *sorted(now_in)]
        typ, data = "incident", {**base}
    elif kind in ("patrol.planned", "patrol.tracked", "patrol.observed"):
        patrol = body.get("id") if kind == "patrol.planned" else body.get("patrol")
        data = {**base, "patrol": patrol}
        if kind == "patrol.tracked" and body.get("points"):
            _, lat, lon = body["points"][-1]
            data["position"] = {"lat": lat, "lon": lon}
        elif kind == "patrol.observed" and body.get("lat") is not None:
            data["position"] = {"lat": body["lat"], "lon": body["lon"]}
            data["observation"] = body.get("kind")
        typ = "patrol"
    elif kind in ("zone.defined", "site.registered", "agreement.adopted"):
        typ, data = "layer", {**base, "id": body.get("id")}
    elif kind in ("claim.queued", "claim.reviewed"):
        typ, data = "review", {**base}
    elif kind == "incident.commented":
        incidents = [str(body.get("incident", ""))]
        typ, data = "comment", {**base, "id": ids.comment_id(index), "text": body.get("text", "")}
    elif kind in ("task.assigned", "task.updated"):
        task = ids.task_id(index) if kind == "task.assigned" else body.get("task")
        incidents = [str(body.get("incident") or "")]
        data = {**base, "task": task, "party": body.get("party"), "status": body.get("status")}
        typ = "task"
    else:
        typ, data = "entry", {**base}
    states: list[dict[str, Any]] = []
    public_states: list[dict[str, Any]] = []
    for incident_id in dict.fromkeys(i for i in incidents if i):
        state, is_public = _incident(conn, incident_id)
        if state is not None:
            states.append(state)
            if is_public and not state.get("gone"):
                public_states.append(state)
    if states:
        data["incident"] = states[0]
        if len(states) > 1:
            data["incidents"] = states
    notes = _note_frames(index, _notifications(conn, index))
    public = _public_view(index, public_states[0]) if public_states else None
    return Event(index, _frame(index, typ, data), public, notes)


def describe_range(svc: Services, start: int, stop: int) -> list[Event]:
    """The events of entries ``[start, stop)``, read from the ledger and the tables."""
    if stop <= start:
        return []
    with svc.sequencer.reading() as node:
        entries = list(node.ledger.iter_entries(start, stop))
    with svc.node.store.engine.connect() as conn:
        return [describe(conn, i, e) for i, e in entries]


class Hub:
    """Fans the ledger's appends out to every open stream without making the writer wait."""

    def __init__(self, svc: Services, keep: int = KEEP) -> None:
        self.svc = svc
        self.keep = keep
        self.size = svc.node.ledger.size  # entries described (and sent) so far
        self._events: list[Event] = []  # the last ``keep`` or so, in ledger order
        #: The last batch published, joined once for all streams: (from, to, member, public,
        #: the batch's events when they raised notifications, which each stream picks from).
        self._batch: tuple[int, int, bytes, bytes, list[Event] | None] = (
            self.size, self.size, b"", b"", None,
        )  # fmt: skip
        self._changed = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: queue.Queue[int | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.streams = 0  # open streams, for tests and metrics
        #: Each user's notification read mark, as last moved (truce.collab.reads): sent to the
        #: user's other streams as a ``read`` event, with no id (it is not a ledger entry).
        self.reads: dict[str, int] = {}

    # -- the writer's side (any thread) ---------------------------------------------------------
    def notify(self, size: int) -> None:
        """The tables hold the ledger's first ``size`` entries (never blocks)."""
        if self._thread is not None:
            self._pending.put(size)

    # -- the hub's thread ------------------------------------------------------------------------
    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        self._thread = threading.Thread(target=self._run, name="truce-live", daemon=True)
        self._thread.start()

    def close(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._pending.put(None)
            self._thread.join(timeout=10)

    def _run(self) -> None:
        described = self.size
        while True:
            size = self._pending.get()
            stop = size is None
            if not stop:
                time.sleep(COALESCE_S)
            while True:  # everything that arrived meanwhile: one pass
                try:
                    more = self._pending.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                else:
                    size = max(size or 0, more)
            if size is not None and size > described:
                try:
                    events = describe_range(self.svc, described, size)
                except Exception:  # a stream misses nothing: it is caught up from the ledger
                    log.exception("could not describe entries %d..%d", described, size)
                    events = []
                described = size
                assert self._loop is not None
                try:
                    self._loop.call_soon_threadsafe(self._publish, events, size)
                except RuntimeError:  # the loop has closed: the server is stopping
                    return
            if stop:
                return

    # -- the event loop's side -------------------------------------------------------------------
    def read(self, username: str, through: int) -> None:
        """``username`` marked their notifications read up to ``through`` (on the loop)."""
        self.reads[username] = through
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def _publish(self, events: list[Event], size: int) -> None:
        self._events.extend(events)
        if len(self._events) > 2 * self.keep:
            del self._events[: len(self._events) - self.keep]
        member = b"".join(e.member for e in events)
        public = b"".join(e.public for e in events if e.public is not None)
        noted = events if any(e.notes for e in events) else None
        self._batch = (self.size, size, member, public, noted)
        self.size = size
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def kept_since(self, start: int) -> list[Event] | None:
        """Kept events from index ``start`` on, or None if some of them are no longer kept."""
        oldest = self._events[0].index if self._events else self.size
        if start < oldest and start < self.size:
            return None
        if start >= self.size:
            return []
        return self._events[bisect.bisect_left(self._events, start, key=_index) :]

    async def stream(self, request: Request, who: Principal, after: int) -> AsyncIterator[bytes]:
        public = who.role not in MEMBER_ROLES
        heard = audiences(who)
        cursor = self.size if after < 0 else after + 1  # the next index to send
        self.streams += 1
        try:
            yield f"retry: 2000\nevent: hello\ndata: {json.dumps({'size': self.size})}\n\n".encode()
            loop = asyncio.get_running_loop()
            checked = loop.time()
            read = self.reads.get(who.username)
            while True:
                changed = self._changed
                if self.reads.get(who.username) != read:
                    read = self.reads[who.username]
                    yield f"event: read\ndata: {json.dumps({'read_through': read})}\n\n".encode()
                size = self.size
                batch = self._batch
                if cursor == batch[0] and size == batch[1] and cursor < size:
                    # The usual case, a stream that is up to date: the batch joined once.
                    cursor = size
                    if public:
                        chunk = batch[3]
                    elif batch[4] is None:
                        chunk = batch[2]
                    else:  # notifications in the batch: this stream's only
                        chunk = b"".join(e.for_member(heard) for e in batch[4])
                    if chunk:
                        yield chunk
                    continue
                if cursor < size:
                    events = self.kept_since(cursor)
                    if events is None:
                        if size - cursor > MAX_CATCH_UP:
                            yield _frame(size - 1, "reset", {"size": size})
                            cursor = size
                            continue
                        events = await run_in_threadpool(describe_range, self.svc, cursor, size)
                    chunk = b"".join(
                        frame
                        for e in events
                        if (frame := e.public if public else e.for_member(heard)) is not None
                    )
                    cursor = max(cursor, size)
                    if chunk:
                        yield chunk
                    continue
                try:
                    await asyncio.wait_for(changed.wait(), KEEPALIVE_S)
                except TimeoutError:
                    yield b": keepalive\n\n"
                if loop.time() - checked > RECHECK_S:
                    checked = loop.time()
                    if not await _still_allowed(self.svc, request, who):
                        yield _frame(max(cursor - 1, 0), "signedout", {})
                        return
        finally:
            self.streams -= 1


async def _still_allowed(svc: Services, request: Request, who: Principal) -> bool:
    if who.via == "session":
        sid = request.cookies.get(SESSION_COOKIE, "")
        return bool(await run_in_threadpool(svc.accounts.session_alive, sid))
    if who.via == "token":
        header = request.headers.get("authorization", "")
        try:
            await svc.accounts.authenticate_token_async(header.partition(" ")[2].strip())
        except TruceError:
            return False
    return True


def hub_of(svc: Services) -> Hub:
    hub: Hub | None = getattr(svc, "hub", None)
    if hub is None:
        raise RuntimeError("the live hub is not running")  # pragma: no cover
    return hub


@router.get(
    "/stream",
    summary="Live: the ledger's appends as server-sent events, as your role may see them",
    response_class=StreamingResponse,
)
async def stream(
    request: Request,
    svc: Annotated[Services, Depends(services)],
    who: Annotated[Principal, Depends(current)],
    after: Annotated[
        int | None, Query(ge=-1, le=2**53, description="send entries after this index")
    ] = None,
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
) -> StreamingResponse:
    start = -1
    if last_event_id and last_event_id.strip().isdigit():
        start = int(last_event_id)  # a reconnect: go on after the last event received
    elif after is not None:
        start = after
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(
        hub_of(svc).stream(request, who, start), media_type="text/event-stream", headers=headers
    )

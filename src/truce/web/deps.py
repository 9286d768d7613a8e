"""What every route depends on: the node's services, and who is asking.

Authentication, in order: ``Authorization: Bearer <API token>`` (programs); the
``truce_session`` cookie (the web UI), whose unsafe requests (POST, PUT, PATCH, DELETE) must
also carry the session's CSRF token in ``X-CSRF-Token`` (or a ``csrf_token`` form field); else
the anonymous public. A bad token or an ended session is refused (401), never downgraded to
the public silently. Routers of other areas use :func:`current` and :func:`services` too.
"""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from truce.access.accounts import ANONYMOUS, Accounts, Principal
from truce.access.policy import check_act
from truce.agreement.filing import check_body as check_filing
from truce.agreement.queries import agreement_start
from truce.config import Settings
from truce.errors import AuthenticationError, PermissionDenied
from truce.model.base import Model
from truce.model.plausibility import refuse_implausible
from truce.model.report import Report
from truce.node import Node
from truce.web.sequencer import Appended, Sequencer

if TYPE_CHECKING:
    from truce.collab.webhook import Webhook
    from truce.web.live import Hub

__all__ = ["SESSION_COOKIE", "Services", "current", "services"]

SESSION_COOKIE = "truce_session"
CSRF_HEADER = "X-CSRF-Token"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass
class Services:
    settings: Settings
    node: Node
    sequencer: Sequencer
    accounts: Accounts
    hub: Hub | None = None  # the live stream's fan-out (truce.web.live), set by create_app
    webhook: Webhook | None = None  # TRUCE_WEBHOOK_URL's sender (truce.collab.webhook)

    async def append(
        self, who: Principal, party: str, kind: str, body: Model | dict[str, Any]
    ) -> Appended:
        """Check that ``who`` may author ``kind`` for ``party``; sign custodially and append."""
        check_act(who, party, kind, body)
        if kind == "report.filed" and isinstance(body, Report):
            await self.refuse_implausible(body)
        check_filing(kind, body, self.settings.extra)  # a report's point against its place
        return await asyncio.wrap_future(self.sequencer.submit(party, kind, body))

    async def refuse_implausible(self, report: Report) -> None:
        """:func:`truce.model.plausibility.refuse_implausible`, with the agreement's start."""
        since = None
        if not (report.plausibility_override or report.override_note):
            since = await run_in_threadpool(agreement_start, self.node.store.engine)
        refuse_implausible(report, since=since)


async def services(request: Request) -> Services:
    # async: FastAPI would run a plain function dependency in its thread pool, a thread hop
    # per request for an attribute read.
    svc: Services = request.app.state.services
    return svc


async def current(request: Request) -> Principal:
    """The principal making this request (the anonymous public if no credentials)."""
    svc: Services = request.app.state.services
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("send the API token as 'Authorization: Bearer <token>'")
        return await svc.accounts.authenticate_token_async(token.strip())
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return ANONYMOUS
    who = await run_in_threadpool(svc.accounts.session, session_id)
    if request.method not in _SAFE:
        sent = request.headers.get(CSRF_HEADER)
        if sent is None and request.headers.get("content-type", "").startswith(_FORM_TYPES):
            sent = str((await request.form()).get("csrf_token") or "") or None
        if not sent or not who.csrf or not hmac.compare_digest(sent, who.csrf):
            raise PermissionDenied(
                "missing or wrong CSRF token",
                field=CSRF_HEADER,
                hint="Send the csrf_token from the sign-in response in the X-CSRF-Token header.",
            )
    return who

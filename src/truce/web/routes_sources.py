"""``GET /api/v1/sources``: the channels the server polls, with their status (members only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from truce.access.accounts import Principal
from truce.access.policy import check_member
from truce.web.deps import Services, current, services

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/sources", tags=["sources"])

Who = Annotated[Principal, Depends(current)]
Svc = Annotated[Services, Depends(services)]


def _statuses(svc: Services, watching: bool) -> dict[str, Any]:
    from truce.channels.state import State

    home = svc.settings.home
    if not State.exists_in(home):
        return {"watching": watching, "sources": []}
    state = State.of_home(home)
    try:
        rows = [s.to_json() for s in state.statuses()]
    finally:
        state.close()
    return {"watching": watching, "sources": rows}


@router.get("", summary="The channels (feeds, Telegram exports, folders) and their status")
async def list_sources(request: Request, svc: Svc, who: Who) -> dict[str, Any]:
    """Each source's kind, target, schedule, last poll, items taken, errors and back-off.
    Officers, monitors, analysts and the chair; not the public (targets can be private)."""
    check_member(who)
    watching = getattr(request.app.state, "channels", None) is not None
    result: dict[str, Any] = await run_in_threadpool(_statuses, svc, watching)
    return result

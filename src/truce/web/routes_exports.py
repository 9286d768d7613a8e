"""Reports and exports through the API (issue 9), under ``/api/v1``: thin, as the CLI is.

- ``GET /api/v1/exports/formats``: the registered formats (open data: no sign-in);
- ``GET /api/v1/exports/{format}``: an export (``from``, ``to``, ``zone``, ``unit``,
  ``checkpoint_size``, ``stale_days``), sent with the format's media type;
- ``GET /api/v1/situation-reports/{daily|weekly}``: the situation report as HTML or PDF (``date``,
  ``zone``, ``checkpoint_size``, ``format``).

Exports and reports include unpublished incidents, so they are for members (as the incident
routes: the public reads published incidents only). Every answer names the ledger state it was
built from in ``X-Truce-Ledger-Size`` and ``X-Truce-Ledger-Root``.
"""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from truce.access.accounts import Principal
from truce.access.policy import check_member
from truce.report import (
    EventFilter,
    available_formats,
    build_situation,
    get_format,
    html_to_pdf,
    render_html,
    run_export,
)
from truce.web.deps import Services, current, services

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["reports"])

Who = Annotated[Principal, Depends(current)]
Svc = Annotated[Services, Depends(services)]


def _headers(size: int, root: str) -> dict[str, str]:
    return {"X-Truce-Ledger-Size": str(size), "X-Truce-Ledger-Root": root}


@router.get("/exports/formats")
def list_formats() -> list[dict[str, object]]:
    return [
        {
            "name": f.name,
            "title": f.title,
            "media_type": f.media_type,
            "extension": f.extension,
            "export": f.export is not None,
            "import": f.import_ is not None,
            "spec": f.spec,
        }
        for f in available_formats()
    ]


@router.get("/exports/{format_name}")
async def export(
    format_name: str,
    who: Who,
    svc: Svc,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    zone: str | None = None,
    unit: Literal["incidents", "reports"] = "incidents",
    checkpoint_size: Annotated[int | None, Query(ge=1)] = None,
    stale_days: Annotated[int, Query(ge=0)] = 30,
) -> Response:
    check_member(who)
    fmt = get_format(format_name, export=True)
    flt = EventFilter(start=start, end=end, zone=zone)

    def build() -> tuple[str, int, str]:
        buffer = io.StringIO()
        _result, state = run_export(
            svc.node,
            fmt.name,
            buffer,
            unit=unit,
            flt=flt,
            size=checkpoint_size,
            options={"stale_days": stale_days},
        )
        return buffer.getvalue(), state.size, state.root_b64

    text, size, root = await run_in_threadpool(build)
    return Response(text, media_type=fmt.media_type, headers=_headers(size, root))


@router.get("/situation-reports/{kind}")
async def situation_report(
    kind: Literal["daily", "weekly"],
    who: Who,
    svc: Svc,
    on: Annotated[date | None, Query(alias="date")] = None,
    zone: str | None = None,
    checkpoint_size: Annotated[int | None, Query(ge=1)] = None,
    format: Literal["html", "pdf"] = "html",
) -> Response:
    check_member(who)

    def build() -> tuple[bytes, int, str]:
        rep = build_situation(svc.node, kind, on=on, zone=zone, size=checkpoint_size)
        html = render_html(rep)
        if format == "html":
            return html.encode("utf-8"), rep.state.size, rep.state.root_b64
        with tempfile.TemporaryDirectory(prefix="truce-report-") as tmp:
            out = Path(tmp) / "report.pdf"
            html_to_pdf(html, out, when=rep.state.time)
            return out.read_bytes(), rep.state.size, rep.state.root_b64

    body, size, root = await run_in_threadpool(build)
    media = "text/html; charset=utf-8" if format == "html" else "application/pdf"
    return Response(body, media_type=media, headers=_headers(size, root))

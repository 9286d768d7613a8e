"""The CLI's writes while the server runs: ``POST /api/v1/operator/entries`` (see
:mod:`truce.serverinfo`).

The server holds the data directory's writer lock; a CLI write command on the same machine signs
its entries with the data directory's keys, as it would append them itself, and posts them here
with the operator token the server wrote to ``ledger/server.json`` (0600). They are appended
through the sequencer, all or nothing, like any client-signed batch, and the answer comes once
they are in the log and the tables. No role applies: the operator already holds every key of
this node (that is what the token proves); a request without the token is a 403 and writes
nothing. Not part of the public API (hidden from the OpenAPI document).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel, ConfigDict, Field

from truce.errors import EntryError, LedgerError, PermissionDenied, ValidationError
from truce.ledger.entry import Entry
from truce.model.kinds import parse_body
from truce.serverinfo import OPERATOR_HEADER
from truce.web.deps import Services, services

router = APIRouter(prefix="/api/v1/operator", include_in_schema=False)

Svc = Annotated[Services, Depends(services)]
MAX_OPERATOR_BATCH = 100_000


class OperatorEntries(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entries: list[str] = Field(min_length=1, max_length=MAX_OPERATOR_BATCH)


@router.post("/entries", status_code=201)
async def operator_entries(
    request: Request,
    body: OperatorEntries,
    svc: Svc,
    token: Annotated[str | None, Header(alias=OPERATOR_HEADER)] = None,
) -> dict[str, Any]:
    expected: str | None = getattr(request.app.state, "operator_token", None)
    if not expected or not token or not hmac.compare_digest(token, expected):
        raise PermissionDenied(
            "operator entries need this server's operator token",
            hint="Run the truce command on the server's machine, over its data directory.",
        )
    entries: list[Entry] = []
    for i, text in enumerate(body.entries):
        field = f"entries.{i}"
        try:
            leaf = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError("not standard base64", field=field) from None
        try:
            entry = Entry.from_leaf(leaf)
        except EntryError as exc:
            raise EntryError(exc.message, field=field) from None
        parse_body(entry.kind, entry.body, field)
        entries.append(entry)
    try:
        appended = await asyncio.wrap_future(svc.sequencer.submit_signed(entries))
    except LedgerError as exc:
        if exc.field is None and exc.index is not None and 0 <= exc.index < len(entries):
            exc.field = f"entries.{exc.index}"
        raise
    return {"index": appended.index, "count": len(entries)}

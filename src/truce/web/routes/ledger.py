"""The log: checkpoint, entries, proofs, author heads, client-signed entries, and tlog-tiles.

JSON under ``/api/v1/ledger``; the C2SP tlog-tiles layout under ``/ledger`` (``/ledger/checkpoint``,
``/ledger/tile/<L>/<N>[.p/<W>]``, ``/ledger/tile/entries/<N>[.p/<W>]``), so a mirror reads this
server exactly as it reads any static copy of the log (``truce.ledger.tiles``). Full tiles never
change and are served immutable. Hashes and leaves are standard base64. The checkpoint carries
every witness cosignature collected for it. Anyone may read the checkpoint and the hash tiles
(unless ``TRUCE_PUBLIC_LOG=0``): the tree is verifiable by public witnesses and standard clients,
while entry bundles, which hold the entries' contents, stay members' only. Entry bundles are
gzip-compressed when the client accepts it (``Accept-Encoding: gzip``, as tlog-tiles clients send).

Witness: when ``TRUCE_WITNESS_HOME`` names a witness home (``truce witness init``), this server is
also a C2SP tlog-witness for the logs that home witnesses: ``POST /witness/add-checkpoint``
(submission prefix ``http://HOST:PORT/witness``) answers as :class:`truce.ledger.tlog_witness.
Witness` does, with no credentials (a witness's clients are other logs); without the setting the
path answers 404.

Client mode: ``POST /api/v1/ledger/entries`` takes entries signed on the party's own machine
(``{"entries": [base64 leaf, ...]}``, all or nothing). Each must say ``"mode": "client"``; its
author must be the caller's own party and its kind one the caller's role may author (a new
party's self-signed ``party.registered``: the chair). The ledger then checks the origin, the
Ed25519 signature against the author's registered key, and the author's chain (``seq``/``prev``),
so a forged entry is refused (422 bad_signature) and a replayed one too (409 bad_chain).
``GET /api/v1/ledger/heads/{party}`` gives the ``seq`` and ``prev`` the next entry must carry.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import gzip
import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from truce.access.accounts import Principal
from truce.access.policy import check_act, check_member, check_role
from truce.agreement.filing import check_body as check_filing
from truce.errors import EntryError, LedgerError, NotFoundError, ValidationError
from truce.ledger.cosign import cosigned_checkpoint
from truce.ledger.entry import Entry
from truce.ledger.tiles import bundle_bytes, parse_path, tile_bytes, tile_width
from truce.ledger.tlog_witness import MAX_BODY, Witness
from truce.model.access import Role
from truce.model.kinds import parse_body
from truce.model.party import PARTY_ID_PATTERN
from truce.model.report import Report
from truce.web.deps import Services, current, services

router = APIRouter(tags=["ledger"])

Who = Annotated[Principal, Depends(current)]
Svc = Annotated[Services, Depends(services)]
Index = Annotated[int, Query(ge=0, le=2**53)]
MAX_BATCH = 1000


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def entry_json(index: int, entry: Entry) -> dict[str, Any]:
    return {
        "index": index,
        "hash": entry.hash.hex(),
        "leaf": b64(entry.leaf),
        "kind": entry.kind,
        "author": entry.author,
        "seq": entry.seq,
        "prev": entry.prev,
        "time": entry.time,
        "mode": entry.mode,
        "body": entry.body,
    }


class SignedEntries(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entries: list[str] = Field(
        min_length=1, max_length=MAX_BATCH, description="base64 of each leaf (envelope+signature)"
    )


@router.get("/api/v1/ledger/checkpoint", response_class=PlainTextResponse)
def checkpoint(svc: Svc) -> PlainTextResponse:
    """The latest signed checkpoint (C2SP tlog-checkpoint note) with every witness cosignature
    collected for it, so a client can check it against a witness policy; public."""
    with svc.sequencer.reading() as node:
        note = cosigned_checkpoint(node.ledger)
    return PlainTextResponse(note, headers={"Cache-Control": "no-cache"})


@router.get("/api/v1/ledger/vkey", response_class=PlainTextResponse)
def vkey(svc: Svc) -> PlainTextResponse:
    """The log's verifier key (C2SP signed-note vkey); public."""
    return PlainTextResponse(svc.node.ledger.signer.vkey + "\n")


@router.get("/api/v1/ledger/entries", summary="Entries from an index, in log order")
def list_entries(
    svc: Svc, who: Who, start: Index = 0, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[dict[str, Any]]:
    check_member(who)
    with svc.sequencer.reading() as node:
        return [entry_json(i, e) for i, e in node.ledger.iter_entries(start, start + limit)]


@router.get("/api/v1/ledger/entries/{index}", summary="One entry")
def get_entry(index: int, svc: Svc, who: Who) -> dict[str, Any]:
    check_member(who)
    with svc.sequencer.reading() as node:
        if not 0 <= index < node.ledger.size:
            raise NotFoundError(f"entry {index} does not exist; the log has {node.ledger.size}")
        return entry_json(index, node.ledger.entry(index))


@router.post("/api/v1/ledger/entries", status_code=201, summary="Append client-signed entries")
async def append_signed(body: SignedEntries, svc: Svc, who: Who) -> dict[str, Any]:
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
        if entry.mode != "client":
            raise ValidationError(
                'a client-signed entry says "mode": "client" in its envelope', field=field
            )
        if entry.kind == "party.registered" and entry.seq == 1:
            check_role(who, Role.CHAIR)
        else:
            check_act(who, entry.author, entry.kind, entry.body)
        model = parse_body(entry.kind, entry.body, field)
        try:
            if isinstance(model, Report):  # signed on the party's machine: checked the same
                await svc.refuse_implausible(model)
            check_filing(entry.kind, model, svc.settings.extra)
        except ValidationError as exc:
            where = f"{field}.body.{exc.field}" if exc.field else field
            raise ValidationError(exc.message, field=where, hint=exc.hint) from None
        entries.append(entry)
    try:
        appended = await asyncio.wrap_future(svc.sequencer.submit_signed(entries))
    except LedgerError as exc:
        if exc.field is None and exc.index is not None and 0 <= exc.index < len(entries):
            exc.field = f"entries.{exc.index}"  # name the refused entry of the batch
        raise
    return {
        "index": appended.index,
        "count": len(entries),
        "hashes": [e.hash.hex() for e in appended.entries],
    }


@router.get("/api/v1/ledger/heads/{party}", summary="The seq and prev of a party's next entry")
def head(party: str, svc: Svc, who: Who) -> dict[str, Any]:
    check_member(who)
    if not re.match(PARTY_ID_PATTERN, party):
        raise ValidationError("not a party id", field="party")
    with svc.sequencer.reading() as node:
        if node.ledger.key(party) is None:
            raise NotFoundError(f"no party {party!r}")
        seq, prev = node.ledger.next_position(party)
        return {"party": party, "seq": seq, "prev": prev, "origin": node.ledger.origin}


@router.get("/api/v1/ledger/proof/inclusion", summary="RFC 9162 inclusion proof")
def inclusion(
    svc: Svc, who: Who, index: Index, size: Annotated[int | None, Query(ge=1, le=2**53)] = None
) -> dict[str, Any]:
    check_member(who)
    with svc.sequencer.reading() as node:
        log = node.ledger
        size = log.size if size is None else size
        if not 0 <= index < size <= log.size:
            raise NotFoundError(f"no entry {index} in a tree of {size} (the log has {log.size})")
        proof = log.inclusion_proof(index, size)
        return {
            "index": index,
            "size": size,
            "leaf_hash": b64(log.entry(index).hash),
            "root": b64(log.root(size)),
            "proof": [b64(h) for h in proof],
        }


@router.get("/api/v1/ledger/proof/consistency", summary="RFC 9162 consistency proof")
def consistency(
    svc: Svc,
    who: Who,
    old: Annotated[int, Query(ge=1, le=2**53)],
    new: Annotated[int | None, Query(ge=1, le=2**53)] = None,
) -> dict[str, Any]:
    check_member(who)
    with svc.sequencer.reading() as node:
        log = node.ledger
        new = log.size if new is None else new
        if not old <= new <= log.size:
            raise NotFoundError(f"sizes must satisfy 1 <= old <= new <= {log.size}")
        proof = log.consistency_proof(old, new)
        return {
            "old": old,
            "new": new,
            "old_root": b64(log.root(old)),
            "new_root": b64(log.root(new)),
            "proof": [b64(h) for h in proof],
        }


# -- C2SP tlog-tiles ---------------------------------------------------------------------------
@router.get("/ledger/checkpoint", response_class=PlainTextResponse, tags=["tlog-tiles"])
def tiles_checkpoint(svc: Svc) -> PlainTextResponse:
    """The checkpoint at the tlog-tiles path."""
    return checkpoint(svc)


@router.get("/ledger/tile/{path:path}", tags=["tlog-tiles"], summary="A hash tile or entry bundle")
def tile(path: str, request: Request, svc: Svc, who: Who) -> Response:
    """Hash tiles are public when the center says so (``TRUCE_PUBLIC_LOG``, on by default): they
    let anyone verify the tree, and hold no entry's content. Entry bundles are members' only,
    gzipped when the client accepts it."""
    ref = parse_path("tile/" + path)
    if ref.level is None or not svc.settings.public_log:
        check_member(who)
    with svc.sequencer.reading() as node:
        available = tile_width(ref.level, ref.index, node.ledger.size)
        if ref.width > available:
            raise NotFoundError(f"tile {ref.path} is not in the log (yet)")
        if ref.level is None:
            data = bundle_bytes(node.ledger.entries, ref)
        else:
            data = tile_bytes(node.ledger.tree, ref)
    cache = "public, max-age=31536000, immutable" if not ref.partial else "no-cache"
    headers = {"Cache-Control": cache}
    if ref.level is None:
        headers["Vary"] = "Accept-Encoding"
        if _accepts_gzip(request.headers.get("accept-encoding", "")):
            data = gzip.compress(data, compresslevel=6, mtime=0)
            headers["Content-Encoding"] = "gzip"
    return Response(data, media_type="application/octet-stream", headers=headers)


def _accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header accepts gzip (``gzip;q=0`` refuses it)."""
    for part in header.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        if name.lower() not in ("gzip", "*"):
            continue
        for param in params:
            if param.startswith("q="):
                try:
                    return float(param[2:]) > 0
                except ValueError:
                    return False
        return True
    return False


# -- C2SP tlog-witness -------------------------------------------------------------------------
@router.post(
    "/witness/add-checkpoint",
    tags=["tlog-witness"],
    summary="Cosign a checkpoint that extends what this witness cosigned (c2sp.org/tlog-witness)",
    response_class=PlainTextResponse,
)
async def add_checkpoint(request: Request, svc: Svc) -> Response:
    """Served when ``TRUCE_WITNESS_HOME`` names a witness home; no credentials (the callers are
    logs). Answers 200 with the cosignature line, or 400/403/404/409/422 as the spec says."""
    home = svc.settings.extra.get("TRUCE_WITNESS_HOME", "").strip()
    if not home:
        raise NotFoundError(
            "this server is not a witness",
            hint="Set TRUCE_WITNESS_HOME to a witness home made by 'truce witness init'.",
        )
    body = await request.body()
    if len(body) > MAX_BODY:
        return PlainTextResponse(f"the request is over {MAX_BODY} bytes\n", status_code=413)
    answer = await run_in_threadpool(lambda: Witness(Path(home)).add_checkpoint(body))
    return Response(answer.body, status_code=answer.status, media_type=answer.content_type)

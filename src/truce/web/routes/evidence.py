"""The evidence locker over HTTP: upload (streamed to disk), list, read the file and thumbnail.

``POST /api/v1/evidence?report=R-..`` (or ``incident=I-..``) takes the file as the raw request
body (its ``Content-Type`` the declared type, ``filename=`` its name), or as the ``file`` part
of a ``multipart/form-data`` body. The body is never held in memory: it is written to the
store's ``tmp/`` in chunks while hashed, refused once past ``TRUCE_EVIDENCE_MAX_BYTES`` (a
declared ``Content-Length`` over it before a byte is read), and discarded if the client stops
short of its ``Content-Length``. Then the content is sniffed and read, the file kept and the
``evidence.added`` entry signed custodially for the acting party (see
:mod:`truce.evidence.actions`); any refusal stores nothing.

Visibility: evidence inherits it from what it is attached to. Members read every attachment;
the public reads an attachment, its file and its thumbnail only while its incident is published,
and anything else is a 404 to them (its existence is not disclosed).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect

from truce import ids
from truce.access.accounts import Principal
from truce.access.policy import MEMBER_ROLES, check_act
from truce.errors import NotFoundError, TooLarge, ValidationError
from truce.evidence.actions import Prepared, check_target, place, prepare, unplace
from truce.evidence.queries import for_sha, list_evidence, one
from truce.ledger.evidence import CHUNK, Staged
from truce.web.deps import Services, current, services
from truce.web.routes.records import PartyParam, acting_party

router = APIRouter(prefix="/api/v1/evidence", tags=["evidence"])

Who = Annotated[Principal, Depends(current)]
Svc = Annotated[Services, Depends(services)]
_KIND = "evidence.added"


def _public(who: Principal) -> bool:
    return who.role not in MEMBER_ROLES


def _too_large(limit: int) -> TooLarge:
    return TooLarge(
        f"the file is over the evidence size limit of {limit} bytes; nothing stored",
        field="file",
        hint="Set TRUCE_EVIDENCE_MAX_BYTES on the server to accept larger files.",
    )


async def _stream_body(request: Request, staged: Staged, limit: int) -> None:
    """Write the raw request body into ``staged`` in chunks of about :data:`CHUNK` bytes."""
    length = request.headers.get("content-length")
    expected = int(length) if length is not None and length.isdigit() else None
    buffer = bytearray()
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise _too_large(limit)
            buffer += chunk
            if len(buffer) >= CHUNK:
                data, buffer = bytes(buffer), bytearray()
                await run_in_threadpool(staged.write, data)
    except ClientDisconnect:
        raise ValidationError(
            f"the upload stopped after {received} bytes"
            + (f" of {expected}" if expected is not None else "")
            + "; nothing stored",
            field="file",
            hint="Send the file again.",
        ) from None
    if buffer:
        await run_in_threadpool(staged.write, bytes(buffer))
    if expected is not None and received != expected:
        raise ValidationError(
            f"the upload has {received} bytes but its Content-Length says {expected}; "
            "nothing stored",
            field="file",
        )


def _copy_part(part: UploadFile, staged: Staged, limit: int) -> None:
    part.file.seek(0)
    while chunk := part.file.read(CHUNK):
        staged.write(chunk)
        if staged.size > limit:
            raise _too_large(limit)


@router.post("", status_code=201, summary="Attach a file to a report or incident (streamed)")
async def upload(
    request: Request,
    svc: Svc,
    who: Who,
    party: PartyParam = None,
    report: Annotated[str | None, Query(max_length=32)] = None,
    incident: Annotated[str | None, Query(max_length=32)] = None,
    filename: Annotated[str | None, Query(max_length=1000)] = None,
    description: Annotated[str, Query(max_length=2000)] = "",
    graphic: bool = False,
) -> dict[str, Any]:
    author = acting_party(who, party)
    check_act(who, author, _KIND)
    form: Any = None
    try:
        return await _upload(
            request, svc, who, author, report, incident, filename, description, graphic
        )
    finally:
        form = getattr(request, "_form", None)
        if form is not None:
            await form.close()


async def _upload(
    request: Request,
    svc: Services,
    who: Principal,
    author: str,
    report: str | None,
    incident: str | None,
    filename: str | None,
    description: str,
    graphic: bool,
) -> dict[str, Any]:
    limit = svc.settings.evidence_max_bytes
    content_type = request.headers.get("content-type", "")
    multipart = content_type.lower().startswith("multipart/form-data")
    declared: str | None = None if multipart else content_type
    form: Any = None
    if multipart:
        form = await request.form(max_files=1, max_fields=20)
        report = report or _field(form, "report")
        incident = incident or _field(form, "incident")
        description = description or _field(form, "description") or ""
    with svc.node.store.engine.connect() as conn:
        check_target(conn, report, incident)
    staged = svc.node.evidence.stage()
    with staged:
        if multipart:
            part = form.get("file")
            if not isinstance(part, UploadFile):
                raise ValidationError("send the file as the multipart part 'file'", field="file")
            filename = filename or part.filename
            declared = part.content_type
            await run_in_threadpool(_copy_part, part, staged, limit)
        else:
            await _stream_body(request, staged, limit)
        if not filename:
            raise ValidationError("name the file: ?filename=photo.jpg", field="filename")
        prepared: Prepared = await run_in_threadpool(
            prepare,
            staged,
            filename=filename,
            report=report,
            incident=incident,
            declared=declared,
            description=description,
            graphic=graphic,
        )
        new = await run_in_threadpool(place, svc.node.evidence, staged, prepared)
        try:
            appended = await svc.append(who, author, _KIND, prepared.body)
        except BaseException:
            if new:
                unplace(svc.node.evidence, prepared.body.sha256)
            raise
    ident = ids.evidence_id(appended.index)
    with svc.node.store.engine.connect() as conn:
        row = one(conn, ident)
    return {**row, "index": appended.index, "entry_hash": appended.entries[0].hash.hex()}


def _field(form: Any, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) and value else None


@router.get("", summary="Attachments of a report or an incident, with their findings")
def list_attachments(
    svc: Svc,
    who: Who,
    report: Annotated[str | None, Query(max_length=32)] = None,
    incident: Annotated[str | None, Query(max_length=32)] = None,
) -> list[dict[str, Any]]:
    with svc.node.store.engine.connect() as conn:
        try:
            return list_evidence(conn, report=report, incident=incident, public=_public(who))
        except NotFoundError:
            if _public(who):
                raise NotFoundError(f"no incident {incident!r}") from None
            raise


def _visible(svc: Services, who: Principal, sha256: str) -> list[dict[str, Any]]:
    with svc.node.store.engine.connect() as conn:
        rows = for_sha(conn, sha256, public=_public(who))
    if not rows:
        raise NotFoundError(f"no evidence with SHA-256 {sha256[:64]!r}")
    return rows


@router.get("/{sha256}/info", summary="What the record holds about one file: attachments, findings")
def info(sha256: str, svc: Svc, who: Who) -> list[dict[str, Any]]:
    return _visible(svc, who, sha256)


_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "private, max-age=3600",
}


@router.get("/{sha256}", summary="The file itself (checked against its SHA-256 before sending)")
async def download(sha256: str, svc: Svc, who: Who) -> StreamingResponse:
    rows = await run_in_threadpool(_visible, svc, who, sha256)
    chunks: Iterator[bytes] = await run_in_threadpool(svc.node.evidence.read, sha256)
    row = rows[0]
    ascii_name = row["filename"].encode("ascii", "replace").decode().replace('"', "_")
    headers = {
        **_HEADERS,
        "Content-Length": str(row["size"]),
        "Content-Disposition": f'inline; filename="{ascii_name}"',
        "ETag": f'"{sha256}"',
    }
    return StreamingResponse(chunks, media_type=row["media_type"], headers=headers)


@router.get("/{sha256}/thumbnail", summary="A JPEG thumbnail of an image")
def thumbnail(sha256: str, svc: Svc, who: Who) -> Response:
    _visible(svc, who, sha256)
    path = svc.node.evidence.thumbnail_path(sha256)
    if not path.exists():
        raise NotFoundError(f"evidence {sha256} has no thumbnail (it is not an image)")
    return Response(path.read_bytes(), media_type="image/jpeg", headers=_HEADERS)


@router.get(
    "/{sha256}/bundle/{ident}",
    summary="The proof bundle of one attachment's entry (truce-proof-bundle/v1)",
)
def bundle(sha256: str, ident: str, svc: Svc, who: Who) -> Response:
    """Proves the ``evidence.added`` entry ``ident`` of this file, and so the file's SHA-256 and
    size: a third party checks a copy offline with ``truce evidence verify FILE --bundle``.
    Visible as the attachment is (the public: while its incident is published)."""
    rows = [r for r in _visible(svc, who, sha256) if r["id"] == ident]
    if not rows:
        raise NotFoundError(f"no attachment {ident[:32]!r} of the file {sha256[:64]!r}")
    from truce.evidence.proof import dump_bundle
    from truce.ledger.bundle import LedgerSource, make_bundle
    from truce.ledger.cosign import known_witnesses

    with svc.sequencer.reading() as node:
        made = make_bundle(
            LedgerSource(node.ledger),
            int(rows[0]["entry_index"]),
            witnesses=known_witnesses(node.ledger),
        )
    return Response(
        dump_bundle(made),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{rows[0]["id"]}.json"',
            "Cache-Control": "no-store",
        },
    )

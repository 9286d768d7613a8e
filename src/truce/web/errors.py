"""The web layer's one error shape, and the request size limit.

Every error the API returns is ``{"status": int, "code": str, "message": str, "field": str|null,
"hint": str|null}`` (pinned by ``tests/integration/api/test_api_errors.py``): a
:class:`~truce.errors.TruceError` maps by class to its HTTP status and keeps its ``code``,
``message``, ``field`` and ``hint`` (what to do next; the web app shows it); a request that
fails validation (malformed JSON, unknown field, wrong type) is ``422 invalid`` naming the first
bad field as a dotted path (``locations.0.point.lat``); an unknown path is ``404 not_found``; a
body over the limit is ``413 too_large``, refused before it is read past the limit; a JSON body
nested deeper than :data:`truce.jsonlimits.MAX_DEPTH` is ``422 invalid`` before it is parsed.
Routes raise ``TruceError`` subclasses, never ``HTTPException``, for domain errors (datasette's
``handle_exception``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from truce import errors as e
from truce.intake import loads_json
from truce.jsonlimits import deeper_than, too_deep_message

__all__ = [
    "NUL_MESSAGE",
    "BodyLimit",
    "error_body",
    "install_error_handlers",
    "json_problem",
    "status_for",
]

log = logging.getLogger("truce.web")

# Most specific class first: the first match wins.
_STATUS: tuple[tuple[type[e.TruceError], int], ...] = (
    (e.AuthenticationError, 401),
    (e.PermissionDenied, 403),
    (e.NotFoundError, 404),
    (e.ConflictError, 409),
    (e.ChainError, 409),  # a replayed or out-of-order entry
    (e.TooLarge, 413),
    (e.ValidationError, 422),
    (e.EntryError, 422),
    (e.SignatureError, 422),
    (e.ProofError, 422),
    (e.CheckpointError, 422),
    (e.IngestError, 422),
    (e.RateLimited, 429),
    (e.StorageError, 500),
    (e.ConfigError, 500),
    (e.ProjectionError, 503),  # the entry is in the log; its tables will catch up
    (e.LedgerError, 400),
)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
}


def status_for(exc: e.TruceError) -> int:
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 400


def error_body(
    status: int, code: str, message: str, field: str | None = None, hint: str | None = None
) -> dict[str, Any]:
    return {"status": status, "code": code, "message": message, "field": field, "hint": hint}


def _json(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    hint: str | None = None,
    **headers: str,
) -> JSONResponse:
    return JSONResponse(
        error_body(status, code, message, field, hint), status_code=status, headers=headers
    )


def _field(loc: tuple[Any, ...] | list[Any]) -> str | None:
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        source, parts = parts[0], parts[1:]
        if not parts:
            return source if source != "body" else None
    return ".".join(str(p) for p in parts) or None


def _validation(exc: RequestValidationError) -> JSONResponse:
    problems = exc.errors()
    if not problems:  # pragma: no cover - FastAPI always names one
        return _json(422, "invalid", "the request is not valid")
    first = problems[0]
    kind = str(first.get("type", ""))
    field = _field(first.get("loc", ()))
    if kind == "json_invalid":
        detail = (first.get("ctx") or {}).get("error", "")
        message = f"the body is not valid JSON: {detail}".rstrip(": ")
        return _json(422, "invalid", message, "body")
    message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        message = "unknown field; remove it (see the OpenAPI document at /openapi.json)"
    elif kind == "missing":
        message = "this field is required"
    more = len(problems) - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    where = f"field '{field}': " if field else ""
    return _json(422, "invalid", f"{where}{message}{tail}", field)


def install_error_handlers(app: FastAPI) -> None:
    async def truce_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, e.TruceError)
        status = status_for(exc)
        headers: dict[str, str] = {}
        if isinstance(exc, e.RateLimited):
            headers["Retry-After"] = str(exc.retry_after)
        if isinstance(exc, e.AuthenticationError):
            headers["WWW-Authenticate"] = 'Bearer realm="truce"'
        if status >= 500:
            log.error("server error %s: %s", exc.code, exc.message)
        return _json(status, exc.code, exc.message, exc.field, exc.hint or None, **headers)

    async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return _validation(exc)

    async def http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = str(exc.detail) if exc.detail else code.replace("_", " ")
        return _json(exc.status_code, code, message, None, None, **(exc.headers or {}))

    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return _json(500, "internal", "internal error; the server log has the details")

    app.add_exception_handler(e.TruceError, truce_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)


NUL_MESSAGE = "a NUL character (U+0000) is not allowed in {where}; remove it"


def _has_nul(value: Any) -> bool:
    """True if any string (key or value) in parsed JSON holds U+0000 (depth is bounded)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any("\x00" in k or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def json_problem(body: bytes) -> str | None:
    """Why a JSON request body is refused before any route sees it, or None."""
    if not body.strip():
        return None
    try:
        value = loads_json(body, "the request body")
    except e.ValidationError as exc:
        if "duplicate object key" in exc.message:
            return exc.message
        return None  # not JSON, too deep, …: the route's own validation says it
    if _has_nul(value):
        return NUL_MESSAGE.format(where="a JSON string")
    return None


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    """ASGI middleware: refuse request bodies over a limit (413) before reading past it, and
    bodies nested too deep to parse safely (422; uploads, which importers check, excepted).

    ``limits`` maps a path prefix to its own limit (uploads may be larger than JSON requests);
    the longest matching prefix wins, else ``default``. ``streaming`` maps path prefixes whose
    routes read the body themselves, in chunks (evidence uploads, up to gigabytes): a declared
    ``Content-Length`` over their limit is refused here, and the body is passed on unread (the
    route counts what it reads against the same limit).
    """

    def __init__(
        self,
        app: ASGIApp,
        default: int,
        limits: dict[str, int] | None = None,
        streaming: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.default = default
        self.limits = sorted((limits or {}).items(), key=lambda kv: -len(kv[0]))
        self.streaming = sorted((streaming or {}).items(), key=lambda kv: -len(kv[0]))

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.limits:
            if path.startswith(prefix):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        stream = next((lim for p, lim in self.streaming if scope["path"].startswith(p)), None)
        if stream is not None:
            limit = stream
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await self._refuse(send, 400, "bad_request", "Content-Length is not a number")
                return
            if declared > limit:
                await self._too_large(send, limit)
                return
        if stream is not None:
            await self.app(scope, receive, send)
            return
        # Read the body here (at most limit + 1 bytes), then replay it to the app.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(send, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        kind = dict(scope.get("headers") or []).get(b"content-type", b"").lower()
        if not kind.startswith((b"multipart/", b"application/x-www-form-urlencoded")) and (
            deeper_than(body)
        ):
            await self._refuse(send, 422, "invalid", too_deep_message("the request body"))
            return
        if kind.startswith(b"application/json") or kind.endswith(b"+json") or not kind:
            problem = json_problem(body)
            if problem is not None:
                await self._refuse(send, 422, "invalid", problem)
                return
        sent = False

        async def replay() -> MutableMapping[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send, limit: int) -> None:
        await self._refuse(
            send, 413, "too_large", f"the request body is over the limit of {limit} bytes"
        )

    @staticmethod
    async def _refuse(send: Send, status: int, code: str, message: str) -> None:
        data = json.dumps(error_body(status, code, message, "body")).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(data)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})

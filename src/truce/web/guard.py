"""The outermost layer of every response and request (issue 23, item 9).

:class:`Guard` is ASGI middleware that

- sets the security headers on **every** response, errors and static files included: a
  ``Content-Security-Policy`` with no ``'unsafe-inline'`` and no ``'unsafe-eval'`` for scripts
  or styles (the web bundle is one module script and one stylesheet, and the map's worker is a
  file of its own), ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``,
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``, and
  ``Strict-Transport-Security`` only on a request that arrived over TLS (``https``: uvicorn's
  ``--ssl-*`` options, or a proxy's ``X-Forwarded-Proto`` that uvicorn trusts). The API
  documentation pages (``/docs``, ``/redoc``) are FastAPI's, which load their script from a CDN
  with an inline bootstrap: they alone get a policy that allows that, and nothing else does;
- answers an unsafe request (POST, PUT, PATCH, DELETE) to ``/api/v1`` that carries no
  credentials at all (no ``Authorization`` header, no session cookie) with 401 *before* its
  body is read or validated, so an anonymous caller learns nothing of the schema; signing in and
  out are the exceptions;
- refuses a NUL character in the path or the query (422: no text truce stores may hold one,
  and PostgreSQL cannot). ``json_problem`` in :mod:`truce.web.errors`, which ``BodyLimit``
  calls on every JSON body it has read within its limit, refuses a NUL in any string of the
  body and a body that repeats an object key (422, :func:`truce.intake.loads_json`: readers
  disagree on which of two values counts).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote_to_bytes

from truce.web.errors import NUL_MESSAGE, error_body

__all__ = ["CSP", "DOCS_CSP", "Guard", "security_headers"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The policy of everything truce serves itself.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self' blob:; child-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: FastAPI's Swagger UI and ReDoc pages only (an inline bootstrap, assets from jsDelivr).
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "font-src 'self' https://fonts.gstatic.com; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_DOCS_PATHS = ("/docs", "/redoc")
HSTS = "max-age=31536000; includeSubDomains"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Unsafe requests that need no credentials: signing in, and signing out (idempotent).
_ANONYMOUS_OK = frozenset({("POST", "/api/v1/session"), ("DELETE", "/api/v1/session")})
_SESSION_COOKIE = b"truce_session="


def security_headers(path: str, scheme: str) -> list[tuple[bytes, bytes]]:
    """The headers every response to ``path`` (asked over ``scheme``) carries."""
    docs = path in _DOCS_PATHS or path.startswith("/docs/")
    headers = [
        (b"content-security-policy", (DOCS_CSP if docs else CSP).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if scheme in ("https", "wss"):
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers


class Guard:
    """See the module docstring. Outermost: its headers reach every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        extra = security_headers(path, scope.get("scheme", "http"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((k, v) for k, v in extra if k not in names),
                ]
            await send(message)

        refusal = self._refusal(scope)
        if refusal is not None:
            await _answer(send_with_headers, *refusal)
            return
        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _refusal(scope: Scope) -> tuple[int, str, str, str | None] | None:
        raw_path = scope.get("raw_path") or scope["path"].encode()
        if b"\x00" in unquote_to_bytes(raw_path) or "\x00" in scope["path"]:
            return 422, "invalid", NUL_MESSAGE.format(where="the path"), "path"
        if b"\x00" in unquote_to_bytes(scope.get("query_string", b"").replace(b"+", b" ")):
            return 422, "invalid", NUL_MESSAGE.format(where="the query"), "query"
        method = scope["method"]
        path = scope["path"]
        if (
            method in _UNSAFE
            and path.startswith("/api/v1/")
            and (method, path.rstrip("/")) not in _ANONYMOUS_OK
            and not _header(scope, b"authorization")
            and not _header(scope, b"x-truce-operator")  # the CLI through the server: its token
            and _SESSION_COOKIE not in _header(scope, b"cookie")
        ):
            return 401, "unauthenticated", "sign in first (an API token or a session)", None
        return None


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return bytes(value)
    return b""


async def _answer(send: Send, status: int, code: str, message: str, field: str | None) -> None:
    data = json.dumps(error_body(status, code, message, field)).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(data)).encode()),
    ]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="truce"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})

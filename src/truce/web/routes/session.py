"""Signing in and out, who am I, API tokens, and users (the chair manages them).

``POST /api/v1/session`` takes JSON or a form (``username``, ``password``), sets the session
cookie (HttpOnly, SameSite=Lax, Secure except over plain HTTP to a loopback address) and returns
the CSRF token the UI sends back with every unsafe request. Signing in is itself guarded
against login CSRF (a hostile page signing the victim's browser into the attacker's account):
a request that a browser marks as coming from another site (``Sec-Fetch-Site: cross-site`` or
``same-site``, or an ``Origin`` that is not this server's) is refused with 403 and no cookie. The
web app signs in with JSON from its own origin; programs that send no ``Origin`` are unaffected.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any

import pydantic
from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from truce.access.accounts import Principal
from truce.access.policy import check_manage_user, check_role, kinds_for, pages_for
from truce.access.service import grant_user
from truce.errors import AuthenticationError, PermissionDenied, ValidationError
from truce.model.access import Role
from truce.model.kinds import validation_error
from truce.web.deps import SESSION_COOKIE, Services, current, services

router = APIRouter(prefix="/api/v1", tags=["session and users"])

Who = Annotated[Principal, Depends(current)]
Svc = Annotated[Services, Depends(services)]
#: A token's id; bounded so that a huge number is a 422, not an overflow in the database (500).
TokenId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # an INTEGER column


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignIn(Strict):
    # No control characters (a NUL reached PostgreSQL and gave a 500: issue 23).
    username: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")
    password: str = Field(min_length=1, max_length=1024)


class SignedIn(BaseModel):
    user: dict[str, Any]
    csrf_token: str


class NewToken(Strict):
    name: str = Field(default="", max_length=200)
    ttl_days: float | None = Field(default=None, gt=0, le=3650)
    username: str | None = Field(
        default=None, max_length=64, description="Chair only: make a token for another user."
    )


class NewUser(Strict):
    username: str = Field(min_length=2, max_length=64)
    role: Role
    party: str | None = Field(default=None, max_length=32)
    password: str | None = Field(default=None, min_length=8, max_length=1024)


class UserChange(Strict):
    disabled: bool | None = None
    password: str | None = Field(default=None, min_length=8, max_length=1024)


def _same_origin(request: Request) -> None:
    """Refuse a sign-in a browser says another site started (login CSRF)."""
    site = request.headers.get("sec-fetch-site", "").lower()
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.url.netloc}".lower()
    foreign = site in ("cross-site", "same-site") or (
        origin is not None and origin.lower().rstrip("/") != own
    )
    if foreign:
        raise PermissionDenied(
            "sign-in refused: the request came from another site "
            f"(Origin {origin or 'not sent'}, Sec-Fetch-Site {site or 'not sent'})",
            field="Origin",
            hint="Sign in from truce's own page, or from a program that sends no Origin.",
        )


def _client(request: Request) -> str:
    return request.client.host if request.client else ""


def _secure(request: Request) -> bool:
    if request.url.scheme == "https":
        return True
    try:
        return not ipaddress.ip_address(request.url.hostname or "").is_loopback
    except ValueError:
        return request.url.hostname != "localhost"


_SIGNIN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": SignIn.model_json_schema()},
            "application/x-www-form-urlencoded": {"schema": SignIn.model_json_schema()},
        },
    }
}


@router.post(
    "/session",
    response_model=SignedIn,
    summary="Sign in (sets the session cookie)",
    openapi_extra=_SIGNIN_BODY,
)
async def sign_in(request: Request, response: Response, svc: Svc) -> SignedIn:
    _same_origin(request)
    content_type = request.headers.get("content-type", "")
    try:
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            data: Any = {k: form.get(k) for k in form}
        else:
            data = await request.json()
    except ValueError:
        raise ValidationError(
            "send JSON or a form with username and password", field="body"
        ) from None
    if not isinstance(data, dict):
        raise ValidationError("send an object with username and password", field="body")
    try:
        creds = SignIn.model_validate(
            {k: data.get(k) for k in ("username", "password") if k in data}
        )
    except pydantic.ValidationError as exc:
        raise validation_error(exc) from None
    who, session_id = await run_in_threadpool(
        svc.accounts.sign_in,
        creds.username,
        creds.password,
        _client(request),
        request.cookies.get(SESSION_COOKIE),  # ended: a fixed or stale id never lives on
    )
    _set_session_cookie(request, response, svc, session_id)
    return SignedIn(user=who.to_json(), csrf_token=who.csrf or "")


def _set_session_cookie(request: Request, response: Response, svc: Services, sid: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        sid,
        max_age=int(svc.accounts.policy.session_max_s),
        httponly=True,
        secure=_secure(request),
        samesite="lax",
        path="/",
    )


@router.delete("/session", status_code=204, summary="Sign out")
async def sign_out(request: Request, response: Response, svc: Svc, who: Who) -> Response:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id and who.via == "session":
        await run_in_threadpool(svc.accounts.end_session, session_id)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", summary="Who am I (the public if not signed in)")
def me(who: Who) -> dict[str, Any]:
    may = {"pages": pages_for(who.role), "kinds": kinds_for(who.role)}
    return {**who.to_json(), "via": who.via, "csrf_token": who.csrf, "may": may}


def _signed_in(who: Principal) -> None:
    if who.via == "anonymous" or who.user_id is None:
        raise AuthenticationError("sign in first")


@router.get("/tokens", summary="List API tokens (yours; the chair sees all)")
def list_tokens(svc: Svc, who: Who) -> list[dict[str, Any]]:
    _signed_in(who)
    return svc.accounts.tokens(None if who.role == Role.CHAIR else who.username)


@router.post("/tokens", status_code=201, summary="Create an API token (shown once)")
def create_token(body: NewToken, svc: Svc, who: Who) -> dict[str, Any]:
    _signed_in(who)
    username = body.username or who.username
    if username != who.username:
        check_manage_user(who, svc.accounts.user(username)["party"])
    ttl = body.ttl_days * 86400 if body.ttl_days else None
    token, record = svc.accounts.create_token(username, body.name, ttl)
    return {**record, "token": token}


@router.delete("/tokens/{token_id}", summary="Revoke an API token (at once)")
def revoke_token(token_id: TokenId, svc: Svc, who: Who) -> dict[str, Any]:
    _signed_in(who)
    record = svc.accounts.token(token_id)
    if record["username"] != who.username and who.role != Role.CHAIR:
        raise PermissionDenied("you may revoke only your own tokens")
    return svc.accounts.revoke_token(token_id)


@router.get("/users", summary="List users (chair)")
def list_users(svc: Svc, who: Who) -> list[dict[str, Any]]:
    check_role(who, Role.CHAIR)
    return svc.accounts.users()


@router.post(
    "/users",
    status_code=201,
    summary="Add a user of your own party (chair: the center's; an officer: their party's)",
)
async def add_user(body: NewUser, svc: Svc, who: Who) -> dict[str, Any]:
    check_manage_user(who, body.party)
    if who.role == Role.OFFICER and Role(body.role) not in (Role.OFFICER, Role.ANALYST):
        raise PermissionDenied("an officer adds officers and analysts of their own party")
    return await run_in_threadpool(
        grant_user,
        svc.node,
        svc.accounts,
        body.username,
        body.role,
        body.party,
        body.password,
        svc.sequencer.call,
    )


@router.patch(
    "/users/{username}",
    summary="Disable a user (chair), or enable one or set a password (your own party's)",
)
def change_user(
    username: str, body: UserChange, request: Request, response: Response, svc: Svc, who: Who
) -> dict[str, Any]:
    """A new password ends every session of the user. Whoever changed their own password in a
    session gets a new one at once (a new cookie, and ``csrf_token`` in the answer)."""
    _signed_in(who)
    party = svc.accounts.user(username)["party"]
    only_disabling = body.password is None and body.disabled is True
    if not (username == who.username and body.disabled is None):  # else: your own password
        check_manage_user(who, party, disabling=only_disabling)
    if body.password is not None:
        svc.accounts.set_password(username, body.password)
    if body.disabled is not None:
        svc.accounts.set_disabled(username, body.disabled)
    record = svc.accounts.user(username)
    if body.password is not None and username == who.username and who.via == "session":
        renewed, session_id = svc.accounts.renew(username)
        _set_session_cookie(request, response, svc, session_id)
        return {**record, "csrf_token": renewed.csrf}
    return record

"""Users, API tokens, sign-in sessions and the slowing of repeated failed sign-ins.

Operational data in the tables of :mod:`truce.access.schema`, never in the ledger. Design:

- API tokens are ``truce_`` + 32 random bytes (URL-safe base64); only their SHA-256 is stored, so
  a copy of the database gives no usable token. A revoked or expired token is refused at once
  (every request looks its hash up; there is no cache to go stale). The lookup is one indexed
  query, which the server makes without leaving its event loop: plain DB-API on SQLite (a few
  microseconds), and on PostgreSQL an awaited round trip on an asynchronous connection, so the
  loop serves other requests meanwhile.
- A session id is 32 random bytes, also stored as SHA-256, with a CSRF token for form posts; it
  ends after two idle hours or twelve hours in all, or when the user signs out. Against session
  fixation (OWASP), an id is only ever made by the server at a successful sign-in, never taken
  from the client; signing in ends the session the browser presented (whoever's it was), and a
  change of credentials (a new password, a user disabled) ends every session of that user: the
  user who changed their own password gets a new id and CSRF token (:meth:`Accounts.renew`).
- Failed sign-ins are counted per user name and per client address. After
  ``SigninPolicy.free_failures`` failures within ``window_s`` (``free_failures_per_address`` for
  an address, which many users may share) each further failure locks that name or address out
  for a doubling time (1 s, 2 s, 4 s ... at most ``max_delay_s``); while locked, even the right
  password is refused with :class:`RateLimited` and its Retry-After.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from truce.access import schema
from truce.access.passwords import MIN_LENGTH, hash_password, verify_password
from truce.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    RateLimited,
    ValidationError,
)
from truce.model.access import USERNAME_PATTERN, Role
from truce.model.party import PARTY_ID_PATTERN

__all__ = ["ANONYMOUS", "TOKEN_PREFIX", "Accounts", "Principal", "SigninPolicy"]

TOKEN_PREFIX = "truce_"


@dataclass(frozen=True)
class Principal:
    """Who is asking: a signed-in user, a token's user, or the anonymous public."""

    user_id: int | None
    username: str
    role: Role
    party: str | None
    via: str  # "session", "token" or "anonymous"
    csrf: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"username": self.username, "role": self.role.value, "party": self.party}


ANONYMOUS = Principal(None, "anonymous", Role.PUBLIC, None, "anonymous")


@dataclass(frozen=True)
class SigninPolicy:
    free_failures: int = 5
    #: An address gets more: many users may share one (an office, a proxy).
    free_failures_per_address: int = 20
    window_s: float = 900.0
    base_delay_s: float = 1.0
    max_delay_s: float = 900.0
    session_idle_s: float = 2 * 3600.0
    session_max_s: float = 12 * 3600.0


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _token_hash(token: str) -> str:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise AuthenticationError("not a truce API token (they start with 'truce_')")
    return _sha256(token)


class Accounts:
    def __init__(
        self,
        engine: Engine,
        *,
        policy: SigninPolicy | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.policy = policy or SigninPolicy()
        self.clock = clock
        postgres = engine.dialect.name == "postgresql"
        self._async_tokens = _AsyncTokenReader(engine, self._token_row) if postgres else None
        schema.metadata.create_all(engine)  # no-op once the migrations have run

    # -- users ---------------------------------------------------------------------------------
    def add_user(
        self, username: str, role: Role | str, party: str | None, password: str | None = None
    ) -> dict[str, Any]:
        role = _role(role)
        if not re.match(USERNAME_PATTERN, username or ""):
            raise ValidationError(
                f"user name {username!r} must be 2-64 lowercase letters, digits, '.', '_' or '-', "
                "starting with a letter",
                field="username",
            )
        if role == Role.PUBLIC:
            if party is not None:
                raise ValidationError("a public user belongs to no party", field="party")
        elif party is None or not re.match(PARTY_ID_PATTERN, party):
            raise ValidationError(f"a {role.value} belongs to a party: give its id", field="party")
        if password is not None:
            _check_password(password)
        with self.engine.begin() as conn:
            if conn.execute(
                select(schema.users.c.id).where(schema.users.c.username == username)
            ).first():
                raise ConflictError(f"user {username!r} already exists")
            conn.execute(
                insert(schema.users).values(
                    username=username,
                    party=party,
                    role=role.value,
                    password_hash=hash_password(password) if password is not None else None,
                    disabled=0,
                    created_at=self.clock(),
                )
            )
        return self.user(username)

    def user(self, username: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = (
                conn.execute(select(schema.users).where(schema.users.c.username == username))
                .mappings()
                .first()
            )
        if row is None:
            raise NotFoundError(f"no user {username!r}", hint="List users with 'truce user list'.")
        return _public_user(dict(row))

    def users(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(schema.users).order_by(schema.users.c.id)).mappings()
            return [_public_user(dict(r)) for r in rows]

    def set_password(self, username: str, password: str) -> None:
        """Set ``username``'s password and end every session of that user (whoever set it: a
        session opened with the old password must not outlive it)."""
        _check_password(password)
        user_id = self._update_user(username, password_hash=hash_password(password))
        with self.engine.begin() as conn:
            conn.execute(delete(schema.sessions).where(schema.sessions.c.user_id == user_id))

    def set_disabled(self, username: str, disabled: bool) -> None:
        """Disable (or re-enable) a user; a disabled user's sessions end and tokens stop working."""
        user_id = self._update_user(username, disabled=int(disabled))
        if disabled:
            with self.engine.begin() as conn:
                conn.execute(delete(schema.sessions).where(schema.sessions.c.user_id == user_id))

    def _update_user(self, username: str, **values: Any) -> int:
        with self.engine.begin() as conn:
            user_id = conn.execute(
                select(schema.users.c.id).where(schema.users.c.username == username)
            ).scalar()
            if user_id is None:
                raise NotFoundError(f"no user {username!r}")
            conn.execute(update(schema.users).where(schema.users.c.id == user_id).values(**values))
        return int(user_id)

    # -- sign-in and sessions ------------------------------------------------------------------
    def sign_in(
        self, username: str, password: str, client: str = "", replaces: str | None = None
    ) -> tuple[Principal, str]:
        """Check a password; returns the principal and a new session id (give it as a cookie).

        ``replaces`` is the session id the client presented, if any: it ends on success, so a
        browser never holds two sessions, and an id planted by someone else dies with it.
        """
        now = self.clock()
        keys = [f"user:{username.lower()[:100]}", f"ip:{client[:100]}"]
        with self.engine.begin() as conn:
            self._refuse_if_locked(conn, keys, now)
            row = (
                conn.execute(select(schema.users).where(schema.users.c.username == username))
                .mappings()
                .first()
            )
        ok = verify_password(password, row["password_hash"] if row else None)
        if not ok or row is None or row["disabled"]:
            with self.engine.begin() as conn:
                for key in keys:
                    self._record_failure(conn, key, now)
            raise AuthenticationError("wrong user name or password", field="password")
        with self.engine.begin() as conn:
            conn.execute(
                delete(schema.signin_attempts).where(schema.signin_attempts.c.key.in_(keys))
            )
            if replaces:
                conn.execute(
                    delete(schema.sessions).where(schema.sessions.c.id_hash == _sha256(replaces))
                )
            session_id, csrf = self._new_session(conn, int(row["id"]), now)
        return _principal(dict(row), "session", csrf), session_id

    def renew(self, username: str) -> tuple[Principal, str]:
        """A new session (new id, new CSRF token) for ``username``, who has just proven it is
        them again (changed their own password, which ended their other sessions)."""
        with self.engine.begin() as conn:
            row = (
                conn.execute(select(schema.users).where(schema.users.c.username == username))
                .mappings()
                .first()
            )
            if row is None or row["disabled"]:
                raise AuthenticationError("the session has ended; sign in again")
            session_id, csrf = self._new_session(conn, int(row["id"]), self.clock())
        return _principal(dict(row), "session", csrf), session_id

    def _new_session(self, conn: Connection, user_id: int, now: float) -> tuple[str, str]:
        session_id = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        conn.execute(
            insert(schema.sessions).values(
                id_hash=_sha256(session_id),
                user_id=user_id,
                csrf=csrf,
                created_at=now,
                last_seen_at=now,
                expires_at=now + self.policy.session_max_s,
            )
        )
        return session_id, csrf

    def session(self, session_id: str) -> Principal:
        now = self.clock()
        s, u = schema.sessions, schema.users
        with self.engine.begin() as conn:
            row = (
                conn.execute(
                    select(u, s.c.csrf, s.c.last_seen_at, s.c.expires_at, s.c.id_hash)
                    .join(s, s.c.user_id == u.c.id)
                    .where(s.c.id_hash == _sha256(session_id))
                )
                .mappings()
                .first()
            )
            if row is None:
                raise AuthenticationError("not signed in (no such session)")
            idle = now - row["last_seen_at"] > self.policy.session_idle_s
            if idle or now >= row["expires_at"] or row["disabled"]:
                conn.execute(delete(s).where(s.c.id_hash == row["id_hash"]))
                raise AuthenticationError("the session has ended; sign in again")
            if now - row["last_seen_at"] > 60:  # write at most once a minute per session
                conn.execute(
                    update(s).where(s.c.id_hash == row["id_hash"]).values(last_seen_at=now)
                )
        return _principal(dict(row), "session", row["csrf"])

    def session_alive(self, session_id: str) -> bool:
        """Whether the session still holds, without counting this as activity (a live stream
        re-checks its session; an open tab must not keep an idle session alive)."""
        now = self.clock()
        s, u = schema.sessions, schema.users
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    select(u.c.disabled, s.c.last_seen_at, s.c.expires_at)
                    .join(s, s.c.user_id == u.c.id)
                    .where(s.c.id_hash == _sha256(session_id))
                )
                .mappings()
                .first()
            )
        if row is None or row["disabled"]:
            return False
        return bool(
            now - row["last_seen_at"] <= self.policy.session_idle_s and now < row["expires_at"]
        )

    def end_session(self, session_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                delete(schema.sessions).where(schema.sessions.c.id_hash == _sha256(session_id))
            )

    def _refuse_if_locked(self, conn: Connection, keys: list[str], now: float) -> None:
        t = schema.signin_attempts
        locked = conn.execute(select(t.c.locked_until).where(t.c.key.in_(keys))).scalars().all()
        until = max(locked, default=0.0)
        if until > now:
            wait = max(1, math.ceil(until - now))
            raise RateLimited(
                f"too many failed sign-ins; try again in {wait} s",
                retry_after=wait,
                field="username",
            )

    def _record_failure(self, conn: Connection, key: str, now: float) -> None:
        t, p = schema.signin_attempts, self.policy
        row = conn.execute(select(t).where(t.c.key == key)).mappings().first()
        if row is None or now - row["first_at"] > p.window_s:
            failures, first = 1, now
        else:
            failures, first = row["failures"] + 1, row["first_at"]
        free = p.free_failures if key.startswith("user:") else p.free_failures_per_address
        over = failures - free
        locked = now + min(p.base_delay_s * 2 ** (over - 1), p.max_delay_s) if over > 0 else 0.0
        values = {"failures": failures, "first_at": first, "locked_until": locked}
        if row is None:
            conn.execute(insert(t).values(key=key, **values))
        else:
            conn.execute(update(t).where(t.c.key == key).values(**values))

    # -- API tokens ----------------------------------------------------------------------------
    def create_token(
        self, username: str, name: str = "", ttl_s: float | None = None
    ) -> tuple[str, dict[str, Any]]:
        """A new token for ``username``: returns the token (shown once) and its record."""
        user = self.user(username)
        if len(name) > 200:
            raise ValidationError("token name is over 200 characters", field="name")
        if ttl_s is not None and ttl_s <= 0:
            raise ValidationError("token lifetime must be positive", field="ttl")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self.clock()
        with self.engine.begin() as conn:
            token_id = conn.execute(
                insert(schema.api_tokens).values(
                    token_hash=_sha256(token),
                    prefix=token[: len(TOKEN_PREFIX) + 6],
                    user_id=user["id"],
                    name=name,
                    created_at=now,
                    expires_at=now + ttl_s if ttl_s else None,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
        return token, self.token(int(token_id))

    def token(self, token_id: int) -> dict[str, Any]:
        t, u = schema.api_tokens, schema.users
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    select(t, u.c.username).join(u, u.c.id == t.c.user_id).where(t.c.id == token_id)
                )
                .mappings()
                .first()
            )
        if row is None:
            raise NotFoundError(f"no API token {token_id}")
        return _public_token(dict(row))

    def tokens(self, username: str | None = None) -> list[dict[str, Any]]:
        t, u = schema.api_tokens, schema.users
        query = select(t, u.c.username).join(u, u.c.id == t.c.user_id).order_by(t.c.id)
        if username is not None:
            query = query.where(u.c.username == username)
        with self.engine.connect() as conn:
            return [_public_token(dict(r)) for r in conn.execute(query).mappings()]

    def revoke_token(self, token_id: int) -> dict[str, Any]:
        with self.engine.begin() as conn:
            done = conn.execute(
                update(schema.api_tokens)
                .where(schema.api_tokens.c.id == token_id, schema.api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=self.clock())
            )
        record = self.token(token_id)
        if done.rowcount == 0 and record["revoked_at"] is None:  # pragma: no cover - race only
            raise ConflictError(f"API token {token_id} could not be revoked")
        return record

    def authenticate_token(self, token: str) -> Principal:
        return self._token_principal(self._token_row(_token_hash(token)))

    async def authenticate_token_async(self, token: str) -> Principal:
        """:meth:`authenticate_token` for a server's event loop, which it never blocks for long:
        on SQLite the lookup is a few microseconds of plain DB-API, on PostgreSQL its round
        trip is awaited on an asynchronous connection while the loop serves other requests."""
        token_hash = _token_hash(token)
        if self._async_tokens is not None:
            row = await self._async_tokens.row(token_hash)
        elif self._sqlite_file():
            row = self._token_row(token_hash)
        else:  # an in-memory database: the plain path, off the loop
            row = await asyncio.to_thread(self._token_row, token_hash)
        return self._token_principal(row)

    def _token_principal(self, row: dict[str, Any] | None) -> Principal:
        now = self.clock()
        if row is None:
            raise AuthenticationError("unknown API token")
        if row["revoked_at"] is not None:
            raise AuthenticationError("this API token has been revoked")
        if row["expires_at"] is not None and now >= row["expires_at"]:
            raise AuthenticationError("this API token has expired")
        if row["disabled"]:
            raise AuthenticationError("this user is disabled")
        return _principal(row, "token")

    async def aclose(self) -> None:
        """Close the asynchronous lookup connection, if one was opened (server shutdown)."""
        if self._async_tokens is not None:
            await self._async_tokens.aclose()

    def _sqlite_file(self) -> bool:
        """True on a SQLite file, where the lookup runs as plain DB-API (a few microseconds)."""
        database = self.engine.url.database
        return self.engine.dialect.name == "sqlite" and bool(database) and database != ":memory:"

    def _token_row(self, token_hash: str) -> dict[str, Any] | None:
        t, u = schema.api_tokens, schema.users
        if not self._sqlite_file():
            with self.engine.connect() as conn:
                row = (
                    conn.execute(
                        select(u, t.c.revoked_at, t.c.expires_at)
                        .join(t, t.c.user_id == u.c.id)
                        .where(t.c.token_hash == token_hash)
                    )
                    .mappings()
                    .first()
                )
            return dict(row) if row is not None else None
        # The same query as plain DB-API on a pooled connection, without SQLAlchemy's
        # per-statement work; committed, so the next lookup sees every revocation since.
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(_TOKEN_SQL, (token_hash,))
            found = cursor.fetchone()
            names = [d[0] for d in cursor.description]
            cursor.close()
            raw.commit()
        finally:
            raw.close()  # back to the pool
        return dict(zip(names, found, strict=True)) if found is not None else None


_TOKEN_SQL = (
    "SELECT "
    + ", ".join(f"u.{c.name}" for c in schema.users.columns)
    + ", t.revoked_at, t.expires_at FROM api_tokens t JOIN users u ON u.id = t.user_id "
    "WHERE t.token_hash = ?"
)
_TOKEN_SQL_PG = _TOKEN_SQL.replace("?", "%s")  # psycopg's placeholders


#: How the token-lookup connection shows in ``pg_stat_activity``.
LOOKUP_APPLICATION_NAME = "truce-token-lookups"


class _AsyncTokenReader:
    """PostgreSQL: the token lookup on one autocommit ``psycopg.AsyncConnection``.

    Opened on first use in the server's event loop and closed by :meth:`Accounts.aclose` at
    shutdown. Concurrent lookups take turns on it (one round trip each, no pool checkout and no
    pre-ping). A lost connection is opened again once; a call from another event loop than the
    connection's (never the server's case) takes the blocking path instead.
    """

    def __init__(self, engine: Engine, blocking: Callable[[str], dict[str, Any] | None]) -> None:
        self.blocking = blocking
        self.conninfo = engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self._conn: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._opening: asyncio.Lock | None = None

    async def row(self, token_hash: str) -> dict[str, Any] | None:
        import psycopg

        loop = asyncio.get_running_loop()
        if self._loop is not None and self._loop is not loop:
            return self.blocking(token_hash)
        for attempt in (1, 2):
            conn = await self._connection(loop)
            try:
                cursor = await conn.execute(_TOKEN_SQL_PG, (token_hash,))
                found: dict[str, Any] | None = await cursor.fetchone()
                return found
            except psycopg.OperationalError:
                await self.aclose()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def _connection(self, loop: asyncio.AbstractEventLoop) -> Any:
        if self._conn is not None and not self._conn.closed:
            return self._conn
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if self._conn is None or self._conn.closed:
                import psycopg
                from psycopg.rows import dict_row

                self._conn = await psycopg.AsyncConnection.connect(
                    self.conninfo,
                    autocommit=True,
                    row_factory=dict_row,
                    application_name=LOOKUP_APPLICATION_NAME,
                )
                self._loop = loop
        return self._conn

    async def aclose(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.closed:
            await conn.close()


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ValidationError(
            f"role {role!r} must be one of {', '.join(r.value for r in Role)}", field="role"
        ) from None


def _check_password(password: str) -> None:
    if len(password) < MIN_LENGTH or len(password) > 1024:
        raise ValidationError(f"a password has {MIN_LENGTH} to 1024 characters", field="password")


def _principal(row: dict[str, Any], via: str, csrf: str | None = None) -> Principal:
    return Principal(row["id"], row["username"], Role(row["role"]), row["party"], via, csrf)


def _public_user(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "username": row["username"],
        "role": row["role"],
        "party": row["party"],
        "disabled": bool(row["disabled"]),
        "can_sign_in": row["password_hash"] is not None,
        "created_at": row["created_at"],
    }


def _public_token(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "prefix": row["prefix"],
        "username": row["username"],
        "name": row["name"],
        "created_at": row["created_at"],
        "expires_at": row["expires_at"],
        "revoked_at": row["revoked_at"],
    }

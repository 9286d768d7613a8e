"""Who may do what: roles, the parties they act for, and the entry kinds each role may author.

The rules (issue 7): a party officer acts only for their own party (reports, responses, sign-offs
on releasing incidents, and the agreement data their party keeps); a monitor files observations
for the monitors; an analyst reads; the chair acts for the center (merges, splits, publishes, and
registers parties) and reads every party's drafts; the public reads published incidents only.
Capabilities that add entry kinds say which roles may author them with :func:`allow_kind`, the
same function the core uses below.

Acting as oneself is checked here, in one place, for every way an entry is written (custodial
filing, client-signed entries, drafts, restricted records): :func:`check_act` refuses an author
other than the user's own party, and, given the body, a body that acts for another party — an
officer's patrol plan must include the officer's party (the center's monitors and chair plan
joint patrols for the parties), a track is recorded by the author's own unit, a role grant
vouches for a user of the author party only. Kinds whose bodies name parties register the
extractor with :func:`names_parties`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from truce.access.accounts import Principal
from truce.errors import AuthenticationError, PermissionDenied
from truce.model.access import Role

__all__ = [
    "MEMBER_ROLES",
    "allow_kind",
    "check_act",
    "check_body",
    "check_manage_user",
    "check_member",
    "check_role",
    "kinds_for",
    "may_read_drafts",
    "names_parties",
    "pages_for",
]

#: Roles that read the shared record (everything but other parties' drafts).
MEMBER_ROLES = frozenset({Role.OFFICER, Role.MONITOR, Role.ANALYST, Role.CHAIR})

_KINDS: dict[str, set[Role]] = {}
#: For kinds whose body names the parties it acts for: (extractor, roles it binds).
_NAMED: dict[str, tuple[Callable[[Mapping[str, Any]], Iterable[str]], frozenset[Role], str]] = {}


def allow_kind(kind: str, *roles: Role) -> None:
    """Let ``roles`` author entries of ``kind`` (for their own party)."""
    _KINDS.setdefault(kind, set()).update(roles)


def names_parties(
    kind: str,
    parties: Callable[[Mapping[str, Any]], Iterable[str]],
    *,
    roles: Iterable[Role] = tuple(Role),
    rule: str = "must include",
) -> None:
    """Say that a ``kind`` body acts for ``parties(body)``: for a user of one of ``roles``, the
    author's party must be among them (``rule="must include"``) or be all of them
    (``rule="only"``)."""
    _NAMED[kind] = (parties, frozenset(roles), rule)


#: The web app's pages and who may use each: the server says so (``GET /api/v1/me``, ``may``),
#: and each page's API refuses the others (403), so a page opened by URL can say at once that
#: it is not this user's, rather than on submit.
PAGES: dict[str, frozenset[Role]] = {
    "map": frozenset(Role),
    "incident": frozenset(Role),
    "report": frozenset({Role.OFFICER, Role.MONITOR, Role.CHAIR}),
    "patrol": frozenset({Role.OFFICER, Role.MONITOR, Role.CHAIR}),
    "ingest": frozenset({Role.MONITOR, Role.CHAIR}),
    "review": MEMBER_ROLES,  # members read the queue; monitors and the chair decide
    "console": frozenset({Role.CHAIR}),
    "users": frozenset({Role.OFFICER, Role.CHAIR}),
    "exports": MEMBER_ROLES,
}


def pages_for(role: Role) -> list[str]:
    """The web app's pages ``role`` may use (see :data:`PAGES`)."""
    return [page for page, roles in PAGES.items() if role in roles]


def kinds_for(role: Role) -> list[str]:
    return sorted(k for k, roles in _KINDS.items() if role in roles)


def check_member(who: Principal) -> None:
    """Refuse the public: this is the parties' and the center's shared record."""
    if who.role in MEMBER_ROLES:
        return
    if who.via == "anonymous":
        raise AuthenticationError("sign in to read this (the public sees published incidents)")
    raise PermissionDenied("the public role reads published incidents only")


def check_role(who: Principal, *roles: Role) -> None:
    if who.role in roles:
        return
    if who.via == "anonymous":
        raise AuthenticationError(f"sign in as a {' or '.join(r.value for r in roles)} to do this")
    raise PermissionDenied(
        f"a {who.role.value} may not do this; it takes a {' or '.join(r.value for r in roles)}"
    )


def check_act(
    who: Principal, party: str, kind: str, body: Mapping[str, Any] | Any | None = None
) -> None:
    """Raise unless ``who`` may author an entry of ``kind`` for ``party`` (and, given the entry's
    ``body``, unless the body acts for ``party`` only as :func:`check_body` says)."""
    if who.via == "anonymous":
        raise AuthenticationError("sign in to file or sign anything")
    roles = _KINDS.get(kind, set())
    if who.role not in roles:
        allowed = ", ".join(sorted(r.value for r in roles)) or "nobody, through the API"
        raise PermissionDenied(
            f"a {who.role.value} may not author {kind!r} entries", hint=f"Allowed: {allowed}."
        )
    if who.party != party:
        raise PermissionDenied(
            f"{who.username} acts for {who.party!r}, not for {party!r}",
            field="author",
            hint="Act only for your own party.",
        )
    if body is not None:
        check_body(who, party, kind, body)


def check_body(who: Principal, party: str, kind: str, body: Mapping[str, Any] | Any) -> None:
    """Raise :class:`PermissionDenied` if ``body`` (a dict or a model) acts for a party other
    than ``party`` where ``who``'s role may not."""
    named = _NAMED.get(kind)
    if named is None or who.role not in named[1]:
        return
    extract, _roles, rule = named
    data = body.to_body() if hasattr(body, "to_body") else body
    if not isinstance(data, Mapping):
        return  # the kind's model refuses it
    parties = sorted({p for p in extract(data) if isinstance(p, str)})
    if not parties:
        return
    if rule == "only" and parties != [party]:
        others = ", ".join(p for p in parties if p != party)
        raise PermissionDenied(
            f"a {kind} entry by {party!r} may name only {party!r}, not {others}",
            field="body",
            hint="Act only for your own party.",
        )
    if rule == "must include" and party not in parties:
        raise PermissionDenied(
            f"{who.username} acts for {party!r}, but this {kind} entry is for "
            f"{', '.join(parties)} only",
            field="parties",
            hint=f"Include {party!r}, or ask an officer of {', '.join(parties)} to do it.",
        )


def check_manage_user(who: Principal, party: str | None, *, disabling: bool = False) -> None:
    """Raise unless ``who`` may create, re-key, reset or mint tokens for a user of ``party``.

    A party's people are the party's own business: its officers manage them, and the center's
    chair manages the center's (and the public's). No role of the center can make itself a
    credential of another party — that would let it sign off for that party and release an
    incident alone. Only locking a user out (``disabling``) is open to the chair for anyone: it
    stops an account, it never lets anyone act as it.
    """
    if who.via == "anonymous":
        raise AuthenticationError("sign in first")
    if disabling and who.role == Role.CHAIR:
        return
    if party is None:
        if who.role == Role.CHAIR:
            return
        raise PermissionDenied("public users are managed by the chair")
    if who.party == party and who.role in (Role.CHAIR, Role.OFFICER):
        return
    raise PermissionDenied(
        f"users of {party!r} are managed by {party!r} itself; {who.username} acts for "
        f"{who.party!r}",
        hint=f"Ask an officer of {party!r} to do it.",
    )


def may_read_drafts(who: Principal, party: str) -> bool:
    return who.role == Role.CHAIR or (
        who.party == party and who.role in (Role.OFFICER, Role.MONITOR)
    )


for _kind in ("report.filed",):
    allow_kind(_kind, Role.OFFICER, Role.MONITOR, Role.CHAIR)
for _kind in ("response.filed",):
    allow_kind(_kind, Role.OFFICER)
allow_kind("incident.signoff", Role.OFFICER, Role.CHAIR)
allow_kind("record.sealed", Role.OFFICER, Role.MONITOR, Role.CHAIR)
allow_kind("incident.published", Role.CHAIR)
allow_kind("incident.merged", Role.CHAIR)
allow_kind("incident.split", Role.CHAIR)
allow_kind("party.registered", Role.CHAIR)
allow_kind("party.key_rotated", Role.OFFICER, Role.CHAIR)  # each for its own party
for _kind in ("zone.defined", "site.registered", "agreement.adopted"):
    allow_kind(_kind, Role.OFFICER, Role.CHAIR)
for _kind in ("patrol.planned", "patrol.tracked"):
    allow_kind(_kind, Role.OFFICER, Role.MONITOR, Role.CHAIR)
allow_kind("patrol.observed", Role.OFFICER, Role.MONITOR)

names_parties(
    "patrol.planned",
    lambda b: b.get("parties") or (),
    roles=(Role.OFFICER, Role.PUBLIC, Role.ANALYST),
)
names_parties(
    "patrol.tracked",
    lambda b: [b["party"]] if b.get("party") else (),
    roles=(Role.OFFICER,),
    rule="only",
)
names_parties("role.granted", lambda b: [b["party"]] if b.get("party") else (), rule="only")
names_parties("role.revoked", lambda b: [b["party"]] if b.get("party") else (), rule="only")

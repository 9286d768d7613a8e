"""Who may do what: roles, the parties they act for, and the entry kinds each role may author.

The rules (issue 7): a party officer acts only for their own party (reports, responses, sign-offs
on releasing incidents, and the agreement data their party keeps); a monitor files observations
for the monitors; an analyst reads; the chair acts for the center (merges, splits, publishes, and
registers parties) and reads every party's drafts; the public reads published incidents only.
Capabilities that add entry kinds say which roles may author them with :func:`allow_kind`, the
same function the core uses below.
"""

from __future__ import annotations

from truce.access.accounts import Principal
from truce.errors import AuthenticationError, PermissionDenied
from truce.model.access import Role

__all__ = [
    "MEMBER_ROLES",
    "allow_kind",
    "check_act",
    "check_manage_user",
    "check_member",
    "check_role",
    "kinds_for",
    "may_read_drafts",
]

#: Roles that read the shared record (everything but other parties' drafts).
MEMBER_ROLES = frozenset({Role.OFFICER, Role.MONITOR, Role.ANALYST, Role.CHAIR})

_KINDS: dict[str, set[Role]] = {}


def allow_kind(kind: str, *roles: Role) -> None:
    """Let ``roles`` author entries of ``kind`` (for their own party)."""
    _KINDS.setdefault(kind, set()).update(roles)


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


def check_act(who: Principal, party: str, kind: str) -> None:
    """Raise unless ``who`` may author an entry of ``kind`` for ``party``."""
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

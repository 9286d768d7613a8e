"""Granting roles: the check against the ledger's parties, and the grant put on the record.

A user belongs to a registered party whose kind fits the role: an officer to a signatory party
(kind ``party``), a monitor to the monitors (``monitor``) or the center, the chair to the center
(``center``), an analyst to any party; a public user to none. Each grant is a ``role.granted``
entry signed with the party's key (custodially, by this node), so the record shows who was
allowed to act for whom and since when; the password and tokens stay operational data.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from truce.access.accounts import Accounts
from truce.errors import ConflictError, NotFoundError, ValidationError
from truce.model.access import Role, RoleGrant
from truce.node import Node

__all__ = ["PARTY_KINDS_FOR_ROLE", "grant_user"]

PARTY_KINDS_FOR_ROLE: dict[Role, tuple[str, ...]] = {
    Role.OFFICER: ("party",),
    Role.MONITOR: ("monitor", "center"),
    Role.CHAIR: ("center",),
    Role.ANALYST: ("party", "monitor", "center", "ingest", "humanitarian"),
    Role.PUBLIC: (),
}

Runner = Callable[[Callable[[Node], Any]], Future[Any]]


def grant_user(
    node: Node,
    accounts: Accounts,
    username: str,
    role: Role | str,
    party: str | None,
    password: str | None = None,
    run: Runner | None = None,
) -> dict[str, Any]:
    """Add a user with a role for a party, after recording the grant in the ledger.

    ``run`` executes a node operation on the node's writer (the server's sequencer); without it
    the operation runs here (the CLI, which is then the writer).
    """
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError(
            f"role {role!r} must be one of {', '.join(r.value for r in Role)}", field="role"
        ) from None
    kinds = PARTY_KINDS_FOR_ROLE[role]
    if role == Role.PUBLIC:
        if party is not None:
            raise ValidationError("a public user belongs to no party", field="party")
    else:
        if party is None:
            raise ValidationError(f"a {role.value} belongs to a party: give its id", field="party")
        found = list(node.store.rows("parties", id=party))
        if not found:
            raise NotFoundError(f"no party {party!r}", hint="List parties with 'truce party list'.")
        if found[0]["kind"] not in kinds:
            raise ValidationError(
                f"a {role.value} belongs to a party of kind {' or '.join(kinds)}; "
                f"{party!r} is a {found[0]['kind']}",
                field="party",
            )
    if any(u["username"] == username for u in accounts.users()):
        raise ConflictError(f"user {username!r} already exists")
    if party is not None:
        grant = RoleGrant(user=username, role=role, party=party)

        def record(n: Node) -> Any:
            return n.append(party, "role.granted", grant)

        if run is None:
            record(node)
        else:
            run(record).result()
    return accounts.add_user(username, role, party, password)

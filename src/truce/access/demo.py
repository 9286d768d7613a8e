"""The demo's center party and users, with known demo passwords (printed by ``truce demo``)."""

from __future__ import annotations

from truce.access.accounts import Accounts
from truce.access.service import grant_user
from truce.model import PartyKind
from truce.model.access import Role
from truce.node import Node

__all__ = ["DEMO_USERS", "add_demo_users"]

#: (user name, role, party, password): demo credentials, never for a real deployment.
DEMO_USERS: tuple[tuple[str, Role, str | None, str], ...] = (
    ("ru-officer", Role.OFFICER, "ru", "demo-ru-officer"),
    ("tr-officer", Role.OFFICER, "tr", "demo-tr-officer"),
    ("chair", Role.CHAIR, "center", "demo-chair"),
    ("monitor", Role.MONITOR, "monitors", "demo-monitor"),
    ("analyst", Role.ANALYST, "center", "demo-analyst"),
    ("public", Role.PUBLIC, None, "demo-public"),
)


def add_demo_users(node: Node, *, url: str = "http://127.0.0.1:8000/") -> list[str]:
    """Register the center (if absent) and the demo users; returns lines for the summary."""
    if node.ledger.key("center") is None:
        node.add_party("center", "Joint coordination center", PartyKind.CENTER)
    accounts = Accounts(node.store.engine)
    lines = [f"users (demo passwords; sign in at {url} or use the API):"]
    for username, role, party, password in DEMO_USERS:
        grant_user(node, accounts, username, role, party, password)
        where = f" for {party}" if party else ""
        lines.append(f"  {username:<11} password {password:<16} {role.value}{where}")
    return lines

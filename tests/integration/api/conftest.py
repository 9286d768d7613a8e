"""A real truce server for the API tests: uvicorn on 127.0.0.1 in a thread, over a real data
directory and a real database (SQLite file, or PostgreSQL when TRUCE_TEST_DATABASE_URL is set:
the ``database_url`` fixture runs each test on both)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from truce.access.accounts import Accounts, SigninPolicy
from truce.access.service import grant_user
from truce.config import Settings
from truce.model import PartyKind
from truce.node import Node
from truce.web.app import create_app

USERS = {
    "ru-officer": ("officer", "ru"),
    "tr-officer": ("officer", "tr"),
    "chair": ("chair", "center"),
    "monitor": ("monitor", "monitors"),
    "analyst": ("analyst", "center"),
    "citizen": ("public", None),
}
PASSWORD = "correct horse battery"


class Server:
    """uvicorn serving ``app`` on a free loopback port until :meth:`stop`."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        # An open live stream would hold a graceful shutdown for its whole keep-alive period.
        config = uvicorn.Config(
            app,
            log_level="warning",
            backlog=512,
            timeout_keep_alive=30,
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()


@dataclass
class Api:
    base: str
    node: Node
    accounts: Accounts
    settings: Settings
    app: Any = None
    tokens: dict[str, str] = field(default_factory=dict)
    clients: list[httpx.Client] = field(default_factory=list)

    def app_services(self) -> Any:
        return self.app.state.services

    def client(self, user: str | None = None, **kwargs: Any) -> httpx.Client:
        """An HTTP client, authenticated with ``user``'s API token if given."""
        headers = {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}
        c = httpx.Client(base_url=self.base, headers=headers, timeout=30, **kwargs)
        self.clients.append(c)
        return c


def make_node(settings: Settings) -> tuple[Node, Accounts]:
    node = Node.init(settings)
    node.add_party("ru", "Russian Federation")
    node.add_party("tr", "Republic of Türkiye")
    node.add_party("center", "Joint coordination center", PartyKind.CENTER)
    node.add_party("monitors", "Joint center monitors", PartyKind.MONITOR)
    accounts = Accounts(node.store.engine)
    for username, (role, party) in USERS.items():
        grant_user(node, accounts, username, role, party, PASSWORD)
    return node, accounts


@pytest.fixture
def api(tmp_path: Path, database_url: str) -> Iterator[Api]:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    node, accounts = make_node(settings)
    policy = SigninPolicy(free_failures=3, base_delay_s=2.0)
    app = create_app(settings, node=node, signin=policy)
    server = Server(app)
    result = Api(server.base, node, app.state.services.accounts, settings, app)
    for username in USERS:
        result.tokens[username] = accounts.create_token(username, "tests")[0]
    try:
        yield result
    finally:
        for c in result.clients:
            c.close()
        server.stop()

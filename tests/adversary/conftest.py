"""The attacker's suite: fixtures shared by ``tests/adversary`` (no ``__init__.py``).

A real truce server on 127.0.0.1 over a real data directory and database (the API tests'
``api`` fixture, loaded here from ``tests/integration/api/conftest.py`` under its own module
name so both folders keep a ``conftest``), its users and their API tokens.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from truce.access.accounts import SigninPolicy
from truce.config import Settings
from truce.web.app import create_app

_API_CONFTEST = Path(__file__).resolve().parents[1] / "integration" / "api" / "conftest.py"


def _load_api_fixtures() -> object:
    name = "truce_tests_api_fixtures"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _API_CONFTEST)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_api = _load_api_fixtures()
api = _api.api  # type: ignore[attr-defined]
Api = _api.Api  # type: ignore[attr-defined]
Server = _api.Server  # type: ignore[attr-defined]
USERS = _api.USERS  # type: ignore[attr-defined]
PASSWORD = _api.PASSWORD  # type: ignore[attr-defined]
make_node = _api.make_node  # type: ignore[attr-defined]

__all__ = ["PASSWORD", "USERS", "Api", "Server", "api", "make_node", "shared_api"]


@pytest.fixture(scope="module")
def shared_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One server (SQLite) for a whole module of attacks that need no fresh state: each attack
    checks what it changed against the log's size before it, not against an empty log."""
    home = tmp_path_factory.mktemp("adversary") / "home"
    settings = Settings(home=home, database_url=f"sqlite:///{home.parent / 'projections.db'}")
    node, accounts = make_node(settings)
    app = create_app(settings, node=node, signin=SigninPolicy(free_failures=3, base_delay_s=2.0))
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

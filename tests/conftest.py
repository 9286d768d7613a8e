"""Shared fixtures: real data directories in tmp_path, real SQLite files, and a real
PostgreSQL database per test when TRUCE_TEST_DATABASE_URL is set (skipped with a reason if not)."""

from __future__ import annotations

import copy
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from truce.config import Settings
from truce.node import Node

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

SAMPLE_REPORT: dict[str, Any] = {
    "title": "Test: shelling of Morek",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "date": {"start": "2019-03-12", "end": "2019-03-12", "precision": 1},
    "locations": [
        {"place": "Morek", "point": {"lat": "35.37615", "lon": "36.6897", "error_m": 1500}}
    ],
    "actors": [{"name": "Hay'at Tahrir al-Sham", "role": "perpetrator", "inter": 2}],
    "casualties": [{"category": "civilians", "kind": "injured", "low": 2, "best": 3, "high": 4}],
    "sources": [{"name": "Test source", "kind": "party", "reliability": "C", "credibility": 3}],
}


@pytest.fixture
def sample_report() -> dict[str, Any]:
    return copy.deepcopy(SAMPLE_REPORT)


def _postgres_url() -> str | None:
    return os.environ.get("TRUCE_TEST_DATABASE_URL") or None


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of each backend: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'projections.db'}"
        return
    base = _postgres_url()
    if base is None:
        pytest.skip("TRUCE_TEST_DATABASE_URL is not set: no PostgreSQL server configured")
    import psycopg

    name = f"truce_t_{uuid.uuid4().hex[:12]}"
    admin = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home")


@pytest.fixture
def node(settings: Settings) -> Iterator[Node]:
    with Node.init(settings) as n:
        n.add_party("ru", "Russian Federation")
        n.add_party("tr", "Republic of Türkiye")
        yield n

"""One truth for derived views (issue 22): on a fresh demo, and on the demo with a random
scenario's reports filed over it, the incident page (``GET /api/v1/map/incidents/{id}``), the
API (``GET /api/v1/violations``), the CLI (``truce violations --json``, a real process beside the
running server) and the daily report (:func:`truce.report.situation.build_situation`) give the
same violations — same ids, statuses, certainties, distances, errors and reports — without
``truce rules check`` having been run by hand.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import Server
from truce.access.accounts import Accounts
from truce.assess.scenario import ScenarioConfig, generate
from truce.config import Settings
from truce.demo import build_demo
from truce.node import Node
from truce.report.situation import build_situation
from truce.web.app import create_app

FIELDS = ("status", "certainty", "distance_m", "error_m", "clause_id", "incident_id")


def _key(v: dict[str, Any]) -> tuple[Any, ...]:
    reports = v["reports"] if isinstance(v["reports"], list) else json.loads(v["reports"])
    return (v["id"], *(v[f] for f in FIELDS), tuple(reports))


def _demo(tmp: Path, scenario_seed: int | None) -> Path:
    home = tmp / "demo"
    settings = Settings.from_env(env={}, home=home)
    build_demo(settings)
    if scenario_seed is not None:
        scenario = generate(
            ScenarioConfig(events=80, seed=scenario_seed, events_per_day=10, villages=60)
        )
        with Node.open(settings) as node:
            for party, name, _kind in (("osint", "Open sources", "ingest"),):
                if node.ledger.key(party) is None:
                    from truce.model import PartyKind

                    node.add_party(party, name, PartyKind.INGEST)
            for i in range(len(scenario.reports)):
                node.file_report(scenario.author(i), scenario.report(i))
    return home


@pytest.fixture(params=["demo", "random"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, str, str, str]]:
    seed = None if request.param == "demo" else random.randrange(10_000)
    home = _demo(tmp_path, seed)
    settings = Settings.from_env(env={}, home=home)
    node = Node.open(settings)
    accounts = Accounts(node.store.engine)
    token = accounts.create_token("chair", "tests")[0]
    officer = accounts.create_token("ru-officer", "tests")[0]
    app = create_app(settings, node=node)
    server = Server(app)
    try:
        yield home, server.base, token, officer
    finally:
        server.stop()


def test_page_api_cli_and_daily_report_agree_on_every_violation(
    served: tuple[Path, str, str, str],
) -> None:
    home, base, token, _officer = served
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120
    ) as http:
        # The incident pages first, as a user opens them: nothing has asked for the violations
        # yet (the API and the CLI recompute stale ones when asked; the pages never did).
        page: set[tuple[Any, ...]] = set()
        incidents = [i["id"] for i in http.get("/api/v1/incidents", params={"limit": 5000}).json()]
        for incident in incidents:
            shown = http.get(f"/api/v1/map/incidents/{incident}")
            assert shown.status_code == 200, shown.text
            page |= {_key(v) for v in shown.json()["violations"]}
        rows = http.get("/api/v1/violations").json()
        api = {_key(v) for v in rows}
        assert api, "the demo's agreement is violated at least once"
    proc = subprocess.run(
        [sys.executable, "-m", "truce.cli", "violations", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "TRUCE_HOME": str(home)},
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    cli = {_key(v) for v in json.loads(proc.stdout)}
    assert page == api, f"incident pages and the API differ: {sorted(page ^ api)[:3]}"
    assert cli == api, f"the CLI and the API differ: {sorted(cli ^ api)[:3]}"
    # The daily report of each day with a violation lists exactly those of its incidents.
    settings = Settings.from_env(env={}, home=home)
    with Node.open(settings) as node:
        daily: set[tuple[Any, ...]] = set()
        for day in sorted({v["date_start"] for v in rows}):
            report = build_situation(node, "daily", on=date.fromisoformat(day))
            assert report.violations is not None
            daily |= {_key(v) for v in report.violations}
    assert daily == api, f"the daily reports and the API differ: {sorted(daily ^ api)[:3]}"


def test_a_response_or_a_merge_changes_the_page_and_the_api_alike(
    served: tuple[Path, str, str, str],
) -> None:
    _home, base, token, officer = served
    chair = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120)
    ru = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {officer}"}, timeout=120)
    with chair, ru:
        violated = sorted({v["incident_id"] for v in chair.get("/api/v1/violations").json()})
        target = violated[0]
        resp = ru.post("/api/v1/responses", json={"incident": target, "kind": "acknowledge"})
        assert resp.status_code == 201, resp.text
        page = chair.get(f"/api/v1/map/incidents/{target}").json()  # the page first
        assert page["responses"][-1]["kind"] == "acknowledge"  # the page is after it
        occurrence = page["incident"]["occurrence"]
        assert (
            occurrence == chair.get(f"/api/v1/incidents/{target}").json()["incident"]["occurrence"]
        )
        statuses = {v["status"] for v in page["violations"]}
        api = [v for v in chair.get("/api/v1/violations").json() if v["incident_id"] == target]
        assert statuses == {v["status"] for v in api}
        assert {_key(v) for v in page["violations"]} == {_key(v) for v in api}
        # A merge: the page of the survivor and the API agree at once too.
        others = [i["id"] for i in chair.get("/api/v1/incidents").json() if i["id"] != target]
        merged = chair.post("/api/v1/incidents/merge", json={"incidents": [target, others[0]]})
        assert merged.status_code == 201, merged.text
        keep = merged.json()["incident"]
        page = chair.get(f"/api/v1/map/incidents/{keep}").json()
        api = [v for v in chair.get("/api/v1/violations").json() if v["incident_id"] == keep]
        assert {_key(v) for v in page["violations"]} == {_key(v) for v in api}

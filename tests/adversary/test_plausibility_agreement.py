"""Plausibility against the agreement's start (issue 23): a report of an event before the adopted
agreement was signed is refused with a 422 naming ``date.start`` — through the API, a filed
draft, a client-signed entry and ``truce report add`` — unless the filer gives a reason
(``plausibility_override``), which is signed into the entry. Before this, only dates before
1900 were refused, and client-signed reports skipped plausibility altogether.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import USERS, Api, Server, make_node
from truce.agreement.rules import parse_agreement
from truce.config import Settings
from truce.ledger.entry import Entry
from truce.model import Report
from truce.web.app import create_app

SIGNED = "2020-03-05"
AGREEMENT = f"""
agreement:
  id: moscow-protocol
  title: "Additional protocol (test)"
  signed: {SIGNED}
clauses:
  - id: no-shelling
    text: "No shelling."
    when:
      sub_event_type: [Shelling/artillery/missile attack]
"""


def _dated(report: dict[str, Any], day: str) -> dict[str, Any]:
    out = copy.deepcopy(report)
    out["date"] = {"start": day, "end": day, "precision": 1}
    return out


@pytest.fixture(scope="module")
def agreed_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A server whose node has adopted an agreement signed on :data:`SIGNED`."""
    tmp = tmp_path_factory.mktemp("agreed")
    settings = Settings(home=tmp / "home", database_url=f"sqlite:///{tmp / 'p.db'}")
    node, accounts = make_node(settings)
    node.append("center", "agreement.adopted", parse_agreement(AGREEMENT))
    app = create_app(settings, node=node)
    server = Server(app)
    api = Api(server.base, node, app.state.services.accounts, settings, app)
    for username in USERS:
        api.tokens[username] = accounts.create_token(username, "tests")[0]
    try:
        yield api
    finally:
        for c in api.clients:
            c.close()
        server.stop()


def _refused(response: Any, field: str = "date.start") -> None:
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["field"] == field
    assert f"before agreement 'moscow-protocol' was signed on {SIGNED}" in error["message"]
    assert "plausibility_override" in error["hint"]


def test_a_report_before_the_agreement_is_refused_by_every_seam(
    agreed_api: Api, sample_report: dict[str, Any]
) -> None:
    ru = agreed_api.client("ru-officer")
    before = _dated(sample_report, "2020-03-04")  # the day before it was signed
    size = agreed_api.node.ledger.size
    _refused(ru.post("/api/v1/reports", json=before))
    draft = ru.post("/api/v1/drafts", json={"kind": "report.filed", "body": before})
    assert draft.status_code == 201, draft.text
    _refused(ru.post(f"/api/v1/drafts/{draft.json()['id']}/file"))
    ledger = agreed_api.node.ledger
    seq, prev = ledger.next_position("ru")
    entry = Entry.sign(
        agreed_api.node.signing_key("ru"),
        origin=ledger.origin,
        kind="report.filed",
        author="ru",
        seq=seq,
        prev=prev,
        body=Report.model_validate(before).to_body(),
        mode="client",
    )
    signed = ru.post(
        "/api/v1/ledger/entries", json={"entries": [base64.b64encode(entry.leaf).decode()]}
    )
    _refused(signed, "entries.0.body.date.start")
    assert agreed_api.node.ledger.size == size  # nothing was appended


def test_the_filer_overrides_with_a_reason_on_the_record(
    agreed_api: Api, sample_report: dict[str, Any]
) -> None:
    ru = agreed_api.client("ru-officer")
    reason = "a shelling before the protocol, filed for the baseline"
    body = {**_dated(sample_report, "2020-02-20"), "plausibility_override": reason}
    made = ru.post("/api/v1/reports", json=body)
    assert made.status_code == 201, made.text
    entry = agreed_api.node.ledger.entry(made.json()["index"])
    assert entry.body["plausibility_override"] == reason


def test_the_day_it_was_signed_and_after_need_no_override(
    agreed_api: Api, sample_report: dict[str, Any]
) -> None:
    ru = agreed_api.client("ru-officer")
    for day in (SIGNED, "2020-03-06"):
        made = ru.post("/api/v1/reports", json=_dated(sample_report, day))
        assert made.status_code == 201, made.text
        entry = agreed_api.node.ledger.entry(made.json()["index"])
        assert "plausibility_override" not in entry.body


def test_without_a_signed_agreement_only_1900_bounds_the_past(
    shared_api: Api, sample_report: dict[str, Any]
) -> None:
    made = shared_api.client("ru-officer").post(
        "/api/v1/reports", json=_dated(sample_report, "1990-06-01")
    )
    assert made.status_code == 201, made.text


def test_report_add_refuses_a_date_before_the_agreement(
    tmp_path: Path, sample_report: dict[str, Any]
) -> None:
    from truce.node import Node

    home = tmp_path / "home"
    with Node.init(Settings(home=home)) as node:
        node.add_party("ru", "Russian Federation")
        node.append("ru", "agreement.adopted", parse_agreement(AGREEMENT))
    path = tmp_path / "report.json"
    path.write_text(json.dumps(_dated(sample_report, "2019-12-31")))
    env = {**os.environ, "TRUCE_HOME": str(home)}

    def truce(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "truce.cli", *args], capture_output=True, text=True, env=env
        )

    refused = truce("report", "add", str(path), "--as", "ru")
    assert refused.returncode == 2, refused.stderr
    assert f"signed on {SIGNED}" in refused.stderr and "plausibility_override" in refused.stderr
    short = truce("report", "add", str(path), "--as", "ru", "--plausibility-override", "ok")
    assert short.returncode == 2, short.stderr  # was a pydantic traceback
    assert "Traceback" not in short.stderr and "plausibility_override" in short.stderr
    reason = "baseline before the protocol"
    ok = truce("report", "add", str(path), "--as", "ru", "--plausibility-override", reason)
    assert ok.returncode == 0, ok.stderr
    with Node.open(Settings(home=home)) as node:
        assert node.ledger.entry(node.ledger.size - 1).body["plausibility_override"] == reason

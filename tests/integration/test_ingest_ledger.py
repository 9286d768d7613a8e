"""Ingestion into a real node (SQLite file in tmp_path): reports, evidence, dedupe, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from truce.cli import main
from truce.config import Settings
from truce.errors import IngestError
from truce.ingest import Options, ingest
from truce.node import Node

DOCS = Path(__file__).resolve().parents[1] / "data" / "ingest" / "docs"


@pytest.fixture
def node(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Node.init(Settings.from_env(env={}, home=tmp_path / "home")) as n:
        yield n


def test_reports_evidence_and_dedupe(node: Node) -> None:
    doc = DOCS / "05_several_incidents.txt"
    first = list(ingest([doc], node=node))
    assert [o.status for o in first] == ["ingested"]
    assert len(first[0].reports) == 3
    rows = node.reports()
    assert [r["author"] for r in rows] == ["osint"] * 3
    body = json.loads(rows[0]["body"])
    sha = body["evidence"][0]["sha256"]
    assert node.evidence.get(sha) == doc.read_bytes()
    size = node.ledger.size
    again = list(ingest([doc, doc], node=node))
    assert [o.status for o in again] == ["duplicate", "duplicate"]
    assert node.ledger.size == size
    node.rebuild()
    assert next(iter(ingest([doc], node=node))).status == "duplicate"


def test_bad_inputs_skip_and_keep_what_was_ingested(node: Node, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a_empty.txt").write_bytes(b"")
    (bad / "b_binary.pdf").write_bytes(b"%PDF-1.4\n\x00\x01binary")
    (bad / "c_truncated.txt").write_bytes(b"Shelling hit Saraqib on Monday, killing "
                                          + "\u0633".encode()[:1])  # fmt: skip
    (bad / "d_huge.txt").write_bytes(b"a" * 2048)
    (bad / "e_good.txt").write_bytes((DOCS / "09_weekday_past.txt").read_bytes())
    outcomes = list(ingest([bad], Options(max_bytes=1024), node=node, on_invalid="skip"))
    status = {Path(o.name).name: (o.status, o.error) for o in outcomes}
    assert status["a_empty.txt"][0] == "invalid" and "empty" in status["a_empty.txt"][1]
    assert "binary" in status["b_binary.pdf"][1]
    assert "truncated" in status["c_truncated.txt"][1]
    assert "limit" in status["d_huge.txt"][1]
    assert status["e_good.txt"][0] == "ingested"
    size = node.ledger.size
    with pytest.raises(IngestError, match="empty"):
        list(ingest([bad], Options(max_bytes=1024), node=node, on_invalid="raise"))
    assert node.ledger.size == size


def test_cli_json_and_dry_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = DOCS / "08_comments_html.html"
    code = main(["--home", str(tmp_path / "h"), "ingest", str(doc), "--dry-run", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "dry-run"
    assert [c["depth"] for c in data["comments"]] == [0, 1, 2, 0]
    assert data["claims"][0]["sub_event_type"] == "Military deployment"
    assert not (tmp_path / "h").exists()
    assert main(["--home", str(tmp_path / "h"), "ingest", str(doc)]) == 3  # no data directory


def test_a_claim_outside_the_monitored_area_is_queued_not_filed(tmp_path: Path) -> None:
    """The filing checks hold for ingestion too (issue 22): with a monitored area that does not
    hold the page's places, its claims wait for review, the contradiction as their need."""
    settings = Settings.from_env(env={"TRUCE_AOI": "10,10,11,11"}, home=tmp_path / "home")
    with Node.init(settings) as node:
        (outcome,) = list(ingest([DOCS / "05_several_incidents.txt"], node=node))
        assert outcome.status == "ingested"
        assert outcome.reports == [] and len(outcome.queued) == 3
        needs = [n for f in outcome.fates for n in f.needs]
        assert needs and all("outside the monitored area" in n.reason for n in needs)
        assert node.reports() == []

"""``truce incident comment``, ``truce task add|done|open|list`` and ``truce notifications`` on a
real data directory, and a rebuild from the log giving the collaboration tables row for row
(on both backends)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from truce.cli import main
from truce.collab.actions import add_task, comment, set_status
from truce.config import Settings
from truce.model import Report, Site
from truce.node import Node

SCHOOL = Site(id="s-morek", name="Morek school", kind="school", lat="35.378", lon="36.69")


def _run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_commands_comment_assign_close_and_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sample_report: dict[str, Any]
) -> None:
    home = tmp_path / "home"
    assert _run(capsys, home, "init")[0] == 0
    for party in ("ru", "tr"):
        assert _run(capsys, home, "party", "add", party, "--name", party.upper())[0] == 0
    with Node.open(Settings(home=home)) as node:
        node.append("tr", "site.registered", SCHOOL)
        node.file_report("ru", Report.model_validate(sample_report))
        incident = node.store.dump()["incidents"][0]["id"]
    code, out, err = _run(capsys, home, "incident", "comment", incident, "seen", "--as", "tr")
    assert code == 0, err
    assert out.startswith("C-") and incident in out
    code, out, err = _run(
        capsys, home, "task", "add", "patrol to verify", "--for", "ru", "--incident", incident,
        "--as", "tr",
    )  # fmt: skip
    assert code == 0, err
    task = out.split(":")[0]
    code, out, err = _run(capsys, home, "task", "done", task, "--as", "ru", "--text", "found")
    assert code == 0 and f"{task} is done" in out, err
    code, out, _ = _run(capsys, home, "task", "list", "--for", "ru", "--json")
    (row,) = json.loads(out)
    assert row["id"] == task and row["status"] == "done" and row["incident_id"] == incident
    code, out, _ = _run(capsys, home, "notifications", "--for", "ru")
    assert task in out and "Morek school" in out
    code, out, _ = _run(capsys, home, "notifications", "--for", "tr")
    assert task not in out and "Morek school" in out
    # Bad input: one line, nothing written.
    with Node.open(Settings(home=home)) as node:
        size = node.ledger.size
    code, _out, err = _run(capsys, home, "task", "done", "T-999", "--as", "ru")
    assert code != 0 and "no task T-999" in err and len(err.strip().splitlines()) <= 2
    code, _out, err = _run(capsys, home, "task", "add", "x", "--for", "xx", "--as", "ru")
    assert code != 0 and "no party 'xx'" in err
    code, _out, err = _run(capsys, home, "incident", "comment", "I-999", "x", "--as", "ru")
    assert code != 0 and "no incident I-999" in err
    with Node.open(Settings(home=home)) as node:
        assert node.ledger.size == size


def test_a_rebuild_gives_the_same_comments_tasks_and_notifications(
    tmp_path: Path, database_url: str, sample_report: dict[str, Any]
) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    with Node.init(settings) as node:
        node.add_party("ru", "RU")
        node.add_party("tr", "TR")
        node.append("tr", "site.registered", SCHOOL)
        node.file_report("ru", Report.model_validate(sample_report))
        node.file_report("tr", Report.model_validate(sample_report))
        incident = node.store.dump()["incidents"][0]["id"]
        comment(node, incident, "tr", "we saw it too")
        task = add_task(node, "ru", "patrol to verify", "tr", incident=incident)
        set_status(node, task, "done", "ru", "crater")
        node.append("tr", "task.updated", {"task": task, "party": "tr", "status": "open"})
        before = node.store.dump()
        assert len(before["comments"]) == 1 and len(before["tasks"]) == 1
        assert [(u["status"], u["applied"]) for u in before["task_updates"]] == [
            ("done", True),
            ("open", False),  # the update named another party than the task's: on record only
        ]
        assert before["tasks"][0]["status"] == "done"
        assert sorted(n["kind"] for n in before["notifications"]) == ["site", "task"]
        assert node.rebuild() == node.ledger.size
        assert node.store.dump() == before

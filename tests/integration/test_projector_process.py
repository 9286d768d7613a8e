"""The projections caught up in a child process: the same rows as in-process, read back as
soon as an append returns, through a killed child and an error inside one, on both backends."""

from __future__ import annotations

import os
import signal
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from truce.config import Settings
from truce.errors import ProjectionError
from truce.model import Report
from truce.node import Node
from truce.store import Store
from truce.store import projector as projector_module
from truce.store.remote import ProjectorProcess
from truce.web.sequencer import Sequencer


@pytest.fixture
def remote_node(tmp_path: Path, database_url: str) -> Iterator[tuple[Node, ProjectorProcess]]:
    with Node.init(Settings(home=tmp_path / "home", database_url=database_url)) as node:
        node.add_party("ru", "Russian Federation")
        node.add_party("tr", "Republic of Türkiye")
        projector = ProjectorProcess(node.settings.ledger_dir, database_url)
        projector.start()
        node.store.project_in(projector)
        try:
            yield node, projector
        finally:
            node.store.project_in(None)
            projector.close()


def _report(sample: dict[str, Any], i: int) -> Report:
    return Report.model_validate(
        {**sample, "title": f"Shelling report {i}", "casualties": sample["casualties"][: i % 2]}
    )


def _same_as_a_rebuild(node: Node) -> None:
    """The child's tables, row for row, are what this process projects from the same log."""
    theirs = node.store.dump()
    inline = Store(node.store.engine)  # no projector attached: in this process
    inline.rebuild(node.ledger)
    ours = inline.dump()
    assert set(ours) == set(theirs)
    for table in ours:
        assert ours[table] == theirs[table], table


def test_appends_are_projected_by_the_child_and_read_back_at_once(
    remote_node: tuple[Node, ProjectorProcess], sample_report: dict[str, Any]
) -> None:
    node, projector = remote_node
    parent = os.getpid()
    assert projector.pid is not None and projector.pid != parent
    for i in range(12):
        rid = node.file_report("ru" if i % 2 else "tr", _report(sample_report, i))
        assert [r["title"] for r in node.store.rows("reports", id=rid)] == [f"Shelling report {i}"]
    assert node.store.applied_size() == node.ledger.size == 14
    assert projector.restarts == 0
    _same_as_a_rebuild(node)


def test_the_child_freezes_what_it_holds_for_good(
    remote_node: tuple[Node, ProjectorProcess], sample_report: dict[str, Any]
) -> None:
    """Its modules and compiled statements are out of the full collections (as the server's)."""
    node, projector = remote_node
    at_start = projector.frozen
    assert at_start > 50_000  # the modules, the tables, SQLAlchemy: some 130,000 objects
    node.file_report("ru", _report(sample_report, 0))  # the first catch-up compiles statements
    assert projector.frozen > at_start


def test_a_killed_child_is_replaced_and_goes_on_from_the_tables(
    remote_node: tuple[Node, ProjectorProcess], sample_report: dict[str, Any]
) -> None:
    node, projector = remote_node
    node.file_report("ru", _report(sample_report, 0))
    first = projector.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    rid = node.file_report("tr", _report(sample_report, 1))
    assert projector.restarts == 1 and projector.pid not in (None, first)
    assert list(node.store.rows("reports", id=rid))
    assert node.store.applied_size() == node.ledger.size
    _same_as_a_rebuild(node)


def test_an_error_in_the_child_comes_back_and_the_child_goes_on(
    tmp_path: Path,
    database_url: str,
    sample_report: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A handler registered after the child started is imported there too; when it fails, the
    append is in the log, the error names the cause, and the tables catch up once it is fixed."""
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "truce_test_failing_handler.py").write_text(
        textwrap.dedent(
            """
            from pathlib import Path
            from truce.store.projector import projects

            FLAG = Path(__file__).with_name("fail")

            @projects("report.filed")
            def failing(p):
                if FLAG.exists():
                    raise RuntimeError("the test handler fails on purpose")
            """
        )
    )
    (modules / "fail").touch()
    monkeypatch.syspath_prepend(str(modules))
    monkeypatch.setenv("PYTHONPATH", str(modules))  # where the child finds it
    monkeypatch.delitem(sys.modules, "truce_test_failing_handler", raising=False)
    handlers = {k: list(v) for k, v in projector_module._HANDLERS.items()}
    with Node.init(Settings(home=tmp_path / "home", database_url=database_url)) as node:
        node.add_party("ru", "Russian Federation")
        projector = ProjectorProcess(node.settings.ledger_dir, database_url)
        projector.start()
        node.store.project_in(projector)
        try:
            import truce_test_failing_handler  # noqa: F401  (registers it here, then there)

            with pytest.raises(ProjectionError, match="the test handler fails on purpose"):
                node.file_report("ru", _report(sample_report, 0))
            assert node.ledger.size == 2 and node.store.applied_size() == 1  # not projected
            (modules / "fail").unlink()
            node.file_report("ru", _report(sample_report, 1))
            assert node.store.applied_size() == node.ledger.size == 3
            assert projector.restarts == 0
            assert len(list(node.store.rows("reports"))) == 2
        finally:
            node.store.project_in(None)
            projector.close()
            projector_module._HANDLERS.clear()
            projector_module._HANDLERS.update(handlers)


def test_the_sequencer_answers_after_the_child_has_projected(
    remote_node: tuple[Node, ProjectorProcess], sample_report: dict[str, Any]
) -> None:
    """Groups are appended while earlier ones are projected; each future resolves only once its
    rows are in the tables, and a call on the writer sees every group appended before it."""
    node, _ = remote_node
    seq = Sequencer(node)
    try:
        gate = threading.Event()
        seq.call(lambda n: gate.wait(10))  # let submissions queue up into groups
        futures = [
            seq.submit("ru" if i % 2 else "tr", "report.filed", _report(sample_report, i))
            for i in range(40)
        ]
        seen: list[int] = []

        def check(f: Any) -> None:  # on the projecting thread, when the future resolves
            seen.append(len(list(node.store.rows("reports", entry_index=f.result().index))))

        for f in futures:
            f.add_done_callback(check)
        counted = seq.call(lambda n: len(list(n.store.rows("reports"))))
        gate.set()
        assert counted.result(30) == 40
        assert [f.result(30).index for f in futures] == list(range(2, 42))
    finally:
        seq.close()  # after every callback has run
    assert seen == [1] * 40
    assert seq.stats["projection_errors"] == 0


def test_the_child_stops_when_the_parent_goes(tmp_path: Path, database_url: str) -> None:
    with Node.init(Settings(home=tmp_path / "home", database_url=database_url)) as node:
        node.add_party("ru", "Russian Federation")
        projector = ProjectorProcess(node.settings.ledger_dir, database_url)
        projector.start()
        proc = projector._proc
        assert proc is not None
        assert projector._sock is not None and projector._io is not None
        projector._io.close()
        projector._sock.close()  # as when the parent dies: its end of the socket closes
        assert proc.wait(30) == 0


def test_a_child_that_cannot_start_says_why(tmp_path: Path) -> None:
    projector = ProjectorProcess(tmp_path / "no-ledger", f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(ProjectionError, match="could not start: StorageError: no entry log"):
        projector.start()
    assert projector.pid is None

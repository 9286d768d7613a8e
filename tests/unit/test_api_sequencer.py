"""The sequencer: queued submissions are appended in one group; a bad one fails alone."""

from __future__ import annotations

import threading

import pytest

from truce.errors import ChainError, SignatureError
from truce.ledger.entry import Entry
from truce.model import Report
from truce.node import Node
from truce.web.sequencer import Sequencer


def test_group_commit_and_a_bad_submission_fails_alone(node: Node, sample_report: dict) -> None:
    seq = Sequencer(node)
    try:
        gate = threading.Event()
        blocked = seq.call(lambda n: gate.wait(10))  # hold the writer so submissions queue up
        report = Report.model_validate(sample_report)
        futures = [seq.submit("ru" if i % 2 else "tr", "report.filed", report) for i in range(20)]
        position = node.ledger.next_position("tr")
        forged = Entry.sign(
            node.signing_key("ru"),  # claims tr, signed with ru's key
            origin=node.ledger.origin,
            kind="report.filed",
            author="tr",
            seq=position[0] + 10,
            prev=position[1],
            body=report.to_body(),
            mode="client",
        )
        bad = seq.submit_signed([forged])
        more = [seq.submit("ru", "report.filed", report) for _ in range(5)]
        groups = seq.groups
        gate.set()
        assert blocked.result(10) is True
        appended = [f.result(10) for f in futures + more]
        with pytest.raises((SignatureError, ChainError)):
            bad.result(10)
        indices = [a.index for a in appended]
        assert indices == sorted(indices) and len(set(indices)) == 25
        assert node.ledger.size == indices[-1] + 1
        assert seq.groups - groups <= 26  # the good ones were retried one by one, once
        ru = [a.entries[0] for a in appended if a.entries[0].author == "ru"]
        assert [e.seq for e in ru] == list(range(ru[0].seq, ru[0].seq + len(ru)))  # chained
    finally:
        seq.close()


def test_a_clean_group_is_one_append(node: Node, sample_report: dict) -> None:
    seq = Sequencer(node)
    try:
        gate = threading.Event()
        seq.call(lambda n: gate.wait(10))
        report = Report.model_validate(sample_report)
        futures = [seq.submit("ru", "report.filed", report) for _ in range(30)]
        before = seq.groups
        gate.set()
        results = [f.result(10) for f in futures]
        assert seq.groups == before + 1
        assert [r.index for r in results] == list(range(results[0].index, results[0].index + 30))
        assert all(r.entries[0].mode == "custodial" for r in results)
    finally:
        seq.close()


def test_a_submission_cancelled_before_the_writer_takes_it_is_not_appended(
    node: Node, sample_report: dict
) -> None:
    seq = Sequencer(node)
    try:
        gate = threading.Event()
        seq.call(lambda n: gate.wait(10))
        report = Report.model_validate(sample_report)
        given_up, kept = (seq.submit("ru", "report.filed", report) for _ in range(2))
        size = node.ledger.size
        assert given_up.cancel()  # as when a client's request is cancelled while it waits
        gate.set()
        assert kept.result(10).index == size
        assert node.ledger.size == size + 1
        assert not kept.cancel()  # taken by the writer: no longer cancellable
    finally:
        seq.close()


def test_entries_in_the_log_stay_accepted_when_the_tables_cannot_follow(
    node: Node, sample_report: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A projection failure is logged, not the request's: the entries are in the log, so they
    are neither refused nor appended again; the next append brings the tables up to date."""
    seq = Sequencer(node)
    real = node.store.catch_up
    failures = [RuntimeError("database went away")]

    def flaky(ledger):  # type: ignore[no-untyped-def]
        if failures:
            raise failures.pop()
        return real(ledger)

    monkeypatch.setattr(node.store, "catch_up", flaky)
    try:
        report = Report.model_validate(sample_report)
        size = node.ledger.size
        first = seq.submit("ru", "report.filed", report).result(10)
        assert first.index == size and node.ledger.size == size + 1
        assert node.store.applied_size() == size  # behind, for now
        seq.submit("tr", "report.filed", report).result(10)
        assert node.store.applied_size() == node.ledger.size == size + 2
        assert len(node.reports()) == 2
        assert seq.stats["projection_errors"] == 1
    finally:
        seq.close()

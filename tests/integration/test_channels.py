"""Channels end to end: RSS, Atom, a Telegram export and a folder served from 127.0.0.1, polled
by ``truce sources``, each item ingested once into a real node (SQLite files in tmp_path)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from feeds import FeedServer

from truce.channels.state import SourceDef, State, parse_duration
from truce.channels.watch import Watcher
from truce.cli import main
from truce.config import Settings
from truce.errors import ValidationError
from truce.ingest.pipeline import Options, Outcome, ingest_bytes
from truce.node import Node


@pytest.fixture
def feeds(tmp_path: Path) -> Iterator[FeedServer]:
    server = FeedServer(tmp_path / "www")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    Node.init(Settings.from_env(env={}, home=home)).close()
    return home


def truce(home: Path, *args: str) -> int:
    return main(["--home", str(home), *args])


def add_all(home: Path, feeds: FeedServer) -> None:
    assert truce(home, "sources", "add", "rss", "mod", feeds.url("rss"), "--every", "1s") == 0
    assert truce(home, "sources", "add", "atom", "msb", feeds.url("atom"), "--every", "1s") == 0
    assert (
        truce(
            home, "sources", "add", "telegram-export", "tg", feeds.url("telegram"), "--every", "1s"
        )
        == 0
    )
    folder = str(feeds.root / "folder")
    assert truce(home, "sources", "add", "folder", "drop", folder, "--every", "1s") == 0


def never(data: bytes, name: str, options: Options) -> Outcome:
    raise AssertionError(f"{name} should not have been ingested")


def ledger_documents(home: Path) -> Counter[str]:
    """How many reports cite each document (by SHA-256)."""
    with Node.open(Settings.from_env(env={}, home=home)) as node:
        counts: Counter[str] = Counter()
        for row in node.reports():
            body = json.loads(row["body"])
            counts[body["evidence"][0]["sha256"]] += 1
        return counts


def test_every_kind_is_ingested_once(home: Path, feeds: FeedServer, capsys) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        for kind in ("rss", "atom", "telegram", "folder"):
            feeds.add(kind, n + {"rss": 0, "atom": 10, "telegram": 20, "folder": 30}[kind])
    add_all(home, feeds)
    assert truce(home, "sources", "watch", "--once") == 0
    docs = ledger_documents(home)
    assert len(docs) == 12 and set(docs.values()) == {1}
    assert truce(home, "sources", "watch", "--once") == 0  # nothing new
    assert ledger_documents(home) == docs
    feeds.add("rss", 3)
    feeds.add("telegram", 23)
    assert truce(home, "sources", "watch", "--once") == 0
    after = ledger_documents(home)
    assert len(after) == 14 and set(after.values()) == {1}
    capsys.readouterr()
    assert truce(home, "sources", "status", "--json") == 0
    status = {s["name"]: s for s in json.loads(capsys.readouterr().out)}
    assert {n: s["items"] for n, s in status.items()} == {"drop": 3, "msb": 3, "mod": 4, "tg": 4}
    assert all(s["errors"] == 0 and s["last_poll"] for s in status.values())
    assert truce(home, "sources", "list") == 0
    out = capsys.readouterr().out
    assert "telegram-export" in out and feeds.url("atom") in out


def test_the_publication_date_comes_from_the_feed(home: Path, feeds: FeedServer) -> None:
    item = feeds.add("rss", 5)
    state = State.of_home(home)
    source = state.add(SourceDef("mod", "rss", feeds.url("rss"), 60))
    seen: list[Outcome] = []
    with Node.open(Settings.from_env(env={}, home=home)) as node:

        def ingest(data: bytes, name: str, options: Options) -> Outcome:
            seen.append(ingest_bytes(node, data, name, options))
            return seen[-1]

        poll = Watcher(state, ingest).poll(source)
    assert poll.ingested == 1 and poll.error is None
    doc = seen[0].document
    assert doc is not None
    assert doc.published.to_json()["date"] == item.published.isoformat()
    assert doc.url == "https://mod.example/news/5"
    assert seen[0].claims[0].date is not None
    assert seen[0].claims[0].date.iso() == item.day.isoformat()


def test_same_text_under_two_links_is_one_document(home: Path, feeds: FeedServer) -> None:
    # The Telegram channel reposts the RSS item word for word: the same document, once.
    feeds.items["telegram"] = []
    item = feeds.add("rss", 7)
    state = State.of_home(home)
    rss = state.add(SourceDef("mod", "rss", feeds.url("rss"), 60))
    other = feeds.root / "mirror.xml"
    other.write_text((feeds.root / "rss.xml").read_text().replace("urn:rss:", "urn:mirror:"))
    mirror = state.add(SourceDef("mirror", "rss", f"{feeds.base}/mirror.xml", 60))
    with Node.open(Settings.from_env(env={}, home=home)) as node:
        watcher = Watcher(state, lambda d, n, o: ingest_bytes(node, d, n, o))
        assert watcher.poll(rss).ingested == 1
        # Another guid but the same link: seen by URL.
        assert watcher.poll(mirror).skipped == 1
    assert len(ledger_documents(home)) == 1
    assert item.n == 7


def test_errors_back_off_exponentially(home: Path, feeds: FeedServer) -> None:
    state = State.of_home(home)
    source = state.add(SourceDef("gone", "rss", f"{feeds.base}/missing.xml", 10))
    now = [1000.0]
    watcher = Watcher(
        state, lambda d, n, o: (_ for _ in ()).throw(AssertionError), clock=lambda: now[0]
    )
    waits = []
    for _ in range(4):
        poll = watcher.poll(source)
        assert poll.error and "404" in poll.error
        (status,) = state.statuses()
        waits.append(status.next_poll - now[0])
        now[0] = status.next_poll
    assert waits == [20, 40, 80, 160]
    assert status.errors == 4 and status.failing == 4
    (feeds.root / "missing.xml").write_text((feeds.root / "rss.xml").read_text())
    assert watcher.poll(source).error is None
    (status,) = state.statuses()
    assert status.failing == 0 and status.next_poll == now[0] + 10 and status.errors == 4


def test_a_crash_between_the_ledger_and_the_seen_record(home: Path, feeds: FeedServer) -> None:
    """The append happened, the process died before recording the item: the next run finds
    the document in the ledger and files nothing again."""
    feeds.add("atom", 1)
    feeds.add("atom", 2)
    state = State.of_home(home)
    source = state.add(SourceDef("msb", "atom", feeds.url("atom"), 60))

    class Killed(BaseException):
        pass

    with Node.open(Settings.from_env(env={}, home=home)) as node:

        def dies_after_append(data: bytes, name: str, options: Options) -> Outcome:
            ingest_bytes(node, data, name, options)
            raise Killed

        with pytest.raises(Killed):
            Watcher(state, dies_after_append).poll(source)
    assert len(ledger_documents(home)) == 1
    assert state.seen_items() == []
    with Node.open(Settings.from_env(env={}, home=home)) as node:
        poll = Watcher(state, lambda d, n, o: ingest_bytes(node, d, n, o)).poll(source)
    assert (poll.ingested, poll.duplicates) == (1, 1)
    assert set(ledger_documents(home).values()) == {1} and len(ledger_documents(home)) == 2


def test_bad_input_says_what_to_fix(home: Path, feeds: FeedServer, capsys) -> None:  # type: ignore[no-untyped-def]
    assert truce(home, "sources", "add", "rss", "Bad Name", feeds.url("rss")) == 2
    assert "short lower-case name" in capsys.readouterr().err
    assert truce(home, "sources", "add", "rss", "mod", feeds.url("rss"), "--every", "soon") == 2
    assert "not a duration" in capsys.readouterr().err
    assert truce(home, "sources", "add", "folder", "drop", str(feeds.root / "nowhere")) == 2
    assert truce(home, "sources", "add", "rss", "mod", feeds.url("rss")) == 0
    assert truce(home, "sources", "add", "atom", "mod", feeds.url("atom")) == 2
    assert "exists already" in capsys.readouterr().err
    assert truce(home, "sources", "remove", "nope") == 4
    assert truce(home, "sources", "remove", "mod") == 0
    assert State.of_home(home).sources() == []
    with pytest.raises(ValidationError):
        parse_duration("0s")
    assert parse_duration("10m") == 600


def test_not_a_feed_is_an_error_not_a_crash(home: Path, feeds: FeedServer) -> None:
    (feeds.root / "page.xml").write_text("this is not xml <<<")
    (feeds.root / "bad.json").write_text('{"name": "x"}')
    state = State.of_home(home)
    rss = state.add(SourceDef("page", "rss", f"{feeds.base}/page.xml", 60))
    tg = state.add(SourceDef("tg", "telegram-export", f"{feeds.base}/bad.json", 60))
    watcher = Watcher(state, never)
    assert "not an RSS or Atom feed" in (watcher.poll(rss).error or "")
    assert "no 'messages' list" in (watcher.poll(tg).error or "")


def test_a_telegram_export_on_disk(home: Path, feeds: FeedServer, capsys) -> None:  # type: ignore[no-untyped-def]
    feeds.add("telegram", 40)  # entities list (even n)
    feeds.add("telegram", 41)  # plain string
    export = feeds.root / "telegram"
    assert truce(home, "sources", "add", "telegram-export", "tg", str(export)) == 0
    assert truce(home, "sources", "watch", "--once") == 0
    assert len(ledger_documents(home)) == 2
    (item,) = [i for i in State.of_home(home).seen_items() if i["key"].endswith(":140")]
    assert item["key"] == "telegram:1234567:140" and item["status"] == "ingested"
    assert truce(home, "sources", "add", "telegram-export", "tg2", str(feeds.root / "none")) == 2
    assert "neither a URL nor an existing export" in capsys.readouterr().err

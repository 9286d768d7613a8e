"""Recorded channel items for the channel tests, written by these tests (no third-party text):
RSS 2.0, Atom, a Telegram Desktop export and a folder, served from a real HTTP server on
127.0.0.1. Every item reports one strike on a town of Idlib on a given day, so each becomes
exactly one report."""

from __future__ import annotations

import functools
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

TOWNS = (
    "Saraqib",
    "Ariha",
    "Sarmin",
    "Taftanaz",
    "Binnish",
    "Atarib",
    "Kafr Nabl",
    "Maarrat Misrin",
)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


@dataclass(frozen=True)
class FeedItem:
    n: int
    kind: str

    @property
    def day(self) -> date:
        return date(2020, 1, 1) + timedelta(days=self.n % 300)

    @property
    def published(self) -> date:
        return self.day + timedelta(days=1)

    @property
    def town(self) -> str:
        return TOWNS[self.n % len(TOWNS)]

    @property
    def title(self) -> str:
        return f"Shelling on {self.town} ({self.kind} item {self.n})"

    @property
    def text(self) -> str:
        d = self.day
        return (
            f"On {d.day} {MONTHS[d.month - 1]} {d.year} artillery shelling hit the town of "
            f"{self.town} in Idlib, killing {2 + self.n % 7} civilians, local sources said. "
            f"Reference {self.kind}-{self.n}."
        )


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class FeedServer:
    """Serves ``root`` on 127.0.0.1; :meth:`publish` writes the channels' current items."""

    root: Path
    items: dict[str, list[FeedItem]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "folder").mkdir(exist_ok=True)
        handler = functools.partial(Quiet, directory=str(self.root))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        for kind in ("rss", "atom", "telegram", "folder"):
            self.items.setdefault(kind, [])
            self._write(kind)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, kind: str) -> str:
        return {
            "rss": f"{self.base}/rss.xml",
            "atom": f"{self.base}/atom.xml",
            "telegram": f"{self.base}/telegram/result.json",
        }[kind]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def add(self, kind: str, n: int) -> FeedItem:
        item = FeedItem(n, kind)
        self.items[kind].append(item)
        self._write(kind)
        return item

    def _write(self, kind: str) -> None:
        items = self.items[kind]
        if kind == "folder":
            for item in items:
                path = self.root / "folder" / f"item-{item.n}.txt"
                if not path.exists():
                    _atomic(path, f"{item.title}\n\n{item.text}\n")
            return
        if kind == "rss":
            text = _rss(items)
            path = self.root / "rss.xml"
        elif kind == "atom":
            text = _atom(items)
            path = self.root / "atom.xml"
        else:
            text = _telegram(items)
            path = self.root / "telegram" / "result.json"
        path.parent.mkdir(exist_ok=True)
        _atomic(path, text)


def _atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _stamp(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 9, 30, tzinfo=UTC)


def _rss(items: list[FeedItem]) -> str:
    entries = "".join(
        f"<item><title>{escape(i.title)}</title><link>https://mod.example/news/{i.n}</link>"
        f'<guid isPermaLink="false">urn:rss:{i.n}</guid>'
        f"<pubDate>{format_datetime(_stamp(i.published))}</pubDate>"
        f"<description>{escape('<p>' + i.text + '</p>')}</description></item>"
        for i in reversed(items)  # newest first, as feeds are
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>Recorded MoD</title><link>https://mod.example/</link>"
        f"<description>Test feed</description>{entries}</channel></rss>"
    )


def _atom(items: list[FeedItem]) -> str:
    entries = "".join(
        f"<entry><title>{escape(i.title)}</title><id>tag:atom.example,2020:{i.n}</id>"
        f'<link href="https://atom.example/a/{i.n}"/>'
        f"<updated>{_stamp(i.published).isoformat().replace('+00:00', 'Z')}</updated>"
        f'<content type="html">{escape("<p>" + i.text + "</p>")}</content></entry>'
        for i in reversed(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Recorded ministry</title><id>tag:atom.example,2020:feed</id>"
        f"<updated>2020-12-31T00:00:00Z</updated>{entries}</feed>"
    )


def _telegram(items: list[FeedItem]) -> str:
    messages: list[dict[str, object]] = [
        {"id": 1, "type": "service", "date": "2020-01-01T00:00:00", "action": "create_channel"}
    ]
    for i in items:
        stamp = _stamp(i.published)
        # Telegram writes plain text as a string and formatted text as a list of entities.
        text: object = (
            f"{i.title}\n\n{i.text}"
            if i.n % 2
            else [{"type": "bold", "text": i.title}, "\n\n", i.text]
        )
        messages.append(
            {
                "id": 100 + i.n,
                "type": "message",
                "date": stamp.strftime("%Y-%m-%dT%H:%M:%S"),
                "date_unixtime": str(int(stamp.timestamp())),
                "from": "Recorded channel",
                "text": text,
            }
        )
    export = {
        "name": "Recorded channel",
        "type": "public_channel",
        "id": 1234567,
        "messages": messages,
    }
    return json.dumps(export, ensure_ascii=False, indent=1)

"""Reading a channel: RSS/Atom feeds (feedparser), Telegram Desktop exports, watched folders.

Each reader returns the channel's current :class:`Item` s. An item of a feed or of a Telegram
export is rendered into a small plain-text document — its title, a blank line, its paragraphs —
by :func:`render`, always to the same bytes for the same item, so its SHA-256 names it across
polls and restarts. A folder's item is the file's own bytes. Feed and export targets are URLs
(``http://``, ``https://``, ``file://``) or paths; a Telegram target may be the export's folder
(``result.json`` inside it).
"""

from __future__ import annotations

import calendar
import hashlib
import html
import json
import re
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from truce.channels.state import SourceDef
from truce.errors import IngestError

__all__ = ["MAX_FEED_BYTES", "Item", "read_channel", "render"]

#: Largest feed or export read in one poll.
MAX_FEED_BYTES = 32 << 20
_TIMEOUT_S = 30
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"(?i)<\s*(?:br\s*/?|/p|/div|/li|/h[1-6]|/blockquote)\s*>")
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Item:
    """One item of a channel: ``keys`` name it (guid, link, message id; the first is the
    primary one), ``data`` is the document's bytes, ``name`` its file name."""

    keys: tuple[str, ...]
    name: str
    data: bytes
    url: str | None = None
    published: date | None = None
    title: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _fetch(target: str) -> bytes:
    if re.match(r"^[a-z][a-z0-9+.-]*://", target, re.IGNORECASE):
        if not target.lower().startswith(("http://", "https://", "file://")):
            raise IngestError(f"{target}: only http, https and file URLs are read")
        try:
            with urllib.request.urlopen(target, timeout=_TIMEOUT_S) as response:
                data: bytes = response.read(MAX_FEED_BYTES + 1)
        except OSError as exc:
            raise IngestError(f"{target}: {exc}") from None
    else:
        path = Path(target)
        if path.is_dir():
            path = path / "result.json"
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_FEED_BYTES + 1)
        except OSError as exc:
            raise IngestError(f"{path}: {exc.strerror or exc}") from None
    if len(data) > MAX_FEED_BYTES:
        raise IngestError(f"{target}: larger than {MAX_FEED_BYTES >> 20} MiB")
    return data


def _text_of(markup: str) -> list[str]:
    """Paragraphs of an HTML fragment (or of plain text)."""
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n\n", markup)))
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def render(title: str, paragraphs: list[str]) -> bytes:
    """An item as a plain-text document: its title, a blank line, its paragraphs."""
    head = " ".join(title.split())
    body = [p for p in paragraphs if p and p != head]
    return ("\n\n".join([head, *body] if head else body) + "\n").encode("utf-8")


def _name(source: SourceDef, key: str, title: str) -> str:
    slug = _SLUG.sub("-", title.lower()).strip("-")[:40] or "item"
    return f"{source.name}-{hashlib.sha256(key.encode()).hexdigest()[:10]}-{slug}.txt"


def _feed(source: SourceDef) -> list[Item]:
    import feedparser

    data = _fetch(source.target)
    parsed: Any = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise IngestError(f"{source.target}: not an RSS or Atom feed ({parsed.bozo_exception})")
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or None
        guid = entry.get("id") or link
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = datetime.fromtimestamp(calendar.timegm(when), UTC).date() if when else None
        title = entry.get("title", "")
        contents = [c.get("value", "") for c in entry.get("content", [])]
        markup = "\n\n".join(contents) or entry.get("summary", "")
        paragraphs = _text_of(markup)
        if not guid:
            guid = "sha256:" + hashlib.sha256("\n".join([title, *paragraphs]).encode()).hexdigest()
        keys = tuple(dict.fromkeys([f"guid:{guid}", *([f"url:{link}"] if link else [])]))
        items.append(
            Item(
                keys=keys,
                name=_name(source, keys[0], title),
                data=render(title, paragraphs),
                url=link,
                published=published,
                title=title,
            )
        )
    return items


def _telegram_text(value: Any) -> str:
    """A message's ``text``: a string, or a list of strings and ``{"type", "text"}`` entities."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text", ""))
            for part in value
            if isinstance(part, str | dict)
        )
    return ""


def _telegram(source: SourceDef) -> list[Item]:
    data = _fetch(source.target)
    try:
        export = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(f"{source.target}: not a Telegram export (result.json): {exc}") from None
    if not isinstance(export, dict) or not isinstance(export.get("messages"), list):
        raise IngestError(
            f"{source.target}: not a Telegram Desktop channel export: no 'messages' list "
            "(export one channel as JSON, Machine-readable)"
        )
    chat = export.get("id", export.get("name", source.name))
    username = export.get("username")  # not in every export
    items = []
    for message in export["messages"]:
        if not isinstance(message, dict) or message.get("type", "message") != "message":
            continue
        text = _telegram_text(message.get("text")).strip()
        if not text or "id" not in message:
            continue
        published = None
        stamp = message.get("date_unixtime")
        if isinstance(stamp, str) and stamp.isdigit():
            published = datetime.fromtimestamp(int(stamp), UTC).date()
        elif isinstance(message.get("date"), str):
            try:
                published = date.fromisoformat(message["date"][:10])
            except ValueError:
                published = None
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
        title = paragraphs[0] if paragraphs else ""
        url = f"https://t.me/{username}/{message['id']}" if username else None
        key = f"telegram:{chat}:{message['id']}"
        items.append(
            Item(
                keys=(key, *([f"url:{url}"] if url else [])),
                name=_name(source, key, title),
                data=render(title, paragraphs[1:]),
                url=url,
                published=published,
                title=title,
            )
        )
    return items


def _folder(source: SourceDef) -> list[Item]:
    from truce.ingest.decode import MAX_BYTES
    from truce.ingest.pipeline import iter_inputs

    root = Path(source.target)
    if not root.is_dir():
        raise IngestError(f"{root}: no such folder")
    items = []
    for path in iter_inputs([root]):
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError:
            continue  # removed or unreadable since the walk: the next poll sees it again
        if len(data) > MAX_BYTES or path.name.endswith((".part", ".tmp", "~")):
            continue  # too large for ingestion, or still being written
        sha = hashlib.sha256(data).hexdigest()
        items.append(Item(keys=(f"sha256:{sha}",), name=path.name, data=data))
    return items


def read_channel(source: SourceDef) -> list[Item]:
    """The channel's current items (raises :class:`IngestError` with a one-line reason)."""
    if source.kind in ("rss", "atom"):
        return _feed(source)
    if source.kind == "telegram-export":
        return _telegram(source)
    return _folder(source)

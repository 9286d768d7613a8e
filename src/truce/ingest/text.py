"""The plain-text reader: a page saved as text, chrome and reader comments still in it.

Text saved from a browser keeps the page's layout as lines: widgets and headers as short lines,
the headline (often twice: the page title and the article heading), captions, the article's
paragraphs separated by blank lines, then related links, appeals and the comment thread, whose
structure survives only as bullets and indentation. The reader works in three steps:

1. find the comment thread: from the first comment header (a bullet followed by a short name, or
   a line "NAME says:"/"NAME wrote:") with indented text under it; a comment's depth is the
   number of open comment headers indented less than it (so indentation steps of any width work);
2. cut the rest into units (a blank-line block of prose is one unit; a block of short lines is
   one unit per line) and name each: title, repeated title, date line, chrome (see
   :mod:`truce.ingest.boilerplate`), body prose, or leftover;
3. decide the publication date from the date lines, with a confidence that depends on where the
   line is: labelled ("Published: ...") or under the title is trusted; a date above the title
   is the site's header (the day or month the page was viewed) and is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from truce.ingest.boilerplate import (
    ENDS_ARTICLE,
    chrome_reason,
    is_heading_like,
    is_prose,
    normalise,
    words,
)
from truce.ingest.document import Comment, Document, Published, Removed
from truce.ingest.formats import Source
from truce.ingest.timex import find_dates, parse_date_line
from truce.model.vocab import TimePrecision

__all__ = ["find_comments", "outlet_from_url", "read_text", "sniff_text"]

_BULLET = re.compile(r"^(?P<indent>\s*)(?:[•·▪◦‣∙●○*]|-(?=\s))\s+(?P<name>\S.*?)\s*$")
_SAYS = re.compile(
    r"^(?P<indent>\s*)(?P<name>[^\s:][^:]{0,40}?)\s+(?:says|said|wrote|commented|replied)"
    r"(?:\s+on\s+.{3,40}?)?\s*:\s*$",
    re.I,
)
_COMMENT_NOISE = re.compile(
    r"^\s*(?:reply|like|dislike|report|share|flag|edit|delete|\d+\s*(?:likes?|replies|votes?)"
    r"|\d+\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago|[+-]?\d+)\s*$",
    re.I,
)
_IN_REPLY = re.compile(r"^\s*(?:in reply to|replying to|reply to)\s+@?(?P<name>.+?)\s*:?\s*$", re.I)


def sniff_text(head: bytes) -> float:
    return 0.3  # anything decodable can be read as text; other formats outbid it


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


@dataclass
class _Line:
    number: int
    indent: int
    text: str


def _lines(text: str) -> list[_Line]:
    out = []
    for number, raw in enumerate(text.split("\n")):
        expanded = raw.expandtabs(4).rstrip()
        stripped = expanded.lstrip()
        out.append(_Line(number, len(expanded) - len(stripped), stripped))
    return out


def _header_name(line: _Line, raw: str) -> tuple[str, int] | None:
    m = _BULLET.match(raw) or _SAYS.match(raw)
    if m is None:
        return None
    name = m.group("name").strip()
    ws = words(name)
    if not ws or len(ws) > 5 or len(name) > 60 or name.endswith((".", "!", "?", ":", ",")):
        return None
    return name, line.indent


def _comment_headers(lines: list[_Line], raw_lines: list[str]) -> dict[int, tuple[str, int]]:
    """Lines that open a comment: "NAME says:", or a bulleted short name with text indented
    under it (the indentation is what tells a comment from a bulleted list)."""
    found: dict[int, tuple[str, int]] = {}
    for i, line in enumerate(lines):
        header = _header_name(line, raw_lines[i])
        if header is None:
            continue
        if _SAYS.match(raw_lines[i]):
            found[i] = header
            continue
        following = next((ln for ln in lines[i + 1 :] if ln.text), None)
        if following is not None and following.indent > line.indent:
            found[i] = header
    return found


def find_comments(text: str) -> tuple[int, list[Comment]]:
    """The line where the comment thread starts (or the line count) and its comments."""
    raw_lines = [r.expandtabs(4).rstrip() for r in text.split("\n")]
    lines = _lines(text)
    headers = _comment_headers(lines, raw_lines)
    start = min(headers, default=None)
    if start is None:
        return len(lines), []
    comments: list[Comment] = []
    stack: list[int] = []  # indents of the open comment headers
    by_author_depth: dict[str, int] = {}
    current: tuple[str, int, int] | None = None  # name, depth, header indent
    paragraphs: list[list[str]] = []

    def flush() -> None:
        if current is None:
            return
        body = "\n\n".join(" ".join(p) for p in paragraphs if p).strip()
        comments.append(Comment(current[0], current[1], body))
        by_author_depth[current[0]] = current[1]

    for i in range(start, len(lines)):
        line = lines[i]
        header = headers.get(i)
        if header is not None:
            flush()
            name, indent = header
            while stack and stack[-1] >= indent:
                stack.pop()
            current = (name, len(stack), indent)
            stack.append(indent)
            paragraphs = [[]]
            continue
        if current is None:
            continue
        if not line.text:
            if paragraphs and paragraphs[-1]:
                paragraphs.append([])
            continue
        reply = _IN_REPLY.match(line.text)
        if reply and not any(paragraphs):
            parent = by_author_depth.get(reply.group("name"))
            if parent is not None:
                current = (current[0], parent + 1, current[2])
            continue
        if _COMMENT_NOISE.match(line.text) or parse_date_line(line.text) is not None:
            continue
        paragraphs[-1].append(line.text)
    flush()
    return start, [c for c in comments if c.text]


@dataclass
class _Unit:
    text: str
    first_line: int


def _units(lines: list[_Line]) -> list[_Unit]:
    units: list[_Unit] = []
    block: list[_Line] = []

    def close() -> None:
        if not block:
            return
        joined = " ".join(ln.text for ln in block)
        singles = all(
            not is_prose(ln.text) and (len(ln.text) < 60 or chrome_reason(ln.text)) for ln in block
        )
        if len(block) > 1 and singles:
            units.extend(_Unit(ln.text, ln.number) for ln in block)
        else:
            units.append(_Unit(joined, block[0].number))
        block.clear()

    for line in lines:
        if line.text:
            block.append(line)
        else:
            close()
    close()
    return units


def read_text(source: Source) -> Document:
    comment_start, comments = find_comments(source.text)
    lines = _lines(source.text)[:comment_start]
    units = _units(lines)

    title: str | None = None
    body: list[str] = []
    removed: list[Removed] = []
    dates: list[tuple[str, object, str]] = []  # (where, (span, label), text)
    ended = False
    units_since_title = 0

    def drop(text: str, reason: str) -> None:
        if removed and removed[-1].reason == reason and reason == "donation widget":
            removed[-1] = Removed(removed[-1].text + "\n" + text, reason)
        else:
            removed.append(Removed(text, reason))

    first_prose = next((i for i, u in enumerate(units) if is_prose(u.text)), len(units))
    for i, unit in enumerate(units):
        text = unit.text
        if title is not None:
            units_since_title += 1
        date_line = parse_date_line(text)
        if date_line is not None:
            where = "header" if title is None else ("dateline" if not body else "later")
            dates.append((where, date_line, text))
            reason = {
                "header": "page header date",
                "dateline": "publication date line",
                "later": "date line",
            }[where]
            drop(text, reason)
            continue
        reason = chrome_reason(text)
        if title is not None and normalise(text) == normalise(title):
            drop(text, "repeated title")
            continue
        if reason is not None:
            if reason == "byline":
                found = [d for d in find_dates(text, None) if d.span is not None]
                if found:
                    dates.append(("byline", (found[0].span, "byline"), text))
            drop(text, reason)
            if reason in ENDS_ARTICLE and body:
                ended = True
            continue
        if title is None and i <= first_prose and is_heading_like(text) and len(words(text)) >= 3:
            title = text
            continue
        if ended:
            drop(text, "after the end of the article")
            continue
        if (
            is_prose(text)
            or (body and is_prose(text, min_words=3))
            or (body and len(words(text)) >= 10 and not is_heading_like(text))
        ):
            body.append(text)
            continue
        if title is None and i < first_prose:
            drop(text, "site header (above the title)")
        elif is_heading_like(text):
            drop(text, "heading or label (not a sentence)")
        else:
            drop(text, "fragment (not a sentence)")

    published = _published(source, dates)
    notes = [source.encoding_note] if source.encoding_note else []
    outlet = source.outlet or outlet_from_url(source.url)
    return Document(
        name=source.name,
        format="text",
        sha256=source.sha256,
        media_type="text/plain",
        title=title,
        outlet=outlet,
        url=source.url,
        published=published,
        body=tuple(body),
        removed=tuple(removed),
        comments=tuple(comments),
        encoding=source.encoding,
        notes=tuple(notes),
    )


def _published(source: Source, dates: list[tuple[str, object, str]]) -> Published:
    if source.published is not None:
        return Published.given(source.published)
    best: Published | None = None
    for where, found, text in dates:
        span, label = found  # type: ignore[misc]
        month_only = span.precision == TimePrecision.MONTH
        if label in ("published", "posted", "date"):
            candidate = Published(span.start, span.end, f"date line labelled {label!r}", 0.9)
        elif where == "dateline":
            candidate = Published(span.start, span.end, "date line under the title", 0.8)
        elif where == "byline":
            candidate = Published(span.start, span.end, "date in the byline", 0.75)
        elif where == "header":
            candidate = Published(
                span.start,
                span.end,
                "page header above the title" + (" (month and year only)" if month_only else ""),
                0.1 if month_only else 0.3,
                f"{text.strip()!r} stands above the headline, where sites show the date the page "
                "was viewed, not when the article appeared; pass --published to be sure",
            )
        else:
            candidate = Published(span.start, span.end, "a date line inside the article", 0.2)
        if label == "updated":
            candidate = Published(
                candidate.start,
                candidate.end,
                candidate.method + " (updated, not published)",
                min(candidate.confidence, 0.4),
            )
        if best is None or candidate.confidence > best.confidence:
            best = candidate
    return best or Published.unknown()

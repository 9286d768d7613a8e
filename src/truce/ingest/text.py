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
from itertools import pairwise
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
from truce.ingest.pubdate import Clue, dateline_clue, decide, header_clue, url_clue
from truce.ingest.timex import Span, find_dates, parse_date_line
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


_SENTENCE_END = re.compile(r"""[.!?…:]["'”’»)\]]*$""")
_LIST_ITEM = re.compile(r"^(?:[•·▪◦‣∙●○*-]|\d{1,2}[.)])\s+")


def _wrapped(block: list[_Line]) -> int:
    """The width a block was hard-wrapped at (e-mail, agency wire text), or 0 if it was not:
    three or more lines, most of them filling the width."""
    if len(block) < 3:
        return 0
    width = max(len(ln.text) for ln in block)
    if not 40 <= width <= 110:
        return 0
    full = sum(1 for ln in block[:-1] if len(ln.text) >= 0.7 * width)
    return width if full >= 0.6 * (len(block) - 1) else 0


def _paragraphs(block: list[_Line]) -> list[list[_Line]]:
    """A block of lines with no blank line between them, as paragraphs.

    Saved pages and excerpts often put one paragraph per line with no blank lines; wire text is
    hard-wrapped at a fixed width. In wrapped text a paragraph ends at a short line that ends a
    sentence; otherwise each line is a paragraph, unless it breaks off mid-sentence and the next
    line carries on in lower case."""
    width = _wrapped(block)
    out: list[list[_Line]] = [[block[0]]]
    for prev, line in pairwise(block):
        if width:
            ends = bool(_SENTENCE_END.search(prev.text)) and len(prev.text) < 0.85 * width
            new = ends or bool(_LIST_ITEM.match(line.text))
        else:
            carries = (
                not _SENTENCE_END.search(prev.text)
                and line.text[:1].islower()
                and not _LIST_ITEM.match(line.text)
            )
            new = not carries
        if new:
            out.append([line])
        else:
            out[-1].append(line)
    return out


def _units(lines: list[_Line]) -> list[_Unit]:
    units: list[_Unit] = []
    block: list[_Line] = []

    def close() -> None:
        if not block:
            return
        for group in _paragraphs(block):
            units.append(_Unit(" ".join(ln.text for ln in group), group[0].number))
        block.clear()

    for line in lines:
        if line.text:
            block.append(line)
        else:
            close()
    close()
    return units


_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$")
#: A unit this long is article text even when it does not end like a sentence (an excerpt cut
#: off mid-sentence, a one-paragraph text whose last sentence is missing).
_CUT_OFF_WORDS = 6


def read_text(source: Source) -> Document:
    text_in = source.text
    clues: list[Clue] = []
    header = header_clue(text_in.lstrip("\ufeff"))
    if header is not None:
        clues.append(header[0])
        text_in = text_in.lstrip("\ufeff")[header[1] :]
    comment_start, comments = find_comments(text_in)
    lines = _lines(text_in)[:comment_start]
    units = _units(lines)

    title: str | None = None
    body: list[str] = []
    marks: list[str] = []
    removed: list[Removed] = []
    notes: list[str] = [source.encoding_note] if source.encoding_note else []
    dates: list[tuple[str, object, str]] = []  # (where, (span, label), text)
    ended = False
    url: str | None = source.url

    def drop(text: str, reason: str) -> None:
        if removed and removed[-1].reason == reason and reason == "donation widget":
            removed[-1] = Removed(removed[-1].text + "\n" + text, reason)
        else:
            removed.append(Removed(text, reason))

    def keep(text: str, mark: str = "") -> None:
        body.append(text)
        marks.append(mark)

    first_prose = next((i for i, u in enumerate(units) if is_prose(u.text)), len(units))
    for i, unit in enumerate(units):
        text = unit.text
        date_line = parse_date_line(text)
        if date_line is not None:
            # under the title, or under its standfirst (one paragraph above the article)
            where = "header" if title is None else ("dateline" if len(body) <= 1 else "later")
            dates.append((where, date_line, text))
            drop(
                text,
                {
                    "header": "page header date",
                    "dateline": "publication date line",
                    "later": "date line",
                }[where],
            )
            continue
        if _URL_LINE.match(text):
            if url is None and text.startswith("http"):
                url = text
            drop(text, "the page's address")
            continue
        reason = chrome_reason(text)
        if title is not None and normalise(text) == normalise(title):
            drop(text, "repeated title")
            continue
        if reason == "image caption" and len(words(text)) >= 6 and not ended:
            keep(text, "caption")  # read, marked: what it shows may be another time
            continue
        if reason is not None:
            if reason == "byline":
                found = [d for d in find_dates(text, None) if d.span is not None]
                if found:
                    dates.append(("byline", (found[0].span, "byline"), text))
            drop(text, reason)
            if reason in ENDS_ARTICLE and any(m != "caption" for m in marks):
                ended = True
            continue
        if title is None and i <= first_prose and _headline(text, units[i + 1 : i + 2]):
            title = text
            continue
        if ended:
            drop(text, "after the end of the article")
            continue
        in_body = any(m != "caption" for m in marks)
        if (
            is_prose(text)
            or (in_body and is_prose(text, min_words=3))
            or (in_body and len(words(text)) >= _CUT_OFF_WORDS and not is_heading_like(text))
            or (not in_body and len(words(text)) >= 15 and not is_heading_like(text))
        ):
            if not _SENTENCE_END.search(text) and not any(
                is_prose(u.text) and not chrome_reason(u.text) for u in units[i + 1 :]
            ):
                notes.append("the text stops mid-sentence (cut off): its last sentence is partial")
            keep(text)
            continue
        if in_body and is_heading_like(text) and len(words(text)) >= 5:
            keep(text, "crosshead")  # a heading inside the article that says something
            continue
        if title is None and i < first_prose:
            drop(text, "site header (above the title)")
        elif is_heading_like(text):
            drop(text, "heading or label (not a sentence)")
        else:
            drop(text, "fragment (not a sentence)")

    clues += _clues(source, dates)
    if body and marks[0] == "":
        lead = dateline_clue(body[0])
        if lead is not None:
            clues.append(lead)
    found_url = url_clue(url)
    if found_url is not None:
        clues.append(found_url)
    published = (
        Published.given_as(source.published) if source.published is not None else decide(clues)
    )
    outlet = source.outlet or outlet_from_url(url)
    return Document(
        name=source.name,
        format="text",
        sha256=source.sha256,
        media_type="text/plain",
        title=title,
        outlet=outlet,
        url=url,
        published=published,
        body=tuple(body),
        removed=tuple(removed),
        comments=tuple(comments),
        encoding=source.encoding,
        notes=tuple(dict.fromkeys(notes)),
        marks=tuple(marks) if any(marks) else (),
    )


def _headline(text: str, following: list[_Unit]) -> bool:
    """A headline: a title-case heading, or a plain line of a few words with no sentence ending
    right above a date line or the first paragraph."""
    n = len(words(text))
    if n < 3:
        return False
    if is_heading_like(text):
        return True
    first = text[:1]
    cased = first.isupper() or (first.isalpha() and first.lower() == first.upper())  # Arabic
    if n > 25 or _SENTENCE_END.search(text) or chrome_reason(text) or not cased:
        return False
    if not following:
        return False
    nxt = following[0].text
    return parse_date_line(nxt) is not None or is_prose(nxt)


def _clues(source: Source, dates: list[tuple[str, object, str]]) -> list[Clue]:
    out: list[Clue] = []
    for where, found, text in dates:
        span: Span
        label: str
        span, label = found  # type: ignore[misc]
        month_only = span.precision == TimePrecision.MONTH
        if label in ("published", "posted", "date"):
            clue = Clue(span.start, span.end, f"date line labelled {label!r}", 0.9)
        elif where == "dateline":
            clue = Clue(span.start, span.end, "date line under the title", 0.8)
        elif where == "byline":
            clue = Clue(span.start, span.end, "date in the byline", 0.75)
        elif where == "header":
            clue = Clue(
                span.start,
                span.end,
                "page header above the title" + (" (month and year only)" if month_only else ""),
                0.1 if month_only else 0.3,
                f"{text.strip()!r} stands above the headline, where sites show the date the page "
                "was viewed, not when the article appeared; pass --published to be sure",
            )
        else:
            clue = Clue(span.start, span.end, "a date line inside the article", 0.2)
        if label == "updated":
            clue = Clue(
                clue.start,
                clue.end,
                clue.basis + " (updated, not published)",
                min(clue.confidence, 0.4),
            )
        out.append(clue)
    return out

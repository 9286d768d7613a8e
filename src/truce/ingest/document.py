"""A page, taken apart: the article (title, outlet, url, publication date, body paragraphs), the
blocks that were removed as page chrome (each with the reason), and the reader comments.

A :class:`Document` is what every ingest format's reader returns, and what claim extraction reads.
It is valid from construction: a document without body text cannot exist (the readers raise
:class:`truce.errors.IngestError` instead). Its JSON form (``to_json``) is what
``truce ingest --json`` prints and what the golden files pin.

Publication dates carry how they were found and a confidence in [0, 1], because a page's chrome
is full of dates that are not the article's (a "JULY 2020" header is the month the page was
viewed, not when the article appeared). Claim dates resolve against the publication date only
when its confidence is at least :data:`CONFIDENT`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from truce.errors import IngestError

__all__ = [
    "CONFIDENT",
    "Comment",
    "Document",
    "Published",
    "Removed",
]

#: The publication-date confidence from which relative dates ("last week") are resolved.
CONFIDENT = 0.5


@dataclass(frozen=True, slots=True)
class Published:
    """When the page was published, as an interval (a month-only header is a month long), how that
    was determined (``method``), and how far to trust it (``confidence``, 0..1)."""

    start: date | None
    end: date | None
    method: str
    confidence: float
    note: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} is outside 0..1")
        if (self.start is None) != (self.end is None):
            raise ValueError("a publication date needs both start and end, or neither")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"publication date ends {self.end} before it starts {self.start}")

    @classmethod
    def unknown(cls, note: str = "no publication date found in the page") -> Published:
        return cls(None, None, "none", 0.0, note)

    @classmethod
    def given(cls, day: date, how: str = "given (--published)") -> Published:
        return cls(day, day, how, 1.0)

    @classmethod
    def given_as(cls, value: date | tuple[date, date]) -> Published:
        """``--published`` as given: a day, or an interval (a month, a range)."""
        if isinstance(value, date):
            return cls.given(value)
        start, end = value
        if start == end:
            return cls.given(start)
        return cls(start, end, "given (--published, an interval)", 1.0)

    @property
    def day(self) -> date | None:
        """The publication day, when known to the day with confidence."""
        if self.start is not None and self.start == self.end and self.confident:
            return self.start
        return None

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT

    @property
    def bounds(self) -> tuple[date, date] | None:
        """The interval publication fell in, when known with confidence (a day or longer)."""
        if self.start is not None and self.end is not None and self.confident:
            return self.start, self.end
        return None

    def to_json(self) -> dict[str, Any]:
        value: str | None = None
        if self.start is not None and self.end is not None:
            value = (
                self.start.isoformat()
                if self.start == self.end
                else f"{self.start.isoformat()}/{self.end.isoformat()}"
            )
        data: dict[str, Any] = {
            "date": value,
            "method": self.method,
            "confidence": round(self.confidence, 2),
        }
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True, slots=True)
class Removed:
    """A block of page chrome taken out of the article, and why."""

    text: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"reason": self.reason, "text": self.text}


@dataclass(frozen=True, slots=True)
class Comment:
    """One reader comment. ``depth`` 0 is a top-level comment, 1 a reply to it, and so on."""

    author: str
    depth: int
    text: str

    def __post_init__(self) -> None:
        if self.depth < 0:
            raise ValueError(f"comment depth {self.depth} is negative")

    def to_json(self) -> dict[str, Any]:
        return {"author": self.author, "depth": self.depth, "text": self.text}


@dataclass(frozen=True)
class Document:
    """The article and everything that was separated from it."""

    name: str  # the file (or stream) it came from, for messages
    format: str  # the ingest format that read it ("text", "html", ...)
    sha256: str
    media_type: str
    title: str | None
    outlet: str | None
    url: str | None
    published: Published
    body: tuple[str, ...]
    removed: tuple[Removed, ...] = ()
    comments: tuple[Comment, ...] = ()
    encoding: str = "utf-8"
    notes: tuple[str, ...] = ()  # what the reader wants the user to know (e.g. the encoding)
    #: One per body paragraph when any is not plain article text: "caption" (an image caption,
    #: kept so that what it says is read, but never the article's own event unless it is about
    #: the same time), "crosshead" (a heading inside the article that reads as a clause), or "".
    marks: tuple[str, ...] = ()
    _offsets: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not any(p.strip() for p in self.body):
            raise IngestError(f"{self.name}: no article text found", hint=_NO_TEXT_HINT)
        if self.marks and len(self.marks) != len(self.body):
            raise ValueError(f"{len(self.marks)} paragraph marks for {len(self.body)} paragraphs")
        if all(m == "caption" for m in self.marks) and self.marks:
            raise IngestError(
                f"{self.name}: no article text found (only image captions)", hint=_NO_TEXT_HINT
            )
        offsets, at = [], 0
        for paragraph in self.body:
            offsets.append(at)
            at += len(paragraph) + len(PARAGRAPH_SEPARATOR)
        object.__setattr__(self, "_offsets", tuple(offsets))

    @property
    def text(self) -> str:
        """The body as one string; claim spans are character offsets into it."""
        return PARAGRAPH_SEPARATOR.join(self.body)

    def paragraph_offset(self, index: int) -> int:
        return self._offsets[index]

    def mark(self, index: int) -> str:
        """What body paragraph ``index`` is: "" (article text), "caption" or "crosshead"."""
        return self.marks[index] if self.marks else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "format": self.format,
            "sha256": self.sha256,
            "media_type": self.media_type,
            "encoding": self.encoding,
            "title": self.title,
            "outlet": self.outlet,
            "url": self.url,
            "published": self.published.to_json(),
            "body": list(self.body),
            **(
                {"marked": {str(i): m for i, m in enumerate(self.marks) if m}}
                if any(self.marks)
                else {}
            ),
            "removed": [r.to_json() for r in self.removed],
            "comments": [c.to_json() for c in self.comments],
            "notes": list(self.notes),
        }


#: Paragraphs are joined with a blank line in :attr:`Document.text`.
PARAGRAPH_SEPARATOR = "\n\n"

_NO_TEXT_HINT = (
    "The page has no paragraphs of prose outside its navigation, captions and comments; "
    "check that it is an article, or use --on-invalid skip."
)

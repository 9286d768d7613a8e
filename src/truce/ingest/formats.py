"""The registry of ingest formats: how bytes on disk become a :class:`Document`.

A format is a name, the media type recorded with the evidence, the file suffixes it claims, a
``sniff`` function that scores the first bytes (0 = not mine, 1 = certainly mine), and a ``read``
function from a :class:`Source` (the decoded text plus what the user told us) to a Document. The
built-in readers (``text``, ``html``) register here exactly as a third party's would::

    from truce.ingest import register_format

    register_format("rss", media_type="application/rss+xml", suffixes=(".rss",),
                    sniff=lambda head: 1.0 if b"<rss" in head else 0.0, read=read_rss)

The format for a file is the one named by the caller, else the best sniff score, with the file
suffix breaking ties (a ``.txt`` file that contains HTML is HTML).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from truce.errors import IngestError
from truce.ingest.document import Document

__all__ = ["FORMATS", "Format", "Source", "choose_format", "register_format"]


@dataclass(frozen=True, slots=True)
class Source:
    """What a reader gets: the decoded text and what the caller knows about the document."""

    name: str
    data: bytes
    text: str
    encoding: str
    sha256: str
    url: str | None = None
    outlet: str | None = None
    published: date | tuple[date, date] | None = None  # a day, or an interval (month, range)
    encoding_note: str = ""


Reader = Callable[[Source], Document]
Sniffer = Callable[[bytes], float]


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    media_type: str
    suffixes: tuple[str, ...]
    sniff: Sniffer
    read: Reader


FORMATS: dict[str, Format] = {}


def register_format(
    name: str,
    *,
    media_type: str,
    read: Reader,
    sniff: Sniffer,
    suffixes: tuple[str, ...] = (),
    replace: bool = False,
) -> Format:
    """Register an ingest format (``replace=True`` to supersede a registered one)."""
    if name in FORMATS and not replace:
        raise ValueError(f"ingest format {name!r} is already registered")
    fmt = Format(name, media_type, tuple(s.lower() for s in suffixes), sniff, read)
    FORMATS[name] = fmt
    return fmt


def choose_format(name: str, head: bytes, wanted: str | None = None) -> Format:
    if wanted is not None:
        try:
            return FORMATS[wanted]
        except KeyError:
            raise IngestError(
                f"unknown ingest format {wanted!r}",
                hint=f"Known formats: {', '.join(sorted(FORMATS))}.",
            ) from None
    if not FORMATS:
        raise IngestError("no ingest formats are registered")
    suffix = PurePath(name).suffix.lower()
    scored = sorted(
        FORMATS.values(),
        key=lambda f: (f.sniff(head), suffix in f.suffixes),
        reverse=True,
    )
    return scored[0]

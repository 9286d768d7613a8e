"""Documents (PDF): the page count, the Info dictionary and the XMP packet, read with poppler's
``pdfinfo``.

A ministry's PDF or a hospital's casualty list says when it was made: the Info dictionary's
``CreationDate`` and ``ModDate`` (ISO 32000-1, 14.3.3), and the same again, often with the
editing tool, in the catalogue's XMP ``/Metadata`` stream (:mod:`truce.evidence.xmp`). These are
checked against the report (:mod:`truce.evidence.findings`): a document last changed before the
event cannot report it. When the two disagree by more than a day (one was rewritten and not the
other), that is a problem of its own.

The PDF is the uploader's bytes, and PDF parsers are a classic attack surface, so it is read in
a separate, bounded process, as videos are: ``pdfinfo`` (poppler-utils; ``.ci/run`` installs it),
an argument list (no shell), no stdin, a timeout (:data:`TIMEOUT`), an address-space limit
(:data:`MAX_MEMORY`), at most :data:`MAX_OUTPUT` bytes read back. A PDF it cannot read (damaged,
encrypted) is kept, with the problem recorded; without ``pdfinfo`` documents are kept unread
(logged once).
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from truce.evidence.bounded import run_bounded
from truce.evidence.xmp import parse_date, read_xmp

__all__ = ["MAX_MEMORY", "TIMEOUT", "Document", "read_pdf"]

log = logging.getLogger(__name__)

#: Seconds one pdfinfo run may take.
TIMEOUT = 20.0
#: Bytes of address space pdfinfo may use (a hostile PDF's streams cannot take the machine).
MAX_MEMORY = 1 << 30
#: Bytes read back from one run (an Info dictionary and an XMP packet are far smaller).
MAX_OUTPUT = 2 << 20
#: Info dictionary entries kept, as pdfinfo names them, and the names truce records them by.
INFO = {
    "Title": "title",
    "Author": "author",
    "Creator": "creator",
    "Producer": "producer",
    "CreationDate": "created",
    "ModDate": "modified",
}
#: Days two statements of the same date may differ (zones, a writer's rounding).
TOLERANCE_DAYS = 1

_warned = False


@dataclass
class Document:
    pages: int | None = None
    info: dict[str, str] = field(default_factory=dict)  # title, author, ..., created, modified
    xmp: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _run(args: list[str]) -> str:
    out = run_bounded(args, timeout=TIMEOUT, max_output=MAX_OUTPUT, max_memory=MAX_MEMORY)
    return out.decode("utf-8", "replace")


def _clean(value: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in value).split())[:200]


def _days_apart(a: str, b: str) -> float:
    return abs((datetime.fromisoformat(a) - datetime.fromisoformat(b)).total_seconds()) / 86400


def read_pdf(path: Path) -> Document:
    """What the PDF at ``path`` says about itself; problems instead of errors."""
    global _warned
    out = Document()
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        if not _warned:
            log.warning("pdfinfo (poppler-utils) is not installed: documents are not read")
            _warned = True
        return out
    try:
        text = _run([pdfinfo, "-isodates", "-enc", "UTF-8", "--", str(path)])
    except RuntimeError as exc:
        out.problems.append(f"the PDF could not be read ({exc}); kept unread")
        return out
    has_xmp = False
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            continue
        value = _clean(value)
        if key == "Pages" and value.isdigit():
            out.pages = int(value)
        elif key == "Metadata Stream":
            has_xmp = value == "yes"
        elif key in INFO and value:
            name = INFO[key]
            if name in ("created", "modified"):
                when = parse_date(value, f"PDF {key}", out.problems)
                if when:
                    out.info[name] = when
            else:
                out.info[name] = value
    if has_xmp:
        try:
            out.xmp = read_xmp(_run([pdfinfo, "-meta", "--", str(path)]), out.problems)
        except RuntimeError as exc:
            out.problems.append(f"the PDF's XMP metadata could not be read ({exc}); ignored")
    _check(out)
    return out


def _check(doc: Document) -> None:
    created, modified = doc.info.get("created"), doc.info.get("modified")
    if (
        created
        and modified
        and modified < created
        and _days_apart(created, modified) > TOLERANCE_DAYS
    ):
        doc.problems.append(
            f"the PDF says it was modified ({modified[:10]}) before it was created ({created[:10]})"
        )
    for mine, theirs in (("created", "xmp:CreateDate"), ("modified", "xmp:ModifyDate")):
        stated = doc.info.get(mine)
        other = doc.xmp.get(theirs)
        if not stated or not other:
            continue
        when = parse_date(other, f"XMP {theirs}", doc.problems)
        if when and _days_apart(stated, when) > TOLERANCE_DAYS:
            doc.problems.append(
                f"the PDF's {mine} date {stated[:10]} contradicts its XMP {theirs} {when[:10]}"
            )

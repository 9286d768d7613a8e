"""Publication dates from everything a page offers, weighed together (issue 15, item 3).

A page states when it appeared in several places, none of them certain on its own: the HTML
metadata (``article:published_time``, JSON-LD ``datePublished``: see :mod:`truce.ingest.html`,
with htmldate for the rest of the markup), the URL path (``/2023/06/25/``, ``/20210930/``,
``/20220105-...``, a month ``/2022/08/``), a header line (``date 2021-03-22`` at the top of a
saved excerpt, ``Published: ...``), an agency dateline (``JISR ASH SHUGHUR, Syria, July 22, 2022
(BSS/AFP) -``), a date line under the title or in the byline. Each reader collects these as
:class:`Clue` values; :func:`decide` keeps the most trusted and says so in the
:class:`~truce.ingest.document.Published` ``method`` (the basis), raising its confidence when an
independent clue agrees and lowering it when one disagrees.

``--published`` takes a day (``2018-10-05``), a month (``2018-10``) or a range
(``2018-10-01/2018-10-09``): :func:`parse_published`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import unquote, urlsplit

from truce.errors import ValidationError
from truce.ingest.document import Published

__all__ = [
    "Clue",
    "dateline_clue",
    "decide",
    "header_clue",
    "parse_published",
    "url_clue",
]


@dataclass(frozen=True, slots=True)
class Clue:
    """One statement of the publication date: an interval, where it was read, how trusted."""

    start: date
    end: date
    basis: str
    confidence: float
    note: str = ""

    @property
    def is_day(self) -> bool:
        return self.start == self.end


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month(y: int, m: int) -> tuple[date, date] | None:
    if not 1 <= m <= 12:
        return None
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


_URL_DAY = (
    re.compile(r"/((?:19|20)\d\d)/([01]?\d)/([0-3]?\d)(?:/|$|[-_])"),
    re.compile(r"(?<![\d])((?:19|20)\d\d)-([01]\d)-([0-3]\d)(?![\d])"),
    re.compile(r"(?<![\d])((?:19|20)\d\d)([01]\d)([0-3]\d)(?![\d])"),
)
_URL_MONTH = re.compile(r"/((?:19|20)\d\d)/([01]?\d)(?:/|$)")


def url_clue(url: str | None) -> Clue | None:
    """The date in a URL's path: a day (``/2023/06/25/``, ``/20210930/``) or a month."""
    if not url:
        return None
    parts = urlsplit(url)
    path = unquote(parts.path)
    for pattern in _URL_DAY:
        for m in pattern.finditer(path):
            day = _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if day is not None:
                return Clue(day, day, "URL path", 0.8)
    month = _URL_MONTH.search(path)
    if month is not None:
        found = _month(int(month.group(1)), int(month.group(2)))
        if found is not None:
            return Clue(found[0], found[1], "URL path (month only)", 0.7)
    return None


#: ``date 2021-03-22`` (or ``date 2022-08``) at the very top of a saved excerpt: how archives
#: and clipping tools record when the page appeared, possibly glued to the text that follows.
HEADER_LINE = re.compile(
    r"^\s*date\s*:?\s+(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)(?:-(?P<d>[0-3]\d))?"
    r"(?:[T ]\d{1,2}:\d\d(?::\d\d)?(?:Z|[+-]\d\d:?\d\d)?)?(?=\s|$)[ \t]*",
    re.I,
)


def header_clue(text: str) -> tuple[Clue, int] | None:
    """A ``date YYYY-MM-DD`` header at the top of ``text``: the clue and where the header ends."""
    m = HEADER_LINE.match(text)
    if m is None:
        return None
    y, mo = int(m.group("y")), int(m.group("m"))
    if m.group("d"):
        day = _safe(y, mo, int(m.group("d")))
        if day is None:
            return None
        return Clue(day, day, "header line 'date ...' at the top of the text", 0.9), m.end()
    found = _month(y, mo)
    if found is None:
        return None
    return Clue(found[0], found[1], "header line 'date ...' (month only)", 0.9), m.end()


_MONTHS = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Za-z'’.-]*(?:\s+[A-Z][A-Za-z'’.-]*){0,4}),\s*(?:[A-Z][a-z]+,\s*)?"
    r"(?:(?P<d1>[0-3]?\d)\s+" + _MONTHS.replace("mon", "m1") + r"|"
    r"" + _MONTHS.replace("mon", "m2") + r"\s+(?P<d2>[0-3]?\d)),?\s+(?P<y>(?:19|20)\d\d)"
    r"\s*(?:\((?P<agency>[^)]{1,40})\))?\s*[-–—:]"
)
_MONTH_NUMBER = {
    name: i
    for i, names in enumerate(
        (
            (),
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        )
    )
    for name in names
}


def dateline_clue(paragraph: str) -> Clue | None:
    """The date of the dateline opening ``paragraph``: "ATAREB, Syria, May 2, 2022 (AFP) -"."""
    m = _DATELINE.match(paragraph)
    if m is None:
        return None
    month = _MONTH_NUMBER.get((m.group("m1") or m.group("m2") or "").lower().rstrip("."))
    day_n = m.group("d1") or m.group("d2")
    if month is None or day_n is None:
        return None
    day = _safe(int(m.group("y")), month, int(day_n))
    if day is None:
        return None
    return Clue(day, day, "dateline", 0.85)


def decide(clues: list[Clue]) -> Published:
    """The publication date the clues support best (the most trusted, then the narrowest)."""
    if not clues:
        return Published.unknown()
    best = max(clues, key=lambda c: (c.confidence, c.is_day))
    confidence = best.confidence
    method = best.basis
    note = best.note
    agree = [
        c.basis
        for c in clues
        if c is not best and c.basis != best.basis and c.start <= best.start and best.end <= c.end
    ]
    disagree = [
        c.basis
        for c in clues
        if c is not best and c.confidence >= 0.5 and (c.end < best.start or c.start > best.end)
    ]
    if agree:
        confidence = min(0.95, confidence + 0.05 * len(agree))
        method += "; agrees with " + ", ".join(dict.fromkeys(agree))
    if disagree:
        confidence = max(0.0, confidence - 0.2)
        method += "; disagrees with " + ", ".join(dict.fromkeys(disagree))
    start, end = best.start, best.end
    if not best.is_day:
        # a month from one clue and a day inside it from a weaker one: the day, trusted as the month
        inside = [c for c in clues if c.is_day and best.start <= c.start <= best.end]
        if inside:
            day = max(inside, key=lambda c: c.confidence)
            start = end = day.start
            method = f"{day.basis}, inside the month of the {best.basis}"
            confidence = max(day.confidence, min(best.confidence, 0.75))
            note = day.note if day.confidence >= 0.5 else ""
    return Published(start, end, method, round(confidence, 2), note)


def parse_published(value: str) -> tuple[date, date]:
    """``--published``: a day ``YYYY-MM-DD``, a month ``YYYY-MM`` or a range ``A/B`` (or
    ``A..B``) of either; raises :class:`ValidationError` saying what to give."""
    text = value.strip()
    parts = re.split(r"\s*(?:/|\.\.)\s*", text)
    if len(parts) > 2 or not all(parts):
        parts = []
    spans = [_one(p) for p in parts]
    if not spans or any(s is None for s in spans):
        raise ValidationError(
            f"--published {value!r} is not a date, a month or a range",
            hint="Give it as YYYY-MM-DD, YYYY-MM, or a range such as 2018-10-01/2018-10-09.",
        )
    start, end = spans[0][0], spans[-1][1]  # type: ignore[index]
    if end < start:
        raise ValidationError(
            f"--published {value!r} ends before it starts", hint="Give the earlier date first."
        )
    return start, end


def _one(text: str) -> tuple[date, date] | None:
    m = re.fullmatch(r"((?:19|20)\d\d)-([01]\d)(?:-([0-3]\d))?", text)
    if m is None:
        return None
    y, mo = int(m.group(1)), int(m.group(2))
    if m.group(3):
        day = _safe(y, mo, int(m.group(3)))
        return (day, day) if day else None
    return _month(y, mo)

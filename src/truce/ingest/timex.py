"""Date expressions in news text, resolved against the publication date.

Forms understood (English): "March 13", "13 March", "March 13, 2019", "2019-03-13", "March 3-4",
"3-4 March", "March 30 - April 2", "between March 3 and March 5", "in March", "early March",
"in 2017", "yesterday", "today", "last night", "overnight", "two days ago", "three weeks ago",
"last week", "this week", "earlier this week", "early this week", "last month", "earlier this
month", "in recent days", "over the weekend", "at midnight", weekdays ("on Friday", "last
Friday", "Friday night", "next Friday"), and ranges across months ("from 24 November to 18
December 2018", "between 30 March and 2 April").

Each resolves to a :class:`Span` ``start..end`` with an ACLED time precision (1 day, 2 week,
3 month; a year is kept as its full interval at month precision, the coarsest ACLED has).
Rules, stated because news is ambiguous:

- a yearless date takes the publication year, or the year before when that would put a past
  event after publication (and the year after, for a future one before it);
- a bare weekday is that day or up to six days before publication, unless the sentence is about
  the future, when it is that day or up to six days after; "last Friday" is 1..7 days before;
- "last week" is the previous calendar week, Monday to Sunday (ISO 8601); "this week" runs from
  its Monday to publication;
- relative forms need a publication date known with confidence: without one they stay
  unresolved (``span`` None) and say so, rather than resolving against a guess.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from truce.model.vocab import TimePrecision

__all__ = ["DateMention", "Span", "find_dates", "month_number", "parse_date_line"]

_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a couple of": 2,
    "several": 3,
    "a few": 3,
}

# Month names are matched capitalised (or in capitals): "march" and "may" are also words.
_M = (
    r"(?P<{g}>(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
    r"|(?:JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER))"
)
_D = r"(?P<{g}>[0-3]?\d)(?:st|nd|rd|th)?"
_Y = r"(?P<{g}>(?:19|20)\d\d)"
_DASH = r"\s*(?:-|–|—|to|until|through)\s*"
_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"


def _p(template: str, **groups: str) -> str:
    out = template
    for key, group in groups.items():
        out = out.replace("{" + key + "}", group)
    return out


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    (
        # "from 24 November to 18 December 2018", "between 30 March and 2 April"
        "dm-dm",
        re.compile(
            r"\b(?:(?:from|between)\s+)?"
            + _D.format(g="d1")
            + r"\s+(?:of\s+)?"
            + _M.format(g="m1")
            + r"(?:,?\s+"
            + _Y.format(g="y1")
            + r")?(?:"
            + _DASH
            + r"|\s+and\s+)"
            + _D.format(g="d2")
            + r"\s+(?:of\s+)?"
            + _M.format(g="m2")
            + r"(?:,?\s+"
            + _Y.format(g="y")
            + r")?\b"
        ),
    ),
    (
        "md-md",
        re.compile(
            r"\b(?:(?:from|between)\s+)?"
            + _M.format(g="m1")
            + r"\s+"
            + _D.format(g="d1")
            + r"(?:"
            + _DASH
            + r"|\s+and\s+)"
            + _M.format(g="m2")
            + r"\s+"
            + _D.format(g="d2")
            + r"\b"
            + r"(?:,?\s+"
            + _Y.format(g="y")
            + r")?"
        ),
    ),
    (
        "m-dd",
        re.compile(
            r"\b(?:between\s+)?"
            + _M.format(g="m")
            + r"\s+"
            + _D.format(g="d1")
            + r"(?:"
            + _DASH
            + r"|\s+and\s+)"
            + _D.format(g="d2")
            + r"\b"
            + r"(?:,?\s+"
            + _Y.format(g="y")
            + r")?"
        ),
    ),
    (
        "dd-m",
        re.compile(
            r"\b(?:between\s+)?"
            + _D.format(g="d1")
            + r"(?:"
            + _DASH
            + r"|\s+and\s+)"
            + _D.format(g="d2")
            + r"\s+(?:of\s+)?"
            + _M.format(g="m")
            + r"(?:,?\s+"
            + _Y.format(g="y")
            + r")?\b"
        ),
    ),
    (
        "md",
        re.compile(
            r"\b(?:"
            + _WD
            + r",?\s+)?"
            + _M.format(g="m")
            + r"\s+"
            + _D.format(g="d")
            + r"\b(?!\s*(?:%|per|km|kilomet|mile|people|civilians|killed|dead))"
            + r"(?:,?\s+"
            + _Y.format(g="y")
            + r")?"
        ),
    ),
    (
        "dm",
        re.compile(
            r"\b(?:"
            + _WD
            + r",?\s+)?"
            + _D.format(g="d")
            + r"\s+(?:of\s+)?"
            + _M.format(g="m")
            + r"(?:,?\s+"
            + _Y.format(g="y")
            + r")?\b"
        ),
    ),
    (
        "month",
        re.compile(
            r"\b(?:(?P<part>early|mid|late|earlier in|later in|in|since|during|throughout|of)"
            r"[\s-]+)" + _M.format(g="m") + r"(?:,?\s+" + _Y.format(g="y") + r")?\b"
        ),
    ),
    ("month-year", re.compile(r"\b" + _M.format(g="m") + r",?\s+" + _Y.format(g="y") + r"\b")),
    ("year", re.compile(r"\b(?:in|since|during|of)\s+(?P<y>(?:19|20)\d\d)\b")),
    ("yesterday", re.compile(r"\b(?P<w>yesterday|the day before yesterday)" + _PART, re.I)),
    ("today", re.compile(r"\b(?:today|this (?:morning|afternoon|evening)|tonight)\b", re.I)),
    ("night", re.compile(r"\b(?:last night|overnight)\b", re.I)),
    (
        "ago",
        re.compile(
            r"\b(?P<n>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|a couple of"
            r"|several|a few)\s+(?P<unit>day|week|month)s?\s+ago\b",
            re.I,
        ),
    ),
    (
        "rel",
        re.compile(
            r"\b(?P<rel>last|this|past|earlier this|early this|later this|late this|next"
            r"|the previous|the past"
            r"|the coming|coming)\s+(?P<unit>week|weekend|month|year)\b",
            re.I,
        ),
    ),
    (
        "weekend",
        re.compile(r"\b(?:over|at|during|on)\s+the\s+weekend\b", re.I),
    ),
    ("midnight", re.compile(r"\b(?:at|after|around|before|shortly after)\s+midnight\b", re.I)),
    ("recent", re.compile(r"\b(?:in\s+)?(?:recent|the past few|the last few) days\b", re.I)),
    (
        "weekday",
        re.compile(r"\b(?P<rel>last|this|next|on|early|late)?\s*" + _WD + _PART + r"\b", re.I),
    ),
]


@dataclass(frozen=True, slots=True)
class Span:
    start: date
    end: date
    precision: TimePrecision

    def iso(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int  # character offsets in the sentence
    end: int
    text: str
    span: Span | None  # None: could not be resolved (see ``note``)
    rule: str
    relative: bool  # depends on the publication date
    note: str = ""


def month_number(name: str) -> int | None:
    return _MONTHS.get(name.lower().rstrip("."))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _yearless(month: int, day: int, ref: date, future: bool) -> date | None:
    found = _safe(ref.year, month, day)
    if found is None:
        return None
    if not future and found > ref + timedelta(days=1):
        return _safe(ref.year - 1, month, day)
    if future and found < ref - timedelta(days=1):
        return _safe(ref.year + 1, month, day)
    return found


def find_dates(sentence: str, reference: date | None, *, future: bool = False) -> list[DateMention]:
    """Every date expression in ``sentence``, left to right, without overlaps."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for rule, pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            if rule == "weekday" and not m.group("wd"):
                continue
            mention = _resolve(rule, m, reference, future)
            if mention is None:
                continue
            taken.append((s, e))
            found.append(mention)
    found.sort(key=lambda d: d.start)
    return found


def _resolve(rule: str, m: re.Match[str], ref: date | None, future: bool) -> DateMention | None:
    text = m.group(0).strip()
    s, e = m.start(), m.start() + len(m.group(0).rstrip())
    g = m.groupdict()

    def made(span: Span | None, relative: bool, note: str = "") -> DateMention:
        if span is None and not note:
            note = "needs the publication date (pass --published)"
        return DateMention(s, e, text, span, rule, relative, note)

    year = int(g["y"]) if g.get("y") else None
    if rule == "iso":
        day = _safe(int(g["y"]), int(g["m"]), int(g["d"]))
        return made(Span(day, day, TimePrecision.DAY), False) if day else None
    if rule == "dm-dm":
        m1, m2 = month_number(g["m1"]), month_number(g["m2"])
        if m1 is None or m2 is None:
            return None
        d1, d2 = int(g["d1"]), int(g["d2"])
        y2 = year or (int(g["y1"]) if g.get("y1") else None)
        if y2 is None and ref is None:
            return made(None, True)
        if y2 is not None:
            y1 = int(g["y1"]) if g.get("y1") else (y2 - 1 if m1 > m2 else y2)
            first, last = _safe(y1, m1, d1), _safe(y2, m2, d2)
        else:
            last = _yearless(m2, d2, ref, future)  # type: ignore[arg-type]
            first = _safe(last.year - (1 if m1 > m2 else 0), m1, d1) if last else None
        if first is None or last is None or last < first or (last - first).days > 400:
            return None
        return made(Span(first, last, TimePrecision.DAY), y2 is None)
    if rule in ("md-md", "m-dd", "dd-m"):
        m1 = month_number(g.get("m1") or g["m"])
        m2 = month_number(g.get("m2") or g.get("m1") or g["m"])
        if m1 is None or m2 is None:
            return None
        d1, d2 = int(g["d1"]), int(g["d2"])
        if year is None and ref is None:
            return made(None, True)
        first = _safe(year, m1, d1) if year else _yearless(m1, d1, ref, future)  # type: ignore[arg-type]
        if first is None:
            return None
        last = _safe(first.year + (1 if m2 < m1 else 0), m2, d2)
        if last is None or last < first or (last - first).days > 62:
            return None
        return made(Span(first, last, TimePrecision.DAY), year is None)
    if rule in ("md", "dm"):
        month = month_number(g["m"])
        if month is None:
            return None
        day_n = int(g["d"])
        if not 1 <= day_n <= 31:
            return None
        if year is None and ref is None:
            return made(None, True)
        day = _safe(year, month, day_n) if year else _yearless(month, day_n, ref, future)  # type: ignore[arg-type]
        return made(Span(day, day, TimePrecision.DAY), year is None) if day else None
    if rule in ("month", "month-year"):
        month = month_number(g["m"])
        if month is None:
            return None
        if g["m"].rstrip(".") == "May" and year is None and (g.get("part") or "") in ("", "of"):
            return None  # "may" the verb
        if year is None:
            if ref is None:
                return made(None, True)
            year = ref.year
            if not future and month > ref.month:
                year -= 1
            elif future and month < ref.month:
                year += 1
        first, last = date(year, month, 1), _month_end(year, month)
        part = (g.get("part") or "").lower()
        if part == "early":
            last = date(year, month, 10)
        elif part == "mid":
            first, last = date(year, month, 11), date(year, month, 20)
        elif part == "late":
            first = date(year, month, 21)
        if ref is not None and not future and first <= ref < last and g.get("y") is None:
            last = ref
        return made(Span(first, last, TimePrecision.MONTH), g.get("y") is None)
    if rule == "year":
        assert year is not None
        return made(
            Span(date(year, 1, 1), date(year, 12, 31), TimePrecision.MONTH),
            False,
            "a whole year; ACLED's coarsest precision is a month",
        )
    if ref is None:
        return made(None, True)
    return _relative(rule, g, text, ref, future, made)


def _relative(
    rule: str,
    g: dict[str, str | Any],
    text: str,
    ref: date,
    future: bool,
    made: Callable[[Span | None, bool], DateMention],
) -> DateMention | None:
    day_ = TimePrecision.DAY
    if rule == "yesterday":
        back = 2 if "before" in g["w"].lower() else 1
        d = ref - timedelta(days=back)
        return made(Span(d, d, day_), True)
    if rule == "today":
        return made(Span(ref, ref, day_), True)
    if rule == "night":
        return made(Span(ref - timedelta(days=1), ref, day_), True)
    if rule == "ago":
        raw = g["n"].lower()
        n = int(raw) if raw.isdigit() else _NUMBERS.get(raw, 1)
        unit = g["unit"].lower()
        if unit == "day":
            d = ref - timedelta(days=n)
            return made(Span(d, d, day_), True)
        if unit == "week":
            d = ref - timedelta(weeks=n)
            monday = d - timedelta(days=d.weekday())
            return made(Span(monday, monday + timedelta(days=6), TimePrecision.WEEK), True)
        y, mo = ref.year, ref.month - n
        while mo < 1:
            y, mo = y - 1, mo + 12
        return made(Span(date(y, mo, 1), _month_end(y, mo), TimePrecision.MONTH), True)
    if rule == "recent":
        return made(Span(ref - timedelta(days=6), ref, TimePrecision.WEEK), True)
    if rule == "weekend":
        # the last Saturday and Sunday up to the reference (the coming ones, for a plan)
        back = (ref.weekday() - 5) % 7
        saturday = ref - timedelta(days=back)
        if future and ref.weekday() < 5:
            saturday = ref + timedelta(days=5 - ref.weekday())
        end = min(saturday + timedelta(days=1), ref) if not future else saturday + timedelta(1)
        return made(Span(saturday, end, day_), True)
    if rule == "midnight":
        # the night that ended on the reference day: it began the evening before
        return made(Span(ref - timedelta(days=1), ref, day_), True)
    if rule == "rel":
        rel, unit = g["rel"].lower(), g["unit"].lower()
        monday = ref - timedelta(days=ref.weekday())
        if unit == "weekend":
            saturday = (
                monday - timedelta(days=2)
                if rel in ("last", "past", "the past", "the previous")
                or (ref.weekday() < 5 and not future)
                else monday + timedelta(days=5)
            )
            if rel in ("next", "the coming", "coming"):
                saturday = monday + timedelta(days=5 if ref.weekday() < 5 else 12)
            return made(Span(saturday, saturday + timedelta(days=1), day_), True)
        if unit == "week":
            if rel in ("last", "the previous"):
                start = monday - timedelta(days=7)
                return made(Span(start, start + timedelta(days=6), TimePrecision.WEEK), True)
            if rel in ("past", "the past"):
                return made(Span(ref - timedelta(days=7), ref, TimePrecision.WEEK), True)
            if rel in ("next", "the coming", "coming"):
                start = monday + timedelta(days=7)
                return made(Span(start, start + timedelta(days=6), TimePrecision.WEEK), True)
            if rel in ("later this", "late this") or (rel == "this" and future):
                return made(Span(ref, monday + timedelta(days=6), TimePrecision.WEEK), True)
            if rel == "early this":
                return made(Span(monday, min(ref, monday + timedelta(days=2)), day_), True)
            return made(Span(monday, ref, TimePrecision.WEEK), True)
        if unit == "month":
            first = ref.replace(day=1)
            if rel in ("last", "the previous"):
                prev_end = first - timedelta(days=1)
                return made(Span(prev_end.replace(day=1), prev_end, TimePrecision.MONTH), True)
            if rel in ("past", "the past"):
                return made(Span(ref - timedelta(days=30), ref, TimePrecision.MONTH), True)
            if rel in ("next", "the coming", "coming"):
                nxt = _month_end(ref.year, ref.month) + timedelta(days=1)
                return made(Span(nxt, _month_end(nxt.year, nxt.month), TimePrecision.MONTH), True)
            if rel == "later this" or (rel == "this" and future):
                return made(Span(ref, _month_end(ref.year, ref.month), TimePrecision.MONTH), True)
            return made(Span(first, ref, TimePrecision.MONTH), True)
        # year
        y = ref.year - 1 if rel in ("last", "the previous") else ref.year
        if rel in ("next", "the coming", "coming"):
            y = ref.year + 1
        end = date(y, 12, 31) if y != ref.year or future else ref
        return made(Span(date(y, 1, 1), end, TimePrecision.MONTH), True)
    if rule == "weekday":
        wd = _WEEKDAYS[g["wd"].lower()]
        rel = (g.get("rel") or "").lower()
        if rel == "next" or (future and rel != "last"):
            ahead = (wd - ref.weekday()) % 7
            if rel == "next" and ahead == 0:
                ahead = 7
            d = ref + timedelta(days=ahead)
            return made(Span(d, d, day_), True)
        back = (ref.weekday() - wd) % 7
        if rel == "last" and back == 0:
            back = 7
        d = ref - timedelta(days=back)
        return made(Span(d, d, day_), True)
    return None


# -- whole lines that are only a date (page headers, datelines) ---------------------------------
_LINE_PATTERNS = (
    re.compile(
        r"^(?:(?:published|posted|updated|update|date)(?:\s+on)?\s*:?\s*)?(?:"
        + _WD
        + r",?\s+)?"
        + _M.format(g="m")
        + r"\s+"
        + _D.format(g="d")
        + r",?\s+"
        + _Y.format(g="y")
        + r"(?:\s*(?:,|at|-|–|\|)?\s*\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,5})?)?\.?$",
        re.I,
    ),
    re.compile(
        r"^(?:(?:published|posted|updated|update|date)(?:\s+on)?\s*:?\s*)?(?:"
        + _WD
        + r",?\s+)?"
        + _D.format(g="d")
        + r"\s+"
        + _M.format(g="m")
        + r",?\s+"
        + _Y.format(g="y")
        + r"(?:\s*(?:,|at|-|–|\|)?\s*\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,5})?)?\.?$",
        re.I,
    ),
    re.compile(
        r"^(?:(?:published|posted|updated|update|date)(?:\s+on)?\s*:?\s*)?"
        r"(?P<y>(?:19|20)\d\d)-(?P<mn>[01]\d)-(?P<d>[0-3]\d)(?:[T ][\d:.+Z-]+)?$",
        re.I,
    ),
    re.compile(r"^" + _M.format(g="m") + r",?\s+" + _Y.format(g="y") + r"$", re.I),
)


def parse_date_line(line: str) -> tuple[Span, str] | None:
    """A line that is only a date: its span and the label it carried ("published", "updated"
    or ""). Month-and-year lines ("JULY 2020") come back at month precision."""
    text = line.strip()
    if len(text) > 60:
        return None
    label_match = re.match(r"^(published|posted|updated|update|date)", text, re.I)
    label = label_match.group(1).lower() if label_match else ""
    label = "updated" if label == "update" else label
    for pattern in _LINE_PATTERNS:
        m = pattern.match(text)
        if m is None:
            continue
        g = m.groupdict()
        year = int(g["y"])
        month = int(g["mn"]) if g.get("mn") else month_number(g["m"])
        if month is None:
            return None
        if g.get("d"):
            day = _safe(year, month, int(g["d"]))
            return (Span(day, day, TimePrecision.DAY), label) if day else None
        return Span(date(year, month, 1), _month_end(year, month), TimePrecision.MONTH), label
    from truce.ingest.lang import parse_date_line as in_other_languages

    return in_other_languages(text)

"""The rule engine every non-English language shares: a :class:`Lexicon` of words and patterns
in, a :class:`~truce.ingest.lang.Language` out (:class:`RuleLanguage`).

The rules are the English reader's, stated once over a language's words:

- **events**: a trigger pattern maps to an ACLED event and sub-event type, the heaviest of
  overlapping triggers wins; modality reads the cue words of the trigger's clause, before *and*
  after it (Russian, Turkish and Arabic put the verb where English does not: "saldırı
  düzenlenecek", "планируют нанести удар");
- **dates** resolve against the publication date exactly as :mod:`truce.ingest.timex` does
  (its helpers are called: a yearless day takes the publication year, or the year before when
  it would fall after publication; weekdays, "yesterday", "last week", "N days ago" likewise);
  Arabic-Indic digits are read as digits; a Hijri date ("١٥ رمضان ١٤٤٠ هـ") is converted with the
  tabular Islamic calendar and kept as the day ±1 (the tabular and the observed calendars can
  differ by a day);
- **casualties** as UCDP ranges with each language's number words ("пятеро", "yedi", "خمسة") and
  quantifiers ("не менее" / "en az" / "ما لا يقل عن" at least, "более" / "fazla" / "أكثر من" more
  than, "около" / "yaklaşık" / "نحو" about);
- **attribution**: a cue that precedes its source ("по данным X", "بحسب X") or follows it ("X'in
  açıklamasına göre", "X заявил"); the source is a name the actor dictionary knows (the
  language's own ``actors.yaml`` adds its names to the shared entries, so "Минобороны России",
  "MSB" and "وزارة الدفاع الروسية" are one institution), a witness phrase, or, after an explicit
  "according to" cue, the words as written;
- **places**: a capitalised (Cyrillic, Latin-Turkish) or Arabic name after a locative
  preposition or place noun, or before a Turkish locative suffix; each is looked up as written
  first, then in the forms the lexicon derives (a nominative for a declined Russian name, a
  romanisation): the gazetteer's own matching of other scripts, when it has it, comes first.

Offsets are always those of the sentence as given: normalising (digits, Arabic letter forms) is
one character for one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from importlib import resources
from typing import Any

import yaml

from truce.ingest import timex
from truce.ingest.actors import ActorDictionary, Mention, normalise_quotes
from truce.ingest.attribution import Attribution, _resolve
from truce.ingest.casualties import Figure
from truce.ingest.events import Trigger
from truce.ingest.sentences import Sentence, _inside_quote
from truce.ingest.timex import DateMention, Span
from truce.model.vocab import (
    CasualtyCategory,
    CasualtyKind,
    EventType,
    Modality,
    SourceKind,
    TimePrecision,
)

__all__ = ["Lexicon", "RuleLanguage", "hijri_to_gregorian"]

TriggerRule = tuple[str, EventType, str, int, str]

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Lexicon:
    """One language's words and patterns (regular expressions, matched case-insensitively)."""

    code: str
    triggers: tuple[TriggerRule, ...]
    # modality cues, searched in the trigger's clause
    planned: str
    foiled: str
    denied: str
    alleged: str
    announced: str
    future: str
    foil_link: str
    # dates
    months: dict[str, int]
    weekdays: dict[str, int]
    yesterday: str
    day_before_yesterday: str
    today: str
    night: str
    last_week: str
    last_weekday: str  # a cue before a weekday that makes it "last Friday"
    ago: str  # with groups n and unit
    units: dict[str, str]  # a unit word's start → "day", "week", "month"
    year_suffix: str = ""  # "года", "г." after a year; Turkish case suffixes are taken anyway
    hijri_months: dict[str, int] = field(default_factory=dict)
    # casualties
    numbers: dict[str, int] = field(default_factory=dict)
    at_least: str = r"(?!x)x"
    more_than: str = r"(?!x)x"
    more_than_after: str = r"(?!x)x"
    about: str = r"(?!x)x"
    up_to: str = r"(?!x)x"
    nearly: str = r"(?!x)x"
    vague: dict[str, int] = field(default_factory=dict)
    civilians: str = r"(?!x)x"
    combatants: str = r"(?!x)x"
    people: str = r"(?!x)x"
    others: str = r"(?!x)x"
    adjectives: str = r"(?!x)x"  # words allowed between a figure and its noun
    killed: str = r"(?!x)x"
    injured: str = r"(?!x)x"
    # attribution: (cue, "after" when the source follows the cue, "before" when it precedes)
    attribution: tuple[tuple[str, str], ...] = ()
    witnesses: str = r"(?!x)x"
    anaphors: str = r"(?!x)x"
    not_a_source: str = r"(?!x)x"
    # places
    name: str = r"(?!x)x"  # one place name (up to a few words)
    locative: str = r"(?!x)x"  # before a name
    after_name: str = r"(?!x)x"  # after a name (Turkish "köyünde", "ilçesinde")
    regions: tuple[tuple[str, str], ...] = ()  # (pattern with group gov, English direction)
    governorates: dict[str, str] = field(default_factory=dict)  # pattern → English admin1
    not_places: frozenset[str] = frozenset()
    # sentences
    abbreviations: frozenset[str] = frozenset()
    #: one-for-one character normalisation before matching (digits are always normalised)
    translate: dict[int, int | str | None] = field(default_factory=dict)
    #: more names for a place name, best first (stems, romanisations)
    variants: Callable[[str], list[str]] = field(default=lambda name: [])
    #: "погибли трое", "مقتل ثلاثة": the verb before the figure (not Turkish, verb-last)
    verb_first_figures: bool = True
    #: how far before a cue that follows its source ("X ... bildirdi") the source may stand
    source_before: int = 60
    #: how far after a cue that precedes its source ("сообщил заместитель руководителя X")
    source_after: int = 60
    #: nouns that make a governorate's name its capital ("kent", "город", "مدينة")
    city_words: str = r"(?!x)x"
    #: triggers this close (characters between them) name one event (see find_triggers)
    pair_gap: int = 30
    #: how far after a trigger its subject may stand (verb-first Arabic: "قصفت قوات النظام")
    subject_after: int = 0
    clause_break: str = r"[;:]"


_VIOLENT = (EventType.EXPLOSIONS, EventType.BATTLES)


def _violent(a: Trigger, b: Trigger) -> bool:
    """Both triggers name violence, or one is its disruption ("repelled an attack")."""
    kinds = {a.sub_event_type, b.sub_event_type}
    if "Disrupted weapons use" in kinds:
        return bool({a.event_type, b.event_type} & set(_VIOLENT))
    return a.event_type in _VIOLENT and b.event_type in _VIOLENT


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def hijri_to_gregorian(year: int, month: int, day: int) -> date:
    """The Gregorian day of a Hijri date by the tabular (arithmetic) Islamic calendar."""
    jdn = (
        day + math.ceil(29.5 * (month - 1)) + (year - 1) * 354 + (3 + 11 * year) // 30 + 1948440 - 1
    )
    return date.fromordinal(jdn - 1721425)


def _carried(previous: Attribution) -> dict[str, Any]:
    """The source of an earlier attribution, for an anaphor that refers back to it."""
    return {
        "cited": previous.cited,
        "kind": previous.kind,
        "person": previous.person,
        "title": previous.title,
        "institution": previous.institution,
        "via": previous.via,
    }


class RuleLanguage:
    """A :class:`~truce.ingest.lang.Language` made of a :class:`Lexicon`."""

    def __init__(self, lexicon: Lexicon, package: str) -> None:
        self.lexicon = lexicon
        self.code = lexicon.code
        self.subject_after = lexicon.subject_after
        self.package = package
        lx = lexicon
        flags = re.I
        self._triggers = tuple(
            (re.compile(r"(?<!\w)(?:" + pat + r")", flags), et, sub, w, mode)
            for pat, et, sub, w, mode in lx.triggers
        )
        self._planned = re.compile(r"(?<!\w)(?:" + lx.planned + r")", flags)
        self._foiled = re.compile(r"(?<!\w)(?:" + lx.foiled + r")", flags)
        self._denied = re.compile(r"(?<!\w)(?:" + lx.denied + r")", flags)
        self._alleged = re.compile(r"(?<!\w)(?:" + lx.alleged + r")", flags)
        self._announced = re.compile(r"(?<!\w)(?:" + lx.announced + r")", flags)
        self._future = re.compile(r"(?<!\w)(?:" + lx.future + r")", flags)
        self._foil_link = re.compile(r"(?<!\w)(?:" + lx.foil_link + r")", flags)
        self._clause_break = re.compile(lx.clause_break, flags)
        self._build_dates()
        self._build_figures()
        self._attribution = tuple(
            (re.compile(r"(?<!\w)(?:" + cue + r")", flags), side) for cue, side in lx.attribution
        )
        self._witnesses = re.compile(r"(?<!\w)(?:" + lx.witnesses + r")", flags)
        self._anaphors = re.compile(r"^\W*(?:" + lx.anaphors + r")\W*$", flags)
        self._not_a_source = re.compile(r"^\W*(?:" + lx.not_a_source + r")(?!\w)", flags)
        name = lx.name
        self._locative = re.compile(r"(?<!\w)(?:" + lx.locative + r")\s+(?P<name>" + name + ")")
        self._after_name = re.compile(
            r"(?P<name>" + name + r")\s+(?i:" + lx.after_name + r")(?!\w)"
        )
        self._city = re.compile(r"(?<!\w)(?:" + lx.city_words + r")", re.I)
        self._bare_suffixed = re.compile(r"(?<!\w)(?P<name>" + name + r")['’]\w+")
        self._regions = tuple(
            (re.compile(r"(?<!\w)(?:" + pat + r")(?!\w)"), direction)
            for pat, direction in lx.regions
        )
        self._governorates = tuple(
            (re.compile(r"(?<!\w)(?:" + pat + r")", flags), english)
            for pat, english in lx.governorates.items()
        )

    # -- normalising ---------------------------------------------------------------------------

    def normalise(self, text: str) -> str:
        out = normalise_quotes(text).translate(_DIGITS)
        if self.lexicon.translate:
            out = out.translate(self.lexicon.translate)
        assert len(out) == len(text)
        return out

    # -- sentences -----------------------------------------------------------------------------

    _END = re.compile(r"[.!?؟…]+[\"'”’»)\]]*\s+")

    def split_sentences(self, text: str, offset: int = 0) -> list[Sentence]:
        out: list[Sentence] = []
        start = 0
        while start < len(text) and text[start].isspace():
            start += 1
        for m in self._END.finditer(text):
            end = m.end()
            if end >= len(text) or end <= start:
                continue
            nxt = text[end]
            if not (
                nxt.isupper() or nxt.isdigit() or "\u0600" <= nxt <= "\u06ff" or nxt in '"«“(['
            ):
                continue
            word = re.search(r"([\w.]+)[.!?…]*[\"'”’»)\]]*\s*$", text[start:end])
            token = word.group(1).rstrip(".").lower() if word else ""
            if m.group(0).startswith(".") and (
                token in self.lexicon.abbreviations or (len(token) == 1 and token.isalpha())
            ):
                continue
            if _inside_quote(text, m.start(), start):
                continue
            stop = end
            while stop > start and text[stop - 1].isspace():
                stop -= 1
            out.append(Sentence(start + offset, stop + offset, text[start:stop]))
            start = end
        tail = text[start:].rstrip()
        if tail:
            out.append(Sentence(start + offset, start + len(tail) + offset, tail))
        return out

    # -- events --------------------------------------------------------------------------------

    def find_triggers(self, sentence: str) -> list[Trigger]:
        text = self.normalise(sentence)
        found: list[Trigger] = []
        for pattern, et, sub, weight, mode in self._triggers:
            for m in pattern.finditer(text):
                found.append(
                    Trigger(
                        m.start(), m.end(), sentence[m.start() : m.end()], et, sub, weight, mode
                    )
                )
        found.sort(key=lambda t: (t.start, -t.weight))
        kept: list[Trigger] = []
        for t in found:
            clash = next((k for k in kept if t.start < k.end and k.start < t.end), None)
            if clash is None:
                kept.append(t)
            elif t.weight > clash.weight:
                kept[kept.index(clash)] = t
        kept.sort(key=lambda t: t.start)
        # Words that name one event twice, side by side ("قصفت الطائرات الحربية": shelled, the
        # warplanes; "تصدت لمحاولة تسلل": repelled an infiltration attempt): the heavier one.
        out: list[Trigger] = []
        for t in kept:
            if out and t.start - out[-1].end <= self.lexicon.pair_gap and _violent(t, out[-1]):
                if t.weight > out[-1].weight:
                    out[-1] = t
                continue
            out.append(t)
        return out

    def _clause(self, text: str, start: int, end: int) -> tuple[str, str]:
        before = text[max(0, start - 90) : start]
        breaks = list(self._clause_break.finditer(before))
        if breaks:
            before = before[breaks[-1].end() :]
        after = text[end : end + 70]
        cut = self._clause_break.search(after)
        if cut:
            after = after[: cut.start()]
        return before, after

    def modality_for(self, sentence: str, trigger: Trigger) -> Modality:
        text = self.normalise(sentence)
        before, after = self._clause(text, trigger.start, trigger.end)
        around = before + " " + after
        if trigger.sub_event_type == "Disrupted weapons use":
            return Modality.FOILED
        if self._denied.search(around):
            return Modality.DENIED
        if self._foiled.search(around):
            return Modality.FOILED
        if self._planned.search(around):
            return Modality.ANNOUNCED if self._announced.search(around) else Modality.PLANNED
        if self._alleged.search(around):
            return Modality.ALLEGED
        return Modality.OCCURRED

    def is_future(self, sentence: str) -> bool:
        return bool(self._future.search(self.normalise(sentence)))

    def foil_link(self, sentence: str) -> re.Match[str] | None:
        return self._foil_link.search(self.normalise(sentence))

    # -- dates ---------------------------------------------------------------------------------

    def _build_dates(self) -> None:
        lx = self.lexicon
        months = _alternation(list(lx.months))
        suffix = r"(?:['’]?\w*)"
        year = (
            r"(?P<y>(?:19|20)\d\d)"
            + suffix
            + (r"(?:\s*(?:" + lx.year_suffix + "))?" if lx.year_suffix else "")
        )
        day = r"(?P<d>[0-3]?\d)(?:-?(?:го|e|ое|nci|ncı|üncü|uncu))?"
        wd = _alternation(list(lx.weekdays))
        m = r"(?P<m>" + months + r")" + suffix
        i = re.I
        self._date_patterns: list[tuple[str, re.Pattern[str]]] = [
            ("iso", re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)-(?P<mo>[01]\d)-(?P<d>[0-3]\d)(?!\d)")),
            (
                "dotted",
                re.compile(
                    r"(?<!\d)(?P<d>[0-3]?\d)[./](?P<mo>[01]?\d)[./](?P<y>(?:19|20)\d\d)(?!\d)"
                ),
            ),
            (
                "dd-m",
                re.compile(
                    r"(?<!\d)(?P<d1>[0-3]?\d)\s*(?:-|–|—|\.\.)\s*(?P<d2>[0-3]?\d)\s+"
                    + m
                    + r"(?:\s+"
                    + year
                    + r")?",
                    i,
                ),
            ),
            (
                "dm",
                re.compile(
                    r"(?<![\d\w])"
                    + day
                    + r"\s+(?:من\s+)?(?:شهر\s+)?"
                    + m
                    + r"(?:\s*(?:,|،)?\s*"
                    + year
                    + r")?",
                    i,
                ),
            ),
        ]
        if lx.hijri_months:
            hijri = _alternation(list(lx.hijri_months))
            self._date_patterns.insert(
                0,
                (
                    "hijri",
                    re.compile(
                        r"(?<!\d)(?P<d>[0-3]?\d)\s+(?P<m>" + hijri + r")\s+(?P<y>1[34]\d\d)"
                        r"(?:\s*(?:هـ|ه|للهجرة))?",
                        i,
                    ),
                ),
            )
        self._date_patterns += [
            ("month-year", re.compile(r"(?<!\w)" + m + r"\s+" + year, i)),
            ("before-yesterday", re.compile(r"(?<!\w)(?:" + lx.day_before_yesterday + r")", i)),
            ("yesterday", re.compile(r"(?<!\w)(?:" + lx.yesterday + r")", i)),
            ("night", re.compile(r"(?<!\w)(?:" + lx.night + r")", i)),
            ("today", re.compile(r"(?<!\w)(?:" + lx.today + r")", i)),
            ("last-week", re.compile(r"(?<!\w)(?:" + lx.last_week + r")", i)),
            ("ago", re.compile(r"(?<!\w)(?:" + lx.ago + r")", i)),
            (
                "weekday",
                re.compile(
                    r"(?:(?P<last>" + lx.last_weekday + r")\s+)?(?<!\w)(?P<wd>" + wd + r")\w*", i
                ),
            ),
        ]

    def find_dates(
        self, sentence: str, reference: date | None, *, future: bool = False
    ) -> list[DateMention]:
        text = self.normalise(sentence)
        taken: list[tuple[int, int]] = []
        found: list[DateMention] = []
        for rule, pattern in self._date_patterns:
            for m in pattern.finditer(text):
                s, e = m.span()
                while e > s and text[e - 1] in " ,،":
                    e -= 1
                if any(s < te and ts < e for ts, te in taken):
                    continue
                mention = self._resolve_date(rule, m, sentence[s:e], s, e, reference, future)
                if mention is None:
                    continue
                taken.append((s, e))
                found.append(mention)
        found.sort(key=lambda d: d.start)
        return found

    def _month(self, word: str) -> int | None:
        word = word.casefold()
        months = {k.casefold(): v for k, v in self.lexicon.months.items()}
        return months.get(word)

    def _resolve_date(
        self,
        rule: str,
        m: re.Match[str],
        text: str,
        s: int,
        e: int,
        ref: date | None,
        future: bool,
    ) -> DateMention | None:
        g = m.groupdict()

        def made(span: Span | None, relative: bool, note: str = "") -> DateMention:
            if span is None and not note:
                note = "needs the publication date (pass --published)"
            return DateMention(s, e, text, span, rule, relative, note)

        day_ = TimePrecision.DAY
        year = int(g["y"]) if g.get("y") else None
        if rule in ("iso", "dotted"):
            d = timex._safe(int(g["y"]), int(g["mo"]), int(g["d"]))
            return made(Span(d, d, day_), False) if d else None
        if rule == "hijri":
            hm = {k.casefold(): v for k, v in self.lexicon.hijri_months.items()}[g["m"].casefold()]
            try:
                d = hijri_to_gregorian(int(g["y"]), hm, int(g["d"]))
            except ValueError:
                return None
            span = Span(d - timedelta(days=1), d + timedelta(days=1), day_)
            return made(span, False, "Hijri date (tabular calendar): the day ±1")
        if rule in ("dm", "dd-m"):
            month = self._month(g["m"])
            if month is None:
                return None
            d1 = int(g.get("d1") or g["d"])
            d2 = int(g.get("d2") or g.get("d") or d1)
            if not (1 <= d1 <= 31 and 1 <= d2 <= 31) or d2 < d1:
                return None
            if year is None and ref is None:
                return made(None, True)
            if year is not None:
                first = timex._safe(year, month, d1)
            else:
                assert ref is not None
                first = timex._yearless(month, d1, ref, future)
            if first is None:
                return None
            last = timex._safe(first.year, month, d2)
            if last is None:
                return None
            return made(Span(first, last, day_), year is None)
        if rule == "month-year":
            month = self._month(g["m"])
            if month is None or year is None:
                return None
            return made(
                Span(date(year, month, 1), timex._month_end(year, month), TimePrecision.MONTH),
                False,
            )
        if ref is None:
            return made(None, True)
        if rule == "yesterday":
            d = ref - timedelta(days=1)
            return made(Span(d, d, day_), True)
        if rule == "before-yesterday":
            d = ref - timedelta(days=2)
            return made(Span(d, d, day_), True)
        if rule == "today":
            return made(Span(ref, ref, day_), True)
        if rule == "night":
            return made(Span(ref - timedelta(days=1), ref, day_), True)
        if rule == "last-week":
            result: DateMention | None = timex._relative(  # type: ignore[no-untyped-call,unused-ignore]
                "rel", {"rel": "last", "unit": "week"}, text, ref, future, made
            )
            return result
        if rule == "ago":
            raw = (g.get("n") or "1").casefold()
            n = int(raw) if raw.isdigit() else self.lexicon.numbers.get(raw, 1)
            unit = next(
                (u for k, u in self.lexicon.units.items() if g["unit"].casefold().startswith(k)),
                "day",
            )
            ago: DateMention | None = timex._relative(  # type: ignore[no-untyped-call,unused-ignore]
                "ago", {"n": str(n), "unit": unit}, text, ref, future, made
            )
            return ago
        if rule == "weekday":
            word = g["wd"].casefold()
            wd = next(v for k, v in self.lexicon.weekdays.items() if word == k.casefold())
            rel = "last" if g.get("last") else "on"
            found: DateMention | None = timex._relative(  # type: ignore[no-untyped-call,unused-ignore]
                "weekday", {"wd": _WEEKDAY_NAMES[wd], "rel": rel}, text, ref, future, made
            )
            return found
        return None

    # -- casualties ----------------------------------------------------------------------------

    def _build_figures(self) -> None:
        lx = self.lexicon
        words = _alternation(list(lx.numbers))
        num = r"\d{1,5}" + (
            r"|(?:" + words + r")(?:(?:\s+و?|\s*-\s*)(?:" + words + r"))?" if words else ""
        )
        vague = _alternation(list(lx.vague)) if lx.vague else r"(?!x)x"
        quant = (
            r"(?P<q>(?:(?P<mod>"
            + "|".join(
                f"(?P<{name}>{pat})"
                for name, pat in (
                    ("least", lx.at_least),
                    ("more", lx.more_than),
                    ("about", lx.about),
                    ("upto", lx.up_to),
                    ("nearly", lx.nearly),
                )
            )
            + r")\s+)?(?<!\w)(?P<n1>"
            + num
            + r")(?!\w)(?:\s*(?:-|–)\s*(?P<n2>"
            + num
            + r"))?"
            r"(?P<after>\s*(?:" + lx.more_than_after + r"))?|(?P<vague>" + vague + r"))"
        )
        noun = (
            r"(?:(?:"
            + lx.adjectives
            + r")\s+){0,2}(?P<noun>"
            + lx.civilians
            + "|"
            + lx.combatants
            + "|"
            + lx.people
            + "|"
            + lx.others
            + r")"
        )
        verb = r"(?P<verb>" + lx.killed + "|" + lx.injured + r")"
        i = re.I
        verb_first = re.compile(
            r"(?<!\w)" + verb + r"\w*\s+(?:\S+\s+){0,3}?" + quant + r"\s+" + noun, i
        )
        self._fig_patterns = (
            *((verb_first,) if lx.verb_first_figures else ()),
            re.compile(quant + r"\s+" + noun + r"\w*(?P<gap>[^.;؛,،]{0,60}?)(?<!\w)" + verb, i),
            re.compile(quant + r"\s+" + verb, i),
        )
        self._combatants = re.compile(r"(?:" + lx.combatants + r")", i)
        self._people = re.compile(r"(?:" + lx.people + r")", i)
        self._others = re.compile(r"(?:" + lx.others + r")", i)
        self._injured = re.compile(r"(?:" + lx.injured + r")", i)

    def _number(self, raw: str | None) -> int | None:
        if not raw:
            return None
        raw = raw.casefold().strip()
        if raw.isdigit():
            return int(raw)
        numbers = self.lexicon.numbers
        if raw in numbers:
            return numbers[raw]
        parts = [
            p.removeprefix("و") if p not in numbers else p for p in re.split(r"[\s-]+", raw) if p
        ]
        if len(parts) == 2 and all(p in numbers for p in parts):
            a, b = numbers[parts[0]], numbers[parts[1]]
            return a + b if (a >= 10) != (b >= 10) or a >= 100 or b >= 100 else None
        return None

    def _range(self, g: dict[str, str | None]) -> tuple[int, int | None, int | None] | None:
        if g.get("vague"):
            vague = {k.casefold(): v for k, v in self.lexicon.vague.items()}
            return vague.get(str(g["vague"]).casefold(), 2), None, None
        n1, n2 = self._number(g.get("n1")), self._number(g.get("n2"))
        if n1 is None:
            return None
        if n2 is not None:
            return (min(n1, n2), None, max(n1, n2))
        if g.get("least"):
            return n1, n1, None
        if g.get("more") or (g.get("after") or "").strip():
            return n1 + 1, None, None
        if g.get("about"):
            return math.floor(n1 * 0.8), n1, math.ceil(n1 * 1.2)
        if g.get("upto"):
            return 1, None, n1
        if g.get("nearly"):
            return max(1, math.floor(n1 * 0.8)), None, n1
        return n1, n1, n1

    def find_figures(self, sentence: str) -> list[Figure]:
        text = self.normalise(sentence)
        found: list[Figure] = []
        taken: list[tuple[int, int]] = []
        for pattern in self._fig_patterns:
            pos = 0
            while (m := pattern.search(text, pos)) is not None:
                s, e = m.span()
                pos = s + 1
                if any(s < te and ts < e for ts, te in taken):
                    continue
                pos = e
                g = m.groupdict()
                rng = self._range(g)
                if rng is None:
                    continue
                noun = g.get("noun") or ""
                if not noun:
                    category = CasualtyCategory.UNKNOWN
                elif self._combatants.fullmatch(noun):
                    category = CasualtyCategory.COMBATANTS
                elif self._people.fullmatch(noun) or self._others.fullmatch(noun):
                    category = CasualtyCategory.UNKNOWN
                else:
                    category = CasualtyCategory.CIVILIANS
                kind = (
                    CasualtyKind.INJURED
                    if self._injured.fullmatch(g["verb"] or "")
                    or self._injured.match(g["verb"] or "")
                    else CasualtyKind.KILLED
                )
                taken.append((s, e))
                found.append(Figure(category, kind, *rng, sentence[s:e], s, e))
        found.sort(key=lambda f: f.start)
        out: list[Figure] = []
        for f in found:  # "... and 12 others injured": others are of the category before
            if f.category == CasualtyCategory.UNKNOWN and self._others.search(
                self.normalise(f.text)
            ):
                known = [o for o in out if o.category != CasualtyCategory.UNKNOWN]
                if known:
                    f = Figure(
                        known[-1].category, f.kind, f.low, f.best, f.high, f.text, f.start, f.end
                    )
            out.append(f)
        return out

    # -- actors and attribution ----------------------------------------------------------------

    @cached_property
    def _own_actors(self) -> dict[str, Any]:
        path = resources.files(self.package).joinpath("actors.yaml")
        data: dict[str, Any] = yaml.safe_load(path.read_text("utf-8")) or {}
        return data

    @cached_property
    def _merged(self) -> ActorDictionary:
        base = yaml.safe_load(
            resources.files("truce.ingest").joinpath("data/actors.yaml").read_text("utf-8")
        )
        own = self._own_actors
        for section, key in (
            ("actors", "id"),
            ("institutions", "name"),
            ("outlets", "name"),
            ("people", "name"),
        ):
            extra: dict[str, list[str]] = own.get(section) or {}
            items = {str(item[key]): item for item in base.get(section, [])}
            for name, aliases in extra.items():
                if name not in items:
                    raise ValueError(
                        f"{self.package}/actors.yaml: {section} {name!r} is not in actors.yaml"
                    )
                items[name]["aliases"] = [*items[name].get("aliases", []), *aliases]
        # people only this language's sources name (the reconciliation centre's officers)
        for person in own.get("new_people") or []:
            if person.get("institution") not in {i["name"] for i in base.get("institutions", [])}:
                raise ValueError(
                    f"{self.package}/actors.yaml: {person.get('name')!r} speaks for an "
                    "institution that is not in actors.yaml"
                )
            base.setdefault("people", []).append(person)
        return ActorDictionary(base)

    def dictionary(self, base: ActorDictionary) -> ActorDictionary:
        return self._merged if base is ActorDictionary.default() else base

    def find_attribution(
        self, sentence: str, dictionary: ActorDictionary, previous: Attribution | None
    ) -> Attribution | None:
        text = self.normalise(sentence)
        mentions = dictionary.find_sources(text)
        for cue, side in self._attribution:
            for m in cue.finditer(text):
                found = self._source_at(text, m, side, mentions, previous)
                if found is None:
                    continue
                info, span = found
                info.setdefault("text", "")
                if info.get("via_only"):
                    info = {
                        "cited": info["via_only"],
                        "kind": SourceKind.OUTLET,
                        "text": info["text"],
                    }
                inherited = tuple(info.pop("via", None) or ())
                via = [
                    v.entry for v in mentions if v.category == "outlet" and isinstance(v.entry, str)
                ]
                via_t = tuple(v for v in dict.fromkeys([*inherited, *via]) if v != info["cited"])
                # the source and its cue; far apart ("X, ... bildirdi"), the words between are
                # the claim's, not the attribution's
                parts: tuple[tuple[int, int], ...] = (span,)
                text_ = sentence[span[0] : span[1]].strip()
                if span[1] - span[0] > 80:
                    head = (span[0], span[0] + len(info["text"])) if side == "before" else None
                    if head is not None:
                        parts = (head, (m.start(), m.end()))
                        text_ = f"{sentence[head[0] : head[1]]} … {sentence[m.start() : m.end()]}"
                return Attribution(
                    cited=info["cited"],
                    kind=info["kind"],
                    institution=info.get("institution"),
                    person=info.get("person"),
                    title=info.get("title"),
                    via=via_t,
                    verb=sentence[m.start() : m.end()].strip(),
                    text=text_.strip(),
                    start=parts[-1][0] if len(parts) > 1 else span[0],
                    end=span[1],
                    spans=parts,
                )
        return None

    def _source_at(
        self,
        text: str,
        m: re.Match[str],
        side: str,
        mentions: list[Mention],
        previous: Attribution | None,
    ) -> tuple[dict[str, Any], tuple[int, int]] | None:
        if side == "after":
            near = [x for x in mentions if 0 <= x.start - m.end() <= self.lexicon.source_after]
            if near:
                x = near[0]
                info = _resolve(x.text, x.start, mentions, previous)
                if info is not None:
                    return info, (m.start(), x.end)
            phrase = re.match(r"\s*([^,.;:،؛«»\"()]{2,70})", text[m.end() :])
            if phrase is None:
                return None
            words = phrase.group(1).split()[:6]
            cited = " ".join(words)
            end = m.end() + phrase.start(1) + len(cited)
        else:
            near = [x for x in mentions if 0 <= m.start() - x.end <= self.lexicon.source_before]
            if near:
                # "X, AA muhabirine yaptığı açıklamada": the outlet nearest the cue only heard
                # the statement; the speaker before it is the source (the outlet stays as via)
                speakers = [x for x in near if x.category != "outlet"]
                x = speakers[-1] if near[-1].category == "outlet" and speakers else near[-1]
                info = _resolve(x.text, x.start, mentions, previous)
                if info is not None:
                    info["text"] = x.text
                    return info, (x.start, m.end())
            head = text[max(0, m.start() - 60) : m.start()]
            piece = re.split(r"[,.;:،؛«»\"()]", head)[-1]
            words = piece.split()[-4:]
            cited = " ".join(words)
            end = m.end()
        # "Açıklamada, ..." ("In the statement, ..."): the cue is itself the anaphor, the
        # statement last cited (of an earlier sentence or paragraph)
        if (
            not cited
            and side == "before"
            and previous is not None
            and self._anaphors.match(m.group(0))
        ):
            return _carried(previous), (m.start(), m.end())
        if not cited or self._not_a_source.match(cited):
            return None
        start = m.start() if side == "after" else m.start() - len(cited)
        if self._anaphors.match(cited) and previous is not None:
            return _carried(previous), (start, end)
        if self._witnesses.search(cited):
            return {"cited": cited, "kind": SourceKind.WITNESS}, (start, end)
        return None

    # -- places --------------------------------------------------------------------------------

    def find_place_names(self, sentence: str) -> list[tuple[int, int, str, str]]:
        text = self.normalise(sentence)
        found: list[tuple[int, int, str, str]] = []

        def add(start: int, end: int, kind: str) -> None:
            if start >= end or any(start < e and s < end for s, e, _, _ in found):
                return
            phrase = sentence[start:end]
            if phrase.casefold() in self.lexicon.not_places:
                return
            if kind != "region" and (
                sum(ch.isalpha() for ch in phrase) < 3
                or any(p.match(text, start) for p, *_ in self._triggers)
            ):
                # "في قصف جوي" (in an air strike), "بـ": an event word or a stray letter after
                # a preposition, not a place; an unknown name would pass for a town elsewhere
                return
            found.append((start, end, phrase, kind))

        for pattern, _direction in self._regions:
            for m in pattern.finditer(text):
                add(m.start(), m.end(), "region")
        for pattern in (self._after_name, self._locative, self._bare_suffixed):
            for m in pattern.finditer(text):
                # "İdlib kentinde", "город Идлиб", "مدينة إدلب": the city, not the governorate
                city = self._city.search(m.group(0)[: m.start("name") - m.start()]) or (
                    self._city.match(text, m.end("name") + 1)
                )
                kind = "city" if city else "place"
                add(*self._trim(text, m.start("name"), m.end("name")), kind)
        return sorted(found)

    def _trim(self, text: str, start: int, end: int) -> tuple[int, int]:
        words = list(re.finditer(r"\S+", text[start:end]))
        while words and words[-1].group(0).casefold() in self.lexicon.not_places:
            words.pop()
        while words and words[0].group(0).casefold() in self.lexicon.not_places:
            words.pop(0)
        if not words:
            return start, start
        return start + words[0].start(), start + words[-1].end()

    def place_queries(self, name: str) -> Sequence[str]:
        text = self.normalise(name)
        for pattern, direction in self._regions:
            m = pattern.fullmatch(text)
            if m is not None:
                gov = next(
                    (english for p, english in self._governorates if p.match(m.group("gov"))),
                    None,
                )
                if gov is None:
                    return (name,)
                return (name, f"{direction} {gov}".strip())
        out = [name]
        if text != name:
            out.append(text)
        for gov_pattern, english in self._governorates:
            if gov_pattern.fullmatch(text):
                # a bare governorate's name is the governorate, as in English ("in Idlib")
                out.insert(0, english)
        out += self.lexicon.variants(text)
        words = text.split()
        for n in range(len(words) - 1, 0, -1):  # "سراقب ومعرة": the first words alone
            out.append(" ".join(words[:n]))
            out += self.lexicon.variants(" ".join(words[:n]))
        return list(dict.fromkeys(out))

    def is_governorate(self, name: str) -> bool:
        norm = self.normalise(name)
        return any(p.fullmatch(norm) for p, _ in self._governorates)

    def admin1(self, text: str) -> list[str]:
        norm = self.normalise(text)
        hits = []
        for pattern, english in self._governorates:
            hits += [(m.start(), english) for m in pattern.finditer(norm)]
        return [english for _, english in sorted(hits)]

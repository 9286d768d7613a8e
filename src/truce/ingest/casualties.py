"""Casualty figures as ranges (UCDP GED low/best/high), from the words news uses for them.

Quantities: "7" → 7/7/7; "at least 47" → low 47, best 47, no upper bound; "more than 40" → low
41; "several", "a number of", "a few", "many" → low 2, best unknown (the brief's and ACLED's
conservative reading); "dozens" → low 24; "scores" → low 40; "hundreds" → low 200; "about 20" →
16/20/24; "nearly 20" → 16..20, best unknown; "up to 9" → 1..9; "7 to 9", "between 7 and 9" →
7..9. Categories: civilians (civilians, children, women, residents...), combatants (soldiers,
fighters, militants...), or unknown ("people"). Kinds: killed or injured.

When one claim carries different figures for the same category and kind ("7 killed, according
to the Observatory; 9 according to activists"), :func:`combine` keeps the lowest as ``low``, the
highest as ``high`` and leaves ``best`` unknown: which source is right is not ours to decide.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from truce.model.vocab import CasualtyCategory, CasualtyKind

__all__ = ["Figure", "combine", "find_figures"]

_WORDS = {
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
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "a dozen": 12,
    "dozen": 12,
    "a hundred": 100,
}
_VAGUE = {
    "several": 2,
    "a number of": 2,
    "a few": 2,
    "few": 2,
    "many": 2,
    "numerous": 2,
    "some": 1,
    "multiple": 2,
    "dozens of": 24,
    "dozens": 24,
    "scores of": 40,
    "hundreds of": 200,
    "hundreds": 200,
}
_NUM = (
    r"\d{1,5}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three"
    r"|four|five|six|seven|eight|nine))?|a dozen|dozen|a hundred|one|two|three|four|five|six"
    r"|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen"
    r"|nineteen|twenty|an?"
)
_QUANT = (
    r"(?P<q>(?:(?P<mod>at least|more than|over|nearly|almost|about|around|approximately|some"
    r"|up to|as many as|roughly|an estimated|at most|fewer than|less than)\s+)?(?P<n1>"
    + _NUM
    + r")(?:\s*(?:-|–|to|or)\s*(?P<n2>"
    + _NUM
    + r"))?"
    r"|between\s+(?P<b1>" + _NUM + r")\s+and\s+(?P<b2>" + _NUM + r")"
    r"|(?P<vague>several|a number of|a few|many|numerous|multiple|dozens of|dozens|scores of"
    r"|hundreds of|hundreds))"
)
_CIV = (
    r"civilians?|people|persons?|residents?|villagers?|children|child|kids|women|woman|men"
    r"|man|family members|members of (?:a|one|the same) family|students?|farmers?|boys?|girls?"
    r"|displaced|workers?|aid workers?|medics?|volunteers?|others|shepherds?|patients"
    r"|Syrians|passers-by|worshippers|civilian patients|IDPs|babies|infants|teachers?"
    r"|journalists?|paramedics?|rescuers?|traders|doctors?|nurses?"
)
_COMBAT = (
    r"soldiers?|troops|servicem[ae]n|fighters?|militants?|terrorists?|rebels?|gunmen"
    r"|members|personnel|officers?|jihadists?|insurgents?|combatants?|policem[ae]n"
    r"|guards?|recruits?"
)
_NOUN = (
    r"(?:(?:[A-Z][\w'-]+|Syrian|Turkish|Russian|government|regime|opposition|pro-government"
    r"|HTS|army|local|other|more|young|elderly)\s+){0,2}?(?P<noun>" + _CIV + "|" + _COMBAT + r")"
)
_KILLED = r"killed|dead|died|deaths?|lost their lives|slain|perished|fatalities|martyred|lifeless"
_INJURED = r"injured|wounded|hurt|injuries|casualties"
_PATTERNS = (
    # "Seven children were among nine civilians killed", "a child was among the seven killed":
    # the toll is the nine; the seven are part of it
    re.compile(
        r"\b(?:were|was|are|is)\s+(?:reportedly\s+)?among\s+(?:the\s+)?"
        + _QUANT
        + r"(?:\s+"
        + _NOUN
        + r")?\s+(?:(?:people|persons)\s+)?(?:who\s+(?:were|have been)\s+)?"
        r"(?P<verb>killed|dead|injured|wounded)\b",
        re.I,
    ),
    # "killing at least 47 civilians", "wounded two children"
    re.compile(
        r"\b(?P<verb>kill(?:ed|ing|s)?|wound(?:ed|ing|s)?|injur(?:ed|ing|es)?|claimed the lives"
        r" of|left)\s+" + _QUANT + r"\s+" + _NOUN + r"(?:\s+(?P<after>dead|killed|injured"
        r"|wounded))?\b",
        re.I,
    ),
    # "Several civilians in northern Hama ... were killed", "5 soldiers were wounded"
    re.compile(
        r"\b" + _QUANT + r"\s+" + _NOUN + r"\b(?P<gap>[^.;]{0,80}?)\b(?:were|was|had been"
        r"|have been|has been|got|are|being)?\s*(?:reportedly\s+)?(?P<verb>"
        + _KILLED
        + "|"
        + _INJURED
        + r")\b",
        re.I,
    ),
    # "7 dead", "two killed and five wounded", "over 25 injuries"
    re.compile(r"\b" + _QUANT + r"\s+(?P<verb>dead|killed|injured|wounded|injuries)\b", re.I),
    # "the death toll rose to 9", "a toll of 12"
    re.compile(
        r"\b(?P<verb>death toll|toll)\b[^.;]{0,40}?\b(?:to|at|of|reached|is|was)\s+"
        + _QUANT
        + r"\b",
        re.I,
    ),
)


@dataclass(frozen=True, slots=True)
class Figure:
    category: CasualtyCategory
    kind: CasualtyKind
    low: int
    best: int | None
    high: int | None
    text: str
    start: int
    end: int


def _number(text: str | None) -> int | None:
    if not text:
        return None
    text = text.lower().strip()
    if text.isdigit():
        return int(text)
    if text in _WORDS:
        return _WORDS[text]
    parts = re.split(r"[- ]", text)
    if len(parts) == 2 and parts[0] in _WORDS and parts[1] in _WORDS:
        return _WORDS[parts[0]] + _WORDS[parts[1]]
    return None


def _range(g: dict[str, str | None]) -> tuple[int, int | None, int | None] | None:
    if g.get("vague"):
        return _VAGUE[g["vague"].lower()], None, None  # type: ignore[union-attr]
    if g.get("b1"):
        lo, hi = _number(g["b1"]), _number(g["b2"])
        return (lo, None, hi) if lo is not None and hi is not None and hi >= lo else None
    n1, n2 = _number(g.get("n1")), _number(g.get("n2"))
    if n1 is None:
        return None
    if n2 is not None:
        return (min(n1, n2), None, max(n1, n2))
    mod = (g.get("mod") or "").lower()
    if mod in ("at least", "an estimated"):
        return n1, n1, None
    if mod in ("more than", "over"):
        return n1 + 1, None, None
    if mod in ("nearly", "almost", "fewer than", "less than"):
        return max(1, math.floor(n1 * 0.8)), None, max(1, n1 - 1) if mod != "nearly" else n1
    if mod in ("about", "around", "approximately", "some", "roughly"):
        return math.floor(n1 * 0.8), n1, math.ceil(n1 * 1.2)
    if mod == "as many as":  # the figure reported, as its highest
        return 1, n1, n1
    if mod in ("up to", "at most"):
        return 1, None, n1
    return n1, n1, n1


def _category(noun: str | None) -> CasualtyCategory:
    if not noun:
        return CasualtyCategory.UNKNOWN
    noun = noun.lower()
    if re.fullmatch(_COMBAT, noun, re.I):
        return CasualtyCategory.COMBATANTS
    if noun in ("people", "persons", "person", "others"):
        return CasualtyCategory.UNKNOWN
    return CasualtyCategory.CIVILIANS


def _kind(verb: str) -> CasualtyKind:
    verb = verb.lower()
    if re.match(r"wound|injur|hurt|casualt", verb):
        return CasualtyKind.INJURED
    return CasualtyKind.KILLED


def find_figures(sentence: str) -> list[Figure]:
    """Casualty figures in ``sentence``, left to right, without overlaps."""
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            g = m.groupdict()
            if g.get("n1") and g["n1"].lower() in ("a", "an") and not g.get("noun"):
                continue
            rng = _range(g)
            if rng is None:
                continue
            verb = g.get("after") or g["verb"]
            if verb.lower() == "left" and not g.get("after"):
                continue
            category = _category(g.get("noun"))
            if g.get("noun") and g["noun"].lower() == "members" and "civilian" in sentence.lower():
                category = CasualtyCategory.CIVILIANS
            taken.append((s, e))
            found.append(Figure(category, _kind(verb), *rng, m.group(0), s, e))
    found.sort(key=lambda f: f.start)
    found = _coordinated(sentence, found, taken)
    # "Nine civilians, seven of them children, were killed": the seven are of the nine
    found = [
        f
        for i, f in enumerate(found)
        if not (_PART_OF.match(f.text) and any(o.kind == f.kind for o in found[:i]))
    ]
    return _others(found)


_PART_OF = re.compile(r"^\W*[\w-]+\s+of\s+(?:them|whom|those)\b", re.I)


#: "... killed, including five civilians", "among them two children": a part of the toll before
_INCLUDING = re.compile(
    r"\b(?:including|among them|among whom|of whom|of them)\s+" + _QUANT + r"\s+" + _NOUN + r"\b",
    re.I,
)
#: "five Turkish troops and three civilians were killed": the first figure's partner
_PARTNER = re.compile(
    r"(?:,\s*|\s+and\s+|\s+as well as\s+)" + _QUANT + r"\s+" + _NOUN + r"\b", re.I
)


def _coordinated(sentence: str, found: list[Figure], taken: list[tuple[int, int]]) -> list[Figure]:
    """Figures that share a verb with one already found: the partner in "five Turkish troops and
    three civilians were killed" (inside the first figure's match) and the part in "eight people
    were killed, including five civilians" (after it). Each takes its neighbour's kind."""
    extra: list[Figure] = []
    for f in found:
        for m in _PARTNER.finditer(sentence, f.start, f.end):
            rng = _range(m.groupdict())
            if rng is None or m.group("noun") is None:
                continue
            if any(e.start == m.start("q") for e in extra):
                continue
            extra.append(
                Figure(_category(m.group("noun")), f.kind, *rng, m.group(0).strip(" ,"),
                       m.start("q"), m.end())
            )  # fmt: skip
    for m in _INCLUDING.finditer(sentence):
        if any(m.start() < te and ts < m.end() for ts, te in taken):
            continue
        before = [f for f in found if f.end <= m.start() and m.start() - f.end < 80]
        rng = _range(m.groupdict())
        if not before or rng is None:
            continue
        category = _category(m.group("noun"))
        kind = before[-1].kind
        if category == before[-1].category or any(
            e.category == category and e.kind == kind for e in found + extra
        ):
            continue  # "at least 47 civilians, including 12 children": a part, not a count
        extra.append(Figure(category, kind, *rng, m.group(0), m.start(), m.end()))
    return sorted(found + extra, key=lambda f: f.start)


def _others(found: list[Figure]) -> list[Figure]:
    """ "killed two civilians and wounded 16 others": the others are of the category before."""
    out: list[Figure] = []
    for f in found:
        if f.category == CasualtyCategory.UNKNOWN and re.search(r"\bothers\b", f.text, re.I):
            known = [o for o in out if o.category != CasualtyCategory.UNKNOWN]
            if known:
                f = Figure(
                    known[-1].category, f.kind, f.low, f.best, f.high, f.text, f.start, f.end
                )
        out.append(f)
    return out


def combine(figures_in: list[Figure]) -> list[tuple[Figure, list[Figure]]]:
    """One range per (category, kind): the lowest low, the highest high, ``best`` only if every
    figure agrees. Returns each combined figure with the figures it came from."""
    figures = list(figures_in)
    groups: dict[tuple[CasualtyCategory, CasualtyKind], list[Figure]] = {}
    known = {(f.category, f.kind) for f in figures if f.category != CasualtyCategory.UNKNOWN}
    for i, f in enumerate(figures):
        same_kind = [c for c, k in known if k == f.kind]
        if f.category == CasualtyCategory.UNKNOWN and len(same_kind) == 1:
            # "7 civilians ..., while activists put the death toll at 9": one count, disputed
            figures[i] = f = Figure(
                same_kind[0], f.kind, f.low, f.best, f.high, f.text, f.start, f.end
            )
    for f in figures:
        groups.setdefault((f.category, f.kind), []).append(f)
    out = []
    for (category, kind), items in groups.items():
        low = min(f.low for f in items)
        highs = [f.high for f in items]
        high = None if any(h is None for h in highs) else max(h for h in highs if h is not None)
        bests = {f.best for f in items}
        best = bests.pop() if len(bests) == 1 else None
        if best is not None and best < low:
            best = None
        if high is not None and high < (best if best is not None else low):
            high = None
        text = "; ".join(f.text for f in items)
        out.append(
            (Figure(category, kind, low, best, high, text, items[0].start, items[-1].end), items)
        )
    return out

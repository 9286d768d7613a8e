"""The Russian reconciliation centre's daily bulletin: per-area ceasefire-violation counts.

The bulletin of the Russian Centre for the Reconciliation of Opposing Parties follows a fixed
shape, in Russian::

    За прошедшие сутки в зоне деэскалации Идлиб зарегистрировано 27 обстрелов со стороны
    незаконных вооруженных формирований: в провинции Латакия – 2, Алеппо – 5, Идлиб – 12,
    Хама – 8.

:func:`parse_ru_bulletin` finds each such sentence and returns a :class:`ViolationCounts`: the
period (the day before the bulletin's date — "за прошедшие сутки"), the total, and the count
per area with the area resolved through the gazetteer's admin index in its own script
(``Латакия`` → SY06 Latakia; :meth:`truce.geo.Gazetteer.admin_area`, with Russian х read as h
when the plain transliteration finds nothing: ``Хама`` → Hama).

Who is speaking is part of the record: every count is the issuing party's claim
(``speaker_party="ru"``, source ``Russian Centre for Reconciliation``). The violations it counts
are attributed by that party to the other side ("со стороны незаконных вооруженных
формирований"), so ``adverse=True``: in grading, a party's claim about the other party is
never corroboration (an ``F``/unconfirmed source reliability until an independent source
agrees, :data:`ADMIRALTY`). A total that does not equal the sum of the areas is kept and
flagged (``consistent=False``), not corrected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from truce.geo import Gazetteer
from truce.geo.names import cyrillic_to_latin

__all__ = ["ADMIRALTY", "AreaCount", "ViolationCounts", "parse_ru_bulletin"]

#: Admiralty grading of a party's count of the other side's violations: source reliability F
#: (cannot be judged: a party to the conflict about its adversary), information 6 (truth cannot
#: be judged) until another source confirms.
ADMIRALTY = "F6"
ISSUER = "Russian Centre for Reconciliation"

_MONTHS = {
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}  # fmt: skip
_DATE = re.compile(r"(\d{1,2})\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})", re.IGNORECASE)
_SENTENCE = re.compile(
    r"за\s+прошедшие\s+сутки(?P<where>[^.:]*?)зарегистрирован[оы]?\s+(?P<total>\d+)\s+"
    r"(?:обстрел\w*|нарушени\w*)(?P<rest>[^:]*):\s*(?P<areas>[^.]+)",
    re.IGNORECASE,
)
_AREA = re.compile(
    r"(?:в\s+)?(?:провинци[яиях]+\s+)?(?P<name>[А-ЯЁ][а-яё]+(?:[\s-][А-ЯЁ]?[а-яё]+)*)"
    r"\s*[–—-]\s*(?P<count>\d+)"
)
_ADVERSE = re.compile(r"со\s+стороны|боевик|террорист|незаконных\s+вооруженных", re.IGNORECASE)


@dataclass(frozen=True)
class AreaCount:
    name: str  # as written
    count: int
    pcode: str | None  # the governorate (or district) resolved, None when unknown
    area: str | None  # its English name

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "count": self.count, "pcode": self.pcode, "area": self.area}


@dataclass(frozen=True)
class ViolationCounts:
    """One bulletin sentence's counts, attributed to the party that issued it."""

    sentence: str
    total: int
    areas: tuple[AreaCount, ...]
    period: date | None  # the day counted (the day before the bulletin), when dated
    speaker_party: str = "ru"
    source: str = ISSUER
    adverse: bool = True  # the counted violations are attributed to the other side
    admiralty: str = ADMIRALTY
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def consistent(self) -> bool:
        return not self.areas or sum(a.count for a in self.areas) == self.total

    def to_json(self) -> dict[str, Any]:
        return {
            "speaker_party": self.speaker_party,
            "source": self.source,
            "period": self.period.isoformat() if self.period else None,
            "total": self.total,
            "consistent": self.consistent,
            "adverse": self.adverse,
            "admiralty": self.admiralty,
            "areas": [a.to_json() for a in self.areas],
            "sentence": self.sentence,
            "notes": list(self.notes),
        }


def _resolve(gazetteer: Gazetteer, name: str) -> tuple[str | None, str | None]:
    for text in (name, cyrillic_to_latin(name).replace("kh", "h")):
        area = gazetteer.admin_area(text)
        if area is not None:
            return area.pcode, area.name
    return None, None


def parse_ru_bulletin(
    text: str, *, published: date | None = None, gazetteer: Gazetteer | None = None
) -> list[ViolationCounts]:
    """Every violation-count sentence of a Russian bulletin (see the module docstring).

    ``published``: the bulletin's date when known (else the first date written in it); the
    period counted is the day before."""
    gaz = gazetteer or Gazetteer.default()
    text = " ".join(text.split())
    if published is None:
        m = _DATE.search(text)
        if m:
            try:
                published = date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
            except ValueError:
                published = None
    period = published - timedelta(days=1) if published else None
    found = []
    for m in _SENTENCE.finditer(text):
        areas = []
        for a in _AREA.finditer(m.group("areas")):
            name = a.group("name").strip()
            pcode, english = _resolve(gaz, name)
            areas.append(AreaCount(name, int(a.group("count")), pcode, english))
        notes = []
        unknown = [a.name for a in areas if a.pcode is None]
        if unknown:
            notes.append("areas not in the gazetteer: " + ", ".join(unknown))
        total = int(m.group("total"))
        if areas and sum(a.count for a in areas) != total:
            notes.append(f"the areas add up to {sum(a.count for a in areas)}, not {total}")
        adverse = bool(_ADVERSE.search(m.group("where") + m.group("rest")))
        found.append(
            ViolationCounts(
                sentence=m.group(0).strip(),
                total=total,
                areas=tuple(areas),
                period=period,
                adverse=adverse,
                notes=tuple(notes),
            )
        )
    return found

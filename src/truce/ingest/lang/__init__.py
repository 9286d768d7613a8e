"""The languages ingestion reads, one module each behind one interface (:class:`Language`).

English is the original reader (:mod:`truce.ingest.events`, :mod:`~truce.ingest.timex`,
:mod:`~truce.ingest.casualties`, :mod:`~truce.ingest.attribution`, :mod:`~truce.ingest.places`,
:mod:`~truce.ingest.actors`), wrapped here unchanged. Every other language is a folder
``truce/ingest/lang/<code>/`` holding a ``lexicon.py`` (a :class:`~truce.ingest.lang.rules.Lexicon`:
event words, modality cues, month and number words, casualty nouns and verbs, attribution
phrases, place prepositions) and an ``actors.yaml`` (the language's names for the actors and
sources of the shared dictionary); :class:`~truce.ingest.lang.rules.RuleLanguage` turns one into a
:class:`Language`. Adding a fifth language is adding a folder: :func:`get` finds it by its code.

Claim assembly (:mod:`truce.ingest.claims`) reads each paragraph with the language
:mod:`~truce.ingest.lang.detect` finds for it.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any, Protocol

from truce.ingest.actors import ActorDictionary
from truce.ingest.attribution import Attribution
from truce.ingest.casualties import Figure
from truce.ingest.events import Trigger
from truce.ingest.sentences import Sentence
from truce.ingest.timex import DateMention, Span
from truce.model.vocab import Modality

__all__ = ["ENGLISH", "Language", "available", "get", "parse_date_line"]


class Language(Protocol):
    """What claim extraction needs from a language (offsets are in the sentence given)."""

    code: str
    #: how many characters after a trigger its subject may stand (0: before it, as in English)
    subject_after: int

    def split_sentences(self, text: str, offset: int = 0) -> list[Sentence]: ...

    def find_triggers(self, sentence: str) -> list[Trigger]: ...

    def modality_for(self, sentence: str, trigger: Trigger) -> Modality: ...

    def is_future(self, sentence: str) -> bool: ...

    def foil_link(self, sentence: str) -> re.Match[str] | None: ...

    def find_dates(
        self, sentence: str, reference: date | None, *, future: bool = False
    ) -> list[DateMention]: ...

    def find_figures(self, sentence: str) -> list[Figure]: ...

    def dictionary(self, base: ActorDictionary) -> ActorDictionary: ...

    def find_attribution(
        self, sentence: str, dictionary: ActorDictionary, previous: Attribution | None
    ) -> Attribution | None: ...

    def find_place_names(self, sentence: str) -> list[tuple[int, int, str, str]]: ...

    def place_queries(self, name: str) -> Sequence[str]:
        """The names to look a place up by, best first: the name as written, then forms the
        gazetteer may know it by (a nominative for a declined Russian name, a romanisation)."""
        ...

    def admin1(self, text: str) -> list[str]:
        """The governorates ``text`` names (as the gazetteer takes them), in text order."""
        ...

    def is_governorate(self, name: str) -> bool:
        """Whether ``name`` is a governorate's name and nothing more."""
        ...


class _English:
    """The English reader, as it was before languages were added (the same functions)."""

    code = "en"
    subject_after = 0
    _GOVERNORATES = re.compile(r"\b(Idlib|Idleb|Hama|Aleppo|Latakia|Lattakia)\b")

    def split_sentences(self, text: str, offset: int = 0) -> list[Sentence]:
        from truce.ingest.sentences import split_sentences

        return split_sentences(text, offset)

    def find_triggers(self, sentence: str) -> list[Trigger]:
        from truce.ingest.events import find_triggers

        return find_triggers(sentence)

    def modality_for(self, sentence: str, trigger: Trigger) -> Modality:
        from truce.ingest.events import modality_for

        return modality_for(sentence, trigger)

    def is_future(self, sentence: str) -> bool:
        from truce.ingest.events import is_future

        return is_future(sentence)

    def foil_link(self, sentence: str) -> re.Match[str] | None:
        from truce.ingest.events import FOIL_LINK

        return FOIL_LINK.search(sentence)

    def find_dates(
        self, sentence: str, reference: date | None, *, future: bool = False
    ) -> list[DateMention]:
        from truce.ingest.timex import find_dates

        return find_dates(sentence, reference, future=future)

    def find_figures(self, sentence: str) -> list[Figure]:
        from truce.ingest.casualties import find_figures

        return find_figures(sentence)

    def dictionary(self, base: ActorDictionary) -> ActorDictionary:
        return base

    def find_attribution(
        self, sentence: str, dictionary: ActorDictionary, previous: Attribution | None
    ) -> Attribution | None:
        from truce.ingest.attribution import find_attribution

        return find_attribution(sentence, dictionary, previous)

    def find_place_names(self, sentence: str) -> list[tuple[int, int, str, str]]:
        from truce.ingest.places import find_place_names

        return find_place_names(sentence)

    def place_queries(self, name: str) -> Sequence[str]:
        return (name,)

    def admin1(self, text: str) -> list[str]:
        return [m.group(1) for m in self._GOVERNORATES.finditer(text)]

    def is_governorate(self, name: str) -> bool:
        return self._GOVERNORATES.fullmatch(name) is not None


ENGLISH: Language = _English()


@cache
def get(code: str) -> Language:
    """The language ``code`` (``en``, ``ru``, ``tr``, ``ar`` or any folder added here); an
    unknown code reads as English."""
    if code == "en":
        return ENGLISH
    try:
        module: Any = importlib.import_module(f"truce.ingest.lang.{code}")
    except ImportError:
        return ENGLISH
    language: Language = module.LANGUAGE
    return language


def available() -> tuple[str, ...]:
    """The language codes truce reads: English and every language folder here."""
    import pkgutil

    folders = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.ispkg)
    return ("en", *folders)


#: Labels before a date line: "Опубликовано:", "Yayınlanma:", "نشر في", "تاريخ النشر:"
_LABEL = re.compile(
    r"^(?P<label>опубликовано|дата публикации|обновлено|yayınlanma(?: tarihi)?|yayın tarihi"
    r"|güncelleme|güncellenme|تاريخ النشر|نشر في|نشر بتاريخ|تحديث|آخر تحديث)\s*:?\s*",
    re.I,
)
_UPDATED = re.compile(r"обновлено|güncelle|تحديث", re.I)


def parse_date_line(line: str) -> tuple[Span, str] | None:
    """A line that is only a date in Russian, Turkish or Arabic ("15 марта 2020 года", "15 Mart
    2020, 14:05", "١٥ آذار ٢٠٢٠"): its span and label ("published", "updated" or ""), as
    :func:`truce.ingest.timex.parse_date_line` gives for English (which tries this after its own
    forms)."""
    text = line.strip()
    if len(text) > 60 or not text:
        return None
    label = ""
    m = _LABEL.match(text)
    if m is not None:
        label = "updated" if _UPDATED.match(m.group("label")) else "published"
        text = text[m.end() :]
    core = re.sub(
        r"[\s,،|–-]*(?:в\s+|saat\s+|الساعة\s+)?\d{1,2}[:.]\d\d(?:\s*(?:MSK|TSİ|GMT))?$", "", text
    )
    core = core.strip(" .,،")
    if not core:
        return None
    for code in available():
        if code == "en":
            continue
        found = [d for d in get(code).find_dates(core, None) if d.span is not None]
        if len(found) != 1 or found[0].relative:
            continue
        d = found[0]
        rest = (core[: d.start] + core[d.end :]).strip(" .,،")
        if rest and not re.fullmatch(r"(?:года|г\.?|yılı|م|هـ|(?:\w+day|\w{2,12}))?", rest, re.I):
            continue
        if rest and code == "ru" and rest not in ("года", "г.", "г"):
            continue
        assert d.span is not None
        return d.span, label
    return None

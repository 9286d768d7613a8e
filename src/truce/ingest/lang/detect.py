"""Which of truce's languages a text is written in: English, Russian, Turkish or Arabic.

A script-and-letters heuristic, not a statistical model, chosen on purpose: the four languages
truce reads are told apart almost entirely by their writing systems (Cyrillic → Russian, Arabic
script → Arabic), and the one pair that shares a script, English and Turkish, by the letters only
Turkish has (ı İ ğ ş, with ç ö ü) and a short list of Turkish function words. That is exact on
the inputs that matter, deterministic, needs no model file, and costs microseconds per paragraph.
A statistical detector (lingua-language-detector, which ships its models in the wheel) would add
tens of megabytes to tell apart languages truce does not read; when a fifth language shares a
script with one of these (Ukrainian, Persian, Azerbaijani), this is the place to bring it in.

:func:`detect` gives a :class:`Detection`: the language code, a confidence in [0, 1], and the
letter counts it was based on. A text with too few letters to judge (a dateline, a number) is
``und`` with confidence 0; callers then take the document's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LANGUAGES", "Detection", "detect", "detect_document"]

#: The languages detection can return, besides "und" (undetermined).
LANGUAGES = ("en", "ru", "tr", "ar")

_TURKISH_LETTERS = frozenset("ıİğĞşŞ")
_TURKISH_SHARED = frozenset("çÇöÖüÜ")
_TURKISH_WORDS = frozenset(
    [
        "ve",
        "bir",
        "bu",
        "da",
        "de",
        "ile",
        "için",
        "olarak",
        "göre",
        "bildirdi",
        "açıklamasına",
        "tarafından",
        "sonra",
        "olan",
        "ise",
        "gibi",
        "kadar",
        "daha",
        "çok",
        "en",
        "ki",
        "mi",
        "ne",
        "yılında",
        "günü",
        "saldırı",
        "kişi",
        "köyü",
        "ilçesi",
    ]
)
_ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "in",
        "on",
        "at",
        "was",
        "were",
        "is",
        "are",
        "by",
        "for",
        "with",
        "that",
        "said",
        "from",
        "has",
        "have",
    ]
)
_WORD = re.compile(r"[^\W\d_]+")

#: Fewer letters than this and the text is not judged.
MIN_LETTERS = 12


@dataclass(frozen=True, slots=True)
class Detection:
    language: str  # "en", "ru", "tr", "ar" or "und"
    confidence: float
    letters: int

    def to_json(self) -> dict[str, object]:
        return {"language": self.language, "confidence": round(self.confidence, 2)}


def _script_counts(text: str) -> tuple[int, int, int, int]:
    latin = cyrillic = arabic = other = 0
    for ch in text:
        if not ch.isalpha():
            continue
        code = ord(ch)
        if code < 0x250 or 0x1E00 <= code < 0x1F00:
            latin += 1
        elif 0x400 <= code < 0x530:
            cyrillic += 1
        elif 0x600 <= code < 0x700 or 0x750 <= code < 0x780 or 0xFB50 <= code < 0xFF00:
            arabic += 1
        else:
            other += 1
    return latin, cyrillic, arabic, other


def detect(text: str) -> Detection:
    """The language of ``text`` (see the module docstring)."""
    latin, cyrillic, arabic, other = _script_counts(text)
    letters = latin + cyrillic + arabic + other
    if letters < MIN_LETTERS:
        return Detection("und", 0.0, letters)
    top = max(latin, cyrillic, arabic, other)
    share = top / letters
    if top == cyrillic:
        return Detection("ru", share, letters)
    if top == arabic:
        return Detection("ar", share, letters)
    if top == other:
        return Detection("und", 0.0, letters)
    words = [w.casefold() for w in _WORD.findall(text)]
    special = sum(ch in _TURKISH_LETTERS for ch in text)
    shared = sum(ch in _TURKISH_SHARED for ch in text)
    tr_words = sum(w in _TURKISH_WORDS for w in words)
    en_words = sum(w in _ENGLISH_WORDS for w in words)
    # A Turkish name in English text ("Hulusi Akar", "Çavuşoğlu") has the letters but not the
    # grammar: English function words outweigh it.
    tr_score = 2 * special + shared + 3 * tr_words
    en_score = 3 * en_words
    if tr_score > en_score and (special or tr_words >= 2):
        return Detection("tr", share * tr_score / (tr_score + en_score + 1), letters)
    return Detection("en", share * (en_score + 1) / (tr_score + en_score + 1), letters)


def detect_document(title: str | None, body: tuple[str, ...]) -> tuple[Detection, list[str]]:
    """The document's language (from its title and body together) and each paragraph's, a
    paragraph too short to judge taking the document's."""
    whole = detect(" ".join([title or "", *body]))
    doc_lang = whole.language if whole.language != "und" else "en"
    per = []
    for paragraph in body:
        found = detect(paragraph)
        per.append(
            found.language if found.language != "und" and found.confidence >= 0.6 else doc_lang
        )
    if whole.language == "und":
        whole = Detection("en", 0.0, whole.letters)
    return whole, per

"""Place-name normalisation for matching Arabic place names across transliterations and scripts.

The same Syrian village is written many ways (see ``domain.md``): Ma`arrat an Nu`man / Maarat
al-Numan / Maaret al-Noman; Khan Shaykhun / Khan Sheikhoun; Kafr Nubl / Kafranbel. Sources mix
BGN/PCGN romanisation with diacritics (GeoNames: ``Ḩumaymīm``), French-style spellings (``Hmaïmîm``,
``Djisr el Choghour``), English press spellings (``Hmeimim``), Russian-derived ones (``Khmeimim``)
and OCHA's own (``Orm Eljoz``). This module turns a name into matching keys, three tiers deep:

``fold``
    the name as written, case-folded and whitespace-collapsed (an *exact* match);
``normalise``
    a conservative Latin key: diacritics stripped, ayn/hamza marks (' ` ’ ʿ ʾ) dropped, the
    article (al-, el- and the assimilated an-, ash-, ad-, ar-, as-, at-, az-) dropped, ou/oo→u,
    o→u, ee→i, ei/ai/ey→ay, sch/ch→sh, dj→j, doubled letters collapsed, final -ah/-eh→-a,
    common words unified (Kafr/Kfar/Kefr, Tell/Tal, Deir/Dayr, Sheikh/Shaykh, Ma`arrat/Maaret...),
    spaces and hyphens removed. For Arabic script: tashkeel and tatweel removed, alef forms
    (أ إ آ ٱ) → ا, ة → ه, ى → ي, ؤ → و, ئ → ي, ء dropped, the article ال dropped;
``skeleton``
    a cheap fuzzy key for a second tier: the consonants of the normalised key with the
    transliteration-unstable ones merged (kh/ḥ → h, q/c → k, sh → s, th → t, dh → d, gh → g) and
    every vowel, w and y removed. ``Jarjanaz``/``Jarjnaz`` → ``jrjnz``; ``Hmeimim``/``Khmeimim``/
    ``Humaymim`` → ``hmmm``; ``Kafr Nubl``/``Kafranbel`` → ``kfrnbl``. Skeletons of fewer than
    three consonants are not used (``Qah`` and ``Kah`` both give ``kh``, and so does every
    other two-consonant name).

Keys are plain ``str``; the gazetteer indexes every variant of every place under each tier.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "MIN_SKELETON",
    "NAMES_VERSION",
    "arabic_key",
    "arabic_words",
    "fold",
    "has_arabic",
    "is_latin",
    "latin_key",
    "normalise",
    "skeleton",
    "skeleton_of_key",
    "transliteration_like",
]

#: Bump when any rule below changes: the shipped index (``data/places.tsv``) records it, and
#: :mod:`truce.geo.build` must be re-run (a test checks this).
NAMES_VERSION = 6

#: Shortest skeleton used for matching; shorter ones collide with hundreds of places.
MIN_SKELETON = 3

_ARABIC_RANGE = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")

# Letters NFKD does not decompose into a base letter plus a mark.
_LATIN_SPECIAL = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ə": "e",
        "Ə": "e",
        "ħ": "h",
    }
)

# Ayn and hamza are written ' ` ’ ‘ ʿ ʾ ʼ ʻ ´ or not at all: drop them all.
_AYN_HAMZA = re.compile("['`’‘ʿʾʼʻ´′‛\"“”]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# The article and its sun-letter assimilations, standalone after hyphens became spaces.
_ARTICLES = frozenset(
    {
        "al", "el", "il", "ul", "l",
        "an", "en", "ar", "er", "as", "es", "ash", "esh", "ech", "ach",
        "at", "et", "ath", "eth", "ad", "ed", "adh", "edh", "az", "ez", "ats", "ets",
    }
)  # fmt: skip

# Whole words with many spellings (checked after the letter rules below have run).
_WORDS = {
    "kfar": "kafr", "kefr": "kafr", "kafar": "kafr", "kufr": "kafr", "kfr": "kafr",
    "kifr": "kafr", "kafer": "kafr", "kefar": "kafr",
    "tel": "tal", "til": "tal",
    "dir": "dayr", "der": "dayr",
    "ayun": "uyun", "iyun": "uyun",
    "jbal": "jabal", "jibal": "jabal", "jebel": "jabal", "jabel": "jabal", "jbel": "jabal",
    "shaykh": "shaykh", "shikh": "shaykh", "shekh": "shaykh", "shayk": "shaykh",
    "shik": "shaykh", "sheykh": "shaykh",
    "khirbet": "khirba", "khirbat": "khirba", "kherbet": "khirba", "khurbet": "khirba",
    "khirba": "khirba", "kharbat": "khirba", "khrbat": "khirba", "khirbit": "khirba",
    "khurba": "khirba", "kherba": "khirba",
    "maret": "marat", "marit": "marat",
    "bayt": "bayt", "bit": "bayt", "bet": "bayt",
    "abu": "abu", "abo": "abu", "bu": "abu",
    "um": "um", "im": "um",
    "mazrat": "mazra", "mazraat": "mazra", "mazret": "mazra", "mazrah": "mazra",
    "qalat": "qalat", "kalat": "qalat", "qalaat": "qalat", "kalaat": "qalat",
    "bani": "bani", "beni": "bani", "bni": "bani",
    "wady": "wadi",
    "jisir": "jisr", "jiser": "jisr",
    "sharki": "sharqi", "sharqiya": "sharqi", "sharqia": "sharqi",
    "gharbiya": "gharbi",
    "fuqani": "fawqani", "fauqani": "fawqani", "fuqa": "fawqani",
}  # fmt: skip

_LETTER_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"sch", "sh"),  # German Sch
        (r"tch", "ch"),
        (r"dj", "j"),  # French Dj
        (r"ch", "sh"),  # French Ch (Cheikh, Choughour)
        (r"ou|oo|uu", "u"),  # French ou, English oo
        (r"ee|ii", "i"),
        (r"ei|ai|ey|ay", "ay"),  # Sheikh/Shaykh, Hmeimim/Humaymim
        (r"o", "u"),  # Arabic has no o: it is a damma (Morek, Noman, Tromba)
        (r"aw(?=[^aeiu]|$)", "u"),  # a long u written aw before a consonant (Jawz / Joz)
        (r"([a-z])\1+", r"\1"),  # doubled letters (Maarrat, Tell, Hammam)
    )
)

_DOUBLED = re.compile(r"([a-z])\1+")
_FINAL_A = re.compile(r"(?:iyeh|iyah|iya|ieh|iah|ia)$")
_FINAL_AH = re.compile(r"(?:ah|eh)$")

# Arabic: diacritics (tashkeel), superscript alef, Quranic marks, tatweel.
_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ة": "ه",
        "ۃ": "ه",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ء": "",
        "ک": "ك",
        "ڪ": "ك",
        "گ": "ك",
        "ھ": "ه",
        "ہ": "ه",
        "۰": "0",
    }
)
_ARABIC_NON_LETTER = re.compile("[^\u0621-\u064a\u0660-\u0669\u066e-\u06d3\u06d5]+")

_SKELETON_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"kh", "h"),  # خ and ح: Khmeimim (Russian х) / Hmeimim
        (r"sh", "s"),
        (r"th", "t"),
        (r"dh", "d"),
        (r"gh", "g"),
        (r"ph", "f"),
        (r"[qc]", "k"),  # Qah / Kah, Cisr
        (r"x", "ks"),
        (r"p", "b"),
        (r"v", "f"),
        # Vowels and the semivowels used to write them (Jawz / Joz). Consonants doubled only
        # now stay: Hmeimim is h-m-m-m, not h-m.
        (r"[aeiouyw]", ""),
    )
)


def has_arabic(text: str) -> bool:
    """True if ``text`` contains Arabic-script letters."""
    return _ARABIC_RANGE.search(text) is not None


def is_latin(text: str) -> bool:
    """True if every letter of ``text`` is a Latin letter (with or without diacritics)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(c, "") for c in letters)


# Letters of other languages' renderings (Azeri ə and x, Esperanto ŝ, Czech/Slovak carons,
# Turkish breves) that WOF's name lists carry: fine for an exact match, misleading as a
# skeleton ("Xeique Amade" is Portuguese for Shaykh Ahmad).
_FOREIGN_MARKS = frozenset("\u030c\u0306\u0328\u030a\u0302")  # caron breve ogonek ring circumflex
_FOREIGN_LETTERS = frozenset("xXəƏøØåÅ")


def transliteration_like(name: str) -> bool:
    """True if a Latin name looks like an English, BGN/PCGN or French transliteration of
    Arabic (used only to decide which variants feed the fuzzy skeleton tier)."""
    if _FOREIGN_LETTERS & set(name):
        return False
    decomposed = unicodedata.normalize("NFD", name)
    if name.isascii():
        return True
    # Circumflex is French-style (Hmaïmîm, Lâouié) and kept; Esperanto ŝ ĝ ĵ ĥ are not.
    return not any(
        c in _FOREIGN_MARKS and not (c == "\u0302" and decomposed[i - 1] in "aeiouAEIOU")
        for i, c in enumerate(decomposed)
    )


def fold(text: str) -> str:
    """The name as written, NFC, case-folded, with runs of whitespace made one space."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LATIN_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _latin_token(token: str) -> str:
    for pattern, repl in _LETTER_RULES:
        token = pattern.sub(repl, token)
    if len(token) >= 4:
        token = _FINAL_A.sub("iya", token)
        token = _FINAL_AH.sub("a", token)
    return _WORDS.get(token, token)


@lru_cache(maxsize=65536)
def latin_key(name: str) -> str:
    """The normalised key of a Latin-script name (see the module docstring); may be ''."""
    text = _AYN_HAMZA.sub("", _strip_marks(name).casefold())
    tokens = _NON_ALNUM.sub(" ", text).split()
    kept: list[str] = []
    after_article = False
    for i, token in enumerate(tokens):
        if token in _ARTICLES and len(tokens) > 1:
            after_article = True
            continue
        # An article written onto the word: "Orm Eljoz", "Tal Alkaramy" (not the first word:
        # "Aleppo" and "Elias" begin with the same letters).
        if i > 0 and not after_article and len(token) >= 5 and token[:2] in ("al", "el"):
            token = token[2:]
        after_article = False
        kept.append(_latin_token(token))
    # Once more across word boundaries: "Ma arrat" (an ayn written as a space), "Tal Lahm".
    return _DOUBLED.sub(r"\1", "".join(kept))


def arabic_words(text: str) -> list[str]:
    """The words of an Arabic-script text with tashkeel removed and letters unified (alef
    forms → ا, ة → ه, ى → ي …), article kept: for parsing phrases, not for matching."""
    text = _TASHKEEL.sub("", unicodedata.normalize("NFC", text)).translate(_ARABIC_LETTERS)
    return _ARABIC_NON_LETTER.sub(" ", text).split()


@lru_cache(maxsize=65536)
def arabic_key(name: str) -> str:
    """The normalised key of an Arabic-script name: no tashkeel, one alef, no article."""
    text = _TASHKEEL.sub("", unicodedata.normalize("NFC", name)).translate(_ARABIC_LETTERS)
    tokens = _ARABIC_NON_LETTER.sub(" ", text).split()
    kept = [t[2:] if t.startswith("ال") and len(t) > 3 else t for t in tokens]
    return "".join(kept)


def normalise(name: str) -> str:
    """The normalised key of ``name``: :func:`arabic_key` for Arabic script, else
    :func:`latin_key`. Arabic keys and Latin keys never collide (different scripts)."""
    return arabic_key(name) if has_arabic(name) else latin_key(name)


@lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """The consonant skeleton of a Latin-script name ('' for Arabic script or when too short
    to be useful: fewer than :data:`MIN_SKELETON` consonants)."""
    if has_arabic(name):
        return ""
    return skeleton_of_key(latin_key(name))


def skeleton_of_key(key: str) -> str:
    """The skeleton of an already normalised Latin key (``skeleton(n) ==
    skeleton_of_key(latin_key(n))``)."""
    for pattern, repl in _SKELETON_RULES:
        key = pattern.sub(repl, key)
    return key if len(key) >= MIN_SKELETON else ""

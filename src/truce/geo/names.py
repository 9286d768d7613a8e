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

Names in other scripts and languages are folded into the same keys:

``cyrillic_to_latin``
    Russian (and Ukrainian/Belarusian) Cyrillic → the Latin letters an English transliteration of
    the Arabic name would use: х → kh, ш → sh, дж/ж → j, в → w (Arabic و), й → y, ь ъ dropped,
    э/е → e … so ``Саракиб``/``Серакиб`` → ``sarakib``/``serakib`` and ``Хмеймим`` → ``khmeymim``.
    :func:`latin_key` applies it itself: a Cyrillic name has a Latin key and a skeleton.
``turkish_to_ascii``
    Turkish spelling → English-style letters: c → j, ç → ch, ş → sh, ğ → gh, ı → i
    (``Cisr-ı Şuğur`` → ``Jisr-i Shughur``). ş, ğ and ı are folded by :func:`latin_key` too (no
    other language the gazetteer meets uses them); the c → j step only when the caller says the
    name is Turkish (``lang="tr"``) — French ``c`` is a k.
``arabic_to_latin`` / ``arabic_skeleton``
    Arabic script → a consonantal Latin rendering (ق → q, خ → kh, ش → sh, ع dropped, ة → a …) and
    its consonant skeleton, so an Arabic name that no Arabic-script variant of the gazetteer has
    still meets the Latin spellings: ``سراقب`` → ``srqb`` → skeleton ``srkb`` = ``Saraqib``'s.

Keys are plain ``str``; the gazetteer indexes every variant of every place under each tier.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "LANGS",
    "MIN_SKELETON",
    "NAMES_VERSION",
    "arabic_key",
    "arabic_skeleton",
    "arabic_skeletons",
    "arabic_to_latin",
    "arabic_words",
    "cyrillic_to_latin",
    "fold",
    "has_arabic",
    "has_cyrillic",
    "is_latin",
    "latin_key",
    "normalise",
    "skeleton",
    "skeleton_of_key",
    "transliteration_like",
    "turkish_to_ascii",
]

#: Bump when any rule below changes: the shipped index (``data/places.tsv``) records it, and
#: :mod:`truce.geo.build` must be re-run (a test checks this).
NAMES_VERSION = 7

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
        # Turkish letters (no other language the gazetteer meets uses ş ğ ç this way).
        "ş": "sh",
        "Ş": "sh",
        "ğ": "gh",
        "Ğ": "gh",
        "ç": "ch",
        "Ç": "ch",
        "İ": "i",
    }
)

#: Languages a caller may name for a query (``Gazetteer.lookup(name, lang=...)``).
LANGS = frozenset({"ar", "en", "ru", "tr"})

_CYRILLIC_RANGE = re.compile("[\u0400-\u04ff]")
# Russian renderings of Arabic names: х is kh (خ, and often ح), в is و, ж and дж are ج.
_CYRILLIC_PAIRS = (("дж", "j"), ("кх", "kh"), ("ай", "ay"), ("ей", "ey"), ("ий", "i"), ("ый", "y"))
_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "w", "ә": "a", "ғ": "gh",
        "қ": "q", "һ": "h", "ң": "n", "ө": "o", "ү": "u",
    }
)  # fmt: skip
_TA_MARBUTA_CONSTRUCT = re.compile("ة(?=[\u064b-\u065f]*\\s+\\S)")
_TURKISH = str.maketrans(
    {"c": "j", "C": "J", "ç": "ch", "Ç": "Ch", "ş": "sh", "Ş": "Sh", "ğ": "gh", "Ğ": "Gh",
     "ı": "i", "İ": "I", "â": "a", "Â": "A", "î": "i", "û": "u", "ö": "o", "ü": "u"}
)  # fmt: skip
# Arabic letters → Latin consonants (vowel letters as the vowels they write; ع and ء dropped).
_ARABIC_LATIN = str.maketrans(
    {
        "ا": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d",
        "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t",
        "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m",
        "ن": "n", "ه": "h", "و": "w", "ي": "y", "پ": "p", "چ": "ch", "ڤ": "v",
    }
)  # fmt: skip

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


def has_cyrillic(text: str) -> bool:
    """True if ``text`` contains Cyrillic letters."""
    return _CYRILLIC_RANGE.search(text) is not None


def cyrillic_to_latin(text: str) -> str:
    """Cyrillic letters → Latin (see the module docstring); other characters kept."""
    text = unicodedata.normalize("NFC", text).casefold()
    for cyr, lat in _CYRILLIC_PAIRS:
        text = text.replace(cyr, lat)
    return text.translate(_CYRILLIC)


def turkish_to_ascii(text: str) -> str:
    """Turkish spelling → English-style transliteration letters (c → j, ş → sh, ğ → gh …)."""
    return unicodedata.normalize("NFC", text).translate(_TURKISH)


def arabic_to_latin(text: str) -> str:
    """An Arabic-script name → consonantal Latin letters, word by word, article dropped
    (``سراقب`` → ``sraqb``, ``خان شيخون`` → ``khanshykhwn``); '' for no Arabic letters.
    A final ة is ``a`` (``ah`` in most transliterations); ا ي و are kept as a, y, w."""
    # ة before another word is read t (the construct state: معرة النعمان, Ma`arrat an-Nu`man).
    text = _TA_MARBUTA_CONSTRUCT.sub("ت", unicodedata.normalize("NFC", text))
    words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in arabic_words(text)]
    # A final ه (ة unified) is a vowel: Hama, Saraqeb's "-ah" spellings drop it.
    words = [w[:-1] + "ا" if len(w) > 2 and w.endswith("ه") else w for w in words]
    return "".join(words).translate(_ARABIC_LATIN)


# Arabic letters → the skeleton's consonant classes directly (no Latin digraphs to run into
# each other: ت+ح is t-h, not "th"); long vowels, ع and ء are vowels ("a"), dropped last.
_ARABIC_SKELETON = str.maketrans(
    {
        "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "h", "د": "d", "ذ": "d",
        "ر": "r", "ز": "z", "س": "s", "ش": "s", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
        "غ": "g", "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
        "پ": "b", "چ": "s", "ڤ": "f", "ا": "a", "و": "a", "ي": "a", "ع": "a", "ء": "a",
    }
)  # fmt: skip


def arabic_skeletons(text: str) -> list[str]:
    """The Latin consonant skeletons an Arabic-script name may have, comparable with
    :func:`skeleton` of its Latin spellings: with a ة before another word read t (Ma`arrat
    an-Nu`man) and read as a vowel (Mazra`a, Khirba: the Latin keys' common words); '' ones
    (too short) left out."""
    text = unicodedata.normalize("NFC", text)
    out: dict[str, None] = {}
    for construct in (True, False):
        marked = _TA_MARBUTA_CONSTRUCT.sub("ت", text) if construct else text
        words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in arabic_words(marked)]
        words = [w[:-1] if len(w) > 2 and w.endswith("ه") else w for w in words]
        # As in Latin keys: doubled letters collapse, then the vowels go (Hmeimim: h-m-m-m).
        skel = _DOUBLED.sub(r"\1", "".join(words).translate(_ARABIC_SKELETON)).replace("a", "")
        if len(skel) >= MIN_SKELETON:
            out[skel] = None
    return list(out)


def arabic_skeleton(text: str) -> str:
    """The first of :func:`arabic_skeletons` ('' when too short)."""
    skeletons = arabic_skeletons(text)
    return skeletons[0] if skeletons else ""


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
    if has_cyrillic(name):
        return True  # folded by cyrillic_to_latin into transliteration letters
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
    text = unicodedata.normalize("NFC", text).translate(_LATIN_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
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
    """The normalised key of a Latin-script (or Cyrillic) name (see the module docstring);
    may be ''."""
    if has_cyrillic(name):
        name = cyrillic_to_latin(name)
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


def skeleton_of_key(key: str, minimum: int = MIN_SKELETON) -> str:
    """The skeleton of an already normalised Latin key (``skeleton(n) ==
    skeleton_of_key(latin_key(n))``); '' when shorter than ``minimum``."""
    for pattern, repl in _SKELETON_RULES:
        key = pattern.sub(repl, key)
    return key if len(key) >= minimum else ""

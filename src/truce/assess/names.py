"""Name keys for correlation and attribution: place names, actor names, parties.

The same village is written many ways (``docs/domain.md``, "Place names of north-west Syria"):
Ma`arrat an Nu`man / Maarat al-Numan / Maaret al-Noman; Khan Shaykhun / Khan Sheikhoun;
Kafr Nubl / Kafranbel. :func:`place_key` reduces a name to a consonant skeleton that these
variants share: diacritics, ayn/hamza marks (`` ` ' ’ ʿ ʾ``) and the article with its assimilated
forms (al-, el-, an-, ash-, ad-, ar-, as-, at-, az-) are dropped, digraphs folded
(kh→h, sh and French ch→s, dj→j, th→t, dh→d, gh→g, q→k), a final taa marbuta (-ah, -eh)
dropped, vowels dropped and doubled letters collapsed. Two keys (of three letters or more) one
edit apart are "close" (:func:`keys_close`), a weaker match that only adds to a spatial match.

Actors are matched by normalised name (:func:`actor_key`); a party is matched to the actors it
may be held responsible for by the stems of its name (:func:`party_matches_actor`):
"Russian Federation" ↔ "Military Forces of Russia", "Republic of Türkiye" ↔ "... of Turkey".

The gazetteer (``truce.geo``) can later resolve names to gazetteer ids; a location's
``gazetteer_id``, when present, is used as the key as it is.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "actor_key",
    "area_key",
    "keys_close",
    "name_stems",
    "party_matches_actor",
    "place_key",
]

_MARKS = re.compile(r"[`'’‘ʿʾ´ʻʼ]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ARTICLES = frozenset(
    {"al", "el", "il", "ul", "an", "ash", "as", "ad", "ar", "at", "az", "ath", "adh"}
)
# Words that describe a place rather than name it ("outskirts of Morek" is Morek).
_DESCRIPTORS = frozenset(
    {"village", "town", "city", "near", "outskirts", "of", "the", "vicinity", "centre", "center"}
)
_DIGRAPHS = (
    ("dj", "j"),
    ("kh", "h"),
    ("sh", "s"),
    ("ch", "s"),  # French: Cheikh, Choughour
    ("th", "t"),
    ("dh", "d"),
    ("gh", "g"),
    ("ph", "f"),
)
_FOLD = str.maketrans({"q": "k", "c": "k", "x": "ks"})
_VOWELS = re.compile(r"[aeiouy]+")
_DOUBLES = re.compile(r"(.)\1+")
_FINAL_H = re.compile(r"(?<=[aeiouy])h$")


def _ascii_words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", _MARKS.sub("", stripped.casefold())).split()


@lru_cache(maxsize=65536)
def place_key(name: str) -> str:
    """The consonant skeleton of a place name ("" when nothing is left)."""
    words = [w for w in _ascii_words(name) if w not in _ARTICLES and w not in _DESCRIPTORS]
    # Taa marbuta: Latamneh / Lataminah / Latamna. Word breaks vary too (Kafr Nubl /
    # Kafranbel; Khirbet Hajar / Khirbethajar), so digraphs are folded after joining.
    # Doubled letters collapse first, so that "Shughhii" and "Kkhalid" keep their digraphs.
    joined = "".join(_FINAL_H.sub("", _DOUBLES.sub(r"\1", word)) for word in words)
    if joined.isdigit():
        return joined
    for pair, single in _DIGRAPHS:
        joined = joined.replace(pair, single)
    return _DOUBLES.sub(r"\1", _VOWELS.sub("", joined.translate(_FOLD)))


def keys_close(a: str, b: str) -> bool:
    """True when two skeletons of three letters or more are at most one edit apart."""
    la, lb = len(a), len(b)
    if min(la, lb) < 3 or abs(la - lb) > 1:
        return False
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


@lru_cache(maxsize=65536)
def area_key(name: str) -> str:
    """Admin areas compare by their words, case- and accent-insensitively ("Idlib" = "idlib")."""
    return " ".join(_ascii_words(name))


@lru_cache(maxsize=65536)
def actor_key(name: str) -> str:
    return " ".join(_ascii_words(name))


_STEM_STOPWORDS = frozenset(
    {
        "military",
        "forces",
        "force",
        "republic",
        "federation",
        "ministry",
        "defence",
        "defense",
        "national",
        "army",
        "armed",
        "government",
        "state",
        "people",
        "popular",
        "united",
        "arab",
        "front",
        "group",
        "joint",
        "center",
        "centre",
        "police",
        "unit",
        "units",
    }
)


@lru_cache(maxsize=4096)
def name_stems(text: str) -> frozenset[str]:
    """Four-letter stems of the significant words: "Russian Federation" → {"russ"}."""
    return frozenset(w[:4] for w in _ascii_words(text) if len(w) >= 4 and w not in _STEM_STOPWORDS)


def party_matches_actor(
    party_id: str, party_name: str, actor_name: str, country: str | None
) -> bool:
    """Whether an actor named in a report is (a force of) the party.

    A heuristic over names, documented so that it can be checked: the party's id, or a stem of
    its name, appears among the stems of the actor's name or country.
    """
    actor = name_stems(actor_name) | (name_stems(country) if country else frozenset())
    if party_id.casefold() in {w for w in _ascii_words(actor_name)}:
        return True
    return bool(name_stems(party_name) & actor)

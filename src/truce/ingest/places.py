"""Places in a sentence: find the names, resolve them through the gazetteer (:mod:`truce.geo`).

Candidates come from the shapes news gives place names: a direction and a governorate ("northern
Hama", "the southern Idlib countryside") or an explicit admin word ("Idlib province", "the
governorate of Idlib") → an admin area at ACLED geo precision 3; a facility named after a place
("the Hmeimim airbase", "Kafr Nubl hospital") → that place at precision 2 (near a town); a
capitalised name after a locative preposition ("in Kafranbel", "near Khan Sheikhoun") or a place
noun ("the village of Murak") → the place at precision 1; Arabic-script names likewise. A bare
governorate name ("in Idlib") is the governorate, not its capital city, unless the text says
"city".

Lookups pass the governorate the document mentions and the places already resolved in it, so
the gazetteer can tell apart places of the same name (:meth:`truce.geo.Gazetteer.lookup`). A
name the gazetteer does not know, or knows only with low confidence, stays as written, marked
unresolved: coordinates are never invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from truce.geo.distance import haversine_km
from truce.ingest.actors import normalise_quotes
from truce.model.report import Location
from truce.model.vocab import GeoPrecision

__all__ = ["PlaceRef", "Resolver", "find_place_names", "load_gazetteer"]

#: Matches below this confidence stay unresolved (the name is kept as text).
MIN_CONFIDENCE = 0.6
#: Candidates that tie for a name and all lie within this distance of each other are
#: near-namesakes (two villages of one hillside, two records of one town): the one nearest
#: the text's other places is meant, not "unresolved".
NEAR_NAMESAKE_KM = 6.0

_NAME_TOKEN = (
    r"(?:(?:(?:al|el|as|ash|an|ad|ar|at|az|bin|ibn|abu|umm|um)[-\s])?[A-Z][\w'’`-]*"
    r"|[\u0600-\u06ff]+)"
)
_NAME_BARE = _NAME_TOKEN + r"(?:[\s-]+" + _NAME_TOKEN + r"){0,3}"
_NAME = r"(?P<name>" + _NAME_BARE + r")"
_DIRECTION = (
    r"(?:north|south|east|west|central|north-?west|north-?east|south-?west|south-?east)(?:ern)?"
)
_REGION = re.compile(
    r"\b(?P<text>(?:the\s+)?" + _DIRECTION + r"(?:\s+(?:rural|countryside of|parts of|outskirts"
    r" of))?\s+(?P<name>[A-Z][\w'’`-]+)(?:\s+(?:countryside|province|governorate|region"
    r"|suburbs|outskirts|countryside))?)\b",
)
_ADMIN = re.compile(
    r"\b(?P<text>(?:(?:the\s+)?(?:" + _DIRECTION + r"\s+)?(?:Syrian\s+)?(?:province|governorate"
    r"|countryside|district|sub-district)\s+of\s+(?P<name1>[A-Z][\w'’`-]+))"
    r"|(?P<name2>[A-Z][\w'’`-]+)\s+(?:province|governorate|countryside|district|sub-district"
    r"|Province|Governorate|District))\b",
)
_SITE = re.compile(
    r"\b(?P<text>" + _NAME + r"\s+(?:air\s*base|airbase|air\s*field|airfield|airport"
    r"|military\s+airport|military\s+base|base|hospital|(?:(?:[Dd]isplacement|[Dd]isplaced|IDP|[Rr]efugee)\s+)?[Cc]amps?|camp|dam|observation\s+post"
    r"|observation\s+point|checkpoint|crossing|border crossing|prison|school|mosque|market))\b",
)
_LOCATIVE = re.compile(
    r"\b(?:in|near|at|outside|around|into|towards|toward|from|on|across|between|hit|struck"
    r"|shelled|bombed|targeted|targeting|entered|reached|besieged)\s+(?:the\s+)?"
    r"(?:(?:town|village|city|villages|towns|area|areas|vicinity|outskirts|countryside"
    r"|suburb|hamlet|district)\s+of\s+)?" + _NAME,
)
_PLACE_NOUN = re.compile(
    r"\b(?P<noun>town|village|city|hamlet|villages|towns|area|neighbou?rhood|outskirts|suburbs"
    r"|countryside|vicinity)\s+of\s+" + _NAME,
)
# (no "^": ``match`` at a position anchors there, "^" would only match at the string's start)
_AND_MORE = re.compile(r"\s*(?:,\s*|\s+and\s+|\s+or\s+)" + _NAME)
#: "rural Idlib", "the countryside of Jisr al-Shughur", "the Jisr al-Shughur countryside",
#: "Idlib's southern countryside": areas around a town or of an admin unit
_AREA = re.compile(
    r"\b(?P<text>(?:rural|(?:the\s+)?(?:" + _DIRECTION + r"\s+)?(?:countryside|outskirts|suburbs)"
    r"\s+of)\s+"
    + _NAME_BARE
    + r"|(?:(?:the\s+)?"
    + _DIRECTION
    + r"\s+)?"
    + _NAME_BARE
    + r"(?:['’]s)?\s+(?:(?:"
    + _DIRECTION
    + r")\s+)?"
    r"(?:countryside|outskirts|suburbs|environs))\b"
)
#: The words of an area phrase around its town's name ("the northern countryside of", "rural")
_AREA_WORDS = re.compile(
    r"\b(?:the|rural|of|" + _DIRECTION + r"|countryside|outskirts|suburbs|environs)\b|['’]s\b",
    re.I,
)
#: Masked before names are looked for: a country as owner or adjective of a place ("Syria's
#: Idlib", "Syrian Idlib", "northern Syria's Hama"): the place is what follows.
_COUNTRY_OWNER = re.compile(
    r"\b(?:(?:" + _DIRECTION + r")\s+)?(?:Syria|Turkey|Iraq|Lebanon)(?:['’]s)\s+"
    r"|\b(?:Syrian|Turkish)\s+(?=(?:town|village|city|province|governorate|region|border"
    r"|countryside|[A-Z][a-z]))"
)
#: An all-capitals dateline place: "JISR AL-SHUGHUR, Syria (AP) —"
_DATELINE = re.compile(
    r"(?:^|(?<=\s))(?P<name>[A-Z][A-Z'’`]+(?:[\s-]+[A-Z][A-Z'’`]+){0,3}),\s+(?:Syria|Turkey)"
    r"\s*(?:\(|—|–|-)"
)
#: A possessive inside a name: "Afrin's Jandairis" (two places), "Hama's airport" (a site).
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")

_NOT_PLACES = frozenset(
    [
        # quantifiers: "Several school children", "Many camp residents"
        "several",
        "many",
        "some",
        "most",
        "all",
        "both",
        "few",
        "dozens",
        "hundreds",
        "thousands",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "it",
        "he",
        "she",
        "they",
        "we",
        "i",
        "his",
        "her",
        "their",
        "its",
        "our",
        "according",
        "however",
        "but",
        "and",
        "also",
        "although",
        "despite",
        "ministry",
        "defense",
        "defence",
        "army",
        "military",
        "forces",
        "government",
        "president",
        "minister",
        "agency",
        "news",
        "observatory",
        "council",
        "center",
        "centre",
        "committee",
        "un",
        "us",
        "u.s",
        "eu",
        "nato",
        "russia",
        "turkey",
        "syria",
        "iran",
        "iraq",
        "israel",
        "lebanon",
        "jordan",
        "usa",
        "america",
        "europe",
        "moscow",
        "ankara",
        "damascus",
        "tehran",
        "washington",
        "sochi",
        "astana",
        "geneva",
        "kremlin",
        "pentagon",
        "white",
        "house",
        "reuters",
        "afp",
        "ap",
        "anadolu",
        "tass",
        "sana",
        # demonyms and adjectives the gazetteer has look-alike villages for ("Kurdish" is not
        # the village of Kardish, "Sana’a" in "Syrian Arab News Agency (SANA)" is not Sanaa)
        "kurdish",
        "kurds",
        "syrian",
        "syrians",
        "turkish",
        "russian",
        "iranian",
        "arab",
        "arabs",
        "alawite",
        "sunni",
        "shia",
        "druze",
        "islamic",
        "jihadist",
        "sana’a",
        "sana'a",
        "hts",
        "isis",
        "sdf",
        "ypg",
        "nlf",
        "sna",
        "fsa",
        "state",
        "english",
        "arabic",
        "twitter",
        "telegram",
        "facebook",
        "youtube",
    ]
)
_COUNTRIES = frozenset({"syria", "turkey", "russia", "iran", "iraq", "israel", "lebanon", "jordan"})
_GOVERNORATES = frozenset(
    {
        "idlib",
        "idleb",
        "hama",
        "aleppo",
        "halab",
        "latakia",
        "lattakia",
        "homs",
        "tartus",
        "raqqa",
        "deir ez-zor",
        "hasakah",
        "damascus",
        "daraa",
        "quneitra",
        "as-suwayda",
    }
)


@dataclass(frozen=True)
class PlaceRef:
    """A place as the text names it and what it resolved to."""

    text: str
    start: int  # in the sentence
    end: int
    kind: str  # "region", "site", "place"
    resolved: bool = False
    location: Location | None = None
    name: str | None = None  # the gazetteer's name
    gazetteer_id: str | None = None
    method: str = ""
    confidence: float = 0.0
    from_context: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "resolved": self.resolved, "kind": self.kind}
        if self.location is not None:
            loc = self.location
            if self.name:
                data["name"] = self.name
            if self.gazetteer_id:
                data["gazetteer_id"] = self.gazetteer_id
            if loc.point is not None:
                data["lat"] = format(loc.point.lat, "f")
                data["lon"] = format(loc.point.lon, "f")
                data["error_m"] = loc.point.error_m
            if loc.area:
                data["area"] = loc.area
            if loc.admin1:
                data["admin1"] = loc.admin1
            data["precision"] = int(loc.precision)
            data["method"] = self.method
            data["confidence"] = round(self.confidence, 2)
        if self.from_context:
            data["from_context"] = True
        return data


def find_place_names(sentence: str) -> list[tuple[int, int, str, str]]:
    """(start, end, text, kind) for each place-like phrase, left to right, no overlaps."""
    text = _COUNTRY_OWNER.sub(lambda m: " " * len(m.group(0)), normalise_quotes(sentence))
    found: list[tuple[int, int, str, str]] = []

    def add(start: int, end: int, kind: str) -> None:
        if any(start < e and s < end for s, e, _, _ in found):
            return
        phrase = sentence[start:end].strip()
        phrase = re.sub(r"^the\s+", "", phrase, flags=re.I)
        found.append((end - len(phrase), end, phrase, kind))

    for m in _DATELINE.finditer(text):
        if m.group("name").lower() not in _NOT_PLACES:
            add(m.start("name"), m.end("name"), "place")
    for m in _AREA.finditer(text):
        start, end = _trim(text, m.start("text"), m.end("text"))
        city = re.match(r"\s+city\b", text[end : end + 6], re.I)  # "outskirts of Idlib city"
        if start < end and re.search(r"[A-Z]", text[start:end]) and not city:
            add(start, end, "region")
    # from here on "Afrin's Jandairis" reads as "Afrin, Jandairis", "Hama's airport" as
    # "Hama   airport" (same length: offsets stay those of the sentence)
    text = _POSSESSIVE.sub(
        lambda m: ", " if re.match(r"\s+[A-Z]", text[m.end() : m.end() + 2]) else "  ", text
    )

    for m in _REGION.finditer(text):
        if m.group("name").lower() not in _COUNTRIES and m.group("name").lower() != "syrian":
            add(m.start("text"), m.end("text"), "region")
    for m in _ADMIN.finditer(text):
        add(m.start("text"), m.end("text"), "region")
    for m in _SITE.finditer(text):
        start, end = _trim(text, m.start("name"), m.end("text"))
        if re.match(r"[A-Z0-9]", text[start:end]):  # not "school" left of "Several school"
            add(start, end, "site")
    for pattern in (_PLACE_NOUN, _LOCATIVE):
        for m in pattern.finditer(text):
            start, end = _trim(text, m.start("name"), m.end("name"))
            if start >= end:
                continue
            add(start, end, _city_or_place(text, m, start, end))
            tail = m.end("name")
            while (more := _AND_MORE.match(text, tail)) is not None:
                s2, e2 = _trim(text, more.start("name"), more.end("name"))
                if s2 < e2:
                    add(s2, e2, "place")
                tail = more.end("name")
    for m in re.finditer(r"[\u0600-\u06ff]+(?:\s+[\u0600-\u06ff]+){0,2}", text):
        add(m.start(), m.end(), "place")
    return sorted(found)


_NEAR_CITY = re.compile(r"\b(?:near|outside|city\s+of|outskirts\s+of)\s+(?:the\s+)?$", re.I)


def _city_or_place(text: str, m: re.Match[str], start: int, end: int) -> str:
    """ "city" for a governorate's name that means its capital: "Idlib city", "the city of
    Idlib", "near Idlib", "outside Hama" (one is near a point, not inside a province)."""
    if text[start:end].lower() not in _GOVERNORATES:
        return "place"
    before = text[m.start() : start]
    if _NEAR_CITY.search(before) or re.match(r"\s+city\b", text[end : end + 6], re.I):
        return "city"
    return "place"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading/trailing words that cannot be (part of) a place name."""
    words = list(re.finditer(r"\S+", text[start:end]))
    while words and words[0].group(0).lower().strip("'’") in _NOT_PLACES:
        words.pop(0)
    while words and (
        words[-1].group(0).lower().strip("'’.,") in _NOT_PLACES
        or re.fullmatch(r"(?:al|el|as|ash|an|ad|ar|at|az)-?", words[-1].group(0), re.I)
    ):
        words.pop()
    if not words:
        return start, start
    return start + words[0].start(), start + words[-1].end()


def load_gazetteer() -> Any:
    """The default gazetteer, or None when :mod:`truce.geo` is not available."""
    try:
        from truce.geo import Gazetteer
    except ImportError:  # pragma: no cover - geo ships with truce; this guards partial installs
        return None
    return Gazetteer.default()


def node_gazetteer(node: Any) -> Any:
    """A node's gazetteer: the shipped one (or the one built with the center's imported place
    lists, ``truce gazetteer import``) plus the sites registered in its ledger, so "Hmeimim Air
    Base" resolves to the registered base rather than the village it is named after."""
    from truce.agreement.sites import register_sites
    from truce.geo.local import local_gazetteer

    gazetteer = local_gazetteer(node.settings.home / "gazetteer")
    register_sites(gazetteer, node)
    return gazetteer


class Resolver:
    """Resolves place names for one document, remembering what it resolved (``near``) and the
    governorate the document is about (``admin1``)."""

    def __init__(self, gazetteer: Any, admin1: str | None = None) -> None:
        self.gazetteer = gazetteer
        self.admin1 = admin1
        self.near: list[Any] = []
        #: The language of the text being read ("ru", "tr", "ar"; None for English): the
        #: gazetteer reads a name by it ("Cisr" in Turkish is "Jisr").
        self.lang: str | None = None
        self._cache: dict[tuple[str, str, str | None], PlaceRef] = {}

    def resolve(self, start: int, end: int, text: str, kind: str) -> PlaceRef | None:
        key = (text.casefold(), kind, self.lang)
        cached = self._cache.get(key)
        if cached is not None:
            return PlaceRef(
                text,
                start,
                end,
                kind,
                cached.resolved,
                cached.location,
                cached.name,
                cached.gazetteer_id,
                cached.method,
                cached.confidence,
            )
        ref = self._resolve(start, end, text, kind)
        if ref is not None:
            self._cache[key] = ref
        return ref

    def _resolve(self, start: int, end: int, text: str, kind: str) -> PlaceRef | None:
        words = text.split()
        bare = words[0].lower().strip("'’") if words else ""
        if len(words) == 1 and (bare in _NOT_PLACES or bare in _COUNTRIES):
            return None
        gaz = self.gazetteer
        if gaz is None:
            return PlaceRef(text, start, end, kind)
        if kind == "region" or (kind == "place" and text.lower() in _GOVERNORATES):
            area = gaz.admin_area(text)
            if area is not None:
                loc = area.location(text)
                return PlaceRef(
                    text, start, end, "region", True, loc, area.label, area.pcode, "admin area", 1.0
                )
            if kind == "region":
                # "the northern Syrian governorate of Idlib": the direction is Syria's; the
                # governorate is the last name in the phrase
                name = re.findall(r"[A-Z][\w'’`-]+", text)
                area = gaz.admin_area(name[-1]) if name else None
                if area is not None and area.direction is None:
                    loc = area.location(text)
                    return PlaceRef(
                        text,
                        start,
                        end,
                        "region",
                        True,
                        loc,
                        area.label,
                        area.pcode,
                        "admin area (name in phrase)",
                        0.9,
                    )
                # "the outskirts of Jisr al-Shughur", "the Ariha countryside": around a town
                core = _AREA_WORDS.sub(" ", text).strip()
                if core and core != text and not _AREA_WORDS.search(core):
                    around = self._resolve(start, end, core, "site")
                    if around is not None and around.resolved:
                        return replace(around, text=text, method=f"{around.method}; around it")
                return PlaceRef(text, start, end, kind)
        query = _POSSESSIVE.sub("", text)  # "Hama's airport": Hama airport
        if kind == "city":
            kind = "place"
        precision = GeoPrecision.TOWN
        if kind == "site":
            precision = GeoPrecision.NEAR_TOWN
        by_lang = {"lang": self.lang} if self.lang else {}
        try:
            matches = gaz.lookup(query, admin1=self.admin1, near=tuple(self.near[-5:]), **by_lang)
        except Exception:  # a bad admin1 hint: look up without it
            matches = gaz.lookup(query, near=tuple(self.near[-5:]), **by_lang)
        if not matches:
            return PlaceRef(text, start, end, kind) if _plausible(text) else None
        best = _near_namesake(matches) or matches[0]
        if best.confidence < MIN_CONFIDENCE and self.near:
            # ``near`` lowers far candidates, but a name with one candidate is that place
            alone = gaz.lookup(query, admin1=self.admin1, **by_lang)
            if alone and alone[0].ambiguous == 1 and alone[0].confidence >= MIN_CONFIDENCE:
                best = alone[0]
        if best.confidence < MIN_CONFIDENCE:
            return PlaceRef(text, start, end, kind, method=best.method, confidence=best.confidence)
        if best.place.kind == "site":
            precision = GeoPrecision.TOWN
        loc = best.place.location(text, precision=precision)
        self.near.append(best.place)
        return PlaceRef(
            text,
            start,
            end,
            kind,
            True,
            loc,
            best.place.name,
            best.place.id,
            best.method,
            best.confidence,
        )


def _near_namesake(matches: list[Any]) -> Any | None:
    """The best of candidates that tie only because they lie a few kilometres apart: the one
    nearest the document's other places (``distance_km``; else the first), with the confidence
    it would have alone. None when the best candidate has no such rivals."""
    best = matches[0]
    if best.ambiguous < 2:
        return None
    tied = [m for m in matches if m.ambiguous == best.ambiguous][: best.ambiguous]
    if len(tied) < 2:
        return None
    for i, a in enumerate(tied):
        for b in tied[i + 1 :]:
            far = haversine_km(
                float(a.place.lat), float(a.place.lon), float(b.place.lat), float(b.place.lon)
            )
            if far > NEAR_NAMESAKE_KM:
                return None
    pick = min(tied, key=lambda m: (m.distance_km is None, m.distance_km or 0.0))
    alone = best.confidence * (1 + 0.5 * (len(tied) - 1))  # undo the share of the tie
    return replace(
        pick,
        confidence=round(min(1.0, alone), 4),
        ambiguous=1,
        method=f"{pick.method}; near-namesake nearest the text's other places",
    )


def _plausible(text: str) -> bool:
    """An unknown name worth keeping as unresolved text (not a stray capitalised word)."""
    stripped = text.strip()
    if re.search(r"[\u0600-\u06ff]", stripped):
        return True
    return len(stripped) >= 4 and stripped[0].isupper() and stripped.lower() not in _NOT_PLACES

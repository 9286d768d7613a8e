"""The gazetteer: place names → places, region phrases → admin areas, points → admin units.

``Gazetteer.default()`` is the monitored area's gazetteer, loaded once per process from package
data (13,500 places merged from GeoNames via Who's On First and OCHA's community list, and
OCHA's admin 1–3 boundaries; see ``data/SOURCES.md``). ``Gazetteer.from_files()`` builds one for
another area from a GeoNames dump, OCHA-style CSV/GeoJSON place lists and COD-AB admin GeoJSON.

Lookups go through dictionaries built once (key → places), one per match tier — exact, normalised
Latin, normalised Arabic, consonant skeleton (:mod:`truce.geo.names`) — never a scan. Candidates
are ranked by match tier, by agreement with the governorate the text mentions (``admin1``), by
distance to the other places of the same document (``near``), then by population; confidence
drops when several places fit equally well. An unknown name gives ``[]``: coordinates are never
invented.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from truce.errors import NotFoundError, ValidationError
from truce.geo.admin import AdminIndex, AdminUnit
from truce.geo.build import (
    ADMIN_FILES,
    DATA,
    SOURCE_FILES,
    IndexedPlaces,
    Keys,
    build_places,
    place_keys,
    read_index,
)
from truce.geo.distance import haversine_km
from truce.geo.names import arabic_key, fold, has_arabic, latin_key, skeleton
from truce.geo.place import AdminArea, Direction, Match, Method, Place
from truce.geo.sources import read_places

__all__ = ["Gazetteer"]

#: Confidence of each match tier before context (skeleton matches scale with similarity).
TIER_CONFIDENCE: dict[str, float] = {
    "exact": 1.0,
    "normalised": 0.95,
    "arabic": 0.95,
    "skeleton": 0.8,  # times 0.4 + 0.6 × similarity
}
#: Longer "names" are sentences, not names: they match nothing.
MAX_NAME_LENGTH = 200
#: A skeleton match also needs this much similarity (difflib ratio) of the normalised keys.
SKELETON_MIN_SIMILARITY = 0.7
#: Factor for a candidate outside the governorate the text mentions (one with no known
#: governorate gets the middle value).
ADMIN1_MISMATCH = 0.5
ADMIN1_UNKNOWN = 0.8
#: Candidates within this distance of each other count as one place when judging ambiguity
#: (two sources' records of one village that the merge kept apart).
SAME_PLACE_KM = 3.0
_NEAR_FULL_KM = 30.0
_DESCRIPTOR = re.compile(
    r"^(?:the\s+)?(?:(?:village|town|city|hamlet|outskirts)\s+of\s+)?(?P<core>.+?)"
    r"(?:\s+(?:village|town|city|air\s*base|air\s*field|airfield|airport|military\s+airport|"
    r"military\s+base|base|(?:(?:displacement|displaced|idp|refugee)\s+)?camps?|hospital|outskirts))?$",
    re.IGNORECASE,
)
_MAX_RESULTS = 10
_KIND_ORDER = {"site": 0, "populated place": 1, "admin area": 2}

_BaseIndex = dict[str, list[int]]
_SiteIndex = dict[str, list[Place]]
_TIERS = 4  # exact, normalised Latin, Arabic, skeleton: the order of build.place_keys


class Gazetteer:
    """Places indexed by name; admin areas; registered sites (see the module docstring)."""

    def __init__(
        self,
        places: Sequence[Place],
        admin: AdminIndex,
        *,
        keys: Sequence[Keys] | None = None,
    ) -> None:
        self.admin = admin
        self._places = places
        self._by_id: dict[str, int] = {}
        self._index: tuple[_BaseIndex, ...] = ({}, {}, {})  # exact, Latin, Arabic
        for i in range(len(places)):
            ids = places.ids(i) if isinstance(places, IndexedPlaces) else places[i].ids
            for ident in ids:
                self._by_id.setdefault(ident, i)
        if keys is None:
            keys = [place_keys(p) for p in places]
        for tier, index in enumerate(self._index):
            setdefault = index.setdefault
            for i in range(len(places)):
                # Keys are de-duplicated per place, so a place enters a bucket at most once.
                for key in keys[i][tier]:
                    if key:
                        setdefault(key, []).append(i)
        # The skeleton tier keeps the Latin key each skeleton came from, to score similarity.
        self._skeletons: dict[str, list[tuple[int, str]]] = {}
        setdefault_pairs = self._skeletons.setdefault
        for i in range(len(places)):
            latin, skeletons = keys[i][1], keys[i][3]
            for key, skel in zip(latin, skeletons, strict=False):
                if skel:
                    setdefault_pairs(skel, []).append((i, key))
        # Registered sites live in their own small indexes, so that copy() can share the
        # large ones.
        self._sites: dict[str, Place] = {}
        self._site_ids: dict[str, Place] = {}
        self._site_index: tuple[_SiteIndex, ...] = tuple({} for _ in range(_TIERS))
        self._weights: dict[str, int] = {}
        self._lock = threading.Lock()

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def default(cls) -> Gazetteer:
        """The monitored area's gazetteer from package data, loaded once per process.

        It is shared: sites registered on it are seen by every user of ``default()`` in the
        process. For an isolated set of sites (one node, one test), use
        ``Gazetteer.default().copy()``.
        """
        return _default()

    @classmethod
    def load(cls, data: Path = DATA) -> Gazetteer:
        """Load from a data directory laid out like the package's (``places.tsv``,
        ``admin_units.tsv``, ``admin/``, ``sources/``); rebuilds from the sources in memory
        when the index was written by other normalisation rules."""
        admin_files = [data / "admin" / p.name for p in ADMIN_FILES]
        admin = AdminIndex.from_table(data / "admin_units.tsv", admin_files)
        loaded = read_index(data / "places.tsv", admin)
        if loaded is None:
            records = [r for p in SOURCE_FILES for r in read_places(data / "sources" / p.name)]
            return cls(build_places(records, admin), admin)
        places, keys = loaded
        return cls(places, admin, keys=keys)

    @classmethod
    def from_files(
        cls,
        places: Sequence[str | Path],
        admin: Sequence[str | Path] = (),
    ) -> Gazetteer:
        """A gazetteer for another area, built in memory from source files.

        ``places``: GeoNames dumps (``.txt``/``.tsv``, the ``SY.txt`` column layout, with or
        without a header row), OCHA-style ``.csv`` place lists and ``.geojson`` Point
        collections (columns/properties: id or Location_Pcode, name or LocationName_en,
        name_ar, latitude, longitude, optional admin1Pcode…admin3Pcode, names, kind); see
        :mod:`truce.geo.sources`. ``admin``: OCHA COD-AB admin GeoJSON files, one per level
        (ADMn_PCODE, ADMn_EN, ADMn_AR); places get their admin units by point-in-polygon.
        Records of the same place in several files are merged.

        Raises :class:`~truce.errors.ValidationError` naming the file and line of bad input.
        """
        index = AdminIndex.from_geojson([Path(p) for p in admin])
        records = [r for path in places for r in read_places(Path(path))]
        return cls(build_places(records, index), index)

    def copy(self) -> Gazetteer:
        """A gazetteer sharing this one's places and admin areas, with its own copy of the
        registered sites (cheap: the large indexes are shared, not copied)."""
        other = object.__new__(Gazetteer)
        other.__dict__.update(self.__dict__)
        other._lock = threading.Lock()
        with self._lock:
            other._sites = dict(self._sites)
            other._site_ids = dict(self._site_ids)
            other._site_index = self._site_index  # replaced, never mutated, by register()
        return other

    def register(self, place: Place) -> Place:
        """Add a site registered in truce (base, observation post, hospital…) so lookups find
        it by any of its names. Registering the same id again replaces the earlier entry.
        Returns the place as stored (``kind`` "site"; admin units filled in from its point
        when not given)."""
        if not place.admin1_pcode and self.admin.units:
            units = self.admin.at(float(place.lat), float(place.lon))
            place = replace(
                place,
                admin1=units[1].name if 1 in units else "",
                admin1_pcode=units[1].pcode if 1 in units else "",
                admin2=units[2].name if 2 in units else "",
                admin2_pcode=units[2].pcode if 2 in units else "",
                admin3=units[3].name if 3 in units else "",
                admin3_pcode=units[3].pcode if 3 in units else "",
            )
        if place.kind != "site":
            place = replace(place, kind="site")
        with self._lock:
            if place.id in self._sites:  # replacing: rebuild the (small) site indexes
                sites = {k: v for k, v in self._sites.items() if k != place.id}
                index: tuple[_SiteIndex, ...] = tuple({} for _ in range(_TIERS))
                site_ids: dict[str, Place] = {}
                for site in sites.values():
                    _index_site(site, index, site_ids)
            else:  # adding: copy on write, so a copy() made earlier keeps its own view
                sites = dict(self._sites)
                index = tuple(dict(tier) for tier in self._site_index)
                site_ids = dict(self._site_ids)
            sites[place.id] = place
            _index_site(place, index, site_ids)
            self._sites, self._site_ids, self._site_index = sites, site_ids, index
        return place

    # -- places ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._places) + len(self._sites)

    def __iter__(self) -> Iterator[Place]:
        yield from self._places
        yield from self._sites.values()

    def get(self, ident: str) -> Place:
        """The place with this id (any of its merged ids: ``ocha:C3977``, ``geonames:169168``)."""
        site = self._site_ids.get(ident)
        if site is not None:
            return site
        i = self._by_id.get(ident)
        if i is None:
            raise NotFoundError(
                f"no gazetteer entry {ident!r}",
                hint="Ids look like ocha:C3977, geonames:169168 or site:<id>; find one with "
                "Gazetteer.lookup(name).",
            )
        return self._places[i]

    def _candidates(self, tier: int, key: str) -> list[Place]:
        """Places under ``key`` in tier 0 (exact), 1 (normalised Latin) or 2 (Arabic)."""
        found = [self._places[i] for i in self._index[tier].get(key, ())]
        sites = self._site_index[tier].get(key)
        return [*sites, *found] if sites else found

    def lookup(
        self,
        name: str,
        *,
        admin1: str | None = None,
        near: Sequence[Place] = (),
    ) -> list[Match]:
        """Places called ``name``, best first (at most 10); [] when the name is unknown.

        ``admin1``: the governorate the text mentions, in any accepted spelling or script
        ("Idlib", "Idleb", "إدلب") or as a P-code ("SY07"); candidates elsewhere rank lower.
        ``near``: places already resolved in the same document; candidates closer to them rank
        higher. Raises :class:`~truce.errors.ValidationError` for an ``admin1`` that names
        no governorate.
        """
        text = " ".join(name.split()).strip(" .,;:\"'()")
        if not text or len(text) > MAX_NAME_LENGTH:
            return []
        pcode = self._admin1_pcode(admin1)
        found = self._match(text, pcode)
        if not found:
            m = _DESCRIPTOR.match(text)
            core = m.group("core") if m else text
            if core and fold(core) != fold(text):
                found = {
                    pid: (place, "descriptor", variant, score * 0.85)
                    for pid, (place, _, variant, score) in self._match(core, pcode).items()
                }
        if not found:
            return []
        return self._rank(list(found.values()), pcode, near)

    def _admin1_pcode(self, admin1: str | None) -> str | None:
        if admin1 is None or not admin1.strip():
            return None
        if admin1.strip() in self.admin.units:
            return admin1.strip()
        unit = self.admin.admin1(admin1)
        if unit is None:
            raise ValidationError(
                f"admin1 {admin1!r} is not a governorate of this gazetteer",
                field="admin1",
                hint="Pass a governorate name such as Idlib, Hama, Aleppo or Latakia, or a "
                "P-code such as SY07 (Gazetteer.admin_area(text) finds one in a phrase).",
            )
        return unit.pcode

    def _match(self, text: str, pcode: str | None) -> dict[str, tuple[Place, Method, str, float]]:
        found: dict[str, tuple[Place, Method, str, float]] = {}

        def add(places: Iterable[Place], method: Method, score: float) -> None:
            for place in places:
                if place.id not in found or found[place.id][3] < score:
                    found[place.id] = (place, method, text, score)

        add(self._candidates(0, fold(text)), "exact", TIER_CONFIDENCE["exact"])
        if has_arabic(text):
            add(self._candidates(2, arabic_key(text)), "arabic", TIER_CONFIDENCE["arabic"])
            return found
        key = latin_key(text)
        if not key:
            return found
        add(self._candidates(1, key), "normalised", TIER_CONFIDENCE["normalised"])
        good = [p for p, *_ in found.values() if pcode is None or p.admin1_pcode == pcode]
        if good:
            return found
        skel = skeleton(text)
        if not skel:
            return found
        best: dict[int | str, tuple[Place, float]] = {}
        pairs: list[tuple[int | str, Place | None, str]] = [
            (i, None, other) for i, other in self._skeletons.get(skel, ())
        ]
        for registered in self._site_index[3].get(skel, ()):
            pairs += [
                (registered.id, registered, latin_key(n))
                for n in registered.names
                if skeleton(n) == skel
            ]
        for ref, site, other in pairs:
            # The consonants agree; how much of the rest (vowels, letters) does? quick_ratio
            # is a cheap upper bound of ratio: most pairs stop there.
            matcher = SequenceMatcher(None, key, other, autojunk=False)
            if matcher.quick_ratio() < SKELETON_MIN_SIMILARITY:
                continue
            similarity = matcher.ratio()
            if similarity < SKELETON_MIN_SIMILARITY:
                continue  # "Monday" and "Mand": same consonants, too different a word
            if ref not in best or similarity > best[ref][1]:
                best[ref] = (site or self._places[ref], similarity)  # type: ignore[index]
        for place, similarity in best.values():
            if found and pcode is not None and place.admin1_pcode != pcode:
                continue  # already matched better elsewhere; only a near-spelling in admin1
            score = TIER_CONFIDENCE["skeleton"] * (0.4 + 0.6 * similarity)
            if place.id not in found or found[place.id][3] < score:
                found[place.id] = (place, "skeleton", text, score)
        return found

    def _rank(
        self,
        found: list[tuple[Place, Method, str, float]],
        pcode: str | None,
        near: Sequence[Place],
    ) -> list[Match]:
        near_points = [(float(p.lat), float(p.lon), p.id) for p in near]
        distances: list[float | None] = []
        for place, *_ in found:
            others = [(a, b) for a, b, ident in near_points if ident not in place.ids]
            lat, lon = float(place.lat), float(place.lon)
            distances.append(
                min(haversine_km(lat, lon, a, b) for a, b in others) if others else None
            )
        # ``near`` tells candidates apart; it does not cast doubt on a name with one
        # candidate. A candidate loses only for being farther than the nearest candidate.
        closest = min((d for d in distances if d is not None), default=None)
        scored: list[tuple[float, Place, Method, float | None]] = []
        for (place, method, _variant, score), distance in zip(found, distances, strict=True):
            if pcode is not None:
                if not place.admin1_pcode:
                    score *= ADMIN1_UNKNOWN
                elif place.admin1_pcode != pcode:
                    score *= ADMIN1_MISMATCH
            if distance is not None and closest is not None:
                farther = distance - max(closest, _NEAR_FULL_KM)
                if farther > 0:
                    score *= max(0.4, 1 / (1 + farther / 60))
            scored.append((score, place, method, distance))
        scored.sort(
            key=lambda s: (
                -round(s[0], 6),
                _KIND_ORDER.get(s[1].kind, 9),
                -self.weight(s[1]),
                s[1].feature_code == "PPLQ",  # abandoned places last
                s[1].id,
            )
        )
        top_score, top = scored[0][0], scored[0][1]
        top_weight = self.weight(top)
        # Distinct locations that fit about as well as the best make the name ambiguous —
        # unless the best is a town of note and they are ten times smaller ("Hama" is the city).
        rivals: list[Place] = [top]
        for score, place, _, _ in scored[1:]:
            if score < top_score - 0.051:
                continue
            if top_weight >= 10_000 and self.weight(place) * 10 < top_weight:
                continue
            if all(_km(place, r) > SAME_PLACE_KM for r in rivals):
                rivals.append(place)
        share = 1.0 / (1 + 0.5 * (len(rivals) - 1))
        matches = []
        for score, place, method, distance in scored[:_MAX_RESULTS]:
            in_rivals = place in rivals
            confidence = score * share if in_rivals else score * share * 0.5
            matches.append(
                Match(
                    place=place,
                    confidence=round(min(1.0, max(0.0, confidence)), 4),
                    method=method,
                    matched=_matched_variant(place, method, found),
                    ambiguous=len(rivals) if in_rivals else 1,
                    distance_km=None if distance is None else round(distance, 2),
                )
            )
        return matches

    def weight(self, place: Place) -> int:
        """How much of a town this is, to break ties: its population where GeoNames knows it,
        else 500,000 for a governorate's capital, 50,000 for a district's and 10,000 for a
        sub-district's centre (the place named like its admin unit), else 0."""
        known = self._weights.get(place.id)
        if known is None:
            known = place.population or 0
            if not known:
                key = latin_key(place.name)
                for pcode, weight in (
                    (place.admin1_pcode, 500_000),
                    (place.admin2_pcode, 50_000),
                    (place.admin3_pcode, 10_000),
                ):
                    if pcode and key in self.admin.unit_keys(pcode):
                        known = weight
                        break
            self._weights[place.id] = known
        return known

    # -- admin areas -------------------------------------------------------------------------

    def admin_area(self, text: str) -> AdminArea | None:
        """The admin area a phrase names — "Idlib", "Hama governorate", "Idlib province",
        "northern Hama", "southern Idlib countryside", "western Aleppo", "Ariha district",
        "ريف حماة الشمالي" — or None. Regions carry a ``direction`` and the polygon part in
        that direction; all are ACLED geo precision 3."""
        parsed = self.admin.parse(text)
        if parsed is None:
            return None
        unit, direction = parsed
        return self.admin.area(unit, direction, text=" ".join(text.split()))

    def area(self, pcode: str, direction: Direction | None = None) -> AdminArea:
        """The admin area with this OCHA P-code (``SY07``, ``SY0703``, ``SY070301``)."""
        unit = self.admin.units.get(pcode)
        if unit is None:
            raise NotFoundError(f"no admin unit with P-code {pcode!r}")
        return self.admin.area(unit, direction)

    def admin_at(
        self, lat: float | str, lon: float | str
    ) -> tuple[AdminUnit | None, AdminUnit | None, AdminUnit | None]:
        """The governorate, district and sub-district containing a point (each None where
        unknown; all None outside the boundaries). Units have ``pcode``, ``name``, ``name_ar``
        and ``level``."""
        units = self.admin.at(float(lat), float(lon))
        return units.get(1), units.get(2), units.get(3)


def _index_site(site: Place, index: tuple[_SiteIndex, ...], site_ids: dict[str, Place]) -> None:
    """Add ``site`` to the site indexes (new lists, never appending to shared ones)."""
    site_ids.update(dict.fromkeys(site.ids, site))
    for tier, keys in enumerate(place_keys(site)):
        for key in dict.fromkeys(keys):
            if key:
                index[tier][key] = [*index[tier].get(key, ()), site]


def _km(a: Place, b: Place) -> float:
    return haversine_km(float(a.lat), float(a.lon), float(b.lat), float(b.lon))


def _matched_variant(
    place: Place, method: Method, found: list[tuple[Place, Method, str, float]]
) -> str:
    """The variant of ``place``'s names the query matched (for explaining a match)."""
    query = next((v for p, _, v, _ in found if p.id == place.id), "")
    if method == "descriptor":
        m = _DESCRIPTOR.match(query)
        query = m.group("core") if m else query
    if method == "arabic" or has_arabic(query):
        key = arabic_key(query)
        return next((n for n in place.names_ar if arabic_key(n) == key), place.name_ar)
    q_fold, q_key, q_skel = fold(query), latin_key(query), skeleton(query)
    names = (*place.names, *place.names_ar)
    hit = (
        next((n for n in names if fold(n) == q_fold), None)
        or next((n for n in place.names if latin_key(n) == q_key), None)
        or next((n for n in place.names if q_skel and skeleton(n) == q_skel), None)
    )
    return hit or place.name


@lru_cache(maxsize=1)
def _default() -> Gazetteer:
    return Gazetteer.load(DATA)

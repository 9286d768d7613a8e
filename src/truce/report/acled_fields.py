"""ACLED's ``event_id_cnty`` and ``source_scale`` for truce's events (ACLED codebook).

``event_id_cnty`` is ACLED's form, the country's ISO 3166 alpha-3 code and a number
(``SYR12345``). truce's own ids map to it one to one and the same way in every export, so a file
exported twice, or a month later, names each event alike: an incident ``I-<n>`` is
``SYR1<n, seven digits at least>`` and a report ``R-<n>`` is ``SYR2<n, ...>`` (``I-8`` is
``SYR10000008``, ``R-9`` is ``SYR20000009``): the first digit keeps incidents and reports apart,
the zero padding keeps every number distinct. The truce id itself travels in its own column.

``source_scale`` is ACLED's vocabulary of the sources' reach: Local partner, Other, New media,
Subnational, National, Regional, International, and a combination of two of them written
lowest first, joined by "-" ("National-International", "New media-National"), in the order
ACLED writes them. truce records each source's kind, not its reach, so the scale is derived:

- a witness or the center's own monitors: ``Local partner`` (first-hand, collected on the ground,
  as ACLED's local partners' reports are);
- social media: ``New media``; an NGO or international organisation: ``Other`` (ACLED codes
  NGO, UN and security reports as Other);
- a party's or an official's statement: ``National``;
- an outlet: its reach when truce knows the outlet (:data:`OUTLET_SCALES`: wire services and
  broadcasters with international reach, the region's pan-Arab and Turkish outlets), otherwise
  nothing of its own.

A report imported from ACLED keeps the scale ACLED coded (its ``acled:source_scale`` tag); an
incident combines the scales of all its reports and sources. When the sources give more than
two scales, the lowest and the highest are kept (ACLED writes two at most); when they give none
(outlets of unknown reach only), the scale is ``National``, the reach of most outlets reporting
on one country's conflict.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from truce.model import Report, SourceKind

__all__ = [
    "OUTLET_SCALES",
    "SCALES",
    "acled_event_id",
    "check_source_scale",
    "source_scale",
]

#: ACLED's source scales, in the order ACLED writes a combination ("Other-National").
SCALES = (
    "Local partner",
    "Other",
    "New media",
    "Subnational",
    "National",
    "Regional",
    "International",
)
_RANK = {name: i for i, name in enumerate(SCALES)}
#: Earlier codebooks' "Local", read as today's "Local partner".
_ALIASES = {"local": "Local partner"}
_BY_KEY = {name.casefold(): name for name in SCALES} | _ALIASES

_KIND_SCALE = {
    SourceKind.WITNESS: "Local partner",
    SourceKind.MONITOR: "Local partner",
    SourceKind.SOCIAL_MEDIA: "New media",
    SourceKind.NGO: "Other",
    SourceKind.PARTY: "National",
    SourceKind.OFFICIAL: "National",
}

#: Outlets whose reach truce knows (casefolded names). Anything else has no scale of its own.
OUTLET_SCALES = {
    name.casefold(): scale
    for scale, names in (
        (
            "International",
            (
                "Reuters",
                "Agence France-Presse",
                "AFP",
                "Associated Press",
                "AP",
                "BBC",
                "BBC News",
                "CNN",
                "Al Jazeera",
                "The Guardian",
                "The New York Times",
                "The Washington Post",
                "Deutsche Welle",
                "France 24",
                "Xinhua",
                "Anadolu Agency",
                "TASS",
                "RIA Novosti",
                "Sputnik",
                "RT",
            ),
        ),
        (
            "Regional",
            (
                "Al Arabiya",
                "Asharq Al-Awsat",
                "Al-Quds Al-Arabi",
                "The National",
                "Middle East Eye",
                "Al-Monitor",
                "Rudaw",
                "Al Mayadeen",
            ),
        ),
        (
            "National",
            (
                "SANA",
                "Syrian Arab News Agency",
                "Enab Baladi",
                "Syria TV",
                "Orient News",
                "Al-Watan",
                "North Press Agency",
                "Hawar News Agency",
                "Sham Network",
            ),
        ),
    )
    for name in names
}
_FALLBACK = "National"
_TAG = "acled:source_scale="
_ID_RE = re.compile(r"^([IR])-(\d+)$")
_ID_DIGIT = {"I": "1", "R": "2"}


def acled_event_id(truce_id: str, iso3: str = "SYR") -> str:
    """ACLED's form of a truce id: ``I-8`` is ``SYR10000008``, ``R-9`` is ``SYR20000009``."""
    match = _ID_RE.match(truce_id)
    if match is None:
        raise ValueError(f"{truce_id!r} is not a truce incident (I-n) or report (R-n) id")
    kind, number = match.groups()
    return f"{iso3}{_ID_DIGIT[kind]}{int(number):07d}"


def _parts(scale: str) -> list[str] | None:
    """The scales a source_scale names, or None when it names something else."""
    parts = [_BY_KEY.get(p.strip().casefold()) for p in scale.split("-")]
    if not parts or any(p is None for p in parts):
        return None
    return [p for p in parts if p is not None]


def check_source_scale(text: str) -> str | None:
    """None when ``text`` is an ACLED source scale (or empty), else what is wrong with it."""
    if not text.strip() or _parts(text) is not None:
        return None
    return (
        f"{text!r} is not an ACLED source scale (one or two of {', '.join(SCALES)}, "
        "joined by '-', such as 'National-International')"
    )


def _combine(scales: Iterable[str]) -> str:
    found = sorted(set(scales), key=_RANK.__getitem__)
    if not found:
        return _FALLBACK
    if len(found) > 2:
        found = [found[0], found[-1]]
    return "-".join(found)


def source_scale(report: Report) -> str:
    """ACLED's ``source_scale`` of a report or a merged incident (see the module docstring)."""
    scales: list[str] = []
    for tag in report.tags:
        if tag.startswith(_TAG):
            scales += _parts(tag[len(_TAG) :]) or []
    for src in report.sources:
        known = (
            OUTLET_SCALES.get(src.name.casefold())
            if src.kind == SourceKind.OUTLET
            else _KIND_SCALE[src.kind]
        )
        if known:
            scales.append(known)
    return _combine(scales)

"""Geography: the gazetteer, place-name matching and admin areas of the monitored area.

Public API (see each module for details)::

    from truce.geo import Gazetteer
    gaz = Gazetteer.default()                      # loaded once per process from package data
    gaz.lookup("Khan Sheikhoun", admin1="Idlib")   # -> [Match(place, confidence, method), ...]
    gaz.admin_area("northern Hama")                # -> AdminArea(name="Hama", direction="north")
    gaz.admin_at(35.93, 36.63)                     # -> (governorate, district, sub-district)
    gaz.register(Place(id="site:hmeimim", name="Hmeimim Air Base", lat=..., lon=...))

Data and licences: ``data/SOURCES.md``; attribution text: :data:`ATTRIBUTION`.
"""

from __future__ import annotations

from truce.geo.admin import AdminUnit
from truce.geo.attribution import ATTRIBUTION, ATTRIBUTION_HTML
from truce.geo.gazetteer import Gazetteer
from truce.geo.names import arabic_key, fold, latin_key, normalise, skeleton
from truce.geo.place import AdminArea, Match, Place

__all__ = [
    "ATTRIBUTION",
    "ATTRIBUTION_HTML",
    "AdminArea",
    "AdminUnit",
    "Gazetteer",
    "Match",
    "Place",
    "arabic_key",
    "fold",
    "latin_key",
    "normalise",
    "skeleton",
]

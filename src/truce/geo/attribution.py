"""The attribution the gazetteer's data requires, shown on the map's credits and in reports.

GeoNames (CC BY 4.0) and OCHA's boundaries and community list (CC BY-IGO 3.0) require
attribution; Natural Earth is public domain ("Made with Natural Earth" is customary). The text is
the one ``data/SOURCES.md`` gives; keep the two and ``NOTICE`` at the repository root in step.
"""

from __future__ import annotations

__all__ = ["ATTRIBUTION", "ATTRIBUTION_HTML"]

ATTRIBUTION = (
    "Place names: © GeoNames (geonames.org), CC BY 4.0, via Who's On First "
    "(whosonfirst.org, CC0). Administrative boundaries and community locations: OCHA Syria / "
    "UN Cartographic Section, published on the Humanitarian Data Exchange (HDX, dataset "
    "cod-ab-syr), CC BY-IGO 3.0. The boundaries and names shown, and the designations used, "
    "do not imply official endorsement or acceptance by the United Nations. "
    "Basemap: Made with Natural Earth (public domain)."
)

#: The same, with links, for the web map's credits control.
ATTRIBUTION_HTML = (
    'Place names: © <a href="https://www.geonames.org/">GeoNames</a>, '
    '<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>, via '
    '<a href="https://whosonfirst.org/">Who\'s On First</a> (CC0). '
    "Administrative boundaries and community locations: OCHA Syria / UN Cartographic Section, "
    '<a href="https://data.humdata.org/dataset/cod-ab-syr">HDX cod-ab-syr</a>, '
    '<a href="https://creativecommons.org/licenses/by/3.0/igo/">CC BY-IGO 3.0</a>. '
    "The boundaries and names shown, and the designations used, do not imply official "
    "endorsement or acceptance by the United Nations. "
    'Basemap: Made with <a href="https://www.naturalearthdata.com/">Natural Earth</a>.'
)

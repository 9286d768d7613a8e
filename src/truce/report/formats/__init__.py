"""truce's own exchange formats; importing this package registers each of them."""

from truce.report.formats import acled, cot, geojson, hxl, kml, plover, sitezone, ucdp

__all__ = ["acled", "cot", "geojson", "hxl", "kml", "plover", "sitezone", "ucdp"]

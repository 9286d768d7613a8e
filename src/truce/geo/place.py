"""The gazetteer's values: a place, a match of a name to a place, and an admin area.

Coordinates are :class:`~decimal.Decimal` rounded to 5 decimal places (about 1 m), like GeoNames:
the ledger's canonical JSON carries no floats. Match confidence is a float in [0, 1]; it is a
ranking aid and never goes into a ledger body as a float (use :meth:`Match.confidence_str`).
Precision codes follow ACLED ``geo_precision`` (1 town, 2 near a town or part of a region,
3 larger region).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Literal

from truce.model.report import Location, Point
from truce.model.vocab import GeoPrecision

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "DIRECTIONS",
    "AdminArea",
    "Direction",
    "Kind",
    "Match",
    "Method",
    "Place",
    "coordinate",
]

Kind = Literal["populated place", "site", "admin area"]
Method = Literal["exact", "normalised", "arabic", "skeleton", "descriptor"]
Direction = Literal[
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "central"
]
DIRECTIONS: tuple[Direction, ...] = (
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "central"
)  # fmt: skip

_FIVE = Decimal("0.00001")


def coordinate(value: float | str | Decimal) -> Decimal:
    """A latitude or longitude as a Decimal with exactly 5 decimal places."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if number.as_tuple().exponent == -5:  # already right (the index file): skip quantize
        return number
    return number.quantize(_FIVE, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Place:
    """A named place: a populated place from GeoNames/OCHA, or a site registered in truce.

    ``id`` is the primary identifier (``ocha:C3977``, ``geonames:169168``, ``wof:…`` or a
    site's ``site:…``); ``ids`` holds every source identifier merged into this place, primary
    first. ``names`` holds every Latin-script variant (``name`` first), ``names_ar`` every
    Arabic-script one (``name_ar`` first). ``admin1`` is the canonical English governorate name
    (Idlib, Hama, Aleppo, Latakia…), with OCHA P-codes alongside. ``population`` is GeoNames'
    figure where it has one (often out of date; used only to break ties).
    """

    id: str
    name: str
    lat: Decimal
    lon: Decimal
    names: tuple[str, ...] = ()
    name_ar: str = ""
    names_ar: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    kind: Kind = "populated place"
    admin1: str = ""
    admin1_pcode: str = ""
    admin2: str = ""
    admin2_pcode: str = ""
    admin3: str = ""
    admin3_pcode: str = ""
    population: int | None = None
    feature_code: str = ""

    def __post_init__(self) -> None:
        # Valid from construction: coordinates in range and exactly 5 decimals.
        lat, lon = coordinate(self.lat), coordinate(self.lon)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"place {self.id}: coordinates {lat}, {lon} out of range")
        if not self.id or not self.name:
            raise ValueError("a place needs an id and a name")
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lon", lon)
        if self.name not in self.names:
            object.__setattr__(self, "names", (self.name, *self.names))
        if self.name_ar and self.name_ar not in self.names_ar:
            object.__setattr__(self, "names_ar", (self.name_ar, *self.names_ar))
        if self.id not in self.ids:
            object.__setattr__(self, "ids", (self.id, *self.ids))

    def location(
        self,
        text: str | None = None,
        *,
        precision: GeoPrecision = GeoPrecision.TOWN,
        error_m: int = 2000,
    ) -> Location:
        """This place as a report :class:`~truce.model.report.Location` (``text`` is the name
        as written in the source; ``error_m`` the circular error of the point: a village's
        extent, 2 km by default)."""
        return Location(
            place=text or self.name,
            point=Point(lat=self.lat, lon=self.lon, error_m=error_m),
            area=self.admin3_pcode or self.admin2_pcode or self.admin1_pcode or None,
            admin1=self.admin1 or None,
            gazetteer_id=self.id,
            precision=precision,
        )


@dataclass(frozen=True)
class Match:
    """A candidate place for a name, with how it matched and how sure the match is.

    ``confidence`` combines the match tier (exact 1.0 … skeleton ≤ 0.8), agreement with the
    governorate the text mentions and with the other places of the document, and ambiguity:
    when several places fit equally well, each gets a share.
    """

    place: Place
    confidence: float
    method: Method
    matched: str = ""  # the variant that matched
    ambiguous: int = 1  # how many candidates fit about as well as this one
    distance_km: float | None = None  # to the nearest of the ``near`` places, when given

    def confidence_str(self) -> str:
        """The confidence as a 2-decimal string, for ledger bodies (which carry no floats)."""
        return f"{self.confidence:.2f}"


@dataclass(frozen=True)
class AdminArea:
    """An OCHA admin area (1 governorate, 2 district, 3 sub-district), or the part of one in a
    direction ("northern Hama" → Hama, ``direction="north"``).

    ``lat``/``lon`` is a representative point: the centroid of the area (or of its part in
    ``direction``) when that lies inside it, else a point guaranteed inside. ``precision`` is
    ACLED geo precision 3 (larger region). ``geometry`` is the polygon (or its part) in
    longitude/latitude; ``wkt`` its WKT for a :class:`~truce.model.zone.Zone`.
    """

    level: int
    pcode: str
    name: str
    lat: Decimal
    lon: Decimal
    name_ar: str = ""
    admin1: str = ""
    admin1_pcode: str = ""
    admin2: str = ""
    admin2_pcode: str = ""
    admin3: str = ""
    admin3_pcode: str = ""
    direction: Direction | None = None
    precision: GeoPrecision = GeoPrecision.REGION
    text: str = ""  # what was parsed
    geometry: BaseGeometry | None = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        """A readable name: "northern Hama", "Jisr-Ash-Shugur district"."""
        kind = {1: "", 2: " district", 3: " sub-district"}[self.level]
        if self.direction is None:
            return f"{self.name}{kind}"
        adjective = "central" if self.direction == "central" else f"{self.direction}ern"
        return f"{adjective} {self.name}{kind}"

    @property
    def wkt(self) -> str | None:
        return None if self.geometry is None else self.geometry.wkt

    def location(self, text: str | None = None) -> Location:
        """This area as a report :class:`~truce.model.report.Location` at region precision
        (the point is the representative point; its error is the area's radius)."""
        return Location(
            place=text or self.text or self.label,
            point=Point(lat=self.lat, lon=self.lon, error_m=self.radius_m()),
            area=self.pcode,
            admin1=self.admin1 or None,
            precision=self.precision,
        )

    def radius_m(self) -> int:
        """Distance from the representative point to the farthest corner of the area's
        bounding box, in metres (a generous circular error); 0 when there is no geometry."""
        if self.geometry is None:
            return 0
        from truce.geo.distance import haversine_km

        minx, miny, maxx, maxy = self.geometry.bounds
        lat, lon = float(self.lat), float(self.lon)
        far = max(haversine_km(lat, lon, y, x) for x in (minx, maxx) for y in (miny, maxy))
        return min(1_000_000, round(far * 1000))

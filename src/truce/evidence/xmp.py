"""XMP: the metadata packet embedded in a JPEG (an APP1 segment), a PNG (an ``iTXt`` chunk), a
WebP or TIFF, or a PDF (its catalogue's ``/Metadata`` stream), read safely.

An XMP packet is RDF/XML (ISO 16684-1, the Adobe XMP Specification Part 1), so it is the
uploader's XML: it is parsed only if at most :data:`MAX_XMP_BYTES` long, with ``defusedxml``
(no DTD at all: no entity expansion, no external entities, no billion laughs), and only the few
properties truce uses are kept, each at most 200 printable characters:

- capture time: ``exif:DateTimeOriginal``, ``photoshop:DateCreated``, ``xmp:CreateDate``;
- ``xmp:ModifyDate``, ``xmp:MetadataDate``, ``xmp:CreatorTool`` (the editor that wrote it);
- position: ``exif:GPSLatitude``/``exif:GPSLongitude`` (XMP's ``DDD,MM,SSk`` or ``DDD,MM.mmk``);
- device: ``tiff:Make``, ``tiff:Model``;
- documents: ``dc:title``, ``dc:creator``, ``pdf:Producer``.

A property may be an attribute of an ``rdf:Description`` or a child element, its value text or
the first ``rdf:li`` of an ``rdf:Seq``/``rdf:Alt``/``rdf:Bag``. A packet that is too large or is
not well-formed XML becomes a *problem*, never a crash; :func:`read_xmp` returns the properties
found and :func:`interpret` turns them into a capture time, a position and a device.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

__all__ = ["MAX_XMP_BYTES", "Xmp", "interpret", "parse_date", "read_xmp"]

#: Packets larger than this are not parsed (a JPEG's APP1 segment holds at most 64 KiB).
MAX_XMP_BYTES = 1 << 20

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_NAMESPACES = {
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/pdf/1.3/": "pdf",
}
#: The properties kept, in the order they are shown.
WANTED = (
    "exif:DateTimeOriginal",
    "photoshop:DateCreated",
    "xmp:CreateDate",
    "xmp:ModifyDate",
    "xmp:MetadataDate",
    "xmp:CreatorTool",
    "exif:GPSLatitude",
    "exif:GPSLongitude",
    "tiff:Make",
    "tiff:Model",
    "dc:title",
    "dc:creator",
    "pdf:Producer",
)


@dataclass
class Xmp:
    captured: str | None = None
    lat: float | None = None
    lon: float | None = None
    device: str | None = None
    problems: list[str] = field(default_factory=list)


def _clean(value: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in value).split())[:200]


def _name(tag: str) -> str | None:
    if not tag.startswith("{"):
        return None
    uri, _, local = tag[1:].partition("}")
    prefix = _NAMESPACES.get(uri)
    return f"{prefix}:{local}" if prefix else None


def _value(element: Element) -> str:
    items = element.findall(f"./{{{_RDF}}}*/{{{_RDF}}}li")
    text = items[0].text if items else element.text
    return _clean(text or "")


def read_xmp(packet: bytes | str, problems: list[str]) -> dict[str, str]:
    """The wanted properties of an XMP ``packet`` (name to text), in :data:`WANTED` order;
    a packet that cannot be read adds to ``problems`` and gives ``{}``."""
    data = packet.encode("utf-8") if isinstance(packet, str) else packet
    if len(data) > MAX_XMP_BYTES:
        problems.append(f"the XMP packet is {len(data)} bytes, over {MAX_XMP_BYTES}: not read")
        return {}
    # The xpacket wrapper is processing instructions, which the parser skips; a packet padded
    # with NULs (as some writers leave it) is cut at the first.
    data = data.split(b"\x00", 1)[0].strip()
    if not data:
        return {}
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        problems.append(f"the XMP packet is refused ({type(exc).__name__}: a DTD or entities)")
        return {}
    except (ParseError, ValueError) as exc:
        problems.append(f"the XMP packet is not well-formed XML ({str(exc)[:80]}); ignored")
        return {}
    found: dict[str, str] = {}
    for desc in root.iter(f"{{{_RDF}}}Description"):
        for key, text in desc.attrib.items():
            name = _name(key)
            if name in WANTED and name not in found and _clean(text):
                found[name] = _clean(text)
        for child in desc:
            name = _name(child.tag)
            if name in WANTED and name not in found and (text := _value(child)):
                found[name] = text
    return {k: found[k] for k in WANTED if k in found}


_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?$"
)


def parse_date(text: str, what: str, problems: list[str]) -> str | None:
    """An ISO 8601 date as XMP and PDF write it, as the wall clock it states (its zone dropped,
    as a photo's EXIF has none), ``YYYY-MM-DDTHH:MM:SS``; a date alone is taken at midnight.
    A year or month alone is too vague and gives None; anything else is a problem."""
    if re.fullmatch(r"\d{4}(-\d{2})?", text):
        return None
    m = _DATE.match(text)
    try:
        if m is None:
            raise ValueError(text)
        y, mo, d, hh, mm, ss = (int(g) if g else 0 for g in m.groups()[:6])
        when = datetime(y, mo, d, hh, mm, ss)
    except ValueError:
        problems.append(f"the {what} {text[:40]!r} is not a date; ignored")
        return None
    if not 1990 <= when.year <= 2100:
        problems.append(f"the {what} {text[:40]!r} is implausible; ignored")
        return None
    return when.isoformat()


_GPS = re.compile(r"^(\d{1,3}),(\d{1,2}(?:\.\d+)?)(?:,(\d{1,2}(?:\.\d+)?))?([NSEW])$")


def _coordinate(text: str, axis: str) -> float:
    m = _GPS.match(text.replace(" ", "").upper())
    if m is None:
        raise ValueError(text)
    d, mi, s, ref = m.groups()
    value = int(d) + float(mi) / 60 + float(s or 0) / 3600
    if (axis == "lat") != (ref in "NS"):
        raise ValueError(text)
    if float(mi) >= 60 or float(s or 0) >= 60:
        raise ValueError(text)
    return -value if ref in "SW" else value


def interpret(props: dict[str, Any]) -> Xmp:
    """The capture time, position and device the XMP properties state; bad values are
    problems."""
    out = Xmp()
    for key in ("exif:DateTimeOriginal", "photoshop:DateCreated", "xmp:CreateDate"):
        if key in props:
            out.captured = parse_date(props[key], f"XMP {key}", out.problems)
            if out.captured:
                break
    lat, lon = props.get("exif:GPSLatitude"), props.get("exif:GPSLongitude")
    if lat or lon:
        try:
            if not (lat and lon):
                raise ValueError("one of the two")
            out.lat, out.lon = _coordinate(lat, "lat"), _coordinate(lon, "lon")
        except ValueError:
            out.problems.append(
                f"the XMP GPS position {str(lat)[:30]!r}, {str(lon)[:30]!r} is unreadable; ignored"
            )
            out.lat = out.lon = None
        else:
            if not (-90 <= out.lat <= 90 and -180 <= out.lon <= 180):
                out.problems.append(f"the XMP GPS position {lat!r}, {lon!r} is impossible; ignored")
                out.lat = out.lon = None
            else:
                out.lat, out.lon = round(out.lat, 6), round(out.lon, 6)
    device = " ".join(props[k] for k in ("tiff:Make", "tiff:Model") if props.get(k)).strip()
    out.device = device[:200] or None
    return out

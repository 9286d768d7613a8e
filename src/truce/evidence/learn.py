"""What a file says about itself: EXIF and XMP capture time, GPS and device, size, perceptual
hash, and a thumbnail (images, with Pillow; XMP with :mod:`truce.evidence.xmp`); for a video,
its keyframes' perceptual hashes and a thumbnail (:mod:`truce.evidence.video`, with ffmpeg);
for a PDF, its pages, Info dictionary and XMP (:mod:`truce.evidence.document`, with pdfinfo);
for any media file, its C2PA manifest if it has one (:mod:`truce.evidence.c2pa`).

Metadata is the uploader's (or an adversary's) bytes, so it is read defensively: a field that
cannot be read, or says something impossible (a 31st of February, a latitude of 200°), becomes
a *problem* recorded with the evidence ("the EXIF capture time '2017:13:45 ...' is not a date"),
never a crash and never a silent guess. The image itself must be sound: one with more than
:data:`MAX_PIXELS` pixels (a decompression bomb: a few kilobytes that decode to gigabytes), or
one that is damaged or truncated, is refused with a one-line error and nothing is stored.

EXIF tags: DateTimeOriginal (0x9003) in the Exif IFD, falling back to DateTime (0x0132); Make
(0x010F) and Model (0x0110); the GPS IFD (0x8825) latitude/longitude with their N/S and E/W
references (EXIF 2.32, CIPA DC-008).
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from truce.errors import TooLarge, ValidationError
from truce.evidence.findings import FAR_KM
from truce.evidence.kinds import C2pa
from truce.evidence.phash import dhash, to_hex
from truce.evidence.xmp import interpret, read_xmp
from truce.geo.distance import haversine_km

__all__ = ["MAX_EXIF_BYTES", "MAX_PIXELS", "Learned", "learn", "thumbnail"]

#: Images with more pixels than this are refused (Pillow's own default bomb limit).
MAX_PIXELS = 89_478_485
#: EXIF blocks larger than this are not parsed (a JPEG's cannot exceed 64 KiB anyway).
MAX_EXIF_BYTES = 1 << 20
#: Longest side of a thumbnail, in pixels.
THUMB = 320

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME_ORIGINAL = 0x9003
_DATETIME = 0x0132
_MAKE = 0x010F
_MODEL = 0x0110

# Pillow decides by its global; truce refuses at the same number, as an error of its own.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass
class Learned:
    width: int | None = None
    height: int | None = None
    captured: str | None = None  # "2017-04-04T10:12:00", as the camera wrote it (no zone)
    lat: float | None = None
    lon: float | None = None
    device: str | None = None
    dhash: str | None = None
    keyframes: list[str] = field(default_factory=list)  # a video's frames' dHashes
    problems: list[str] = field(default_factory=list)
    thumbnail: bytes | None = None
    xmp: dict[str, str] = field(default_factory=dict)  # the XMP properties read
    pages: int | None = None  # a document's
    document: dict[str, str] = field(default_factory=dict)  # a PDF's Info: title, ..., created
    c2pa: C2pa | None = None  # the C2PA manifest store's active manifest


def learn(path: Path, media_type: str) -> Learned:
    """Read what ``path`` (of the sniffed ``media_type``) says; raises if an image is unsound."""
    out = Learned()
    if media_type.startswith("video/"):
        _video(path, out)
    elif media_type == "application/pdf":
        _document(path, out)
    elif media_type.startswith("image/") and media_type != "image/heic":
        _image(path, media_type, out)
    if media_type != "text/plain":
        from truce.evidence.c2pa import read_c2pa

        out.c2pa = read_c2pa(path, path.stat().st_size, out.problems)
    return out


def _document(path: Path, out: Learned) -> None:
    from truce.evidence.document import read_pdf

    doc = read_pdf(path)
    out.pages, out.document, out.xmp = doc.pages, doc.info, doc.xmp
    out.problems.extend(doc.problems)


def _image(path: Path, media_type: str, out: Learned) -> None:
    with warnings.catch_warnings(record=True) as caught:  # Pillow warns on corrupt metadata
        warnings.simplefilter("always")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as img:
                _check_size(img.width, img.height)
                out.width, out.height = img.width, img.height
                _metadata(img, out)
                _merge_xmp(img.info.get("xmp"), out)
                if img.format == "JPEG":
                    img.draft("RGB", (1024, 1024))  # decode at a reduced scale: enough here
                img.load()
                out.problems[:0] = [
                    f"the metadata is damaged ({str(w.message)[:120]}); ignored" for w in caught[:3]
                ]
                out.dhash = to_hex(dhash(img))
                out.thumbnail = thumbnail(img, out.problems)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise TooLarge(
                f"the image decodes to too many pixels ({exc}); refused as a decompression bomb",
                field="file",
            ) from None
        except UnidentifiedImageError:
            raise ValidationError(
                f"the file starts like {media_type} but is not a readable image; nothing stored",
                field="file",
            ) from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:  # Pillow's decode errors
            raise ValidationError(
                f"the image is damaged or truncated ({str(exc)[:120]}); nothing stored",
                field="file",
                hint="Attach the complete original file.",
            ) from None


def _merge_xmp(packet: Any, out: Learned) -> None:
    """Read the image's XMP packet: what EXIF did not say is taken from it, and where the two
    say different things (more than a day, or :data:`FAR_KM` apart), that is a problem."""
    if not isinstance(packet, bytes | str) or not packet:
        return
    out.xmp = read_xmp(packet, out.problems)
    if not out.xmp:
        return
    said = interpret(out.xmp)
    out.problems.extend(said.problems)
    if said.captured:
        if out.captured is None:
            out.captured = said.captured
        else:
            apart = abs(
                datetime.fromisoformat(said.captured) - datetime.fromisoformat(out.captured)
            )
            if apart.total_seconds() > 86400:
                out.problems.append(
                    f"the XMP capture time {said.captured} contradicts the EXIF one "
                    f"{out.captured}: one was rewritten"
                )
    if said.lat is not None and said.lon is not None:
        if out.lat is None or out.lon is None:
            out.lat, out.lon = said.lat, said.lon
        else:
            km = haversine_km(said.lat, said.lon, out.lat, out.lon)
            if km > FAR_KM:
                out.problems.append(
                    f"the XMP GPS position {said.lat:.4f}, {said.lon:.4f} is {km:.0f} km from "
                    f"the EXIF one {out.lat:.4f}, {out.lon:.4f}: one was rewritten"
                )
    if said.device and out.device is None:
        out.device = said.device


def _video(path: Path, out: Learned) -> Learned:
    from truce.evidence.video import keyframes

    found = keyframes(path)
    out.keyframes = found.hashes
    out.captured, out.lat, out.lon, out.device = (
        found.captured,
        found.lat,
        found.lon,
        found.device,
    )
    out.problems.extend(found.problems)
    if found.frame is not None:
        out.thumbnail = thumbnail(found.frame)
    return out


def _check_size(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise TooLarge(
            f"the image is {width}×{height} pixels, over the limit of {MAX_PIXELS}; refused as "
            "a possible decompression bomb",
            field="file",
        )


def thumbnail(img: Image.Image, problems: list[str] | None = None) -> bytes:
    """A JPEG of ``img`` at most :data:`THUMB` pixels on its longest side, upright."""
    try:
        upright = ImageOps.exif_transpose(img)
    except Exception as exc:  # hostile orientation data: keep the image as stored
        if problems is not None:
            problems.append(f"the EXIF orientation is unreadable ({type(exc).__name__}); ignored")
        upright = img
    small = (upright or img).convert("RGB")
    small.thumbnail((THUMB, THUMB))
    buf = io.BytesIO()
    small.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def _metadata(img: Image.Image, out: Learned) -> None:
    raw = img.info.get("exif")
    if isinstance(raw, bytes) and len(raw) > MAX_EXIF_BYTES:
        out.problems.append(f"the EXIF block is {len(raw)} bytes, over {MAX_EXIF_BYTES}: not read")
        return
    try:
        exif = img.getexif()
        ifd = exif.get_ifd(_EXIF_IFD)
        gps = exif.get_ifd(_GPS_IFD)
    except Exception as exc:  # any failure of a third-party parser on hostile bytes
        out.problems.append(f"the EXIF metadata is unreadable ({type(exc).__name__}); ignored")
        return
    if isinstance(raw, bytes) and len(raw) > 6 and not exif and not out.problems:
        out.problems.append("the EXIF metadata is unreadable (no valid TIFF structure); ignored")
        return
    when = ifd.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if when is not None:
        out.captured = _capture_time(when, out.problems)
    device = " ".join(
        _text(v) for v in (exif.get(_MAKE), exif.get(_MODEL)) if v is not None
    ).strip()
    if device:
        out.device = device[:200]
    if gps:
        _gps(gps, out)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return "".join(c for c in str(value) if c.isprintable()).strip()[:200]


def _capture_time(value: Any, problems: list[str]) -> str | None:
    text = _text(value).rstrip("\x00")
    try:
        when = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        problems.append(f"the EXIF capture time {text[:40]!r} is not a date; ignored")
        return None
    if not 1990 <= when.year <= 2100:
        problems.append(f"the EXIF capture time {text[:40]!r} is implausible; ignored")
        return None
    return when.isoformat()


def _degrees(value: Any) -> float:
    d, m, s = (float(x) for x in value)
    if any(math.isnan(x) or math.isinf(x) for x in (d, m, s)):
        raise ValueError("not a number")
    return d + m / 60 + s / 3600


def _gps(gps: Any, out: Learned) -> None:
    try:
        lat = _degrees(gps[2])
        lon = _degrees(gps[4])
        if _text(gps.get(1, "N")).upper().startswith("S"):
            lat = -lat
        if _text(gps.get(3, "E")).upper().startswith("W"):
            lon = -lon
    except Exception as exc:  # missing tags, wrong arity, zero denominators, garbage
        out.problems.append(f"the EXIF GPS position is unreadable ({type(exc).__name__}); ignored")
        return
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        out.problems.append(f"the EXIF GPS position {lat:.4f}, {lon:.4f} is impossible; ignored")
        return
    out.lat, out.lon = round(lat, 6), round(lon, 6)

"""Photos made for the evidence tests: Pillow draws them, with the EXIF we choose.

Every picture is drawn from a seed (shapes and a gradient), so two seeds give different images
and one seed always gives the same image; nothing is copied from anywhere.
"""

from __future__ import annotations

import io
import random
from fractions import Fraction

from PIL import Image, ImageDraw

__all__ = ["draw", "jpeg", "reencode"]


def draw(seed: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    rnd = random.Random(seed)
    w, h = size
    img = Image.new("RGB", size)
    px = ImageDraw.Draw(img)
    top = tuple(rnd.randrange(256) for _ in range(3))
    bottom = tuple(rnd.randrange(256) for _ in range(3))
    for y in range(h):
        t = y / max(1, h - 1)
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        px.line([(0, y), (w, y)], fill=colour)
    for _ in range(12):
        x0, y0 = rnd.randrange(w), rnd.randrange(h)
        x1, y1 = x0 + rnd.randrange(w // 8, w // 2), y0 + rnd.randrange(h // 8, h // 2)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        if rnd.random() < 0.5:
            px.ellipse([x0, y0, x1, y1], fill=colour)
        else:
            px.rectangle([x0, y0, x1, y1], fill=colour)
    return img


def _dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60, 4)
    return (Fraction(d), Fraction(m), Fraction(s).limit_denominator(10000))


def jpeg(
    seed: int,
    size: tuple[int, int] = (800, 600),
    *,
    captured: str | None = None,  # "2017:04:04 10:12:00"
    gps: tuple[float, float] | None = None,
    device: tuple[str, str] | None = None,
    quality: int = 90,
    xmp: bytes | None = None,
) -> bytes:
    """A JPEG of :func:`draw` (seed, size) with this EXIF (and this XMP packet)."""
    img = draw(seed, size)
    exif = Image.Exif()
    if device:
        exif[0x010F], exif[0x0110] = device
    if captured:
        exif[0x0132] = captured
        exif.get_ifd(0x8769)[0x9003] = captured
    if gps:
        lat, lon = gps
        g = exif.get_ifd(0x8825)
        g[1] = "N" if lat >= 0 else "S"
        g[2] = _dms(lat)
        g[3] = "E" if lon >= 0 else "W"
        g[4] = _dms(lon)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, exif=exif, **({"xmp": xmp} if xmp else {}))
    return buf.getvalue()


def reencode(data: bytes, scale: float = 0.5, quality: int = 70, fmt: str = "JPEG") -> bytes:
    """``data`` decoded, resized by ``scale`` and encoded again (its EXIF dropped)."""
    img = Image.open(io.BytesIO(data)).convert("RGB")
    img = img.resize((max(1, int(img.width * scale)), max(1, int(img.height * scale))))
    buf = io.BytesIO()
    img.save(buf, fmt, quality=quality) if fmt == "JPEG" else img.save(buf, fmt)
    return buf.getvalue()

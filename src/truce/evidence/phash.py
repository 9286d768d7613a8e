"""Perceptual hashes of images: dHash, 64 bits (Krawetz, "Kind of Like That", 2013).

The image is made grey, shrunk to 9×8 pixels and each bit says whether a pixel is brighter than
its right-hand neighbour. Shrinking throws away detail, size and compression artefacts, so a
re-encoded, resized or lightly recoloured copy keeps (nearly) the same bits, while a different
picture differs in about half of them. Two hashes are compared by their Hamming distance
(:func:`hamming`); :data:`NEAR` is the distance up to which truce calls two images the same.

A nearly uniform image (a blank page, a black frame) has almost no gradients: its hash says
little, and :func:`informative` keeps such hashes out of near-duplicate findings.
"""

from __future__ import annotations

from PIL import Image

__all__ = ["NEAR", "dhash", "from_hex", "hamming", "informative", "to_hex"]

#: Hamming distance (of 64 bits) up to which two images are near-duplicates.
NEAR = 7


def dhash(image: Image.Image) -> int:
    """The 64-bit difference hash of ``image``."""
    grey = image.convert("L")
    small = grey.resize((9, 8), Image.Resampling.LANCZOS)
    px = small.tobytes()
    value = 0
    for row in range(8):
        base = row * 9
        for col in range(8):
            value = (value << 1) | (px[base + col] > px[base + col + 1])
    return value


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def informative(value: int) -> bool:
    """Whether the hash has enough gradients (set and clear bits) to compare images by."""
    return 8 <= value.bit_count() <= 56


def to_hex(value: int) -> str:
    return f"{value:016x}"


def from_hex(text: str) -> int:
    return int(text, 16)

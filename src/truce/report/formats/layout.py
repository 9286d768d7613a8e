"""How truce lays out a GeoJSON FeatureCollection: one feature per line, for readable diffs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

__all__ = ["write_collection"]


def write_collection(
    stream: TextIO, features: Sequence[dict[str, Any]], members: dict[str, Any] | None = None
) -> None:
    """Write an RFC 7946 FeatureCollection; ``members`` are foreign members (section 6.1)."""
    head = {"type": "FeatureCollection", **(members or {})}
    stream.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [')
    for i, feature in enumerate(features):
        stream.write(",\n" if i else "\n")
        stream.write(json.dumps(feature, ensure_ascii=False))
    stream.write("\n]}\n")

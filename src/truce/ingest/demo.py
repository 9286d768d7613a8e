"""The demo's open-source page: an illustrative news page (written for truce; the events are not
real) ingested into the demo ledger, so a new user sees claims from a page at once."""

from __future__ import annotations

from importlib import resources
from typing import Any

from truce.ingest.pipeline import ingest_bytes

__all__ = ["SAMPLE_PAGE", "ingest_sample"]

SAMPLE_PAGE = "data/sample_page.html"


def ingest_sample(node: Any) -> list[str]:
    """Ingest the sample page into ``node``; returns one line per claim filed or queued."""
    data = resources.files("truce.ingest").joinpath(SAMPLE_PAGE).read_bytes()
    outcome = ingest_bytes(node, data, "sample_page.html")
    lines = []
    for c, fate in zip(outcome.claims, outcome.fates, strict=True):
        if fate.status == "filed":
            when = c.date.iso() if c.date else ""
            lines.append(
                f"{fate.id} by osint: {c.sub_event_type} ({c.modality.value}) {when}"
                f" at {c.places[0].text}, from the sample news page"
            )
        else:
            lines.append(f"{c.sub_event_type} from the sample news page: {fate.describe()}")
    return lines

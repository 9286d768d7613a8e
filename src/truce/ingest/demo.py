"""The demo's open-source page: an illustrative news page (written for truce; the events are not
real) ingested into the demo ledger, so a new user sees claims from a page at once."""

from __future__ import annotations

from importlib import resources
from typing import Any

from truce.ingest.pipeline import ingest_bytes
from truce.ingest.report import report_problem

__all__ = ["SAMPLE_PAGE", "ingest_sample"]

SAMPLE_PAGE = "data/sample_page.html"


def ingest_sample(node: Any) -> list[str]:
    """Ingest the sample page into ``node``; returns one line per report filed."""
    data = resources.files("truce.ingest").joinpath(SAMPLE_PAGE).read_bytes()
    outcome = ingest_bytes(node, data, "sample_page.html")
    filed = [c for c in outcome.claims if report_problem(c) is None]
    return [
        f"{rid} by osint: {c.sub_event_type} ({c.modality.value}) {c.date.iso() if c.date else ''}"
        f" at {c.places[0].text}, from the sample news page"
        for rid, c in zip(outcome.reports, filed, strict=True)
    ]

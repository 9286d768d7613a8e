"""Open-source ingestion: news pages become attributed, dated, geolocated claims (issue 4).

A page goes through three stages, each its own module:

1. *reading* (:mod:`~truce.ingest.formats` registry; built-in :mod:`~truce.ingest.text` and
   :mod:`~truce.ingest.html` readers): bytes → :class:`Document` (title, outlet, url,
   publication date with method and confidence, body paragraphs, removed chrome with reasons,
   reader comments with depth);
2. *claims* (:mod:`~truce.ingest.claims`): body sentences → :class:`Claim` (ACLED event type and
   sub-event type with truce's monitoring extensions, modality, date interval, places through
   :mod:`truce.geo`, actors through the actor dictionary, casualties low/best/high, attribution,
   character spans); comments never become claims;
3. *filing* (:mod:`~truce.ingest.pipeline`): claims → :class:`truce.model.Report` entries signed
   by the open-sources identity ``osint``, with the document as evidence, deduplicated by the
   document's SHA-256.

Usage::

    from truce.ingest import Options, ingest, read_document, extract_claims
    doc = read_document(Path("page.html").read_bytes(), "page.html")
    claims = extract_claims(doc)
    for outcome in ingest([Path("pages/")], Options(), node=node, on_invalid="skip"): ...
"""

from __future__ import annotations

from truce.ingest.claims import Claim, extract_claims
from truce.ingest.document import Comment, Document, Published, Removed
from truce.ingest.formats import FORMATS, Format, Source, register_format
from truce.ingest.html import read_html, sniff_html
from truce.ingest.pipeline import Options, Outcome, ingest, iter_inputs, read_document
from truce.ingest.report import INGEST_PARTY, to_report
from truce.ingest.text import read_text, sniff_text

__all__ = [
    "FORMATS",
    "INGEST_PARTY",
    "Claim",
    "Comment",
    "Document",
    "Format",
    "Options",
    "Outcome",
    "Published",
    "Removed",
    "Source",
    "extract_claims",
    "ingest",
    "iter_inputs",
    "read_document",
    "register_format",
    "to_report",
]

# The built-in formats register exactly as a third party's would.
register_format(
    "html",
    media_type="text/html",
    suffixes=(".html", ".htm", ".xhtml", ".php", ".asp", ".aspx"),
    sniff=sniff_html,
    read=read_html,
)
register_format(
    "text",
    media_type="text/plain",
    suffixes=(".txt", ".text", ".md"),
    sniff=sniff_text,
    read=read_text,
)

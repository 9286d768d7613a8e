"""Reports and exchange formats: the daily/weekly situation report, exports and imports.

Public API::

    from truce.report import open_snapshot, build_situation, render_html, html_to_pdf
    from truce.report import run_export, run_import, formats, register_format, Format

See :mod:`truce.report.registry` for adding a format, ``docs/exports.md`` for each format.
"""

from truce.report.exchange import ImportOutcome, ImportRejected, run_export, run_import
from truce.report.html import render_html
from truce.report.pdf import html_to_pdf
from truce.report.queries import Snapshot, open_snapshot
from truce.report.read import Event, EventFilter, LedgerState
from truce.report.registry import (
    ExportContext,
    ExportResult,
    Format,
    ImportContext,
    ImportItem,
    ImportPlan,
    Problem,
    available_formats,
    get_format,
    register_format,
)
from truce.report.situation import SituationReport, build_situation

__all__ = [
    "Event",
    "EventFilter",
    "ExportContext",
    "ExportResult",
    "Format",
    "ImportContext",
    "ImportItem",
    "ImportOutcome",
    "ImportPlan",
    "ImportRejected",
    "LedgerState",
    "Problem",
    "SituationReport",
    "Snapshot",
    "available_formats",
    "build_situation",
    "get_format",
    "html_to_pdf",
    "open_snapshot",
    "register_format",
    "render_html",
    "run_export",
    "run_import",
]

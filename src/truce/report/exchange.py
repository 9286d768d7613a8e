"""Running an export or an import: the snapshot, the filter, the policy for bad rows.

:func:`run_export` reads the events (or sites, zones) at a ledger state through
:mod:`truce.report.queries` and hands them to the format's exporter. :func:`run_import` asks the
format's importer for a plan (the entries to append and a problem per bad row), then applies the
policy: ``raise`` appends nothing if any row is bad (all or nothing); ``skip`` appends the good
rows and reports the bad ones. Appending is one signed batch by the importing identity
(:func:`truce.agreement.batch.append_batch`), so the ledger takes all of it or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from truce.agreement.batch import append_batch
from truce.errors import ValidationError
from truce.node import Node
from truce.report.queries import open_snapshot
from truce.report.read import EventFilter, LedgerState
from truce.report.registry import (
    ExportContext,
    ExportResult,
    ImportContext,
    Problem,
    get_format,
)
from truce.store.projections import report_id

__all__ = ["ImportOutcome", "ImportRejected", "default_importer", "run_export", "run_import"]

OnInvalid = Literal["raise", "skip"]


class ImportRejected(ValidationError):
    """An import with bad rows under ``--on-invalid raise``: nothing was appended."""

    def __init__(self, message: str, problems: list[Problem], *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.problems = problems


@dataclass
class ImportOutcome:
    format: str
    author: str
    rows: int
    #: Rows left out on purpose (outside the center's area), explained in ``notes``.
    skipped: int = 0
    #: (label, identifier assigned: R-<index> for reports, the id for sites and zones)
    imported: list[tuple[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: True when nothing was appended on purpose (``dry_run``): ``imported`` is what would be.
    dry_run: bool = False

    @property
    def duplicates(self) -> int:
        """Rows refused because they were imported before or repeat a row of the file."""
        return len(
            {
                p.line
                for p in self.problems
                if "imported before" in p.reason or "also on line" in p.reason
            }
        )


def run_export(
    node: Node,
    format_name: str,
    stream: TextIO,
    *,
    unit: str = "incidents",
    flt: EventFilter | None = None,
    size: int | None = None,
    options: dict[str, Any] | None = None,
) -> tuple[ExportResult, LedgerState]:
    fmt = get_format(format_name, export=True)
    assert fmt.export is not None
    with open_snapshot(node, size) as snap:
        events = snap.iter_events(unit, flt) if fmt.subject == "events" else iter(())
        context = ExportContext(snap.state, unit, dict(options or {}), snapshot=snap)
        result = fmt.export(events, stream, context)
        return result, snap.state


def default_importer(node: Node, ingest_parties: list[str]) -> str:
    """Who signs an import when nobody is named: the node's open-sources ingest identity (the
    first party of kind ``ingest``), registered as ingestion registers it when there is none."""
    if ingest_parties:
        return ingest_parties[0]
    from truce.ingest.report import INGEST_PARTY, INGEST_PARTY_NAME
    from truce.model import PartyKind

    node.add_party(INGEST_PARTY, INGEST_PARTY_NAME, PartyKind.INGEST)
    return INGEST_PARTY


def run_import(
    node: Node,
    format_name: str,
    path: Path,
    *,
    author: str | None = None,
    on_invalid: OnInvalid = "raise",
    options: dict[str, Any] | None = None,
    dry_run: bool = False,
) -> ImportOutcome:
    """Import ``path`` as ``format_name`` (see the module docstring). With ``dry_run`` the file
    is read and checked and the outcome says what would be imported; nothing is appended."""
    fmt = get_format(format_name, import_=True)
    assert fmt.import_ is not None
    if on_invalid not in ("raise", "skip"):
        raise ValidationError(
            f"on_invalid {on_invalid!r} is not 'raise' or 'skip'", field="on_invalid"
        )
    existing: frozenset[str] = frozenset()
    ingest_parties: list[str] = []
    if node.ledger.size:
        with open_snapshot(node) as snap:
            existing = snap.tags_with_prefix("acled:event_id_cnty=")
            ingest_parties = snap.parties_of_kind("ingest")
    if author is None and dry_run and not ingest_parties:
        from truce.ingest.report import INGEST_PARTY

        author = INGEST_PARTY  # who would sign; a dry run registers nobody
    if author is None:
        author = default_importer(node, ingest_parties)
    if not dry_run:
        node.signing_key(author)  # fail before reading a large file if we cannot sign
    plan = fmt.import_(path, ImportContext(author, existing, dict(options or {})))
    outcome = ImportOutcome(
        fmt.name, author, plan.rows, plan.skipped, problems=plan.problems, notes=plan.notes
    )
    if plan.problems and (on_invalid == "raise" or not plan.per_row or not plan.items):
        bad = len({p.line for p in plan.problems})
        what = f"{bad} bad row{'s' if bad != 1 else ''}" if plan.per_row else "a bad feature"
        raise ImportRejected(
            f"{path}: {what} of {plan.rows}; nothing was imported",
            plan.problems,
            hint=(
                "Fix the rows listed, or import the good ones with --on-invalid skip."
                if plan.per_row
                else "Fix the file and import it again (this format is checked as a whole)."
            ),
        )
    if not plan.items:
        if not plan.problems and not plan.skipped:
            raise ValidationError(f"{path}: nothing to import")
        return outcome
    if dry_run:
        outcome.imported = [(item.label, "") for item in plan.items]
        outcome.dry_run = True
        return outcome
    entries = append_batch(node, author, [(item.kind, item.body) for item in plan.items])
    first = node.ledger.size - len(entries)
    for offset, item in enumerate(plan.items):
        ident = report_id(first + offset) if item.kind == "report.filed" else item.label
        outcome.imported.append((item.label, ident))
    return outcome

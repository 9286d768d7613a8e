"""Ingestion end to end: files → documents → claims → reports in the ledger.

:func:`read_document` turns bytes into a :class:`Document` through the format registry.
:func:`ingest` walks files and directories and yields one :class:`Outcome` per input, streaming:
nothing is kept between documents, so memory stays flat over any batch. With a node, each
document's claims are filed as reports by the open-sources identity (party ``osint``, kind
``ingest``, created on first use), all of one document's reports in one all-or-nothing append;
the document's bytes go to the evidence store first. A document whose SHA-256 is already in the
``ingested_documents`` projection is not filed again, so ingesting twice adds nothing, and a
batch interrupted half-way can simply be run again.

Bad input follows the caller's policy: ``on_invalid="raise"`` stops at the first bad file
(everything before it stays ingested), ``"skip"`` records the one-line reason and goes on.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import inspect

from truce.errors import IngestError, TruceError
from truce.ingest.claims import Claim, extract_claims
from truce.ingest.decode import MAX_BYTES, check_size, decode
from truce.ingest.document import Document
from truce.ingest.formats import Source, choose_format
from truce.ingest.places import load_gazetteer, node_gazetteer
from truce.ingest.report import (
    INGEST_PARTY,
    INGEST_PARTY_NAME,
    report_problem,
    to_report,
)
from truce.ingest.store import ingested_documents, is_ingested, project_ingested_document
from truce.ledger.entry import Entry
from truce.model import PartyKind

__all__ = ["Options", "Outcome", "ingest", "ingest_bytes", "iter_inputs", "read_document"]

OnInvalid = Literal["raise", "skip"]


@dataclass(frozen=True)
class Options:
    url: str | None = None
    outlet: str | None = None
    published: date | None = None
    format: str | None = None
    max_bytes: int = MAX_BYTES


@dataclass
class Outcome:
    """What happened to one input."""

    name: str
    status: Literal["ingested", "duplicate", "dry-run", "invalid"]
    document: Document | None = None
    claims: list[Claim] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    not_filed: list[str] = field(default_factory=list)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "status": self.status}
        if self.error is not None:
            data["error"] = self.error
        if self.document is not None:
            data.update(self.document.to_json())
            outlet = self.document.outlet
            data["claims"] = [c.to_json(outlet) for c in self.claims]
        if self.reports:
            data["reports"] = self.reports
        if self.not_filed:
            data["not_filed"] = self.not_filed
        return data


def iter_inputs(paths: Iterable[Path]) -> Iterator[Path]:
    """Files in ``paths``, directories walked in sorted order; hidden files are skipped."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        elif path.exists():
            yield path
        else:
            yield path  # read_document reports it missing, under the caller's policy


def read_document(data: bytes, name: str, options: Options = Options()) -> Document:
    """One document from its bytes; raises :class:`IngestError` with a one-line reason."""
    decoded = decode(name, data, limit=options.max_bytes)
    fmt = choose_format(name, data[:4096], options.format)
    source = Source(
        name=name,
        data=data,
        text=decoded.text,
        encoding=decoded.encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        url=options.url,
        outlet=options.outlet,
        published=options.published,
        encoding_note=decoded.note,
    )
    return fmt.read(source)


def _read_file(path: Path, limit: int) -> bytes:
    try:
        check_size(str(path), path.stat().st_size, limit)
        return path.read_bytes()
    except FileNotFoundError:
        raise IngestError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise IngestError(f"{path}: is a directory") from None
    except PermissionError:
        raise IngestError(f"{path}: permission denied") from None


class _Filer:
    """Files documents' claims into one node as the ingest identity."""

    def __init__(self, node: Any) -> None:
        self.node = node
        engine = node.store.engine
        if not inspect(engine).has_table(ingested_documents.name):
            ingested_documents.create(engine)
            self._backfill()
        if node.ledger.key(INGEST_PARTY) is None:
            node.add_party(INGEST_PARTY, INGEST_PARTY_NAME, PartyKind.INGEST)
        self.key = node.signing_key(INGEST_PARTY)

    def _backfill(self) -> None:
        """Fill the projection from the log (a node created before ingestion was imported)."""
        from truce.model.kinds import parse_body
        from truce.store.projector import Projection

        ledger = self.node.ledger
        with self.node.store.engine.begin() as conn:
            for index, entry in ledger.iter_entries(0, ledger.size):
                if entry.kind == "report.filed":
                    body = parse_body(entry.kind, entry.body)
                    project_ingested_document(Projection(conn, index, entry, body))

    def seen(self, sha256: str) -> bool:
        return is_ingested(self.node.store.engine, sha256)

    def file(self, doc: Document, data: bytes, claims: list[Claim]) -> tuple[list[str], list[str]]:
        return self.file_many([(doc, data, claims)])[0]

    def file_many(
        self, docs: list[tuple[Document, bytes, list[Claim]]]
    ) -> list[tuple[list[str], list[str]]]:
        """File several documents' reports in one append (one fsync, one projection pass).

        All or nothing for the group; the caller retries one by one if the group fails."""
        results: list[tuple[list[str], list[str]]] = []
        per_doc: list[list[Any]] = []
        for doc, data, claims in docs:
            reports, not_filed = [], []
            for i, claim in enumerate(claims):
                problem = report_problem(claim)
                if problem is not None:
                    not_filed.append(f"claim {i + 1} ({claim.sub_event_type}): {problem}")
                    continue
                reports.append(to_report(claim, doc))
            if reports:
                self.node.evidence.put(data)
            per_doc.append(reports)
            results.append(([], not_filed))
        ledger = self.node.ledger
        seq, prev = ledger.next_position(INGEST_PARTY)
        entries = []
        for reports in per_doc:
            for report in reports:
                entry = Entry.sign(
                    self.key,
                    origin=ledger.origin,
                    kind="report.filed",
                    author=INGEST_PARTY,
                    seq=seq,
                    prev=prev,
                    body=report.to_body(),
                    mode="custodial",
                )
                entries.append(entry)
                seq, prev = seq + 1, entry.hash.hex()
        if not entries:
            return results
        index = self.node.append_signed(entries)
        for k, reports in enumerate(per_doc):
            results[k] = ([f"R-{index + j}" for j in range(len(reports))], results[k][1])
            index += len(reports)
        return results


#: Documents filed per ledger append: amortises the fsync and the projection transaction
#: while keeping memory bounded (a batch streams through in groups this size).
GROUP = 16


def ingest(
    paths: Iterable[Path],
    options: Options = Options(),
    *,
    node: Any = None,
    on_invalid: OnInvalid = "raise",
    gazetteer: Any = "default",
    group: int = GROUP,
) -> Iterator[Outcome]:
    """Ingest every file under ``paths``; with ``node`` None nothing is written (dry run).

    Outcomes come in input order. Documents are filed ``group`` at a time in one append; if a
    group's append fails, its documents are filed one by one so only the bad one is refused.
    """
    if gazetteer != "default":
        gaz = gazetteer
    else:
        gaz = node_gazetteer(node) if node is not None else load_gazetteer()
    filer = _Filer(node) if node is not None else None
    # Each pending item is a finished Outcome, or a document waiting for the group's append.
    pending: list[Outcome | tuple[str, Document, bytes, list[Claim]]] = []
    waiting: set[str] = set()

    def flush() -> Iterator[Outcome]:
        to_file = [p for p in pending if not isinstance(p, Outcome)]
        filed: dict[int, tuple[list[str], list[str]] | TruceError] = {}
        if to_file and filer is not None:
            try:
                for item, result in zip(
                    to_file, filer.file_many([(d, b, c) for _, d, b, c in to_file]), strict=True
                ):
                    filed[id(item)] = result
            except TruceError:
                for item in to_file:  # isolate the document the ledger refused
                    try:
                        filed[id(item)] = filer.file(item[1], item[2], item[3])
                    except TruceError as exc:
                        filed[id(item)] = exc
        for item in pending:
            if isinstance(item, Outcome):
                yield item
                continue
            name, doc, _, claims = item
            result = filed[id(item)]
            if isinstance(result, TruceError):
                if on_invalid == "raise":
                    raise result
                yield Outcome(name, "invalid", error=f"{name}: {result.message}")
            else:
                yield Outcome(name, "ingested", doc, claims, result[0], result[1])
        pending.clear()
        waiting.clear()

    for path in iter_inputs(paths):
        name = str(path)
        try:
            data = _read_file(path, options.max_bytes)
            doc = read_document(data, name, options)
            if filer is not None and (doc.sha256 in waiting or filer.seen(doc.sha256)):
                pending.append(Outcome(name, "duplicate", doc))
                continue
            claims = extract_claims(doc, gazetteer=gaz)
            if filer is None:
                yield Outcome(name, "dry-run", doc, claims)
                continue
            pending.append((name, doc, data, claims))
            waiting.add(doc.sha256)
        except TruceError as exc:
            if on_invalid == "raise":
                yield from flush()  # what came before the bad file is filed first
                raise
            message = exc.message if isinstance(exc, IngestError) else f"{name}: {exc.message}"
            if filer is None:
                yield Outcome(name, "invalid", error=message)
            else:
                pending.append(Outcome(name, "invalid", error=message))
        if sum(1 for p in pending if not isinstance(p, Outcome)) >= group:
            yield from flush()
    yield from flush()


def ingest_bytes(node: Any, data: bytes, name: str, options: Options = Options()) -> Outcome:
    """Ingest one document given as bytes into ``node`` (raises :class:`IngestError`)."""
    filer = _Filer(node)
    doc = read_document(data, name, options)
    if filer.seen(doc.sha256):
        return Outcome(name, "duplicate", doc)
    claims = extract_claims(doc, gazetteer=node_gazetteer(node))
    reports, not_filed = filer.file(doc, data, claims)
    return Outcome(name, "ingested", doc, claims, reports, not_filed)

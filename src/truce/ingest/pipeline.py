"""Ingestion end to end: files → documents → claims → reports (or pending claims) in the ledger.

:func:`read_document` turns bytes into a :class:`Document` through the format registry.
:func:`ingest` walks files and directories and yields one :class:`Outcome` per input, streaming:
nothing is kept between documents, so memory stays flat over any batch. With a node, each
document's claims are filed by the open-sources identity (party ``osint``, kind ``ingest``,
created on first use), all of one document's entries in one all-or-nothing append; the
document's bytes go to the evidence store first. No extracted claim is dropped: a claim with a
date and a resolved place becomes a ``report.filed`` entry; any other becomes a
``claim.queued`` entry saying what it needs (:mod:`truce.ingest.pending`), for an analyst to
complete and accept or reject (:mod:`truce.ingest.review`). Each :class:`Outcome` says, claim
by claim, which it was and why (:class:`Fate`). A document whose SHA-256 is already in the
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

import pydantic

from truce.agreement.aoi import Aoi
from truce.agreement.filing import contradictions, settings_aoi
from truce.errors import IngestError, TruceError
from truce.ingest.claims import Claim, extract_claims
from truce.ingest.decode import MAX_BYTES, check_size, decode
from truce.ingest.document import Document
from truce.ingest.formats import Source, choose_format
from truce.ingest.lang.detect import Detection, detect_document
from truce.ingest.pending import Need, NeedField, PendingClaim, claim_id, needs_of, to_pending
from truce.ingest.places import load_gazetteer, node_gazetteer
from truce.ingest.report import INGEST_PARTY, INGEST_PARTY_NAME, to_report
from truce.ingest.store import (
    create_documents_table,
    is_ingested,
    project_ingested_document,
    project_pending_claim,
)
from truce.intake import check_records
from truce.ledger.entry import Entry
from truce.model import PartyKind, Report

__all__ = [
    "Fate",
    "Options",
    "Outcome",
    "fates_of",
    "ingest",
    "ingest_bytes",
    "iter_inputs",
    "read_document",
]

OnInvalid = Literal["raise", "skip"]


@dataclass(frozen=True)
class Options:
    url: str | None = None
    outlet: str | None = None
    published: date | tuple[date, date] | None = None  # a day, a month or a range
    format: str | None = None
    max_bytes: int = MAX_BYTES


@dataclass(frozen=True)
class Fate:
    """What became of one claim: filed as report ``id`` (R-…), or queued as pending claim ``id``
    (C-…) with what it needs. In a dry run ``id`` is None ("would be filed / queued")."""

    status: Literal["filed", "queued"]
    id: str | None = None
    needs: tuple[Need, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status}
        if self.id is not None:
            data["id"] = self.id
        if self.needs:
            data["needs"] = [n.to_body() for n in self.needs]
        return data

    def describe(self) -> str:
        what = "filed" if self.status == "filed" else "queued for review"
        if self.id is None:
            what = "would be " + what
        head = f"{what} as {self.id}" if self.id else what
        if self.status == "filed":
            return f"{head}: date and place read from the text"
        return f"{head}: " + "; ".join(n.reason for n in self.needs)


@dataclass
class Outcome:
    """What happened to one input; ``fates[i]`` is what became of ``claims[i]``."""

    name: str
    status: Literal["ingested", "duplicate", "dry-run", "invalid"]
    document: Document | None = None
    claims: list[Claim] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)
    error: str | None = None
    fates: list[Fate] = field(default_factory=list)

    @property
    def language(self) -> Detection | None:
        """The document's language and each paragraph's (:mod:`truce.ingest.lang.detect`)."""
        if self.document is None:
            return None
        return detect_document(self.document.title, self.document.body)[0]

    def paragraph_languages(self) -> dict[str, int]:
        if self.document is None:
            return {}
        counts: dict[str, int] = {}
        for code in detect_document(self.document.title, self.document.body)[1]:
            counts[code] = counts.get(code, 0) + 1
        return counts

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "status": self.status}
        if self.error is not None:
            data["error"] = self.error
        if self.document is not None:
            data.update(self.document.to_json())
            found = self.language
            if found is not None:
                data["language"] = {**found.to_json(), "paragraphs": self.paragraph_languages()}
            outlet = self.document.outlet
            data["claims"] = [c.to_json(outlet) for c in self.claims]
            for item, fate in zip(data["claims"], self.fates, strict=False):
                item["outcome"] = fate.to_json()
        if self.reports or self.status == "ingested":
            data["reports"] = self.reports
        if self.queued or self.status == "ingested":
            data["queued"] = self.queued
        return data


def _plan(
    claim: Claim, doc: Document, number: int, aoi: Aoi | None = None
) -> Report | PendingClaim:
    """The report ``claim`` files as, or the pending claim it is queued as (never neither).

    A report whose point contradicts its place or lies outside the monitored area (the filing
    checks, :mod:`truce.agreement.filing`) is queued for review instead, the contradiction as
    its need: ingestion files nothing a person filing it would have been stopped from."""
    needs = needs_of(claim)
    if not needs:
        try:
            report = to_report(claim, doc)
        except TruceError as exc:
            needs = [Need(field=NeedField.REPORT, reason=exc.message[:500])]
        else:
            found = contradictions(report, aoi=aoi)
            if not found:
                return report
            needs = [Need(field=NeedField.PLACE, reason=found[0].sentence()[:500])]
    try:
        return to_pending(claim, doc, number, needs)
    except (pydantic.ValidationError, TruceError) as exc:
        # The draft itself does not validate (a figure out of order...): keep the claim with
        # what surely holds, its type, sources, evidence and text, and say what failed.
        message = exc.message if isinstance(exc, TruceError) else str(exc.errors()[0]["msg"])
        needs = [*needs, Need(field=NeedField.REPORT, reason=f"draft invalid: {message}"[:500])]
        return _bare_pending(claim, doc, number, needs)


def _bare_pending(claim: Claim, doc: Document, number: int, needs: list[Need]) -> PendingClaim:
    from truce.ingest.pending import ReportDraft, _context
    from truce.ingest.report import _sources

    context, marks = _context(claim, doc)
    draft = ReportDraft(
        event_type=claim.event_type,
        sub_event_type=claim.sub_event_type,
        modality=claim.modality,
        sources=_sources(claim, doc),
        text=claim.text[:20_000],
        tags=["ingest"],
    )
    try:
        return PendingClaim(
            document=doc.sha256,
            number=number,
            needs=needs[:10],
            draft=draft,
            context=context or claim.trigger or "(no text)",
            highlights=marks,
        )
    except pydantic.ValidationError:  # the marks do not fit: the claim's own text, unmarked
        return PendingClaim(
            document=doc.sha256,
            number=number,
            needs=needs[:10],
            draft=draft,
            context=(claim.text or claim.trigger or "(no text)")[:8000],
        )


def fates_of(claims: list[Claim], doc: Document) -> list[Fate]:
    """What ingesting ``claims`` would do with each (a dry run: nothing is written)."""
    fates = []
    for i, claim in enumerate(claims):
        planned = _plan(claim, doc, i + 1)
        if isinstance(planned, Report):
            fates.append(Fate("filed"))
        else:
            fates.append(Fate("queued", None, tuple(planned.needs)))
    return fates


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
    # At most limit + 1 bytes whatever stat() says: /dev/zero and FIFOs report a size of 0.
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
        check_size(str(path), len(data), limit)
        return data
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
        if create_documents_table(engine):
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
                if entry.kind in ("report.filed", "claim.queued"):
                    body = parse_body(entry.kind, entry.body, recorded=True)
                    handler = (
                        project_ingested_document
                        if entry.kind == "report.filed"
                        else project_pending_claim
                    )
                    handler(Projection(conn, index, entry, body))

    def seen(self, sha256: str) -> bool:
        return is_ingested(self.node.store.engine, sha256)

    def file(self, doc: Document, data: bytes, claims: list[Claim]) -> list[Fate]:
        return self.file_many([(doc, data, claims)])[0]

    def file_many(self, docs: list[tuple[Document, bytes, list[Claim]]]) -> list[list[Fate]]:
        """File several documents' claims in one append (one fsync, one projection pass): each
        claim as a report, or as a pending claim when it cannot be one yet.

        All or nothing for the group; the caller retries one by one if the group fails."""
        ledger = self.node.ledger
        seq, prev = ledger.next_position(INGEST_PARTY)
        entries: list[Entry] = []
        per_doc: list[list[tuple[str, PendingClaim | None]]] = []
        for doc, data, claims in docs:
            aoi = settings_aoi(self.node.settings.extra)
            planned = [_plan(claim, doc, i + 1, aoi) for i, claim in enumerate(claims)]
            if planned:
                self.node.evidence.put(data)
            kinds = []
            for item in planned:
                kind = "report.filed" if isinstance(item, Report) else "claim.queued"
                entry = Entry.sign(
                    self.key,
                    origin=ledger.origin,
                    kind=kind,
                    author=INGEST_PARTY,
                    seq=seq,
                    prev=prev,
                    body=item.to_body(),
                    mode="custodial",
                )
                entries.append(entry)
                seq, prev = seq + 1, entry.hash.hex()
                kinds.append((kind, item if isinstance(item, PendingClaim) else None))
            per_doc.append(kinds)
        if not entries:
            return [[] for _ in docs]
        index = self.node.append_signed(entries)
        results: list[list[Fate]] = []
        for kinds in per_doc:
            fates = []
            for _kind, pending in kinds:
                if pending is None:
                    fates.append(Fate("filed", f"R-{index}"))
                else:
                    fates.append(Fate("queued", claim_id(index), tuple(pending.needs)))
                index += 1
            results.append(fates)
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
        filed: dict[int, list[Fate] | TruceError] = {}
        if to_file and filer is not None:
            try:
                for waiting_doc, fates in zip(
                    to_file, filer.file_many([(d, b, c) for _, d, b, c in to_file]), strict=True
                ):
                    filed[id(waiting_doc)] = fates
            except TruceError:
                for waiting_doc in to_file:  # isolate the document the ledger refused
                    try:
                        filed[id(waiting_doc)] = filer.file(*waiting_doc[1:])
                    except TruceError as exc:
                        filed[id(waiting_doc)] = exc
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
                yield _ingested(name, doc, claims, result)
        pending.clear()
        waiting.clear()

    given = list(paths)
    inputs = list(iter_inputs(given))
    check_records(len(inputs), ", ".join(map(str, given)), "documents")
    for path in inputs:
        name = str(path)
        try:
            data = _read_file(path, options.max_bytes)
            doc = read_document(data, name, options)
            if filer is not None and (doc.sha256 in waiting or filer.seen(doc.sha256)):
                pending.append(Outcome(name, "duplicate", doc))
                continue
            claims = extract_claims(doc, gazetteer=gaz)
            if filer is None:
                yield Outcome(name, "dry-run", doc, claims, fates=fates_of(claims, doc))
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
    return _ingested(name, doc, claims, filer.file(doc, data, claims))


def _ingested(name: str, doc: Document, claims: list[Claim], fates: list[Fate]) -> Outcome:
    if len(fates) != len(claims):  # the one rule of this module: every claim has a fate
        raise AssertionError(f"{name}: {len(claims)} claims but {len(fates)} filed or queued")
    reports = [f.id for f in fates if f.status == "filed" and f.id]
    queued = [f.id for f in fates if f.status == "queued" and f.id]
    return Outcome(name, "ingested", doc, claims, reports, queued, fates=fates)

"""Attaching a file: stage it, check it, learn from it, sign it into the log, keep it.

The order is what makes bad input lose nothing and store nothing:

1. the bytes are written to the store's ``tmp/`` while hashed (:meth:`EvidenceStore.stage`),
   in chunks, refused past the size limit;
2. the content is sniffed (:func:`truce.evidence.sniff.sniff`), compared with the declared type
   and the name, and read (:func:`truce.evidence.learn.learn`): an archive, a contradiction, a
   decompression bomb or a damaged image is refused here and the staged file deleted;
3. the file (and its thumbnail) move into the store, then the ``evidence.added`` entry is
   appended; if the append is refused, a file that was new is removed again.

The CLI calls :func:`add`; the API stages the request body itself and calls :func:`prepare` and
:func:`keep` around its own (sequenced) append.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from truce.assess.kinds import INCIDENT_ID, REPORT_ID
from truce.assess.projection import resolve
from truce.errors import NotFoundError, ValidationError
from truce.evidence.kinds import EvidenceAdded
from truce.evidence.learn import learn
from truce.evidence.queries import has_report
from truce.evidence.sniff import check_declared, safe_filename, sniff
from truce.ids import evidence_id
from truce.ledger.evidence import EvidenceStore, Staged
from truce.node import Node

__all__ = ["Added", "Prepared", "add", "check_target", "keep", "place", "prepare", "unplace"]

T = TypeVar("T")


@dataclass(frozen=True)
class Prepared:
    body: EvidenceAdded
    thumbnail: bytes | None


@dataclass(frozen=True)
class Added:
    id: str
    index: int
    body: EvidenceAdded
    new: bool  # the file was not in the store before


def check_target(conn: Any, report: str | None, incident: str | None) -> None:
    """Raise unless exactly one of ``report``/``incident`` is given and is in the record."""
    if (report is None) == (incident is None):
        raise ValidationError(
            "attach the file to one report (--report R-..) or one incident (--incident I-..)",
            field="report",
        )
    if report is not None:
        if not re.match(REPORT_ID, report):
            raise ValidationError(f"{report!r} is not a report id (like R-7)", field="report")
        if not has_report(conn, report):
            raise NotFoundError(f"no report {report}", field="report")
    if incident is not None:
        if not re.match(INCIDENT_ID, incident):
            raise ValidationError(
                f"{incident!r} is not an incident id (like I-12)", field="incident"
            )
        if resolve(conn, incident) is None:
            raise NotFoundError(
                f"no incident {incident}", field="incident", hint="List them: 'truce incidents'."
            )


def prepare(
    staged: Staged,
    *,
    filename: str,
    report: str | None = None,
    incident: str | None = None,
    declared: str | None = None,
    description: str = "",
    graphic: bool = False,
) -> Prepared:
    """Sniff, check and read the staged file; the entry body to append. Raises on bad input
    (the caller discards the staged file)."""
    name = safe_filename(filename)
    sha = staged.finish()
    if staged.size == 0:
        raise ValidationError("the file is empty", field="file")
    media_type = sniff(staged.head)
    check_declared(media_type, declared, name)
    learned = learn(staged.tmp, media_type)
    body = EvidenceAdded(
        sha256=sha,
        media_type=media_type,
        size=staged.size,
        filename=name,
        report=report,
        incident=incident,
        description=description,
        graphic=graphic,
        width=learned.width,
        height=learned.height,
        captured=learned.captured,
        lat=learned.lat,  # pydantic turns the float into a Decimal
        lon=learned.lon,
        device=learned.device,
        dhash=learned.dhash,
        keyframes=learned.keyframes or None,
        problems=learned.problems[:20],
        pages=learned.pages,
        document=learned.document or None,
        xmp=learned.xmp or None,
        c2pa=learned.c2pa,
    )
    return Prepared(body, learned.thumbnail)


def place(store: EvidenceStore, staged: Staged, prepared: Prepared) -> bool:
    """Move the file (and its thumbnail) into the store; True if the file was new."""
    new = staged.commit()
    if prepared.thumbnail is not None:
        thumb = store.thumbnail_path(prepared.body.sha256)
        if not thumb.exists():
            thumb.parent.mkdir(parents=True, exist_ok=True)
            tmp = thumb.with_name(f".{thumb.name}.{os.getpid()}.tmp")
            tmp.write_bytes(prepared.thumbnail)
            os.replace(tmp, thumb)
    return new


def unplace(store: EvidenceStore, sha256: str) -> None:
    """Take a file that was new back out (its entry was refused)."""
    store.delete(sha256)


def keep(store: EvidenceStore, staged: Staged, prepared: Prepared, append: Callable[[], T]) -> T:
    """Move the file into the store, then ``append`` its entry; undo a new file if that fails."""
    new = place(store, staged, prepared)
    try:
        return append()
    except BaseException:
        if new:
            unplace(store, prepared.body.sha256)
        raise


def add(
    node: Node,
    source: Path | BinaryIO,
    author: str,
    *,
    report: str | None = None,
    incident: str | None = None,
    filename: str | None = None,
    declared: str | None = None,
    description: str = "",
    graphic: bool = False,
    limit: int | None = None,
) -> Added:
    """Attach ``source`` (a path or a binary stream) to a report or incident, as ``author``."""
    with node.store.engine.connect() as conn:
        check_target(conn, report, incident)
    node.signing_key(author)  # an unknown author fails before anything is read
    if isinstance(source, Path):
        if not source.is_file():
            raise NotFoundError(f"no file {source}", field="file")
        name = filename or source.name
        with open(source, "rb") as f:
            staged = node.evidence.stage_stream(f, limit)
    else:
        if filename is None:
            raise ValidationError("name the file (filename)", field="filename")
        name = filename
        staged = node.evidence.stage_stream(source, limit)
    with staged:
        prepared = prepare(
            staged,
            filename=name,
            report=report,
            incident=incident,
            declared=declared,
            description=description,
            graphic=graphic,
        )
        new = node.evidence.has(prepared.body.sha256) is False

        def append() -> int:
            node.append(author, "evidence.added", prepared.body)
            return node.ledger.size - 1

        index = keep(node.evidence, staged, prepared, append)
    return Added(evidence_id(index), index, prepared.body, new)

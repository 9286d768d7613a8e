"""Polling channels on their schedules and ingesting each new item once.

:class:`Watcher` polls every source that is due (``every`` after its last good poll; after an
error, ``every × 2^(errors in a row)``, at most six hours), reads its items
(:mod:`truce.channels.readers`) and hands each new one to the ingest pipeline
(:func:`truce.ingest.pipeline.ingest_bytes`: extraction, then the ledger append), with the
item's link as the URL, the item's date as the publication date and the source's outlet.

**Each item once, across crashes.** An item is new unless one of its keys (feed guid, link,
Telegram message id, a folder file's SHA-256) or its document's SHA-256 is in ``seen``. For a
new item the order is: (1) the ledger append of its claims — atomic, and the node's
``ingested_documents`` projection records the document's SHA-256 (rebuilt from the log when a
node opens, so it is never behind the log); (2) then, in one SQLite transaction, the ``seen``
row and the source's counter. A ``kill -9``

- before (1) completes leaves nothing in the ledger: the item is not seen, the next run ingests
  it — nothing lost;
- between (1) and (2) leaves the claims in the ledger but no ``seen`` row: the next run renders
  the item to the same bytes (rendering is deterministic), the pipeline finds its SHA-256 in
  ``ingested_documents`` and answers "duplicate" without appending, and (2) is written then —
  nothing twice;
- after (2): the item is seen and skipped.

An item whose document yields no claim appends nothing; it is recorded in ``seen`` like any
other. The one case this cannot cover: an item edited upstream (same guid, new text) between a
crash in that window and the restart would be filed again under its new text — a different
document, by then a different report.

Inside ``truce serve`` the ingest step runs on the server's writer thread (the sequencer), so
the watcher and the API never append at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from truce.channels.readers import Item, read_channel
from truce.channels.state import SourceDef, State
from truce.errors import IngestError, TruceError
from truce.ingest.pipeline import Options, Outcome

__all__ = ["IngestFn", "Poll", "Watcher"]

IngestFn = Callable[[bytes, str, Options], Outcome]
#: The longest the loop sleeps before looking at the sources again (new ones, stop requests).
TICK_S = 1.0


@dataclass
class Poll:
    """One poll of one source: how many items it had, took, already knew; the error if any."""

    source: str
    items: int = 0
    ingested: int = 0
    duplicates: int = 0
    skipped: int = 0
    invalid: int = 0
    reports: int = 0
    queued: int = 0
    error: str | None = None
    names: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if self.error:
            return f"{self.source}: error: {self.error}"
        return (
            f"{self.source}: {self.items} items, {self.ingested} new ({self.reports} reports, "
            f"{self.queued} queued), {self.duplicates} duplicates, {self.skipped} seen before"
            + (f", {self.invalid} invalid" if self.invalid else "")
        )


class Watcher:
    """Polls the sources of one :class:`State` and ingests through ``ingest``."""

    def __init__(
        self,
        state: State,
        ingest: IngestFn,
        *,
        log: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.state = state
        self.ingest = ingest
        self.log = log or (lambda _line: None)
        self.clock = clock

    def poll(self, source: SourceDef) -> Poll:
        """Poll one source now and record the poll (its error, if any, starts the back-off)."""
        result = Poll(source.name)
        try:
            items = read_channel(source)
            result.items = len(items)
            for item in items:
                self._take(source, item, result)
        except TruceError as exc:
            result.error = exc.message
        except OSError as exc:  # the state file or the evidence store: try again later
            result.error = f"{type(exc).__name__}: {exc}"
        self.state.polled(source, result.error, self.clock())
        self.log(result.describe())
        return result

    def _take(self, source: SourceDef, item: Item, result: Poll) -> None:
        if any(self.state.seen_key(k) for k in item.keys):
            result.skipped += 1
            return
        sha = item.sha256
        if self.state.seen_sha(sha):  # the same text under another link, or in another source
            self.state.record(source.name, item.keys, sha, "duplicate", 0, 0)
            result.duplicates += 1
            return
        options = Options(url=item.url, outlet=source.outlet, published=item.published)
        try:
            outcome = self.ingest(item.data, item.name, options)
        except IngestError as exc:  # this item can never be ingested: say so once
            self.state.record(source.name, item.keys, sha, "invalid", 0, 0)
            result.invalid += 1
            self.log(f"{source.name}: {item.name}: {exc.message}")
            return
        status = "ingested" if outcome.status == "ingested" else "duplicate"
        self.state.record(
            source.name, item.keys, sha, status, len(outcome.reports), len(outcome.queued)
        )
        if status == "ingested":
            result.ingested += 1
            result.reports += len(outcome.reports)
            result.queued += len(outcome.queued)
            result.names.append(item.name)
        else:
            result.duplicates += 1

    def run_due(self) -> list[Poll]:
        """Poll every source that is due now; returns the polls."""
        now = self.clock()
        return [self.poll(source) for source, due in self.state.due() if due <= now]

    def next_due(self) -> float | None:
        dues = [due for _, due in self.state.due()]
        return min(dues) if dues else None

    def run(self, stop: threading.Event) -> None:
        """Poll on schedule until ``stop`` is set (sources added meanwhile are picked up)."""
        while not stop.is_set():
            self.run_due()
            due = self.next_due()
            wait = TICK_S if due is None else max(0.05, min(TICK_S, due - self.clock()))
            stop.wait(wait)

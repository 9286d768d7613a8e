"""The webhook for the center's own tools: each notification POSTed as JSON to a URL.

Set ``TRUCE_WEBHOOK_URL`` and the server starts a :class:`Webhook`: the sequencer tells it how
far the tables are (:meth:`Webhook.notify`, a queue put: the writer never waits), and its own
thread reads the new rows of ``notifications`` and POSTs each one
(``{"id", "kind", "audience", "incident_id", "task_id", "site_id", "text", "at", "entry_index"}``)
with ``Content-Type: application/json``. A failure (no answer, or a status other than 2xx) is
retried :data:`ATTEMPTS` times with a doubling delay, then logged and dropped: the record keeps
every notification (``GET /api/v1/notifications``), the webhook is a convenience.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import TYPE_CHECKING

import httpx

from truce.collab.actions import notifications_between

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from truce.collab.queries import NotificationRow

__all__ = ["ATTEMPTS", "Webhook"]

log = logging.getLogger(__name__)

ATTEMPTS = 5
FIRST_DELAY_S = 0.25
TIMEOUT_S = 5.0


class Webhook:
    def __init__(
        self,
        url: str,
        engine: Engine,
        size: int,
        *,
        attempts: int = ATTEMPTS,
        first_delay_s: float = FIRST_DELAY_S,
    ) -> None:
        self.url = url
        self.engine = engine
        self.done = size  # entries whose notifications were sent (or are older than the server)
        self.attempts = attempts
        self.first_delay_s = first_delay_s
        self.sent = 0
        self.failed = 0
        self._pending: queue.Queue[int | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def notify(self, size: int) -> None:
        """The tables hold the ledger's first ``size`` entries (never blocks)."""
        self._pending.put(size)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="truce-webhook", daemon=True)
        self._thread.start()

    def close(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._pending.put(None)
            self._thread.join(timeout=30)

    def _run(self) -> None:
        with httpx.Client(timeout=TIMEOUT_S) as client:
            while True:
                size = self._pending.get()
                if size is None:
                    return
                if size <= self.done:
                    continue
                try:
                    rows = self._rows(self.done, size)
                except Exception:
                    log.exception("webhook: could not read notifications")
                    continue
                self.done = size
                for row in rows:
                    self._post(client, row)

    def _rows(self, start: int, stop: int) -> list[NotificationRow]:
        with self.engine.connect() as conn:
            return notifications_between(conn, start, stop)

    def _post(self, client: httpx.Client, row: NotificationRow) -> None:
        delay = self.first_delay_s
        for attempt in range(1, self.attempts + 1):
            try:
                resp = client.post(self.url, json=row)
                if 200 <= resp.status_code < 300:
                    self.sent += 1
                    return
                problem = f"HTTP {resp.status_code}"
            except httpx.HTTPError as exc:
                problem = str(exc) or type(exc).__name__
            if attempt < self.attempts:
                time.sleep(delay)
                delay *= 2
        self.failed += 1
        log.warning("webhook: %s not delivered to %s: %s", row["id"], self.url, problem)

"""The center's HTTP API: ``create_app(settings)`` builds it, ``truce serve`` runs it.

One FastAPI application over one node: the OpenAPI document is at ``/openapi.json`` (browsable
at ``/docs``); the JSON API under ``/api/v1``; the log as C2SP tlog-tiles under ``/ledger``;
and the web map (issue 8), when its build is present, from ``truce/web/static`` at ``/``.
Writes go through the node's one :class:`~truce.web.sequencer.Sequencer`, and the projections
are caught up in a child process (:mod:`truce.store.remote`; ``TRUCE_PROJECTOR=inline`` keeps
them on the writer thread); reads go to the projections (SQLite or PostgreSQL) and the log.
Errors have one JSON shape (:mod:`truce.web.errors`); request bodies are limited (1 MiB, 8 MiB
for batches of signed entries) before they are read. :class:`~truce.web.guard.Guard`, outermost,
puts the security headers (a strict Content-Security-Policy and the rest) on every response and
answers an anonymous unsafe request with 401 before its body is looked at.

The routers are the ``routers`` of :data:`truce.capabilities.CAPABILITIES` (each a module with
a ``router``), included in that order; one that does not exist is an error, never skipped.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from truce.access.accounts import Accounts, SigninPolicy
from truce.capabilities import CAPABILITIES
from truce.config import Settings
from truce.ledger.tlog_witness import MAX_BODY as WITNESS_MAX_BODY
from truce.ledger.tlog_witness import Witness
from truce.node import Node
from truce.store.remote import ProjectorProcess
from truce.web.deps import Services
from truce.web.errors import BodyLimit, install_error_handlers
from truce.web.guard import Guard
from truce.web.live import Hub
from truce.web.sequencer import Sequencer

__all__ = ["create_app"]

STATIC = Path(__file__).with_name("static")
DEFAULT_BODY_LIMIT = 1 << 20
BODY_LIMITS = {
    "/api/v1/ledger/entries": 8 << 20,
    "/api/v1/ingest": 32 << 20,
    "/api/v1/operator/entries": 256 << 20,  # the CLI's imports, through the running server
    "/witness/add-checkpoint": WITNESS_MAX_BODY,  # c2sp.org/tlog-witness requests
}

_INDEX = """<!doctype html><meta charset="utf-8"><title>truce</title>
<h1>truce</h1><p>The center's API is running. The OpenAPI document: <a href="/docs">/docs</a>
(<a href="/openapi.json">openapi.json</a>); the log:
<a href="/ledger/checkpoint">checkpoint</a>.</p>
"""


def _start_channels(
    settings: Settings, sequencer: Sequencer
) -> tuple[threading.Thread, threading.Event] | None:
    """When channels are configured (``truce sources add``), poll them in a thread of the
    server, ingesting on the writer thread (:mod:`truce.channels.watch`)."""
    from truce.channels.state import State

    if not State.exists_in(settings.home):
        return None
    state = State.of_home(settings.home)
    if not state.sources():
        state.close()
        return None
    from truce.channels.watch import Watcher
    from truce.ingest.pipeline import Options, Outcome, ingest_bytes

    def ingest(data: bytes, name: str, options: Options) -> Outcome:
        return sequencer.call(lambda node: ingest_bytes(node, data, name, options)).result()

    log = logging.getLogger("truce.channels")
    watcher = Watcher(state, ingest, log=log.info)
    stop = threading.Event()

    def run() -> None:
        try:
            watcher.run(stop)
        except Exception:  # the server goes on; the status shows the last poll
            log.exception("channel watcher stopped")
        finally:
            state.close()

    thread = threading.Thread(target=run, name="truce-channels", daemon=True)
    thread.start()
    return thread, stop


def create_app(
    settings: Settings | None = None,
    *,
    node: Node | None = None,
    signin: SigninPolicy | None = None,
) -> FastAPI:
    """Build the application for one data directory (opened now, closed at shutdown)."""
    settings = settings or Settings.from_env()
    if witness_home := settings.extra.get("TRUCE_WITNESS_HOME", "").strip():
        Witness(Path(witness_home))  # fail at start, not on the first request, if it is not one
    node = node or Node.open(settings)
    sequencer = Sequencer(node)
    accounts = Accounts(node.store.engine, policy=signin)
    svc = Services(settings=settings, node=node, sequencer=sequencer, accounts=accounts)
    svc.hub = hub = Hub(svc)
    sequencer.listeners.append(hub.notify)
    webhook = None
    if url := settings.extra.get("TRUCE_WEBHOOK_URL", "").strip():
        from truce.collab.webhook import Webhook

        webhook = Webhook(url, node.store.engine, node.ledger.size)
        sequencer.listeners.append(webhook.notify)
    svc.webhook = webhook

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        projector = None
        if settings.projector == "process":  # started once every router has registered
            projector = ProjectorProcess(node.settings.ledger_dir, node.settings.database_url)
            projector.start()
            node.store.project_in(projector)
        channels = _start_channels(settings, sequencer)
        _app.state.channels = channels
        hub.start()
        if webhook is not None:
            webhook.start()
        try:
            yield
        finally:
            for hook in getattr(_app.state, "shutdown_hooks", ()):
                hook()  # first: say the server is gone before it stops taking writes
            if channels is not None:
                channels[1].set()
                channels[0].join(timeout=30)
            hub.close()
            if webhook is not None:
                webhook.close()
            await accounts.aclose()
            sequencer.close()
            node.store.project_in(None)
            if projector is not None:
                projector.close()
            node.close()

    app = FastAPI(
        title="truce",
        summary="The shared, verifiable record of a joint ceasefire coordination center.",
        version="1",
        lifespan=lifespan,
    )
    app.state.services = svc
    install_error_handlers(app)
    for capability in CAPABILITIES:  # in order; a router that does not exist is an error
        for name in capability.routers:
            app.include_router(importlib.import_module(name).router)
    app.add_middleware(
        BodyLimit,
        default=DEFAULT_BODY_LIMIT,
        limits=BODY_LIMITS,
        streaming={"/api/v1/evidence": settings.evidence_max_bytes},
    )
    app.add_middleware(Guard)  # outermost: its headers are on every response, refusals too
    if (STATIC / "index.html").exists():
        app.mount("/", StaticFiles(directory=STATIC, html=True), name="static")
    else:

        @app.get("/", include_in_schema=False)
        def index() -> HTMLResponse:
            return HTMLResponse(_INDEX)

    return app

"""The capabilities truce is made of: one tuple, loaded by name, failing loudly.

A capability is one part of the center's work (the record itself, access, the agreement,
assessment, ingestion, reports and exports, the map). It names its modules by what they give:

- ``tables``: modules defining SQL tables (a ``MetaData`` of their own, or tables on
  :data:`truce.store.schema.metadata`); imported before a database is migrated or created
  (:func:`truce.store.db.all_metadata`);
- ``projections``: modules registering projection handlers with :func:`truce.store.projects`;
  imported before a :class:`truce.store.Store` projects anything; the handlers of one entry
  kind run in this order (the record's own first), whatever order they were imported in;
- ``routers``: modules with a FastAPI ``router``, included by :func:`truce.web.app.create_app`
  in this order;
- ``commands``: the top-level ``truce`` commands as ``(name, modules, short help)``: the CLI
  lists them from here and imports a command's modules only when it runs (a test checks each
  entry against the real command).

This module is data: it imports none of them itself, so the library has no import cycle through
it, and a command imports only what it uses. A module listed here that does not exist is an
error (:class:`~truce.errors.ConfigError`), never skipped. Adding a capability (say a review
queue with a table, a router and a command) is one entry in :data:`CAPABILITIES`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Literal

from truce.errors import ConfigError

__all__ = ["CAPABILITIES", "Capability", "Command", "commands", "load"]

Role = Literal["tables", "projections", "routers"]


@dataclass(frozen=True)
class Command:
    """A top-level ``truce`` command: the modules that define it (on import), its short help."""

    name: str
    modules: tuple[str, ...]
    help: str


@dataclass(frozen=True)
class Capability:
    name: str
    tables: tuple[str, ...] = ()
    projections: tuple[str, ...] = ()
    routers: tuple[str, ...] = ()
    commands: tuple[Command, ...] = ()


def _c(name: str, help: str, *modules: str) -> Command:
    return Command(name, modules, help)


_LEDGER = "truce.cli.ledger"
_AGREEMENT = "truce.cli.agreement"
_INCIDENTS = "truce.cli.incidents"
_EXPORTS = "truce.cli.exports"

#: Every capability, in load order (tables, handlers and routers are taken in this order).
CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "record",  # the log and its core projections: parties, reports, responses, zones, sites
        tables=("truce.store.schema", "truce.store.release", "truce.store.spatial"),
        projections=("truce.store.projections", "truce.store.release"),
        routers=(
            "truce.web.routes.records",
            "truce.web.routes.ledger",
            "truce.web.routes.places",
            "truce.web.routes.operator",
        ),
        commands=(
            _c(
                "init",
                "Create a new data directory with an empty ledger and its operator key.",
                _LEDGER,
            ),
            _c(
                "rebuild",
                "Drop every projection table and replay the whole log into them.",
                _LEDGER,
            ),
            _c(
                "ledger",
                "The signed, append-only log: checkpoints, proofs, export and verification.",
                _LEDGER,
            ),
            _c(
                "entry",
                "Entries signed on the party's own machine (client mode).",
                "truce.cli.entries",
            ),
            _c("party", "Parties and their Ed25519 keys.", "truce.cli.parties"),
            _c(
                "report",
                "Reports: one party's, monitor's or outlet's account of one event.",
                "truce.cli.reports",
                _EXPORTS,
            ),
            _c(
                "mirror",
                "A party's full copy of the log: verify every entry, cosign, compare with others.",
                "truce.cli.mirror",
            ),
            _c(
                "serve",
                "Serve the HTTP API (OpenAPI document at /docs) over this data directory.",
                "truce.cli.serve",
            ),
            _c(
                "witness",
                "A C2SP tlog-witness: cosign a log's checkpoints that extend what it cosigned "
                "before.",
                "truce.cli.witness",
            ),
        ),
    ),
    Capability(
        "access",  # accounts, sessions, tokens, drafts, restricted records
        tables=("truce.access.schema",),
        routers=(
            "truce.web.routes.session",
            "truce.web.routes.drafts",
            "truce.web.routes.restricted",
        ),
        commands=(
            _c(
                "user",
                "Users: a role (officer, monitor, analyst, chair, public) for a party or the "
                "center.",
                "truce.cli.users",
            ),
            _c("token", "API tokens for programs (stored hashed; shown once).", "truce.cli.users"),
        ),
    ),
    Capability(
        "agreement",  # zones, sites, rules, violations, patrols
        tables=("truce.agreement.tables",),
        projections=("truce.agreement.tables",),
        routers=("truce.web.routes.capabilities",),  # violations, patrols, uploads, merges
        commands=(
            _c(
                "zone",
                "Zones of the agreement: demilitarized zone, corridors, sectors, restricted areas.",
                _AGREEMENT,
            ),
            _c("site", "Protected civilian sites, observation posts and bases.", _AGREEMENT),
            _c(
                "rules",
                "The agreement's clauses (YAML) and the check of incidents against them.",
                _AGREEMENT,
            ),
            _c(
                "violations",
                "List violations: the clause, the incident, the geometry it breaks and the "
                "reports.",
                _AGREEMENT,
            ),
            _c(
                "patrol", "Joint patrols: plans, tracks, observations and their checks.", _AGREEMENT
            ),
        ),
    ),
    Capability(
        "assess",  # reports correlated into incidents, graded
        tables=("truce.assess.tables",),
        projections=("truce.assess.projection",),
        routers=("truce.web.routes.incidents",),
        commands=(
            _c(
                "incidents",
                "List incidents (reports correlated into events) with their grades.",
                _INCIDENTS,
            ),
            _c(
                "incident",
                "One incident: show it, merge incidents, split one, comment on it.",
                _INCIDENTS,
                "truce.cli.collab",
            ),
            _c(
                "respond",
                "File a party's response to incident ID; its grades are recomputed.",
                _INCIDENTS,
            ),
        ),
    ),
    Capability(
        "ingest",  # open-source documents into claims and reports, and the review queue
        tables=("truce.ingest.store",),
        projections=("truce.ingest.store",),
        routers=("truce.web.routes_review", "truce.web.routes_sources"),
        commands=(
            _c(
                "sources",
                "Channels: RSS/Atom feeds, Telegram channel exports and watched folders, polled "
                "on a schedule; each new item is ingested once ('truce sources watch').",
                "truce.cli.sources",
            ),
            _c(
                "ingest",
                "Read news pages (files or directories of HTML or text) and file their claims as "
                "reports by the open-sources identity 'osint'.",
                "truce.cli.ingest",
            ),
            _c(
                "gazetteer",
                "Place names of the monitored area (GeoNames, OCHA) and registered sites.",
                "truce.cli.gazetteer",
            ),
            _c(
                "review",
                "The review queue: claims read from open sources that lack a date, a resolved "
                "place or confidence.",
                "truce.cli.review",
            ),
        ),
    ),
    Capability(
        "report",  # situation reports, exports and imports
        routers=("truce.web.routes_exports",),
        commands=(
            _c(
                "formats",
                "List the export and import formats (built-in and from installed plugins).",
                _EXPORTS,
            ),
            _c(
                "export",
                "Export events as FORMAT (see 'truce formats'): acled, geojson, hxl, cot, "
                "plover...",
                _EXPORTS,
            ),
            _c(
                "import",
                "Import FILE as FORMAT: acled (each row a report), sites, sites-hxl, zones.",
                _EXPORTS,
            ),
        ),
    ),
    Capability(
        "evidence",  # files attached to reports and incidents, what they say, near-duplicates
        tables=("truce.evidence.tables",),
        projections=("truce.evidence.tables",),
        routers=("truce.web.routes.evidence",),
        commands=(
            _c(
                "evidence",
                "The evidence locker: attach photos, videos and documents to reports and "
                "incidents; list them and their findings.",
                "truce.cli.evidence",
            ),
        ),
    ),
    Capability(
        "collab",  # comments, tasks and notifications (after the assessment and the agreement)
        tables=("truce.collab.tables",),
        projections=("truce.collab.tables",),
        routers=("truce.web.routes.collab",),
        commands=(
            _c(
                "task",
                "Tasks for a party ('patrol to verify'): add, mark done or open, list.",
                "truce.cli.collab",
            ),
            _c(
                "notifications",
                "A party's notifications, newest first: incidents near protected sites, its tasks,"
                " the violations it is involved in.",
                "truce.cli.collab",
            ),
        ),
    ),
    Capability("map", routers=("truce.web.routes_map", "truce.web.live")),
    Capability(
        "demo",
        commands=(
            _c(
                "demo",
                "Create a fresh demo data directory: three parties and illustrative reports.",
                "truce.cli.demo",
            ),
        ),
    ),
)

_LOADED: dict[str, list[ModuleType]] = {}


def _import(capability: str, name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is None or not (name == exc.name or name.startswith(f"{exc.name}.")):
            raise  # the module exists, and something it imports does not: its own error
        raise ConfigError(
            f"capability {capability!r} lists the module {name}, which does not exist",
            hint="Fix the entry in truce/capabilities.py, or reinstall truce.",
        ) from None


def load(role: Role) -> list[ModuleType]:
    """Import every module of ``role`` (in :data:`CAPABILITIES` order), once; fails loudly."""
    found = _LOADED.get(role)
    if found is None:
        found = [_import(c.name, m) for c in CAPABILITIES for m in getattr(c, role)]
        _LOADED[role] = found
    return found


def commands() -> dict[str, Command]:
    """The top-level commands by name (nothing imported)."""
    return {cmd.name: cmd for c in CAPABILITIES for cmd in c.commands}

"""``truce sources``: channels (RSS/Atom feeds, Telegram exports, folders) polled and ingested."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

import click

from truce.channels.state import KINDS, SourceDef, State, parse_duration
from truce.cli.app import AppContext, cli, echo_json, pass_app
from truce.errors import ValidationError


def _state(app: AppContext) -> State:
    return State.of_home(app.settings.home)


@cli.group("sources")
def sources() -> None:
    """Channels: RSS/Atom feeds, Telegram channel exports and watched folders, polled on a
    schedule; each new item is ingested once ('truce sources watch')."""


@sources.command("add")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("name")
@click.argument("target")
@click.option(
    "--every",
    default="10m",
    show_default=True,
    metavar="DURATION",
    help="How often to poll: 30s, 10m, 1h, 1d.",
)
@click.option("--outlet", help="The outlet's name for the reports (e.g. 'Russian MoD').")
@pass_app
def add(app: AppContext, kind: str, name: str, target: str, every: str, outlet: str | None) -> None:
    """Add a channel: KIND is rss, atom, telegram-export or folder; TARGET is a feed URL, a
    Telegram Desktop export (its result.json or folder, a path or a URL) or a folder path."""
    seconds = parse_duration(every)
    if kind == "folder":
        path = Path(target).expanduser()
        if not path.is_dir():
            raise ValidationError(f"folder {target!r} does not exist", field="target")
        target = str(path.resolve())
    elif "://" not in target:
        path = Path(target).expanduser()
        if kind != "telegram-export" or not path.exists():
            raise ValidationError(
                f"{kind} target {target!r} is neither a URL nor an existing export",
                field="target",
                hint="Give an http(s):// or file:// URL"
                + (", or the path of result.json or its folder." if kind != "rss" else "."),
            )
        target = str(path.resolve())
    state = _state(app)
    try:
        state.add(SourceDef(name, kind, target, seconds, outlet))  # type: ignore[arg-type]
    finally:
        state.close()
    click.echo(f"added {kind} source {name}: {target}, every {every}")


@sources.command("remove")
@click.argument("name")
@pass_app
def remove(app: AppContext, name: str) -> None:
    """Remove a channel (what it ingested stays; its items are not ingested again if re-added)."""
    state = _state(app)
    try:
        state.remove(name)
    finally:
        state.close()
    click.echo(f"removed source {name}")


def _statuses(app: AppContext) -> list[Any]:
    """Every channel's status, read from the channels' state and the file closed again."""
    state = _state(app)
    try:
        return list(state.statuses())
    finally:
        state.close()


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_sources(app: AppContext, as_json: bool) -> None:
    """The channels: kind, name, schedule, target."""
    statuses = _statuses(app)
    if as_json:
        echo_json([s.to_json() for s in statuses])
        return
    if not statuses:
        click.echo("no sources (add one: truce sources add rss NAME URL)", err=True)
    for s in statuses:
        d = s.to_json()
        click.echo(f"{d['name']:<20} {d['kind']:<16} every {d['every']:<5} {d['target']}")


@sources.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def status(app: AppContext, as_json: bool) -> None:
    """Each channel's last poll, items taken, errors and next poll."""
    statuses = _statuses(app)
    if as_json:
        echo_json([s.to_json() for s in statuses])
        return
    for s in statuses:
        d = s.to_json()
        line = (
            f"{d['name']:<20} last poll {d['last_poll'] or 'never':<20} items {d['items']:>5}  "
            f"duplicates {d['duplicates']:>4}  errors {d['errors']:>3}"
        )
        if s.failing:
            line += f"  failing x{s.failing}, next {d['next_poll']}: {s.last_error}"
        click.echo(line)


@sources.command("watch")
@click.option("--once", is_flag=True, help="Poll every source once now, then exit.")
@pass_app
def watch(app: AppContext, once: bool) -> None:
    """Poll the channels on their schedules and ingest each new item, until stopped (Ctrl-C,
    SIGTERM). Under 'truce serve' the server does this itself."""
    from truce.channels.watch import Watcher
    from truce.ingest.pipeline import ingest_bytes

    node = app.node()
    node.acquire_writer()  # refuse at once if a server (or another watcher) writes

    def log(line: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        click.echo(f"{stamp} {line}", err=True)

    state = _state(app)
    watcher = Watcher(state, lambda data, name, opts: ingest_bytes(node, data, name, opts), log=log)
    try:
        if once:
            for source in state.sources():
                watcher.poll(source)
            return
        stop = threading.Event()

        def on_term(_signum: int, _frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, on_term)
        click.echo(f"watching {len(state.sources())} sources (Ctrl-C stops)", err=True)
        sys.stderr.flush()
        with contextlib.suppress(KeyboardInterrupt):
            watcher.run(stop)
    finally:
        state.close()

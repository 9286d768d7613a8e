"""``truce report daily|weekly``, ``truce export``, ``truce import``, ``truce formats``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar, cast

import click

from truce.cli.app import AppContext, cli, pass_app
from truce.cli.reports import report
from truce.errors import ValidationError
from truce.report import (
    EventFilter,
    ImportRejected,
    available_formats,
    build_situation,
    html_to_pdf,
    render_html,
    run_export,
    run_import,
)
from truce.report.formats.cot import file_per_event
from truce.report.formats.remap import parse_map
from truce.report.html import PAPERS
from truce.report.read import LedgerState
from truce.report.registry import ExportResult
from truce.report.tak import parse_address, tak_stream

_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _situation(
    app: AppContext,
    kind: str,
    on: object,
    zone: str | None,
    size: int | None,
    out: Path,
    paper: str = "A4",
) -> None:
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise ValidationError(f"--out {out}: write FILE.html or FILE.pdf", field="out")
    day = on.date() if on is not None else None  # type: ignore[attr-defined]
    rep = build_situation(app.node(), kind, on=day, zone=zone, size=size)
    html = render_html(rep, paper=paper)
    if suffix == ".pdf":
        html_to_pdf(html, out, when=rep.state.time)
    else:
        out.write_text(html, encoding="utf-8")
    f = rep.figures
    click.echo(
        f"wrote {out}: {rep.title}; {f.incidents} incident(s), "
        f"{'n/a' if f.violations is None else f.violations} violation(s), "
        f"{'n/a' if f.patrols is None else f.patrols} patrol(s); "
        f"ledger size {rep.state.size}, root {rep.state.root_b64}"
    )


_F = TypeVar("_F", bound=Callable[..., Any])


def _report_options(command: _F) -> _F:
    for option in reversed(
        (
            click.option("--date", "on", type=_DATE, help="The day (default: last entry's)."),
            click.option("--zone", help="Only incidents inside this zone (id)."),
            click.option(
                "--checkpoint-size",
                "size",
                type=click.IntRange(min=1),
                help="Build from the ledger as of this size (default: now).",
            ),
            click.option(
                "--out",
                required=True,
                type=click.Path(dir_okay=False, path_type=Path),
                help="FILE.html (self-contained) or FILE.pdf (printed by Chromium).",
            ),
            click.option(
                "--paper",
                type=click.Choice(PAPERS, case_sensitive=False),
                default="A4",
                show_default=True,
                help="The page size the report is laid out and printed to.",
            ),
        )
    ):
        command = option(command)
    return command


@report.command("daily")
@_report_options
@pass_app
def report_daily(
    app: AppContext, on: object, zone: str | None, size: int | None, out: Path, paper: str
) -> None:
    """The daily situation report, citing the ledger checkpoint it was built from."""
    _situation(app, "daily", on, zone, size, out, _paper(paper))


@report.command("weekly")
@_report_options
@pass_app
def report_weekly(
    app: AppContext, on: object, zone: str | None, size: int | None, out: Path, paper: str
) -> None:
    """The weekly situation report: the seven days ending on --date."""
    _situation(app, "weekly", on, zone, size, out, _paper(paper))


def _paper(name: str) -> str:
    return next(p for p in PAPERS if p.casefold() == name.casefold())


@cli.command("formats")
def list_formats() -> None:
    """List the export and import formats (built-in and from installed plugins)."""
    for f in available_formats():
        ways = "/".join(w for w, fn in (("export", f.export), ("import", f.import_)) if fn)
        click.echo(f"{f.name:<10} {ways:<14} {f.media_type:<22} {f.title}")


@cli.command("export")
@click.argument("format_name", metavar="FORMAT")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
@click.option("--from", "start", type=_DATE, help="Events dated on or after this day.")
@click.option("--to", "end", type=_DATE, help="Events dated on or before this day.")
@click.option("--zone", help="Only events inside this zone (id).")
@click.option("--event-type", "event_types", multiple=True, help="ACLED event type (repeatable).")
@click.option("--author", "authors", multiple=True, help="Reported by this party (repeatable).")
@click.option(
    "--unit",
    type=click.Choice(["incidents", "reports"]),
    default="incidents",
    show_default=True,
    help="One row per incident (the center's view) or per report as filed.",
)
@click.option("--checkpoint-size", "size", type=click.IntRange(min=1), help="Ledger size.")
@click.option(
    "--stale-days",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    help="CoT only: how long TAK clients show the events after the data cut.",
)
@click.option(
    "--split",
    "split_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="CoT only: write one standalone .cot file per event into this directory.",
)
@click.option(
    "--tak",
    metavar="HOST:PORT",
    help="CoT only: stream the events to a TAK server's TCP input (e.g. 127.0.0.1:8087).",
)
@pass_app
def export(
    app: AppContext,
    format_name: str,
    out: Path | None,
    start: object,
    end: object,
    zone: str | None,
    event_types: tuple[str, ...],
    authors: tuple[str, ...],
    unit: str,
    size: int | None,
    stale_days: int,
    split_dir: Path | None,
    tak: str | None,
) -> None:
    """Export events as FORMAT (see 'truce formats'): acled, geojson, hxl, cot, plover...

    The export is written as it is read (memory stays flat for any number of events); --out
    is replaced only when the export is complete."""
    flt = EventFilter(
        start=start.date() if start else None,  # type: ignore[attr-defined]
        end=end.date() if end else None,  # type: ignore[attr-defined]
        zone=zone,
        event_types=event_types,
        authors=authors,
    )
    targets = [name for name, given in (("--out", out), ("--split", split_dir), ("--tak", tak))
               if given]  # fmt: skip
    if len(targets) > 1:
        raise ValidationError(f"give one of {', '.join(targets)}", field="out")
    if (split_dir or tak) and format_name != "cot":
        raise ValidationError(
            f"--split and --tak are for cot, not {format_name!r}",
            field="split" if split_dir else "tak",
        )

    def run(stream: TextIO) -> tuple[ExportResult, LedgerState]:
        return run_export(
            app.node(),
            format_name,
            stream,
            unit=unit,
            flt=flt,
            size=size,
            options={"stale_days": stale_days},
        )

    if split_dir is not None:
        result, state = run(cast(TextIO, file_per_event(split_dir)))
        where = f"{split_dir}/ (one .cot file per event)"
    elif tak is not None:
        host, port = parse_address(tak)
        with tak_stream(host, port) as stream:
            result, state = run(cast(TextIO, stream))
        where = f"the TAK server at {host}:{port}"
    elif out is not None:
        partial = out.with_name(out.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8", newline="") as fh:
                result, state = run(fh)
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
        where = str(out)
    else:
        result, state = run(sys.stdout)
        where = "stdout"
    click.echo(
        f"{format_name}: wrote {result.written} to {where} "
        f"(ledger size {state.size}, root {state.root_b64})",
        err=True,
    )
    for ident, reason in result.left_out:
        click.echo(f"  left out {ident}: {reason}", err=True)
    if result.left_out_count > len(result.left_out):
        more = result.left_out_count - len(result.left_out)
        click.echo(f"  ... and {more} more left out", err=True)


@cli.command("import")
@click.argument("format_name", metavar="FORMAT")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--on-invalid",
    type=click.Choice(["raise", "skip"]),
    default="raise",
    show_default=True,
    help="raise: import nothing if any row is bad; skip: import the good rows.",
)
@click.option(
    "--as",
    "author",
    help="The importing identity (signs every entry). Default: the node's open-sources "
    "ingest party, registered on first use.",
)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="sites, zones: read the file's COLUMN as truce's FIELD (repeatable), e.g. "
    "ADM3_PCODE=id ADM3_EN=name for an OCHA boundary file.",
)
@click.option("--kind", help="sites, zones: the kind of features that have none.")
@click.option("--dry-run", is_flag=True, help="Read and check the file; import nothing.")
@pass_app
def import_(
    app: AppContext,
    format_name: str,
    file: Path,
    on_invalid: str,
    author: str | None,
    mapping: tuple[str, ...],
    kind: str | None,
    dry_run: bool,
) -> None:
    """Import FILE as FORMAT: acled (each row a report), sites, sites-hxl, zones.

    Ends with a summary: rows imported, skipped as bad, duplicates, outside the area."""
    options: dict[str, Any] = {}
    if mapping:
        options["map"] = parse_map(mapping)
    if kind:
        options["kind"] = kind
    try:
        outcome = run_import(
            app.node(),
            format_name,
            file,
            author=author,
            on_invalid=on_invalid,  # type: ignore[arg-type]
            options=options,
            dry_run=dry_run,
        )
    except ImportRejected as exc:
        for problem in exc.problems:
            click.echo(f"  {file.name} {problem}", err=True)
        raise
    for note in outcome.notes:
        click.echo(f"note: {note}", err=True)
    for problem in outcome.problems:
        click.echo(f"  skipped {file.name} {problem}", err=True)
    first = outcome.imported[0][1] if outcome.imported else "-"
    last = outcome.imported[-1][1] if outcome.imported else "-"
    bad = len({p.line for p in outcome.problems})
    verb = "would import" if outcome.dry_run else "imported"
    span = "" if outcome.dry_run else f" ({first} .. {last})"
    click.echo(
        f"{verb} {len(outcome.imported)} of {outcome.rows} as {outcome.author}{span}"
        + (f"; skipped {bad} bad row(s)" if bad else "")
        + (f" ({outcome.duplicates} duplicate(s))" if outcome.duplicates else "")
        + (f"; skipped {outcome.skipped} outside the area" if outcome.skipped else "")
        + ("; dry run: nothing was imported" if outcome.dry_run else "")
    )
    if not outcome.imported:
        raise ValidationError(f"{file}: no row could be imported")

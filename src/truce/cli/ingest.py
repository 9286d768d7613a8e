"""``truce ingest PATH...``: news pages (HTML or saved text) become claims and reports."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from truce.cli.app import AppContext, cli, pass_app
from truce.errors import ConfigError
from truce.ingest import FORMATS, Options, ingest
from truce.ingest.places import node_gazetteer


def _date(value: str | None) -> date | tuple[date, date] | None:
    """``--published``: a day, a month (``2018-10``) or a range (``2018-10-01/2018-10-09``)."""
    if value is None:
        return None
    from truce.ingest.pubdate import parse_published

    start, end = parse_published(value)
    return start if start == end else (start, end)


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--published",
    metavar="DATE",
    help="Publication date: a day (YYYY-MM-DD), a month (YYYY-MM) or a range (A/B); trusted "
    "over any date found in the page.",
)
@click.option("--url", help="The document's URL (recorded with the evidence).")
@click.option("--outlet", help="The outlet's name (else from the page or the URL).")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), help="Force a format.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object per input (JSON Lines for several inputs).",
)
@click.option("--dry-run", is_flag=True, help="Extract and print; write nothing.")
@click.option(
    "--on-invalid",
    type=click.Choice(["raise", "skip"]),
    default="raise",
    show_default=True,
    help="On a bad file: stop, or report it and go on.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(1),
    default=5 * 1024 * 1024,
    show_default=True,
    help="Refuse files larger than this.",
)
@pass_app
def ingest_command(
    app: AppContext,
    paths: tuple[Path, ...],
    published: str | None,
    url: str | None,
    outlet: str | None,
    fmt: str | None,
    as_json: bool,
    dry_run: bool,
    on_invalid: str,
    max_bytes: int,
) -> None:
    """Read news pages (files or directories of HTML or text) and file their claims as reports
    by the open-sources identity 'osint'. A claim without a date or a resolved place is queued
    for review instead ('truce review'); each claim's line says which, and why. Ingesting a
    document twice adds nothing."""
    options = Options(
        url=url, outlet=outlet, published=_date(published), format=fmt, max_bytes=max_bytes
    )
    node = None if dry_run else app.node()
    gazetteer: object = "default"
    if dry_run:  # still resolve places as this node would (its imports and registered sites)
        try:
            gazetteer = node_gazetteer(app.node())
        except ConfigError:
            gazetteer = "default"  # no data directory: the shipped gazetteer
    several = len(paths) > 1 or any(p.is_dir() for p in paths)
    counts = {"ingested": 0, "duplicate": 0, "dry-run": 0, "invalid": 0}
    reports = queued = 0
    outcomes = ingest(paths, options, node=node, on_invalid=on_invalid, gazetteer=gazetteer)  # type: ignore[arg-type]
    for outcome in outcomes:
        counts[outcome.status] += 1
        reports += len(outcome.reports)
        queued += len(outcome.queued)
        if as_json:
            data = outcome.to_json()
            click.echo(json.dumps(data, ensure_ascii=False, indent=None if several else 2))
            continue
        if outcome.status == "invalid":
            click.echo(f"skipped {outcome.error}", err=True)
            continue
        doc = outcome.document
        assert doc is not None
        pub = doc.published
        when = pub.to_json()["date"] or "unknown"
        click.echo(f"{outcome.name}: {outcome.status}: {doc.title or '(no title)'}")
        click.echo(
            f"  published {when} ({pub.method}, confidence {pub.confidence:.1f}); "
            f"{len(doc.body)} paragraphs, {len(doc.removed)} removed, "
            f"{len(doc.comments)} comments"
        )
        found = outcome.language
        if found is not None:
            paragraphs = ", ".join(f"{k} {v}" for k, v in outcome.paragraph_languages().items())
            click.echo(
                f"  language {found.language} (confidence {found.confidence:.2f}; "
                f"paragraphs: {paragraphs})"
            )
        for note in doc.notes:
            click.echo(f"  note: {note}")
        if not pub.confident:
            click.echo(
                "  note: publication date not known with confidence; dates that depend "
                "on it stay unresolved (pass --published)"
            )
        for i, claim in enumerate(outcome.claims):
            d = claim.date.iso() if claim.date else "no date"
            where = ", ".join(p.text for p in claim.places) or "no place"
            click.echo(f"  {i + 1}. {claim.sub_event_type} ({claim.modality.value}) {d} @ {where}")
            if i < len(outcome.fates):  # filed or queued, and why: no claim goes unmentioned
                click.echo(f"     {outcome.fates[i].describe()}")
    if not as_json:
        summary = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
        if not dry_run:
            summary += f"; {reports} reports filed, {queued} claims queued for review"
            if queued:
                summary += " (see 'truce review list')"
        click.echo(summary, err=True)

"""``truce report ...``: file and list reports."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pydantic

from truce import jsonlimits
from truce.cli.app import AppContext, cli, echo_json, pass_app
from truce.errors import ValidationError
from truce.model import Report
from truce.model.kinds import validation_error


def load_report(path: Path) -> Report:
    try:
        data = jsonlimits.loads(path.read_bytes(), str(path))
    except OSError as exc:
        raise ValidationError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return Report.model_validate(data)
    except pydantic.ValidationError as exc:
        raise validation_error(exc, str(path)) from None


@cli.group()
def report() -> None:
    """Reports: one party's, monitor's or outlet's account of one event."""


@report.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "author", required=True, help="The party filing it (signs with its key).")
@pass_app
def report_add(app: AppContext, file: Path, author: str) -> None:
    """Validate FILE (JSON, see docs/report.schema.json), sign it as a party, append it."""
    parsed = load_report(file)
    rid = app.node().file_report(author, parsed)
    click.echo(f"filed {rid}")


@report.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def report_list(app: AppContext, as_json: bool) -> None:
    """List reports in the order they were filed."""
    rows = app.node().reports()
    if as_json:
        echo_json([{**r, "body": json.loads(r["body"])} for r in rows])
        return
    for r in rows:
        where = r["place"] or r["area"] or ""
        click.echo(
            f"{r['id']:<8} {r['date_start']} {r['author']:<10} {r['sub_event_type']:<34} {where}"
        )

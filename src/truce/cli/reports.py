"""``truce report ...``: file and list reports."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pydantic

from truce.agreement.filing import check_body
from truce.cli.app import AppContext, cli, echo_json, pass_app
from truce.intake import loads_json, read_text
from truce.model import Report
from truce.model.kinds import validation_error


def load_report(path: Path) -> Report:
    data = loads_json(read_text(path, encoding="utf-8"), path)
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
@click.option(
    "--plausibility-override",
    "override",
    metavar="REASON",
    help="File it although the plausibility checks refuse it; REASON is signed into the entry.",
)
@pass_app
def report_add(app: AppContext, file: Path, author: str, override: str | None) -> None:
    """Validate FILE (JSON, see docs/report.schema.json), sign it as a party, append it.

    A point that contradicts the named place or lies outside the monitored area is refused,
    unless the report carries "override_note" (which is then part of the signed entry). A
    report whose dates, casualty figures or coordinates are implausible (before 1900, before
    the adopted agreement was signed, in the future, more than 10,000 for one event, outside
    TRUCE_AOI) is refused unless it carries a plausibility_override, or
    --plausibility-override gives one.
    """
    from truce.agreement.queries import agreement_start
    from truce.model.plausibility import refuse_implausible

    parsed = load_report(file)
    if override:
        body = parsed.model_dump(mode="json", exclude_none=True)
        try:
            parsed = type(parsed).model_validate({**body, "plausibility_override": override})
        except pydantic.ValidationError as exc:  # a reason too short or too long: one line
            raise validation_error(exc, "--plausibility-override") from None
    since = None
    if not (parsed.plausibility_override or parsed.override_note):
        since = agreement_start(app.node().store.engine)
    refuse_implausible(parsed, since=since)
    check_body("report.filed", parsed, app.settings.extra)  # its point against its place
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

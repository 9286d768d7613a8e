"""``truce incidents``, ``truce incident show|merge|split``, ``truce respond``: incidents."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from truce.assess.actions import merge, respond, split
from truce.assess.queries import list_incidents, parse_bbox, show_incident
from truce.cli.app import AppContext, cli, echo_json, pass_app
from truce.model import OccurrenceGrade, ResponseKind

_GRADES = [g.value for g in OccurrenceGrade]


def _day(value: date | None) -> date | None:
    return value.date() if hasattr(value, "date") else value  # type: ignore[union-attr]


def _killed(row: dict[str, Any]) -> str:
    if row.get("killed") is None:
        return ""
    low, high, conservative = row["killed_low"], row["killed_high"], row["killed"]
    span = f"{low}" if low == high else f"{low}–{high}"
    return f"killed {span} (≥{conservative})"


def _when(row: dict[str, Any]) -> str:
    start, end = row["date_start"], row["date_end"]
    return start if start == end else f"{start}/{end}"


@cli.command("incidents")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Incidents on or after DATE.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Incidents on or before DATE.")
@click.option("--bbox", metavar="W,S,E,N", help="Inside a box: west,south,east,north degrees.")
@click.option("--grade", "grades", multiple=True, type=click.Choice(_GRADES), help="Occurrence.")
@click.option("--type", "types", multiple=True, help="Event type, sub-event type or family.")
@click.option("--limit", type=click.IntRange(min=1), help="At most N incidents.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def incidents_cmd(
    app: AppContext,
    since: date | None,
    until: date | None,
    bbox: str | None,
    grades: tuple[str, ...],
    types: tuple[str, ...],
    limit: int | None,
    as_json: bool,
) -> None:
    """List incidents (reports correlated into events) with their grades.

    Repeat --grade or --type to accept several. Dates select incidents whose interval overlaps.
    """
    box = parse_bbox(bbox) if bbox else None
    with app.node().store.engine.connect() as conn:
        rows = list_incidents(
            conn,
            since=_day(since),
            until=_day(until),
            bbox=box,
            grades=grades,
            types=types,
            limit=limit,
        )
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        where = r["place"] or r["area"] or ""
        click.echo(
            f"{r['id']:<9} {_when(r):<10} {r['sub_event_type'][:30]:<30} {where[:24]:<24} "
            f"{r['report_count']:>3} rep  {r['occurrence']:<13} {r['airwars'] or '':<10} "
            f"{r['admiralty'] or '':<2} {_killed(r)}".rstrip()
        )
    if not rows:
        click.echo("no incidents match", err=True)


@cli.group()
def incident() -> None:
    """One incident: show it, merge incidents, split one, comment on it."""


def _show_text(d: dict[str, Any]) -> None:
    echo = click.echo
    if "merged_into" in d:
        echo(f"({d['requested']} was merged into {d['merged_into']})")
    where = d["place"] or d["area"] or "no place named"
    if d["lat"] is not None:
        where += f" ({d['lat']:.5f}, {d['lon']:.5f} ±{d['error_km']:.1f} km)"
    echo(f"{d['id']}  {d['sub_event_type']} ({d['event_type']})  {_when(d)}  {where}")
    reports = ", ".join(f"{r['id']} ({r['author']})" for r in d["reports"])
    echo(f"reports: {reports}")
    reasons = d["reasons"] or {}
    echo(f"occurrence: {d['occurrence']}")
    for line in reasons.get("occurrence", []):
        echo(f"  - {line}")
    att = d["attribution"] or {}
    held = att.get("responsible") or "nobody named"
    echo(f"attribution: {held}; {att.get('state', '')}")
    for line in reasons.get("attribution", []):
        echo(f"  - {line}")
    echo(f"Airwars: {d['airwars']}  ({'; '.join(reasons.get('airwars', []))})")
    echo(f"Admiralty: {d['admiralty']}  ({'; '.join(reasons.get('admiralty', []))})")
    for c in d["casualties"] or []:
        plus = "+" if c["open_ended"] else ""
        span = f"{c['low']}" if c["low"] == c["high"] else f"{c['low']}–{c['high']}"
        echo(
            f"casualties: {c['category']} {c['kind']} {span}{plus}, "
            f"conservative {c['conservative']}"
        )
    echo("")
    echo("field        agree  values (reports)")
    for f in d["disagreement"]:
        mark = "yes" if f["agree"] else "NO"
        values = " · ".join(f"{v['value']}: {', '.join(v['reports'])}" for v in f["values"])
        echo(f"{f['field']:<12} {mark:<6} {values or '-'}")
        if f.get("note"):
            echo(f"{'':<19} {f['note']}")
        for x in f["disputes"]:
            ev = f" evidence {', '.join(e[:12] for e in x['evidence'])}" if x["evidence"] else ""
            echo(f"{'':<19} disputed by {x['party']} ({x['response']}): {x['value']!r}{ev}")
    if d["responses"]:
        echo("")
        echo("responses:")
        for r in d["responses"]:
            detail = f" {r['field']}={r['value']!r}" if r["field"] else ""
            text = f" — {r['text']}" if r["text"] else ""
            echo(f"  {r['id']} {r['party']}: {r['kind']}{detail}{text}")
    echo("")
    echo("why each report is here:")
    for r in d["reports"]:
        echo(f"  {r['id']} ({r['how']}): {r['reason']}")
    for a in d["actions"]:
        echo(f"  {a['id']} {a['kind']} by {a['author']}: {a['status']}, {a['note']}")


@incident.command("show")
@click.argument("incident_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def incident_show(app: AppContext, incident_id: str, as_json: bool) -> None:
    """Show an incident: grades with reasons, its reports side by side, responses."""
    with app.node().store.engine.connect() as conn:
        shown = show_incident(conn, incident_id)
    if as_json:
        echo_json(shown)
    else:
        _show_text(shown)


@incident.command("merge")
@click.argument("ids", nargs=-1, required=True, metavar="ID ID...")
@click.option("--as", "author", required=True, help="The party recording it (signs with its key).")
@click.option("--text", default="", help="Why they are one event.")
@pass_app
def incident_merge(app: AppContext, ids: tuple[str, ...], author: str, text: str) -> None:
    """Record that incidents are one event; the oldest keeps its id, the others point to it."""
    done = merge(app.node(), list(ids), author, text)
    click.echo(f"merged {', '.join(done.merged)} into {done.incident} (entry {done.entry_index})")


@incident.command("split")
@click.argument("incident_id", metavar="ID")
@click.argument("more", nargs=-1, metavar="[R-..]")
@click.option("--reports", multiple=True, metavar="R-..", help="Reports to move out (repeatable).")
@click.option("--as", "author", required=True, help="The party recording it (signs with its key).")
@click.option("--text", default="", help="Why they describe another event.")
@pass_app
def incident_split(
    app: AppContext,
    incident_id: str,
    more: tuple[str, ...],
    reports: tuple[str, ...],
    author: str,
    text: str,
) -> None:
    """Move reports out of incident ID into a new incident (--reports R-7 R-9)."""
    named = [r.strip() for item in (*reports, *more) for r in item.split(",") if r.strip()]
    done = split(app.node(), incident_id, named, author, text)
    click.echo(
        f"split {', '.join(done.reports)} from {done.incident} into {done.new} "
        f"(entry {done.entry_index})"
    )


@cli.command("respond")
@click.argument("incident_id", metavar="ID")
@click.option("--as", "author", required=True, help="The responding party (signs with its key).")
@click.option(
    "--kind", required=True, type=click.Choice([k.value for k in ResponseKind]), help="Response."
)
@click.option("--field", help="The field disputed (date, place, perpetrator, casualties...).")
@click.option("--value", help="The party's own value for the field.")
@click.option("--text", default="", help="The response in words.")
@click.option(
    "--evidence",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file supporting it (repeatable); stored and cited by SHA-256.",
)
@pass_app
def respond_cmd(
    app: AppContext,
    incident_id: str,
    author: str,
    kind: str,
    field: str | None,
    value: str | None,
    text: str,
    evidence: tuple[Path, ...],
) -> None:
    """File a party's response to incident ID; its grades are recomputed."""
    node = app.node()
    sid = respond(
        node, incident_id, author, kind, field=field, value=value, text=text, evidence=evidence
    )
    with node.store.engine.connect() as conn:
        now = show_incident(conn, incident_id)
    att = now["attribution"] or {}
    click.echo(
        f"filed {sid}; {now['id']} now: occurrence {now['occurrence']}, "
        f"attribution {att.get('state')}, Airwars {now['airwars']}"
    )

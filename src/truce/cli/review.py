"""``truce review list|show|accept|reject``: the queue of claims ingestion could not file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from truce.cli.app import AppContext, cli, echo_json, pass_app

if TYPE_CHECKING:
    from truce.ingest.queries import ClaimRow


@cli.group()
def review() -> None:
    """The review queue: claims read from open sources that lack a date, a resolved place or
    confidence. Accept one (completing or correcting it) to file it as a report, or reject it.
    Decisions are signed by the reviewing party (the center or the monitors)."""


def _needs(row: ClaimRow) -> str:
    return "; ".join(f"{n['reason']}" for n in row["needs"])


@review.command("list")
@click.option(
    "--status",
    type=click.Choice(["pending", "accepted", "rejected", "all"]),
    default="pending",
    show_default=True,
    help="Which claims.",
)
@click.option("--limit", type=click.IntRange(1, 10_000), default=500, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def review_list(app: AppContext, status: str, limit: int, as_json: bool) -> None:
    """List claims in the queue, oldest first, each with what it needs."""
    from truce.ingest.review import list_claims

    rows = list_claims(app.node().store.engine, None if status == "all" else status, limit=limit)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        head = f"{r['id']:<8} {r['status']:<9} {r['title'] or r['sub_event_type']}"
        click.echo(head.rstrip())
        if r["status"] == "pending":
            click.echo(f"         needs: {_needs(r)}")
        else:
            done = f"{r['status']} by {r['decided_by']} ({r['decided_party']})"
            click.echo(f"         {done}" + (f" as {r['report_id']}" if r["report_id"] else ""))
    if not rows:
        click.echo(f"no {'' if status == 'all' else status + ' '}claims", err=True)


@review.command("show")
@click.argument("claim_id", metavar="C-ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def review_show(app: AppContext, claim_id: str, as_json: bool) -> None:
    """Show one claim: its source paragraph with the claim's sentences marked [[ ]], the draft
    report, what it needs, and any decision."""
    from truce.ingest.review import show_claim

    row = show_claim(app.node().store.engine, claim_id)
    if as_json:
        echo_json(row)
        return
    body = row["claim"]
    draft = body["draft"]
    echo = click.echo
    echo(f"{row['id']}  {draft['sub_event_type']} ({draft['event_type']}, {draft['modality']})")
    echo(f"status: {row['status']}  (queued at entry {row['entry_index']}, {row['queued_at']})")
    echo(f"document: {body.get('title') or '(no title)'}  sha256 {body['document'][:16]}…")
    if body.get("url"):
        echo(f"url: {body['url']}")
    echo(f"needs: {_needs(row)}")
    when = draft.get("date")
    if when is None:
        echo("date: (none)")
    else:
        span = when["start"] if when["start"] == when["end"] else f"{when['start']}/{when['end']}"
        echo(f"date: {span}")
    places = [x.get("place") or x.get("area") or "?" for x in draft.get("locations", [])]
    echo(f"places: {', '.join(places) or '(none)'}")
    for a in draft.get("actors", []):
        echo(f"actor: {a['name']} ({a['role']})")
    for c in draft.get("casualties", []):
        echo(f"casualties: {c['category']} {c['kind']} {c['low']}–{c.get('high', '?')}")
    echo("")
    text, marks, out, at = body["context"], body.get("highlights", []), [], 0
    for start, end in marks:
        out += [text[at:start], "[[", text[start:end], "]]"]
        at = end
    out.append(text[at:])
    echo("".join(out))
    if row["status"] != "pending":
        echo("")
        echo(f"{row['status']} by {row['decided_by']} for {row['decided_party']} "
             f"at {row['decided_at']} (entry {row['decision_index']})")  # fmt: skip
        for c in row["changes"] or []:
            echo(f"  {c['field']}: {c.get('before') or '(missing)'} → {c['after']}")
        if row["reason"]:
            echo(f"  reason: {row['reason']}")
        if row["report_id"]:
            echo(f"  filed as {row['report_id']}")


_AS = click.option(
    "--as", "author", required=True, help="The reviewing party (the center or the monitors)."
)
_BY = click.option("--by", "reviewer", help="The reviewer's user name, recorded in the entry.")


@review.command("accept")
@click.argument("claim_id", metavar="C-ID")
@_AS
@_BY
@click.option("--date", "when", help="The event's date: YYYY-MM-DD, a range A/B, or YYYY-MM.")
@click.option("--place", help="Where: a gazetteer name, or LAT,LON.")
@click.option("--type", "sub_event_type", help="The ACLED sub-event type, if it is wrong.")
@click.option("--reason", default="", help="A note on the decision.")
@pass_app
def review_accept(
    app: AppContext,
    claim_id: str,
    author: str,
    reviewer: str | None,
    when: str | None,
    place: str | None,
    sub_event_type: str | None,
    reason: str,
) -> None:
    """Accept a claim, completing or correcting it; it is filed as a report by 'osint' and is
    correlated and graded like any other."""
    from truce.ingest.review import accept

    done = accept(
        app.node(),
        claim_id,
        author,
        reviewer=reviewer,
        when=when,
        place=place,
        sub_event_type=sub_event_type,
        reason=reason,
    )
    changed = "; ".join(f"{c.field} {c.before or '(missing)'} → {c.after}" for c in done.changes)
    click.echo(
        f"accepted {done.claim} (entry {done.entry_index}), filed as {done.report}"
        + (f"; changed {changed}" if changed else "")
    )


@review.command("reject")
@click.argument("claim_id", metavar="C-ID")
@_AS
@_BY
@click.option("--reason", required=True, help="Why it is not a report (background, duplicate…).")
@pass_app
def review_reject(
    app: AppContext, claim_id: str, author: str, reviewer: str | None, reason: str
) -> None:
    """Reject a claim, with the reason; it stays in the ledger, out of the record of events."""
    from truce.ingest.review import reject

    done = reject(app.node(), claim_id, author, reason=reason, reviewer=reviewer)
    click.echo(f"rejected {done.claim} (entry {done.entry_index})")

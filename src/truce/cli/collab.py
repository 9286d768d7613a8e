"""``truce incident comment``, ``truce task add|done|open|list``, ``truce notifications``."""

from __future__ import annotations

import click

from truce.cli.app import AppContext, cli, echo_json, pass_app
from truce.cli.incidents import incident
from truce.collab.actions import add_task, comment, list_tasks, notifications_for, set_status
from truce.collab.kinds import TaskStatus


@incident.command("comment")
@click.argument("incident_id", metavar="ID")
@click.argument("text")
@click.option("--as", "author", required=True, help="The commenting party (signs with its key).")
@pass_app
def incident_comment(app: AppContext, incident_id: str, text: str, author: str) -> None:
    """Comment on incident ID (signed; read by every member, never by the public)."""
    cid = comment(app.node(), incident_id, author, text)
    click.echo(f"{cid}: {author} commented on {incident_id}")


@cli.group()
def task() -> None:
    """Tasks for a party ('patrol to verify'): add, mark done or open, list."""


@task.command("add")
@click.argument("title")
@click.option("--for", "party", required=True, help="The party the task is for.")
@click.option("--incident", help="The incident it is about (I-..).")
@click.option("--text", default="", help="What to do, in words.")
@click.option("--as", "author", required=True, help="The party assigning it (signs with its key).")
@pass_app
def task_add(
    app: AppContext, title: str, party: str, incident: str | None, text: str, author: str
) -> None:
    """Assign a task to a party; its id is T-<entry index>."""
    tid = add_task(app.node(), party, title, author, incident=incident, text=text)
    click.echo(f"{tid}: {title} (for {party})")


def _status(app: AppContext, task_id: str, status: TaskStatus, author: str, text: str) -> None:
    index = set_status(app.node(), task_id, status, author, text)
    click.echo(f"{task_id} is {status.value} (entry {index})")


@task.command("done")
@click.argument("task_id", metavar="ID")
@click.option("--as", "author", required=True, help="The party reporting it (signs with its key).")
@click.option("--text", default="", help="What was found.")
@pass_app
def task_done(app: AppContext, task_id: str, author: str, text: str) -> None:
    """Mark task ID done (a new entry; the task's history keeps every change)."""
    _status(app, task_id, TaskStatus.DONE, author, text)


@task.command("open")
@click.argument("task_id", metavar="ID")
@click.option("--as", "author", required=True, help="The party reopening it (signs with its key).")
@click.option("--text", default="", help="Why it is open again.")
@pass_app
def task_open(app: AppContext, task_id: str, author: str, text: str) -> None:
    """Reopen task ID (a new entry)."""
    _status(app, task_id, TaskStatus.OPEN, author, text)


@task.command("list")
@click.option("--for", "party", help="Only the tasks of this party.")
@click.option("--incident", help="Only the tasks about this incident.")
@click.option("--status", type=click.Choice([s.value for s in TaskStatus]), help="Only these.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def task_list(
    app: AppContext, party: str | None, incident: str | None, status: str | None, as_json: bool
) -> None:
    """List tasks, oldest first."""
    with app.node().store.engine.connect() as conn:
        rows = list_tasks(conn, party=party, incident=incident, status=status)
    if as_json:
        echo_json(rows)
        return
    for t in rows:
        about = f" [{t['incident_id']}]" if t["incident_id"] else ""
        click.echo(f"{t['id']:<8} {t['status']:<5} {t['party']:<6} {t['title']}{about}")


@cli.command("notifications")
@click.option("--for", "party", help="A party's (and everyone's); default: everyone's only.")
@click.option("--chair", is_flag=True, help="With the chair's own (every violation).")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def notifications_cmd(
    app: AppContext, party: str | None, chair: bool, limit: int, as_json: bool
) -> None:
    """A party's notifications, newest first: incidents near protected sites, its tasks, the
    violations it is involved in."""
    with app.node().store.engine.connect() as conn:
        rows = notifications_for(conn, party, chair=chair, limit=limit)
    if as_json:
        echo_json(rows)
        return
    for n in rows:
        click.echo(f"{n['id']:<12} {n['at']}  {n['text']}")

"""``truce user ...`` and ``truce token ...``: the people and programs that use the server."""

from __future__ import annotations

import sys

import click

from truce.access.accounts import Accounts
from truce.access.service import grant_user
from truce.cli.app import AppContext, cli, echo_json, pass_app
from truce.model.access import Role


def _accounts(app: AppContext) -> Accounts:
    return Accounts(app.node().store.engine)


@cli.group()
def user() -> None:
    """Users: a role (officer, monitor, analyst, chair, public) for a party or the center."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--party", help="The party the user acts for (none for the public role).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--no-password", is_flag=True, help="No sign-in; API tokens only.")
@pass_app
def user_add(
    app: AppContext,
    username: str,
    role: str,
    party: str | None,
    password_stdin: bool,
    no_password: bool,
) -> None:
    """Add USERNAME with a role; the grant is recorded in the ledger as the party's entry."""
    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif not no_password:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    record = grant_user(app.node(), _accounts(app), username, role, party, password)
    where = f" for {record['party']}" if record["party"] else ""
    click.echo(f"added {record['username']}: {record['role']}{where}")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def user_list(app: AppContext, as_json: bool) -> None:
    """List users."""
    rows = _accounts(app).users()
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        state = "disabled" if r["disabled"] else ("sign-in" if r["can_sign_in"] else "tokens")
        click.echo(f"{r['username']:<20} {r['role']:<8} {r['party'] or '-':<10} {state}")


@user.command("disable")
@click.argument("username")
@pass_app
def user_disable(app: AppContext, username: str) -> None:
    """Disable USERNAME: sessions end and tokens stop working at once."""
    _accounts(app).set_disabled(username, True)
    click.echo(f"disabled {username}")


@cli.group()
def token() -> None:
    """API tokens for programs (stored hashed; shown once)."""


@token.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for.")
@click.option("--ttl-days", type=click.FloatRange(min=0, min_open=True), help="Expire after.")
@pass_app
def token_create(app: AppContext, username: str, name: str, ttl_days: float | None) -> None:
    """Create an API token for USERNAME and print it (it cannot be shown again)."""
    secret, record = _accounts(app).create_token(
        username, name, ttl_days * 86400 if ttl_days else None
    )
    click.echo(secret)
    click.echo(
        f"token {record['id']} for {username}; send 'Authorization: Bearer <token>'", err=True
    )


@token.command("list")
@click.option("--user", "username", help="Only this user's tokens.")
@pass_app
def token_list(app: AppContext, username: str | None) -> None:
    """List tokens (never the secrets)."""
    for r in _accounts(app).tokens(username):
        state = "revoked" if r["revoked_at"] else "live"
        click.echo(f"{r['id']:>5} {r['prefix']}...  {r['username']:<20} {state:<8} {r['name']}")


@token.command("revoke")
@click.argument("token_id", type=int)
@pass_app
def token_revoke(app: AppContext, token_id: int) -> None:
    """Revoke token TOKEN_ID (see 'truce token list'): refused from the next request on."""
    _accounts(app).revoke_token(token_id)
    click.echo(f"revoked token {token_id}")

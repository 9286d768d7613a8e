"""The root command group and the context every subcommand receives.

The root group is lazy: it lists the top-level commands from :mod:`truce.capabilities` (name,
short help) and imports a command's modules only when that command runs, so ``truce --help``
and ``truce --version`` import no command at all, and ``truce party list`` imports what it uses.
A module defines its commands on :data:`cli` (``@cli.command()``, ``@cli.group()``) when imported.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from truce.capabilities import commands
from truce.config import Settings

if TYPE_CHECKING:
    from truce.node import Node

__all__ = ["AppContext", "LazyGroup", "cli", "echo_json", "pass_app"]


@dataclass
class AppContext:
    home: Path | None = None
    verbose: bool = False
    _settings: Settings | None = field(default=None, repr=False)
    _node: Node | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.from_env(home=self.home)
        return self._settings

    def node(self) -> Node:
        if self._node is None:
            from truce.node import Node  # imports every projection: only when a node is opened

            self._node = Node.open(self.settings)
        return self._node

    def close(self) -> None:
        if self._node is not None:
            self._node.close()
            self._node = None


pass_app = click.make_pass_decorator(AppContext, ensure=True)


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


class LazyGroup(click.Group):
    """A group whose commands are listed in :func:`truce.capabilities.commands`, imported when
    asked for by name; its help lists them all from that table, importing none."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        known = commands().get(cmd_name)
        if known is not None:  # every module, even when one already defined the command
            for module in known.modules:
                importlib.import_module(module)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # As click's own, with a command not imported yet shown by its help from the table.
        table = commands()
        rows: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name) or click.Command(name, help=table[name].help)
            if not command.hidden:
                rows.append((name, command))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, c.get_short_help_str(limit)) for name, c in rows])


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    help="Data directory (default: $TRUCE_HOME, else ./var).",
)
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of errors.")
@click.version_option(package_name="truce")
@pass_app
def cli(app: AppContext, home: Path | None, verbose: bool) -> None:
    """truce: the shared, verifiable record of a joint ceasefire coordination center."""
    app.home = home
    app.verbose = verbose
    click.get_current_context().call_on_close(app.close)

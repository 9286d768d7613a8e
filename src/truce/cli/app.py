"""The root command group and the context every subcommand receives."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from truce.config import Settings

if TYPE_CHECKING:
    from truce.node import Node

__all__ = ["AppContext", "cli", "echo_json", "pass_app"]


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


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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

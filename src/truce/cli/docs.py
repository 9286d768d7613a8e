"""Generate docs/cli.md from the real ``--help`` of every command, so the docs never drift.

``python -m truce.cli.docs`` rewrites docs/cli.md; a test fails when the committed file differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from truce.cli import cli

__all__ = ["cli_markdown"]


def _walk(
    command: click.Command, path: list[str], parent: click.Context | None = None
) -> list[str]:
    """The help text of ``command`` and every visible subcommand, depth first.

    Each context is a child of its parent's, as when the command runs, so settings the root group
    gives its subcommands (``-h`` for help, the width) apply here too, whatever ran before.
    """
    settings = {"terminal_width": 100, **command.context_settings}
    ctx = click.Context(command, info_name=path[-1], parent=parent, **settings)
    found = [f"## `{' '.join(path)}`\n\n```text\n{command.get_help(ctx)}\n```\n"]
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                found += _walk(sub, [*path, name], ctx)
    return found


def cli_markdown() -> str:
    parts = [
        "# The truce command\n",
        "Generated from the real `--help` by `python -m truce.cli.docs`; do not edit by hand.\n",
    ]
    return "\n".join(parts + _walk(cli, ["truce"]))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path("docs/cli.md")
    target.write_text(cli_markdown(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

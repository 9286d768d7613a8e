"""The ``truce`` command: parses arguments, calls the library, prints. Nothing else.

Exit codes: 0 success; 1 any other truce error; 2 bad input (the message names the field);
3 configuration; 4 not found; 5 conflict with the record; 6 not permitted; 7 ingestion;
10 the ledger refused or failed verification; 11 the stored log is damaged. ``-v``/``--verbose``
(before the command) shows the traceback of an error.

The commands are listed in :mod:`truce.capabilities` and imported only when they run (see
:class:`truce.cli.app.LazyGroup`).
"""

from __future__ import annotations

import sys

import click

from truce.cli.app import AppContext, cli
from truce.errors import TruceError

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point: the one place where a :class:`TruceError` becomes a one-line message."""
    app = AppContext()  # the root group's callback sets app.verbose from -v/--verbose
    try:
        cli.main(args=argv, prog_name="truce", standalone_mode=False, obj=app)
    except TruceError as exc:
        if app.verbose:
            import traceback

            traceback.print_exc()
        where = (
            f" (entry {exc.index})" if exc.index is not None and "entry" not in exc.message else ""
        )
        click.echo(f"error: {exc.message}{where}", err=True)
        if exc.hint:
            click.echo(f"hint: {exc.hint}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

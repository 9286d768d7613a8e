"""The ``truce`` command: parses arguments, calls the library, prints. Nothing else.

Exit codes: 0 success; 1 any other truce error; 2 bad input (the message names the field);
3 configuration; 4 not found; 5 conflict with the record; 6 not permitted; 7 ingestion;
10 the ledger refused or failed verification; 11 the stored log is damaged. ``-v`` shows the
traceback of an error.
"""

from __future__ import annotations

import sys
import traceback

import click

from truce.cli.app import AppContext, cli
from truce.errors import TruceError

__all__ = ["cli", "main"]

# Each area's commands register themselves on ``cli`` when imported.
from truce.cli import agreement as _agreement  # noqa: F401
from truce.cli import demo as _demo  # noqa: F401
from truce.cli import entries as _entries  # noqa: F401
from truce.cli import exports as _exports  # noqa: F401
from truce.cli import gazetteer as _gazetteer  # noqa: F401
from truce.cli import incidents as _incidents  # noqa: F401
from truce.cli import ingest as _ingest  # noqa: F401
from truce.cli import ledger as _ledger  # noqa: F401
from truce.cli import mirror as _mirror  # noqa: F401
from truce.cli import parties as _parties  # noqa: F401
from truce.cli import reports as _reports  # noqa: F401
from truce.cli import review as _review  # noqa: F401
from truce.cli import serve as _serve  # noqa: F401
from truce.cli import users as _users  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    """Entry point: the one place where a :class:`TruceError` becomes a one-line message."""
    verbose = "-v" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="truce", standalone_mode=False, obj=AppContext())
    except TruceError as exc:
        if verbose:
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

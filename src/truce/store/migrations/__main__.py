"""Write a new migration: ``python -m truce.store.migrations revision "what changed"``.

Upgrades a scratch SQLite database to the current head, then autogenerates the difference
between it and the tables the code defines. Review the file it writes (and bump
``truce.store.db.HEAD_REVISION``) before committing it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from truce.store.db import make_engine, migrations_config


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "revision":
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        with engine.begin() as conn:
            cfg = migrations_config(conn)
            command.upgrade(cfg, "head")
            heads = ScriptDirectory.from_config(cfg).get_heads()
            number = f"{len(list(ScriptDirectory.from_config(cfg).walk_revisions())) + 1:04d}"
            command.revision(cfg, message=argv[1], autogenerate=True, rev_id=number)
        print(f"wrote migration {number} (after {', '.join(heads) or 'none'})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The web layer builds no SQL: it calls the read models (``truce.store.queries``, each
capability's ``queries``/``actions``) and renders what they return (issue 21).

Read from the source with ``ast``: a module under ``src/truce/web`` may not import SQLAlchemy
or a module that defines tables (``truce.store.schema``, ``truce.store.release``, any
``*.tables``) at run time, may not run a statement (``.execute(``), reach a table's columns
(``table.c.x``) or hold SQL text. Imports under ``if TYPE_CHECKING:`` do not count: they only
name a type (``sqlalchemy.Connection`` in a signature).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "src" / "truce" / "web"
#: Modules that define tables: importing one is a step towards writing SQL on it.
TABLE_MODULES = ("truce.store.schema", "truce.store.release")
_SQL = re.compile(r"\b(SELECT\s+\S.*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b")


def _hidden(tree: ast.AST) -> set[int]:
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return hidden


def _table_module(name: str) -> bool:
    return name in TABLE_MODULES or name.endswith(".tables")


def sql_in(source: str, where: str = "<source>") -> list[str]:
    """Where ``source`` (a web module) imports SQLAlchemy or tables, or builds or runs SQL."""
    tree = ast.parse(source, where)
    hidden = _hidden(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        at = f"{where}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sqlalchemy" or _table_module(alias.name):
                    found.append(f"{at}: imports {alias.name}")
        elif isinstance(node, ast.ImportFrom) and not node.level:
            module = node.module or ""
            names = [module, *(f"{module}.{a.name}" for a in node.names)]
            if module.split(".")[0] == "sqlalchemy" or any(_table_module(n) for n in names):
                found.append(f"{at}: imports from {module}")
        elif isinstance(node, ast.Attribute) and node.attr == "execute":
            found.append(f"{at}: runs a statement (.execute)")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "c"
            and isinstance(node.ctx, ast.Load)
            and not isinstance(node.value, ast.Call)
        ):
            found.append(f"{at}: reads a table's columns ({ast.unparse(node)}.…)")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _SQL.search(node.value)
        ):
            found.append(f"{at}: SQL text {node.value[:40]!r}")
    return found


def test_the_web_layer_builds_no_sql() -> None:
    problems = []
    for path in sorted(WEB.rglob("*.py")):
        where = str(path.relative_to(WEB.parents[1]))
        problems += sql_in(path.read_text(encoding="utf-8"), where)
    assert not problems, (
        "SQL in the web layer; move it to a read model (truce.store.queries or the "
        "capability's queries module) and call that:\n" + "\n".join(problems)
    )


def test_the_check_finds_each_kind_of_sql() -> None:
    # The checker itself: each way SQL comes back into web/ is found, a type-only import is not.
    cases = {
        "from sqlalchemy import select": "imports from sqlalchemy",
        "import sqlalchemy as sa": "imports sqlalchemy",
        "from truce.store import schema": "imports from truce.store",
        "from truce.store.release import publications": "imports from truce.store.release",
        "from truce.agreement import tables": "imports from truce.agreement",
        "import truce.collab.tables": "imports truce.collab.tables",
        "conn.execute(q)": "runs a statement",
        "x = t.c.id == 3": "reads a table's columns",
        "q = 'SELECT id FROM incidents WHERE id = :i'": "SQL text",
        "q = 'delete from drafts'": "",  # lower case: prose, not flagged
    }
    for source, expected in cases.items():
        found = sql_in(source)
        if expected:
            assert found and expected in found[0], (source, found)
        else:
            assert not found, (source, found)
    typed = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from sqlalchemy import Connection\n"
    )
    assert sql_in(typed) == []
    assert sql_in("from truce.store import queries\nqueries.incident_row(conn, 'I-1')") == []

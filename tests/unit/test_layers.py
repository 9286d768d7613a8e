"""SQL lives in the store and the read models (issue 21).

The web layer builds no SQL: it calls the read models (``truce.store.queries``, each
capability's ``queries``) and renders what they return. Nor does the rest of the library outside
``store/`` and the capabilities' table, projection and query modules
(:func:`test_sql_lives_in_the_store_and_the_read_models`).

Read from the source with ``ast``: a module under ``src/truce/web`` may not import SQLAlchemy
or a module that defines tables (``truce.store.schema``, ``truce.store.release``, any
``*.tables``) at run time, may not run a statement (``.execute(``), reach a table's columns
(``table.c.x``) or hold SQL text. Imports under ``if TYPE_CHECKING:`` do not count: they only
name a type (``sqlalchemy.Connection`` in a signature).
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "src" / "truce" / "web"
SRC = WEB.parent
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


@functools.cache
def _parsed(path: Path) -> tuple[str, ast.Module]:
    """A module's text and tree, read once for all the checks of a run."""
    source = path.read_text(encoding="utf-8")
    return source, ast.parse(source, str(path))


def sql_in(source: str, where: str = "<source>", tree: ast.Module | None = None) -> list[str]:
    """Where ``source`` (a web module) imports SQLAlchemy or tables, or builds or runs SQL."""
    tree = tree or ast.parse(source, where)
    hidden = _hidden(tree) if "TYPE_CHECKING" in source else set()
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
        problems += sql_in(*_parsed(path)[:1], where, _parsed(path)[1])
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


#: A capability's SQL lives in its table modules (``Table``s and their ``@projects`` handlers),
#: its projection module and its read model; the store's anywhere under ``store/``.
SQL_MODULE_NAMES = ("tables.py", "schema.py", "projection.py", "queries.py")
#: Modules that define their own tables and are the only ones that read and write them.
STORE_MODULES = {
    "ingest/store.py": "ingestion's projections (ingested_documents, pending_claims)",
    "collab/notices.py": "violation notices: a derived table and the finisher that fills it",
    "collab/reads.py": "each user's read mark: an operational table of this server",
}
#: Not moved yet (issue 21): lines with SQL per module. Lower a count as SQL moves out; a
#: module may not gain SQL, and no other module may have any.
PENDING = {
    "access/accounts.py": 49,
    "access/drafts.py": 12,
    "access/sealed.py": 8,
    "agreement/violations.py": 43,
    "channels/state.py": 26,
}


#: Text without any of these holds nothing :func:`sql_in` finds (it is not parsed).
_MAYBE_SQL = re.compile(r"sqlalchemy|tables|truce\.store|execute|\.c\b|SELECT|INSERT|UPDATE|DELETE")


def sql_outside_store(root: Path) -> dict[str, list[str]]:
    """Per module under ``root`` (a ``truce`` source tree) outside the store, the table modules,
    projection modules, read models and :data:`STORE_MODULES`: the lines that hold SQL."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("store/") or path.name in SQL_MODULE_NAMES or rel in STORE_MODULES:
            continue
        source = path.read_text(encoding="utf-8")
        if not _MAYBE_SQL.search(source):
            continue
        lines: dict[str, str] = {}
        for problem in sql_in(source, rel, _parsed(path)[1]):
            lines.setdefault(problem.split(":")[1], problem)
        if lines:
            found[rel] = sorted(lines.values(), key=lambda p: int(p.split(":")[1]))
    return found


def _defines_a_table(source: str) -> bool:
    return any(
        isinstance(n, ast.Call) and ast.unparse(n.func).split(".")[-1] == "Table"
        for n in ast.walk(ast.parse(source))
    )


def test_sql_lives_in_the_store_and_the_read_models() -> None:
    found = sql_outside_store(SRC)
    problems = [
        line for rel, lines in found.items() if len(lines) > PENDING.get(rel, 0) for line in lines
    ]
    assert not problems, (
        "SQL outside store/ and the read models; move it to the capability's queries module "
        "(a typed function taking a Connection) or to truce.store.queries:\n" + "\n".join(problems)
    )
    moved = {
        rel: len(found.get(rel, [])) for rel, n in PENDING.items() if len(found.get(rel, [])) < n
    }
    assert not moved, f"less SQL left than PENDING says; lower its counts to {moved}"
    for rel in STORE_MODULES:
        assert _defines_a_table((SRC / rel).read_text(encoding="utf-8")), (
            f"{rel} is listed as a store module but defines no table"
        )


def test_the_tree_check_finds_sql_outside_the_store(tmp_path: Path) -> None:
    # A planted tree: SQL where it belongs is not reported, SQL in a use case or a command is.
    planted = {
        "store/db.py": "from sqlalchemy import select\nconn.execute(select(t))\n",
        "collab/queries.py": "from sqlalchemy import select\nconn.execute(select(t))\n",
        "collab/tables.py": "from sqlalchemy import Table\nt = Table('t', m)\n",
        "collab/actions.py": (
            "from truce.collab.queries import list_tasks\n"
            "def add(conn):\n"
            "    conn.execute(q)\n"
            "    return tasks.c.id\n"
        ),
        "cli/tasks.py": "Q = 'SELECT id FROM tasks WHERE party = :p'\n",
        "ingest/review.py": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n"
            "    from sqlalchemy import Engine\n"
        ),
    }
    for rel, source in planted.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(source, encoding="utf-8")
    found = sql_outside_store(tmp_path)
    assert set(found) == {"collab/actions.py", "cli/tasks.py"}, found
    assert [p.split(": ", 1)[1] for p in found["collab/actions.py"]] == [
        "runs a statement (.execute)",
        "reads a table's columns (tasks.c.…)",
    ]
    assert "SQL text" in found["cli/tasks.py"][0]


def _module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(("truce", *parts)).removesuffix(".__init__")


def _returns_untyped_dict(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return fn.returns is not None and "dict[str, Any]" in ast.unparse(fn.returns)


def untyped_dicts_across_packages(root: Path) -> set[tuple[str, str]]:
    """(function, importing package): public functions of the library returning
    ``dict[str, Any]`` (alone or in a list, a tuple...) that a module of another top-level
    package of ``root`` (a ``truce`` source tree) imports or calls through its module.
    Re-exports are followed to the function's definition."""
    trees = {_module_name(root, p): _parsed(p)[1] for p in root.rglob("*.py")}
    untyped = {
        (mod, n.name)
        for mod, tree in trees.items()
        for n in tree.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        and not n.name.startswith("_")
        and _returns_untyped_dict(n)
    }
    reexports: dict[tuple[str, str], tuple[str, str]] = {}
    for mod, tree in trees.items():
        for n in tree.body:
            if isinstance(n, ast.ImportFrom) and n.module and not n.level:
                for a in n.names:
                    reexports[(mod, a.asname or a.name)] = (n.module, a.name)

    def resolve(mod: str, name: str) -> tuple[str, str] | None:
        seen = set()
        while (mod, name) not in untyped:
            if (mod, name) in seen or (mod, name) not in reexports:
                return None
            seen.add((mod, name))
            mod, name = reexports[(mod, name)]
        return mod, name

    found: set[tuple[str, str]] = set()
    for mod, tree in trees.items():
        package = mod.split(".")[1] if "." in mod else "truce"  # truce/__init__.py
        modules: dict[str, str] = {}  # local name -> module, for ``m.f(...)``
        for n in ast.walk(tree):
            used: list[tuple[str, str]] = []
            if isinstance(n, ast.ImportFrom) and n.module and not n.level:
                for a in n.names:
                    if f"{n.module}.{a.name}" in trees:
                        modules[a.asname or a.name] = f"{n.module}.{a.name}"
                    else:
                        used.append((n.module, a.name))
            elif isinstance(n, ast.Import):
                for a in n.names:
                    if a.asname and a.name in trees:
                        modules[a.asname] = a.name
            elif (
                isinstance(n, ast.Attribute)
                and isinstance(n.value, ast.Name)
                and n.value.id in modules
            ):
                used.append((modules[n.value.id], n.attr))
            for target in used:
                defined = resolve(*target)
                if defined and defined[0].split(".")[1] != package:
                    found.add((".".join(defined), package))
    return found


#: Not typed yet (issue 21): library functions returning ``dict[str, Any]`` to another package.
#: Remove a line when the function returns a dataclass or TypedDict; add none.
UNTYPED_ACROSS = {
    ("truce.access.service.grant_user", "cli"),
    ("truce.access.service.grant_user", "web"),
    ("truce.agreement.patrol.list_patrols", "cli"),
    ("truce.agreement.patrol.list_patrols", "web"),
    ("truce.agreement.queries.violations_of", "web"),
    ("truce.agreement.sites.list_sites", "cli"),
    ("truce.agreement.violations.compute", "report"),
    ("truce.agreement.violations.list_violations", "cli"),
    ("truce.agreement.violations.list_violations", "web"),
    ("truce.agreement.zones.list_zones", "cli"),
    ("truce.assess.queries.list_incidents", "cli"),
    ("truce.assess.queries.show_incident", "cli"),
    ("truce.assess.queries.show_incident", "web"),
    ("truce.evidence.maplayer.evidence_geojson", "web"),
    ("truce.evidence.proof.bundles_for", "cli"),
    ("truce.evidence.queries.attached_between", "report"),
    ("truce.evidence.queries.for_sha", "cli"),
    ("truce.evidence.queries.for_sha", "web"),
    ("truce.evidence.queries.list_evidence", "cli"),
    ("truce.evidence.queries.list_evidence", "web"),
    ("truce.evidence.queries.one", "cli"),
    ("truce.evidence.queries.one", "web"),
    ("truce.ledger.bundle.make_bundle", "truce"),
    ("truce.ledger.bundle.make_bundle", "cli"),
    ("truce.ledger.bundle.make_bundle", "evidence"),
    ("truce.ledger.bundle.make_bundle", "web"),
    ("truce.store.spatial.find_incidents", "web"),
}


def test_no_new_untyped_dict_crosses_a_package_boundary() -> None:
    found = untyped_dicts_across_packages(SRC)
    new = sorted(found - UNTYPED_ACROSS)
    assert not new, (
        "dict[str, Any] returned across a package boundary; return a dataclass or a TypedDict "
        "(see truce.collab.queries):\n" + "\n".join(f"{f} used in truce.{p}" for f, p in new)
    )
    typed = sorted(UNTYPED_ACROSS - found)
    assert not typed, f"typed now: remove from UNTYPED_ACROSS: {typed}"


def test_the_dict_check_follows_imports(tmp_path: Path) -> None:
    planted = {
        "collab/queries.py": (
            "from typing import Any\n"
            "def rows(conn) -> list[dict[str, Any]]: ...\n"
            "def typed(conn) -> list[Row]: ...\n"
            "def _private(conn) -> dict[str, Any]: ...\n"
        ),
        "collab/actions.py": "from truce.collab.queries import rows\n",  # same package: fine
        "cli/tasks.py": "from truce.collab.actions import rows\n",  # a re-export, followed
        "web/tasks.py": "from truce.collab import queries\nqueries.rows(c)\nqueries.typed(c)\n",
        "report/x.py": "from truce.collab.queries import typed, _private\n",
    }
    for rel, source in planted.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(source, encoding="utf-8")
    assert untyped_dicts_across_packages(tmp_path) == {
        ("truce.collab.queries.rows", "cli"),
        ("truce.collab.queries.rows", "web"),
    }

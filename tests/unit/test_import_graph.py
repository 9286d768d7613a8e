"""The library's import graph, read from the source with ``ast``: no cycle between truce's
top-level packages, and no library module importing the web or CLI layers.

Every ``import`` counts, at module level or inside a function (a function-level import is still
a dependency, only a later one); imports under ``if TYPE_CHECKING:`` do not (they never run).
Modules that :mod:`truce.capabilities` loads by name are not imports: that table is data.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
#: The layers above the library: they may import it, never the other way round.
OUTER = {"web", "cli", "__main__"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return hidden


def imports(path: Path) -> list[tuple[str, int]]:
    """The truce modules ``path`` imports (absolute names), with their line numbers."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    hidden = _type_checking_nodes(tree)
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            # ``from truce import x`` imports the module truce.x when there is one
            found += [(f"{target}.{a.name}", node.lineno) for a in node.names]
    return [(t, line) for t, line in found if t == "truce" or t.startswith("truce.")]


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def package_graph() -> dict[str, dict[str, list[str]]]:
    """top-level package -> imported top-level package -> where ("module:line")."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    known = {_top(_module_name(p)) for p in (SRC / "truce").rglob("*.py")}
    for path in sorted((SRC / "truce").rglob("*.py")):
        here = _module_name(path)
        for target, line in imports(path):
            a, b = _top(here), _top(target)
            if a and b in known and a != b and f"{here}:{line}" not in graph[a][b]:
                graph[a][b].append(f"{here}:{line}")
    return graph


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """The strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted({*graph, *(w for ws in graph.values() for w in ws)}):
        if v not in index:
            visit(v)
    return found


def test_no_cycle_between_top_level_packages() -> None:
    graph = package_graph()
    problems = []
    for component in cycles(graph):
        edges = [
            f"  {a} -> {b}: {', '.join(graph[a][b][:3])}"
            for a in component
            for b in component
            if b in graph.get(a, {})
        ]
        problems.append(f"cycle {' ⇄ '.join(component)}:\n" + "\n".join(edges))
    assert not problems, "\n".join(problems)


def test_library_never_imports_the_web_or_cli_layers() -> None:
    graph = package_graph()
    bad = [
        f"{a} -> {b}: {', '.join(where)}"
        for a, targets in graph.items()
        if a not in OUTER
        for b, where in targets.items()
        if b in ("web", "cli")
    ]
    assert not bad, "\n".join(bad)


def test_the_graph_sees_function_level_imports() -> None:
    # The reader itself: a cycle hidden in a function or behind a relative import is found.
    graph = package_graph()
    assert "store" in graph["node"]  # node.py imports truce.store at module level
    assert "node" in graph["cli"]  # truce.cli.app imports truce.node inside a method only
    fake = {"a": {"b": ["x"]}, "b": {"c": ["y"]}, "c": {"a": ["z"]}, "d": {"a": ["w"]}}
    assert cycles(fake) == [["a", "b", "c"]]

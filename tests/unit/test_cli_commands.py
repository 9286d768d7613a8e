"""The lazy root command: its table of commands (truce.capabilities) against the real ones, help
that imports no command, and ``-v``/``--verbose`` read by click."""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

import truce.cli
from truce.capabilities import commands
from truce.cli import cli, main

#: What no command may cost ``truce --help`` or ``truce --version``.
HEAVY = ("sqlalchemy", "fastapi", "pydantic", "shapely", "numpy", "trafilatura", "httpx")


def _import_every_cli_module() -> None:
    for info in pkgutil.iter_modules(truce.cli.__path__):
        if info.name not in ("__main__", "docs"):
            importlib.import_module(f"truce.cli.{info.name}")


def _defined_in(command: click.Command) -> set[str]:
    found = {command.callback.__module__} if command.callback else set()
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            found |= _defined_in(sub)
    return found


def test_the_table_lists_exactly_the_commands_the_cli_modules_define() -> None:
    _import_every_cli_module()
    table = commands()
    assert sorted(cli.commands) == sorted(table), (
        "a top-level command is missing from (or stale in) truce/capabilities.py"
    )
    for name, command in cli.commands.items():
        entry = table[name]
        assert entry.help == command.get_short_help_str(limit=10**6), name
        assert _defined_in(command) <= set(entry.modules), (name, _defined_in(command))


def test_a_command_is_found_by_name_with_all_its_modules() -> None:
    ctx = click.Context(cli, info_name="truce")
    report = cli.get_command(ctx, "report")
    assert isinstance(report, click.Group)
    assert {"add", "list", "daily", "weekly"} <= set(report.commands)  # reports.py + exports.py
    assert cli.get_command(ctx, "no-such-command") is None


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )


HELP = """
import sys
{before}
from truce.cli import main
try:
    main(["--help"])
finally:
    print("MODULES", *sorted(m for m in sys.modules if m.startswith(("truce.", *{heavy!r}))))
"""


def test_help_lists_every_command_without_importing_one() -> None:
    lazy = _run(HELP.format(before="", heavy=HEAVY)).stdout
    every = (
        "import importlib, pkgutil, truce.cli\n"
        "for i in pkgutil.iter_modules(truce.cli.__path__):\n"
        "    if i.name not in ('__main__', 'docs'): importlib.import_module('truce.cli.' + i.name)"
    )
    loaded = _run(HELP.format(before=every, heavy=())).stdout
    text, modules = lazy.split("MODULES")
    assert text == loaded.split("MODULES")[0]  # the same help, from the table or the commands
    for name in commands():
        assert f"\n  {name} " in text
    imported = modules.split()
    assert not [m for m in imported if m.startswith("truce.cli.") and m != "truce.cli.app"]
    assert not [m for m in imported if m.split(".")[0] in HEAVY], imported


def test_version_imports_no_command() -> None:
    code = (
        "import sys\nfrom truce.cli import main\nmain(['--version'])\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    out = _run(code).stdout
    assert out.startswith("truce, version ")
    assert out.strip().endswith("[]")


@pytest.mark.parametrize("flag", ["-v", "--verbose"])
def test_verbose_shows_the_traceback(
    flag: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--home", str(tmp_path / "none"), flag, "party", "list"]) == 3
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "error: no truce data directory" in err


def test_without_verbose_one_line_and_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A '-v' that is not the root option (here the value of --home) is not the verbose flag.
    monkeypatch.chdir(tmp_path)
    assert main(["--home", "-v", "party", "list"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("error: no truce data directory") and "\nhint: " in err

from pathlib import Path

from truce.cli.docs import cli_markdown

REPO = Path(__file__).resolve().parents[2]


def test_cli_reference_is_generated_from_the_real_help() -> None:
    committed = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == cli_markdown(), "run: python -m truce.cli.docs"


def test_every_command_is_documented() -> None:
    text = cli_markdown()
    for command in ("truce ledger verify", "truce ingest", "truce incident show", "truce serve"):
        assert f"## `{command}`" in text


def test_reference_shows_the_help_options_subcommands_really_accept() -> None:
    # The root group gives every subcommand '-h'; the reference must say so whether or not a
    # command already ran in this process (click caches a command's help option once built).
    from click.testing import CliRunner

    from truce.cli import cli

    before = cli_markdown()
    assert CliRunner().invoke(cli, ["formats", "-h"]).exit_code == 0
    assert cli_markdown() == before
    assert "## `truce formats`" in before
    formats = before.split("## `truce formats`")[1].split("## ")[0]
    assert "-h, --help" in formats

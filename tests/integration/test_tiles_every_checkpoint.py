"""With TRUCE_TILES_DIR the log writes its static tlog-tiles on every append, so a plain copy of
that directory verifies every checkpoint the log signed, not only the ones published (issue 20)."""

from __future__ import annotations

from pathlib import Path

import pytest

from truce.config import Settings
from truce.errors import ConflictError, NotFoundError, ProofError
from truce.ledger.note import Checkpoint, Note
from truce.ledger.tiles import DirectorySource, TileReader, publish
from truce.node import Node


def _signed_checkpoints(node: Node, count: int) -> list[Checkpoint]:
    """Append ``count`` batches (parties registering, one entry each); each is signed."""
    seen = []
    for i in range(count):
        node.add_party(f"p{i}", f"Observer group {i}")
        seen.append(Checkpoint.parse(Note.parse(node.ledger.checkpoint()).text))
    return seen


def _verifies(directory: Path, checkpoint: Checkpoint) -> bool:
    reader = TileReader(DirectorySource(directory), checkpoint)
    try:
        reader.verify_root()
    except (NotFoundError, ProofError):
        return False
    return True


def test_every_signed_checkpoint_verifies_from_a_static_copy(tmp_path: Path) -> None:
    tiles = tmp_path / "tiles"
    settings = Settings(home=tmp_path / "home", tiles_dir=tiles)
    with Node.init(settings) as node:
        signed = _signed_checkpoints(node, 12)
        assert node.ledger.tiles_error is None
    assert [cp.size for cp in signed] == list(range(1, 13))
    assert all(_verifies(tiles, cp) for cp in signed)
    assert (tiles / "checkpoint").read_text(encoding="utf-8").startswith(signed[-1].origin)


def test_tiles_published_now_and_then_miss_the_checkpoints_between(tmp_path: Path) -> None:
    """The reason for the setting: without it, sizes signed between two runs do not verify."""
    tiles = tmp_path / "tiles"
    with Node.init(Settings(home=tmp_path / "home")) as node:
        signed = _signed_checkpoints(node, 5)
        publish(node.ledger, tiles)
    assert _verifies(tiles, signed[-1])
    assert not any(_verifies(tiles, cp) for cp in signed[:-1])


def test_opening_catches_the_tiles_up_and_refuses_another_history(tmp_path: Path) -> None:
    tiles = tmp_path / "tiles"
    with Node.init(Settings(home=tmp_path / "home")) as node:
        signed = _signed_checkpoints(node, 3)
    with Node.open(Settings(home=tmp_path / "home", tiles_dir=tiles)) as node:
        assert _verifies(tiles, signed[-1])
    with Node.init(Settings(home=tmp_path / "other")) as other:
        _signed_checkpoints(other, 4)
    with pytest.raises(ConflictError, match=r"is not a checkpoint of this log"):
        Node.open(Settings(home=tmp_path / "other", tiles_dir=tiles))

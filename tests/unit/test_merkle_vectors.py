"""The transparency-dev/merkle RFC 6962 proof vectors against truce.ledger.merkle's verifiers.

The ``subtreeinclusion/`` and ``subtreeconsistency/`` vectors are not used: they test proofs for
an arbitrary subtree ``[start, end)`` (Merkle Tree Certificates), an API truce does not have.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from truce.errors import ProofError
from truce.ledger.merkle import verify_consistency, verify_inclusion

VECTORS = Path(__file__).resolve().parents[1] / "data" / "rfc6962"

# Vectors whose expectation truce deliberately does not follow, with the reason.
DEVIATIONS = {
    # Its roots are 12-byte placeholders ("don't care 2"); truce refuses any hash that is not
    # 32 bytes before looking at the sizes (fail closed), so this equal-size case is an error.
    "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json",
}


def _files(kind: str) -> list[Path]:
    files = sorted((VECTORS / kind).rglob("*.json"))
    assert files, f"no vectors under {VECTORS / kind}"
    return files


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _b64(value: str) -> bytes:
    return base64.b64decode(value, validate=True)


def _proof(value: list[str] | None) -> list[bytes]:
    return [_b64(p) for p in value or []]


def _want_error(path: Path, vector: dict[str, Any]) -> bool:
    rel = path.relative_to(VECTORS).as_posix()
    return bool(vector["wantErr"]) or rel in DEVIATIONS


def _id(path: Path) -> str:
    return path.relative_to(VECTORS).as_posix()


@pytest.mark.parametrize("path", _files("inclusion"), ids=_id)
def test_inclusion_vector(path: Path) -> None:
    v = _load(path)
    args = (_b64(v["leafHash"]), v["leafIdx"], v["treeSize"], _proof(v["proof"]), _b64(v["root"]))
    if _want_error(path, v):
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", _files("consistency"), ids=_id)
def test_consistency_vector(path: Path) -> None:
    v = _load(path)
    args = (v["size1"], v["size2"], _b64(v["root1"]), _b64(v["root2"]), _proof(v["proof"]))
    if _want_error(path, v):
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def test_deviations_are_vectors_that_expect_success() -> None:
    for rel in DEVIATIONS:
        vector = _load(VECTORS / rel)
        assert vector["wantErr"] is False, rel


def test_every_vector_is_a_known_kind() -> None:
    kinds = {p.name for p in VECTORS.iterdir() if p.is_dir()}
    assert kinds == {"inclusion", "consistency", "subtreeinclusion", "subtreeconsistency"}
    assert (VECTORS / "LICENSE").is_file()
    assert (VECTORS / "SOURCE.md").is_file()

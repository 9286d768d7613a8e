"""The pinned Ed25519 verifier accepts exactly the recorded set of CCTV edge-case vectors.

Every party's node must judge signatures alike, so ``src/truce/ledger/ed25519_accepted.json``
records which of the 914 C2SP CCTV vectors (tests/data/ed25519/, see SOURCE.md) the pinned
implementation accepts.  If this test fails, the installed cryptography/OpenSSL build judges
edge cases differently: do not simply regenerate the record; find out what changed first.
Regenerate it (from the repository root) with::

    python -m truce.ledger.keys --record-vectors tests/data/ed25519/ed25519vectors.json
"""

from __future__ import annotations

import json
from pathlib import Path

from truce.ledger import keys

VECTORS = Path(__file__).resolve().parents[1] / "data" / "ed25519" / "ed25519vectors.json"


def _record() -> dict[str, object]:
    data: dict[str, object] = json.loads(keys.ACCEPTED_VECTORS_FILE.read_text(encoding="utf-8"))
    return data


def test_implementation_is_cryptography() -> None:
    assert keys.ED25519_IMPLEMENTATION.startswith("cryptography ")
    assert "OpenSSL" in keys.ED25519_IMPLEMENTATION


def test_installed_library_accepts_the_recorded_vectors() -> None:
    record = _record()
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    assert len(vectors) == 914
    accepted = keys.accepted_vectors(VECTORS)
    recorded = record["accepted"]
    assert isinstance(recorded, list)
    newly_accepted = sorted(set(accepted) - set(recorded))
    newly_rejected = sorted(set(recorded) - set(accepted))
    assert not newly_accepted and not newly_rejected, (
        f"{keys.ED25519_IMPLEMENTATION} judges Ed25519 edge cases differently from the record "
        f"({record['implementation']}): now accepts {newly_accepted}, now rejects {newly_rejected}"
    )
    assert record["rejected_count"] == len(vectors) - len(accepted)


def test_record_matches_the_ref10_behaviour() -> None:
    """The recorded set is the documented ref10/Go/OpenSSL rule (CCTV ed25519/README.md).

    Cofactorless verification with a byte-wise R comparison: reject ``non_canonical_R`` and
    ``low_order_residue``, accept everything else (low-order and non-canonical A included).
    """
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    expected = sorted(
        v["number"]
        for v in vectors
        if not {"non_canonical_R", "low_order_residue"} & set(v["flags"] or ())
    )
    assert _record()["accepted"] == expected


def test_verify_batch_agrees_with_single_verification() -> None:
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    items = [
        (bytes.fromhex(v["key"]), v["msg"].encode("utf-8"), bytes.fromhex(v["sig"]))
        for v in vectors
    ]
    failed = keys.verify_batch(items, workers=1)
    accepted = sorted(set(range(len(items))) - set(failed))
    assert [vectors[i]["number"] for i in accepted] == keys.accepted_vectors(VECTORS)

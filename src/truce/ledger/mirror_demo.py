"""The demo's trust-across-the-line part: both parties mirror the log, cosign it, and a policy
"log + both parties" is met (``truce demo``; see :mod:`truce.ledger.mirror`).

Lays out, under the demo's data directory::

    tiles/              the log published as C2SP tlog-tiles (what a plain HTTP server serves)
    mirrors/ru, tr      each party's verified copy, with its witness key
    policy.yaml         the witness policy: the log's key and both witnesses', quorum all
"""

from __future__ import annotations

from pathlib import Path

from truce.ledger.cosign import add_cosignatures, add_witness
from truce.ledger.log import Ledger
from truce.ledger.mirror import Mirror
from truce.ledger.policy import Policy
from truce.ledger.tiles import publish

__all__ = ["build_mirror_demo"]

PARTIES = ("ru", "tr")


def build_mirror_demo(ledger: Ledger, home: Path) -> list[str]:
    """Publish the log, mirror it for each party, collect their cosignatures; describe it."""
    tiles = home / "tiles"
    publish(ledger, tiles)
    mirrors: list[Mirror] = []
    try:
        for party in PARTIES:
            m = Mirror.init(home / "mirrors" / party, str(tiles), ledger.signer.vkey,
                            witness_name=f"{party}.witness.demo")  # fmt: skip
            mirrors.append(m)
            m.sync()
            add_witness(ledger, m.witness.vkey)
            add_cosignatures(ledger, m.checkpoint_note() or "")
        witnesses = tuple((p, m.witness.verifier) for p, m in zip(PARTIES, mirrors, strict=True))
        policy = Policy(ledger.verifier, witnesses, len(witnesses))
        (home / "policy.yaml").write_text(policy.to_yaml(), encoding="utf-8")
        publish(ledger, tiles)  # now served with both cosignatures
        for m in mirrors:
            m.set_policy(policy)
            m.sync()
    finally:
        for m in mirrors:
            m.close()
    return [
        f"mirrors: {', '.join(PARTIES)} verified all {ledger.size} entries and cosigned "
        f"(tiles in {tiles}, mirrors in {home / 'mirrors'})",
        f"witness policy {policy.describe()} in {home / 'policy.yaml'}; try: "
        f"truce --home {home / 'mirrors' / 'ru'} ledger verify --policy {home / 'policy.yaml'}",
    ]

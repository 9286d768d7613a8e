"""Per-author hash chains: each party's entries form a chain (seq 1, 2, ...; prev = hash of the
previous one), so a party can prove that none of its entries was dropped or reordered.

:class:`Chains` holds every author's head and key and accepts checked leaves in log order. The
sequencer uses it before appending; ``truce ledger verify`` uses it to replay the whole log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from truce.errors import ChainError, ConflictError, EntryError, LedgerError, SignatureError
from truce.ledger.batch import Checked, check_leaves, recovery_slot

__all__ = ["AuthorHead", "Chains"]


@dataclass(frozen=True, slots=True)
class AuthorHead:
    seq: int
    hash: str  # hex leaf hash of the author's latest entry


@dataclass
class Chains:
    origin: str
    heads: dict[str, AuthorHead] = field(default_factory=dict)
    keys: dict[str, bytes] = field(default_factory=dict)

    def copy(self) -> Chains:
        return Chains(self.origin, dict(self.heads), dict(self.keys))

    def accept(self, leaf: bytes, checked: Checked, where: str, index: int) -> Checked:
        """Check one leaf continues its author's chain and update the heads; raise otherwise."""
        c = checked
        if c.error_kind in ("unknown-author", "signature") and c.author in self.keys:
            # Registered (or its key rotated) earlier in the same batch, in another worker's
            # chunk: check it here with the key as of this point of the log.
            c = check_leaves([leaf], self.keys, parallel=False)[0]
        if c.error is not None:
            error: Callable[..., LedgerError] = (
                SignatureError if c.error_kind in ("signature", "unknown-author") else EntryError
            )
            raise error(f"{where}: {c.error}", index=index)
        if c.origin != self.origin:
            raise EntryError(
                f"{where}: origin {c.origin!r} is not this log's {self.origin!r}", index=index
            )
        if c.registers is not None and c.author in self.keys:
            raise ConflictError(f"{where}: party {c.author!r} is already registered", index=index)
        head = self.heads.get(c.author)
        want_seq = 1 if head is None else head.seq + 1
        want_prev = None if head is None else head.hash
        if c.seq != want_seq or c.prev != want_prev:
            raise ChainError(
                f"{where}: {c.author} seq {c.seq} does not continue its chain "
                f"(expected seq {want_seq} after {want_prev or 'nothing'})",
                index=index,
            )
        slot = recovery_slot(c.author)
        if c.recovery is not None and slot in self.keys and not c.by_recovery:
            # Whoever holds the signing key (a thief too) could otherwise take the recovery away.
            raise ConflictError(
                f"{where}: {c.author}'s recovery key is replaced only by a rotation that the "
                "recovery key itself authorizes",
                index=index,
            )
        self.heads[c.author] = AuthorHead(c.seq, c.hash.hex())
        if c.registers is not None:
            self.keys[c.author] = c.registers
        if c.rotates is not None:
            self.keys[c.author] = c.rotates
        if c.recovery is not None:
            self.keys[slot] = c.recovery
        return c

"""The witness policy: which signatures a checkpoint must carry before a client relies on it.

A policy names the log's verifier key (C2SP signed-note, type 0x01), the witnesses' cosignature
keys (C2SP tlog-cosignature, type 0x04), how many of the witnesses must have cosigned (the
quorum: ``all`` by default, e.g. "log + both parties"), and how far ahead of this machine's clock
a cosignature may be dated. It is a small YAML file (JSON, being YAML, works too)::

    # truce witness policy: the log and both parties
    log: truce.local/ledger+1a2b3c4d+AQ...
    witnesses:
      ru: ru.witness+5e6f7a8b+BA...
      tr: tr.witness+9c0d1e2f+BA...
    quorum: all        # or a number: at least that many of the witnesses
    max_skew: 300      # seconds

The labels (``ru``, ``tr``) are for people; the keys decide. :meth:`Policy.check` verifies a
signed checkpoint against the policy and fails closed: the log's signature must verify, every
cosignature line by a listed witness must verify (a bad one rejects the note, as signed-note
requires of known keys), and the quorum must be met; the error names who is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from truce.errors import CheckpointError, ConfigError, ValidationError
from truce.ledger.note import Checkpoint, Note, NoteVerifier, open_checkpoint
from truce.ledger.witness import (
    DEFAULT_MAX_SKEW,
    Cosignature,
    CosignatureVerifier,
    verify_cosignatures,
)

__all__ = ["Policy", "PolicyResult"]


class _QuorumNotMet(CheckpointError):
    """Valid, but not cosigned enough: :meth:`Policy.best` moves on to an older checkpoint."""


@dataclass(frozen=True)
class PolicyResult:
    """A checkpoint that satisfied a policy, and the cosignatures that counted."""

    checkpoint: Checkpoint
    cosignatures: tuple[Cosignature, ...]
    note: str

    @property
    def signers(self) -> list[str]:
        return [c.name for c in self.cosignatures]


@dataclass(frozen=True)
class Policy:
    log: NoteVerifier
    witnesses: tuple[tuple[str, CosignatureVerifier], ...] = ()
    quorum: int = 0
    max_skew: int = DEFAULT_MAX_SKEW

    def __post_init__(self) -> None:
        if not 0 <= self.quorum <= len(self.witnesses):
            raise ValidationError(
                f"policy quorum {self.quorum} must be between 0 and the number of witnesses "
                f"({len(self.witnesses)})",
                field="quorum",
            )
        names = [w.name for _, w in self.witnesses]
        if len(set(names)) != len(names):
            raise ValidationError("policy lists the same witness name twice", field="witnesses")
        if self.max_skew < 0:
            raise ValidationError("policy max_skew must not be negative", field="max_skew")

    # -- reading and writing ---------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: object, where: str = "policy") -> Policy:
        if not isinstance(data, Mapping):
            raise ValidationError(f"{where}: expected a mapping with log, witnesses, quorum")
        unknown = sorted(set(map(str, data)) - {"log", "witnesses", "quorum", "max_skew"})
        if unknown:
            raise ValidationError(f"{where}: unknown key(s) {', '.join(unknown)}", field=unknown[0])
        if "log" not in data:
            raise ValidationError(
                f"{where}: 'log' (the log's verifier key) is required", field="log"
            )
        try:
            log = NoteVerifier.from_vkey(str(data["log"]).strip())
        except CheckpointError as exc:
            raise ValidationError(f"{where}: log: {exc}", field="log") from None
        raw_witnesses = data.get("witnesses") or {}
        if isinstance(raw_witnesses, list):
            raw_witnesses = {str(i): v for i, v in enumerate(raw_witnesses)}
        if not isinstance(raw_witnesses, Mapping):
            raise ValidationError(f"{where}: witnesses must map labels to keys", field="witnesses")
        witnesses: list[tuple[str, CosignatureVerifier]] = []
        for label, vkey in raw_witnesses.items():
            try:
                witnesses.append((str(label), CosignatureVerifier.from_vkey(str(vkey))))
            except CheckpointError as exc:
                raise ValidationError(
                    f"{where}: witnesses.{label}: {exc}", field=f"witnesses.{label}"
                ) from None
        quorum_raw = data.get("quorum", "all")
        if quorum_raw == "all":
            quorum = len(witnesses)
        elif isinstance(quorum_raw, int) and not isinstance(quorum_raw, bool):
            quorum = quorum_raw
        else:
            raise ValidationError(
                f"{where}: quorum must be 'all' or a number, not {quorum_raw!r}", field="quorum"
            )
        skew = data.get("max_skew", DEFAULT_MAX_SKEW)
        if isinstance(skew, bool) or not isinstance(skew, int):
            raise ValidationError(f"{where}: max_skew must be whole seconds", field="max_skew")
        try:
            return cls(log, tuple(witnesses), quorum, skew)
        except ValidationError as exc:
            raise ValidationError(f"{where}: {exc.message}", field=exc.field) from None

    @classmethod
    def from_file(cls, path: Path) -> Policy:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read policy file {path}: {exc.strerror}") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f" line {mark.line + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None)
            why = f" ({problem})" if problem else ""
            raise ValidationError(f"policy file {path}{line}: not valid YAML{why}") from None
        return cls.from_dict(data, f"policy file {path}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "log": self.log.vkey,
            "witnesses": {label: w.vkey for label, w in self.witnesses},
            "quorum": "all" if self.quorum == len(self.witnesses) else self.quorum,
            "max_skew": self.max_skew,
        }

    def to_yaml(self) -> str:
        header = "# truce witness policy (see truce.ledger.policy)\n"
        return header + yaml.safe_dump(self.to_dict(), sort_keys=False, width=200)

    # -- checking --------------------------------------------------------------------------------
    @property
    def verifiers(self) -> list[CosignatureVerifier]:
        return [w for _, w in self.witnesses]

    def describe(self) -> str:
        names = ", ".join(w.name for _, w in self.witnesses)
        if not self.witnesses:
            return f"log {self.log.name}"
        count = "all" if self.quorum == len(self.witnesses) else f"{self.quorum} of"
        return f"log {self.log.name} + {count} {names}"

    def check(
        self, note_text: str | bytes, *, origin: str | None = None, now: int | None = None
    ) -> PolicyResult:
        """Verify ``note_text`` satisfies this policy; return what counted, or raise."""
        checkpoint = open_checkpoint(note_text, self.log, origin)
        note = Note.parse(note_text)
        cosignatures = verify_cosignatures(note, self.verifiers, now=now, max_skew=self.max_skew)
        if len(cosignatures) < self.quorum:
            have = {c.name for c in cosignatures}
            missing = [w.name for _, w in self.witnesses if w.name not in have]
            raise _QuorumNotMet(
                f"checkpoint (size {checkpoint.size}) has {len(cosignatures)} of the "
                f"{self.quorum} cosignature(s) the policy requires ({self.describe()}); "
                f"missing: {', '.join(missing)}",
                hint="Wait for the parties' mirrors to sync and cosign, or use an older "
                "checkpoint that carries their cosignatures.",
            )
        text = note_text.decode("utf-8") if isinstance(note_text, bytes) else note_text
        return PolicyResult(checkpoint, tuple(cosignatures), text)

    def best(
        self, notes: Sequence[str], *, origin: str | None = None, now: int | None = None
    ) -> PolicyResult:
        """The largest checkpoint among ``notes`` that satisfies the policy.

        Raises the newest checkpoint's failure if none does (an invalid signature by a known key
        anywhere also raises: a forged cosignature is never skipped over).
        """
        best: PolicyResult | None = None
        first_error: CheckpointError | None = None
        for text in notes:
            try:
                result = self.check(text, origin=origin, now=now)
            except _QuorumNotMet as exc:
                first_error = first_error or exc
                continue
            if best is None or result.checkpoint.size > best.checkpoint.size:
                best = result
        if best is None:
            if first_error is not None:
                raise first_error
            raise CheckpointError("no checkpoint to check against the policy")
        return best

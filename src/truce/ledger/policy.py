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

The same policy can be written in the C2SP tlog-policy format (https://c2sp.org/tlog-policy),
which other tools read too, with nested groups of witnesses::

    log truce.local/ledger+1a2b3c4d+AQ...
    witness ru ru.witness+5e6f7a8b+BA...
    witness tr tr.witness+9c0d1e2f+BA...
    witness icrc witness.icrc.example+0a1b2c3d+BA... https://witness.icrc.example/
    group parties all ru tr
    group everyone 2 parties icrc
    quorum everyone

:meth:`Policy.from_file` reads either form (a file whose first line starts with one of the
tlog-policy keywords is tlog-policy); ``truce ledger policy`` writes one for a log. truce
follows one log, so a tlog-policy for truce lists exactly one ``log`` line.
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

__all__ = ["Group", "Policy", "PolicyResult"]

_TLOG_KEYWORDS = ("log", "witness", "group", "quorum")


@dataclass(frozen=True)
class Group:
    """A tlog-policy group: witnessed when at least ``threshold`` of its members are."""

    name: str
    threshold: int
    members: tuple[str, ...]


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
    #: tlog-policy groups, in definition order, and the name of the quorum (a witness or a
    #: group; "none" for no cosignature). When ``rule`` is set it decides, not ``quorum``.
    groups: tuple[Group, ...] = ()
    rule: str | None = None

    def __post_init__(self) -> None:
        self._check_groups()
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

    def _check_groups(self) -> None:
        defined = {label for label, _ in self.witnesses}
        for group in self.groups:
            if group.name in defined or group.name == "none":
                raise ValidationError(f"policy defines the name {group.name!r} twice")
            if not group.members:
                raise ValidationError(f"policy group {group.name!r} has no members")
            if len(set(group.members)) != len(group.members):
                raise ValidationError(f"policy group {group.name!r} lists a member twice")
            undefined = [m for m in group.members if m not in defined]
            if undefined:
                raise ValidationError(
                    f"policy group {group.name!r} names {undefined[0]!r}, not defined before it"
                )
            if not 1 <= group.threshold <= len(group.members):
                raise ValidationError(
                    f"policy group {group.name!r}: threshold {group.threshold} must be between "
                    f"1 and its {len(group.members)} member(s)"
                )
            defined.add(group.name)
        if self.rule is not None and self.rule != "none" and self.rule not in defined:
            raise ValidationError(f"policy quorum {self.rule!r} is not a defined witness or group")

    def witnessed(self, labels: set[str]) -> bool:
        """Whether the witnesses ``labels`` (those that cosigned) meet this policy's quorum."""
        if self.rule is None:
            return len(labels) >= self.quorum
        if self.rule == "none":
            return True
        done = set(labels)
        for group in self.groups:  # groups only name what was defined before them
            if sum(m in done for m in group.members) >= group.threshold:
                done.add(group.name)
        return self.rule in done

    # -- reading and writing ---------------------------------------------------------------------
    @classmethod
    def from_tlog_policy(cls, text: str, where: str = "policy") -> Policy:
        """Read the C2SP tlog-policy format (see the module docstring)."""
        logs: list[NoteVerifier] = []
        witnesses: list[tuple[str, CosignatureVerifier]] = []
        groups: list[Group] = []
        rule: str | None = None
        for number, raw in enumerate(text.split("\n"), start=1):
            at = f"{where} line {number}"
            if any(ord(c) < 0x20 and c != "\t" for c in raw) or "\x7f" in raw:
                raise ValidationError(f"{at}: a control character (only tab is allowed)")
            words = raw.replace("\t", " ").split()
            if not words or words[0].startswith("#"):
                continue
            keyword, args = words[0], words[1:]
            try:
                if keyword == "log" and len(args) in (1, 2):
                    logs.append(NoteVerifier.from_vkey(args[0]))
                elif keyword == "witness" and len(args) in (2, 3):
                    witnesses.append((args[0], CosignatureVerifier.from_vkey(args[1])))
                elif keyword == "group" and len(args) >= 3:
                    name, k, members = args[0], args[1], tuple(args[2:])
                    if k == "all":
                        threshold = len(members)
                    elif k == "any":
                        threshold = 1
                    elif k.isdigit() and not k.startswith("0"):
                        threshold = int(k)
                    else:
                        raise ValidationError(f"threshold {k!r} is not all, any or a number")
                    groups.append(Group(name, threshold, members))
                elif keyword == "quorum" and len(args) == 1:
                    if rule is not None:
                        raise ValidationError("a second quorum line")
                    rule = args[0]
                else:
                    raise ValidationError(
                        f"expected 'log <vkey> [url]', 'witness <name> <vkey> [url]', "
                        f"'group <name> <all|any|k> <name>...' or 'quorum <name>', not {keyword!r}"
                        f" with {len(args)} item(s)"
                    )
            except (CheckpointError, ValidationError) as exc:
                message = exc.message if isinstance(exc, ValidationError) else str(exc)
                raise ValidationError(f"{at}: {message}") from None
        if rule is None:
            raise ValidationError(f"{where}: no quorum line (write 'quorum none' for none)")
        if len(logs) != 1:
            raise ValidationError(
                f"{where}: {len(logs)} log lines; truce follows one log, so give exactly one"
            )
        try:
            return cls(logs[0], tuple(witnesses), 0, DEFAULT_MAX_SKEW, tuple(groups), rule)
        except ValidationError as exc:
            raise ValidationError(f"{where}: {exc.message}", field=exc.field) from None

    def to_tlog_policy(self) -> str:
        """This policy in the C2SP tlog-policy format."""
        lines = [f"log {self.log.vkey}"]
        lines += [f"witness {label} {w.vkey}" for label, w in self.witnesses]
        groups, rule = self.groups, self.rule
        if rule is None:  # the flat form: one group of everyone with the quorum as threshold
            if self.quorum == 0:
                rule = "none"
            else:
                groups = (Group("quorum", self.quorum, tuple(lb for lb, _ in self.witnesses)),)
                rule = "quorum"
        for g in groups:
            k = "all" if g.threshold == len(g.members) else str(g.threshold)
            lines.append(f"group {g.name} {k} {' '.join(g.members)}")
        lines.append(f"quorum {rule}")
        return "\n".join(lines) + "\n"

    @classmethod
    def from_dict(cls, data: object, where: str = "policy") -> Policy:
        if not isinstance(data, Mapping):
            raise ValidationError(f"{where}: expected a mapping with log, witnesses, quorum")
        if "tlog_policy" in data:  # stored by to_dict for a policy with groups
            return cls.from_tlog_policy(str(data["tlog_policy"]), where)
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
        first = next(
            (
                ln.split()[0]
                for ln in text.splitlines()
                if ln.strip() and not ln.lstrip().startswith("#")
            ),
            "",
        )
        if first in _TLOG_KEYWORDS:
            return cls.from_tlog_policy(text, f"policy file {path}")
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
        if self.rule is not None:
            return {"tlog_policy": self.to_tlog_policy()}
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
        if self.rule is not None:
            return f"log {self.log.name} + quorum {self.rule}"
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
        have = {c.name for c in cosignatures}
        labels = {label for label, w in self.witnesses if w.name in have}
        if not self.witnessed(labels):
            missing = [w.name for _, w in self.witnesses if w.name not in have]
            required = (
                f"{self.quorum} cosignature(s)" if self.rule is None else f"quorum {self.rule!r}"
            )
            raise _QuorumNotMet(
                f"checkpoint (size {checkpoint.size}) has {len(cosignatures)} of the "
                f"{required} the policy requires ({self.describe()}); "
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

"""A C2SP tlog-witness: cosign a log's checkpoints over HTTP, and the log's client for it.

Implements https://c2sp.org/tlog-witness (``add-checkpoint``) with Ed25519 cosignatures
(c2sp.org/tlog-cosignature, :mod:`truce.ledger.witness`). Any party's machine, or a neutral third
party (the UN, the ICRC, a public witness network), can run one: it needs no copy of the log,
only the log's verifier key, and it keeps one record per log: the latest checkpoint it cosigned.

A witness home is laid out as::

    witness.json            {"name": ...}: this witness's key name
    keys/witness.key        its Ed25519 key (0600)
    logs.json               the logs it witnesses: origin -> the log's verifier key
    state/<hex sha256>      per origin, the latest checkpoint it cosigned (the note text)

:meth:`Witness.add_checkpoint` answers as the spec says: 404 for an unknown origin, 403 when no
signature verifies under the log's key, 400 when the old size is above the checkpoint's, 409
(``text/x.tlog.size``) when the old size is not the one it last cosigned or the roots of equal
sizes differ, 422 when the consistency proof does not verify, and 200 with its cosignature line.
The check of the old size and the write of the new state happen under one file lock, so two
concurrent requests can never roll the witness back.

:func:`submit` is the log's side: it sends the log's latest checkpoint with the consistency proof
from the size the witness last cosigned (asking first with ``old 0`` if it does not know it,
and retrying once from the size a 409 names), checks the cosignature it gets back and keeps it
beside the log (:func:`truce.ledger.cosign.add_cosignatures`).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from truce.errors import CheckpointError, ConfigError, ConflictError, ProofError
from truce.ledger.cosign import add_cosignatures
from truce.ledger.files import atomic_write
from truce.ledger.keys import SigningKey
from truce.ledger.log import Ledger
from truce.ledger.merkle import verify_consistency
from truce.ledger.note import Checkpoint, Note, NoteVerifier, open_checkpoint
from truce.ledger.witness import CosignatureSigner

__all__ = [
    "MAX_BODY",
    "MAX_PROOF_LINES",
    "SIZE_TYPE",
    "Answer",
    "Submitted",
    "Witness",
    "parse_request",
    "request_body",
    "submit",
]

#: Content type of a 409 answer's body (the size the witness last cosigned), from the spec.
SIZE_TYPE = "text/x.tlog.size"
#: The spec's limit on consistency proof lines.
MAX_PROOF_LINES = 63
#: Largest request body a witness reads: 63 proof lines and a checkpoint with many signatures.
MAX_BODY = 64 * 1024
WITNESS_FILE = "witness.json"


@dataclass(frozen=True)
class Answer:
    """What the witness answers: HTTP status, body, content type."""

    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


def request_body(old_size: int, proof: Sequence[bytes], checkpoint_note: str) -> bytes:
    """The ``add-checkpoint`` request body: old size line, proof lines, empty line, checkpoint."""
    lines = [f"old {old_size}", *(base64.b64encode(h).decode("ascii") for h in proof), ""]
    return ("\n".join(lines) + "\n" + checkpoint_note).encode("utf-8")


def parse_request(body: bytes) -> tuple[int, list[bytes], str]:
    """Split a request into (old size, proof hashes, checkpoint note). Raises ValueError."""
    if len(body) > MAX_BODY:
        raise ValueError(f"the request is over {MAX_BODY} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the request is not UTF-8") from None
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise ValueError("no empty line between the proof and the checkpoint")
    lines = head.split("\n")
    first, proof_lines = lines[0], lines[1:]
    word, _, number = first.partition(" ")
    if word != "old" or not number.isdigit() or (number != "0" and number.startswith("0")):
        raise ValueError("the first line must be 'old <size>' (decimal, no leading zeroes)")
    if len(proof_lines) > MAX_PROOF_LINES:
        raise ValueError(f"more than {MAX_PROOF_LINES} consistency proof lines")
    proof: list[bytes] = []
    for i, line in enumerate(proof_lines, start=2):
        try:
            raw = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"line {i} is not a base64 hash") from None
        if len(raw) != 32:
            raise ValueError(f"line {i} is not a 32-byte hash")
        proof.append(raw)
    return int(number), proof, note


class Witness:
    """A witness home (see the module docstring). Opened per request; state lives on disk."""

    def __init__(self, home: Path) -> None:
        path = home / WITNESS_FILE
        if not path.is_file():
            raise ConfigError(
                f"{home} is not a witness", hint="Create one with 'truce witness init --name NAME'."
            )
        self.home = home
        self.name = str(json.loads(path.read_text(encoding="utf-8"))["name"])
        self.signer = CosignatureSigner(self.name, SigningKey.load(home / "keys" / "witness.key"))

    @classmethod
    def init(cls, home: Path, name: str) -> Witness:
        if (home / WITNESS_FILE).exists():
            raise ConflictError(f"{home} is already a witness")
        key = SigningKey.generate()
        CosignatureSigner(name, key)  # checks the name before anything is written
        (home / "keys").mkdir(parents=True, mode=0o700, exist_ok=True)
        key.save(home / "keys" / "witness.key")
        atomic_write(home / WITNESS_FILE, json.dumps({"name": name}).encode())
        return cls(home)

    @property
    def vkey(self) -> str:
        return self.signer.vkey

    # -- the logs it witnesses -------------------------------------------------------------------
    def logs(self) -> dict[str, NoteVerifier]:
        path = self.home / "logs.json"
        if not path.exists():
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
        return {origin: NoteVerifier.from_vkey(v) for origin, v in data.items()}

    def add_log(self, vkey: str, origin: str | None = None) -> str:
        """Witness the log with verifier key ``vkey``; its origin defaults to the key's name."""
        verifier = NoteVerifier.from_vkey(vkey)
        origin = origin or verifier.name
        logs = {o: v.vkey for o, v in self.logs().items()}
        if logs.get(origin, verifier.vkey) != verifier.vkey:
            raise ConflictError(
                f"the witness already holds another key for {origin!r}",
                hint="A log that changes its key is a new log: give it a new origin.",
            )
        logs[origin] = verifier.vkey
        atomic_write(self.home / "logs.json", json.dumps(logs, indent=1).encode())
        return origin

    def _state_path(self, origin: str) -> Path:
        return self.home / "state" / hashlib.sha256(origin.encode()).hexdigest()

    def latest(self, origin: str) -> Checkpoint | None:
        """The latest checkpoint this witness cosigned for ``origin``."""
        path = self._state_path(origin)
        if not path.exists():
            return None
        return Checkpoint.parse(Note.parse(path.read_text(encoding="utf-8")).text)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        (self.home / "state").mkdir(exist_ok=True)
        fd = os.open(self.home / "state" / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    # -- add-checkpoint ---------------------------------------------------------------------------
    def add_checkpoint(self, body: bytes, *, now: int | None = None) -> Answer:
        """Answer one ``add-checkpoint`` request as c2sp.org/tlog-witness says."""
        try:
            old_size, proof, note_text = parse_request(body)
            note = Note.parse(note_text)
            checkpoint = Checkpoint.parse(note.text)
        except (ValueError, CheckpointError) as exc:
            return Answer(400, f"bad request: {exc}\n")
        verifier = self.logs().get(checkpoint.origin)
        if verifier is None:
            return Answer(404, f"this witness does not witness {checkpoint.origin!r}\n")
        try:
            open_checkpoint(note_text, verifier, checkpoint.origin)
        except CheckpointError:
            return Answer(403, "no signature verifies under the log's key\n")
        if old_size > checkpoint.size:
            return Answer(400, "the old size is above the checkpoint's size\n")
        with self._locked():
            latest = self.latest(checkpoint.origin)
            held = 0 if latest is None else latest.size
            if old_size != held:
                return Answer(409, f"{held}\n", SIZE_TYPE)
            if latest is not None and old_size == checkpoint.size:
                if latest.root != checkpoint.root:
                    return Answer(409, f"{held}\n", SIZE_TYPE)
            elif latest is not None:
                try:
                    verify_consistency(held, checkpoint.size, latest.root, checkpoint.root, proof)
                except ProofError as exc:
                    self._keep_evidence(body)
                    return Answer(422, f"the consistency proof does not verify: {exc}\n")
            elif proof:
                return Answer(422, "the proof must be empty when the old size is 0\n")
            line = self.signer.cosign(note.text, now).to_line()
            log_line = next(s for s in note.signatures if s.key_hash == verifier.key_hash)
            atomic_write(
                self._state_path(checkpoint.origin),
                Note(note.text, [log_line]).to_text().encode("utf-8"),
            )
        return Answer(200, line + "\n")

    def _keep_evidence(self, body: bytes) -> None:
        """A log-signed checkpoint that does not extend what was cosigned: proof of a fork."""
        folder = self.home / "evidence"
        folder.mkdir(exist_ok=True)
        atomic_write(folder / hashlib.sha256(body).hexdigest(), body)


# -- the log's side ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Submitted:
    """A witness's cosignature, checked and kept beside the log."""

    url: str
    size: int
    witnesses: tuple[str, ...]


def submit(ledger: Ledger, url: str, *, timeout: float = 10.0) -> Submitted:
    """Send the log's latest checkpoint to the witness at ``url`` (its submission prefix) and keep
    the cosignature it returns. Raises, keeping nothing, when the witness refuses or answers with
    a cosignature this log does not accept (its key must be known: ``truce ledger cosign
    --witness``)."""
    import httpx  # only the log's client needs it

    note_text = ledger.checkpoint()
    checkpoint = Checkpoint.parse(Note.parse(note_text).text)
    endpoint = url.rstrip("/") + "/add-checkpoint"
    old = 0
    with httpx.Client(timeout=timeout) as client:
        for _ in range(3):
            proof = (
                ledger.consistency_proof(old, checkpoint.size) if 0 < old < checkpoint.size else []
            )
            try:
                res = client.post(endpoint, content=request_body(old, proof, note_text))
            except httpx.HTTPError as exc:
                raise ConfigError(
                    f"the witness at {url} cannot be reached: {exc}",
                    hint="Check the witness URL (its submission prefix) and that it runs.",
                ) from None
            if res.status_code == 409 and res.headers.get("content-type", "").startswith(SIZE_TYPE):
                held = res.text.strip()
                if not held.isdigit():
                    raise CheckpointError(f"the witness at {url} answered 409 without a size")
                if int(held) > checkpoint.size:
                    raise ConflictError(
                        f"the witness at {url} has cosigned size {held} of this log, larger than "
                        f"the log's {checkpoint.size}: the log was rolled back, or forked",
                        hint="Keep the witness's state as evidence and investigate.",
                    )
                if int(held) == old:
                    break
                old = int(held)
                continue
            break
    if res.status_code != 200:
        raise CheckpointError(
            f"the witness at {url} refused checkpoint {checkpoint.size} "
            f"({res.status_code}): {res.text.strip()[:200]}",
            hint={
                404: "The witness does not know this log: give its operator 'truce ledger vkey'.",
                403: "The witness holds another key for this log's origin.",
                409: "The witness cosigned a different tree of this size: a split view.",
                422: "This log's history does not extend what the witness cosigned: a fork.",
            }.get(res.status_code, ""),
        )
    lines = [line for line in res.text.split("\n") if line]
    if not lines or not all(line.startswith("\u2014 ") for line in lines):
        raise CheckpointError(f"the witness at {url} answered 200 without signature lines")
    cosigned = note_text + "".join(line + "\n" for line in lines)
    added = add_cosignatures(ledger, cosigned)
    if not added.accepted:
        raise ConfigError(
            f"the witness at {url} signed as {', '.join(added.ignored)}, a key this log does not "
            "accept",
            hint="Add its key first: truce ledger cosign --witness 'NAME+HASH+KEY'.",
        )
    return Submitted(url, checkpoint.size, tuple(c.name for c in added.accepted))

"""A truce node: the ledger, the party keys it holds, the evidence store and the projections.

This is the library's front door: the CLI and the web app call it; it never imports either.
Every change goes the same way: validate the body against its kind's model, sign it with the
author's key (custodial mode: the key is in ``$TRUCE_HOME/keys``, encrypted at rest, see
:mod:`truce.custody`), or accept it already signed (client mode), append it to the log,
then bring the projections up to date.
"""

from __future__ import annotations

import base64
import fcntl
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from truce.config import Settings
from truce.custody import KeyCustody, load_kek
from truce.errors import ChainError, ConfigError, ConflictError, NotFoundError, ValidationError
from truce.ledger.batch import recovery_message, rotation_message
from truce.ledger.entry import Entry
from truce.ledger.evidence import EvidenceStore
from truce.ledger.keys import SigningKey, VerifyKey
from truce.ledger.log import Ledger
from truce.model import Party, PartyKind, Report
from truce.model.base import Model
from truce.model.kinds import parse_body
from truce.model.party import PARTY_ID_PATTERN, KeyRotation
from truce.serverinfo import ServerInfo, read_info
from truce.store import Store, make_engine
from truce.store.db import prepare_database
from truce.store.projections import report_id

__all__ = ["Node"]

_RESIGN_ATTEMPTS = 20  # through a server, an entry whose position another writer took


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


class Node:
    def __init__(self, settings: Settings, ledger: Ledger) -> None:
        self.settings = settings
        self.ledger = ledger
        engine = make_engine(settings.database_url)
        prepare_database(engine)
        self.store = Store(engine)
        self._custody: KeyCustody | None = None
        self._keys: dict[str, SigningKey] = {}
        self._writer_fd: int | None = None
        #: The server writing this data directory, when this node appends through it.
        self._server: ServerInfo | None = None
        #: The index of the last entry this node appended (not ``ledger.size - 1``: through a
        #: server, others' entries may have been appended since).
        self.last_index = -1
        if settings.evidence_s3:
            from truce.ledger.objectstore import S3Backend  # httpx only when configured

            extra = settings.extra
            backend = S3Backend(
                settings.evidence_s3,
                key=extra.get("TRUCE_EVIDENCE_S3_KEY", ""),
                secret=extra.get("TRUCE_EVIDENCE_S3_SECRET", ""),
                region=extra.get("TRUCE_EVIDENCE_S3_REGION", "us-east-1"),
            )
            self.evidence = EvidenceStore(settings.evidence_dir, backend)
        else:
            self.evidence = EvidenceStore(settings.evidence_dir)
        if not ledger.is_follower:  # a follower reads what the writer's projector wrote
            self.store.catch_up(ledger)
            if settings.tiles_dir is not None:
                try:
                    ledger.publish_tiles(settings.tiles_dir)
                except BaseException:
                    self.close()
                    raise

    # -- lifecycle -----------------------------------------------------------------------------
    @classmethod
    def init(cls, settings: Settings) -> Node:
        """Create a new data directory: an empty log with its operator key, and the tables."""
        settings.home.mkdir(parents=True, exist_ok=True)
        settings.keys_dir.mkdir(mode=0o700, exist_ok=True)
        ledger = Ledger.create(settings.ledger_dir, settings.origin)
        return cls(settings, ledger)

    @classmethod
    def open(cls, settings: Settings) -> Node:
        if not (settings.ledger_dir / "log.key").exists():
            raise ConfigError(
                f"no truce data directory at {settings.home}",
                hint="Run 'truce init' (or 'truce demo'), or set TRUCE_HOME.",
            )
        # While another process (a server) is the writer, opening the log to repair it could
        # cut that writer's append in flight: this process then only reads, as of the writer's
        # latest checkpoint, and leaves projecting to the writer.
        probe = cls._try_lock(settings.ledger_dir)
        if probe is None:
            return cls(settings, Ledger.follower(settings.ledger_dir))
        try:
            return cls(settings, Ledger.open(settings.ledger_dir))
        finally:
            os.close(probe)  # released; taken again (and checked) on the first append

    @staticmethod
    def _try_lock(ledger_dir: Path) -> int | None:
        fd = os.open(ledger_dir / "writer.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd

    def close(self) -> None:
        self.release_writer()
        self.ledger.close()
        self.store.close()
        self.store.engine.dispose()
        self.evidence.close()

    def __enter__(self) -> Node:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- parties -------------------------------------------------------------------------------
    def key_path(self, party: str) -> Path:
        return self.settings.keys_dir / f"{party}.key"

    @property
    def custody(self) -> KeyCustody:
        """The party keys this node holds, sealed with the node's key-encryption key."""
        if self._custody is None:
            kek = load_kek(self.settings.home, self.settings.extra)
            self._custody = KeyCustody(self.settings.keys_dir, kek)
        return self._custody

    def add_party(
        self,
        party_id: str,
        name: str,
        kind: PartyKind = PartyKind.PARTY,
        *,
        recovery_key: VerifyKey | None = None,
    ) -> Party:
        """Create a key pair (the private key stored 0600) and register the party in the log;
        ``recovery_key``: the public half of the party's offline recovery key (see
        :meth:`recover_key`)."""
        if not re.match(PARTY_ID_PATTERN, party_id):
            raise ValidationError(
                f"party id {party_id!r} must be lowercase letters, digits and '-', "
                "starting with a letter, at most 32 characters",
                field="id",
            )
        self.acquire_writer()
        if self.ledger.key(party_id) is not None:
            raise ConflictError(f"party {party_id!r} is already registered")
        key = SigningKey.generate()
        party = Party(
            id=party_id,
            name=name,
            kind=kind,
            public_key=base64.b64encode(key.public_key.raw).decode(),
            recovery_key=None if recovery_key is None else _b64(recovery_key.raw),
        )
        self.custody.save(party_id, key)
        self._sign_and_append(party_id, "party.registered", party, key)
        return party

    def parties(self) -> list[dict[str, Any]]:
        return sorted(self.store.rows("parties"), key=lambda r: r["entry_index"])

    def signing_key(self, party: str) -> SigningKey:
        cached = self._keys.get(party)
        if cached is not None and self.ledger.key(party) == cached.public_key:
            return cached
        path = self.key_path(party)
        if self.ledger.key(party) is None:
            raise NotFoundError(f"no party {party!r}", hint="List parties with 'truce party list'.")
        if not path.exists():
            raise ConfigError(
                f"this node holds no key for party {party!r}",
                hint="Sign on the party's own machine and submit the signed entry (client mode).",
            )
        key = self.custody.load(party)
        if key.public_key != self.ledger.key(party):
            raise ConfigError(
                f"party {party!r} has rotated its key: the key this node holds is retired",
                hint="The party signs on its own machine and submits the signed entry "
                "(client mode).",
            )
        self._keys[party] = key
        return key

    def rotate_key(
        self,
        party: str,
        new_key: SigningKey,
        *,
        keep: bool = False,
        reason: str = "",
        recovery_key: VerifyKey | None = None,
    ) -> Entry:
        """Rotate ``party`` onto ``new_key``, signed with the key this node holds for it.

        With ``keep`` the node keeps the new key in custody; without, it drops its custodial
        key, so from this entry on only whoever holds ``new_key`` can act as the party.
        ``recovery_key`` sets the party's recovery key, when it has none yet.
        """
        self.acquire_writer()
        old = self.signing_key(party)
        raw = new_key.public_key.raw
        body = KeyRotation(
            public_key=_b64(raw),
            proof=_b64(new_key.sign(rotation_message(self.ledger.origin, party, raw))),
            reason=reason,
            recovery_key=None if recovery_key is None else _b64(recovery_key.raw),
        )
        entry = self._sign_and_append(party, "party.key_rotated", body, old)
        self._keys.pop(party, None)
        self.custody.retire(party)
        if keep:
            self.custody.save(party, new_key)
        return entry

    def recover_key(
        self,
        party: str,
        new_key: SigningKey,
        recovery: SigningKey,
        *,
        keep: bool = False,
        reason: str = "",
        new_recovery_key: VerifyKey | None = None,
    ) -> Entry:
        """Revoke ``party``'s signing key, lost or stolen, with its offline ``recovery`` key:
        a ``party.key_rotated`` entry signed with ``new_key`` and authorized by the recovery
        key, which needs neither the old key nor the center's custody. From the entry on, the
        old key (and any key a thief rotated onto) signs nothing for the party.
        ``new_recovery_key`` replaces the recovery key too (say, when it was used on a machine
        that is no longer trusted)."""
        self.acquire_writer()
        raw = new_key.public_key.raw
        seq, prev = self.ledger.next_position(party)
        body = KeyRotation(
            public_key=_b64(raw),
            proof=_b64(new_key.sign(rotation_message(self.ledger.origin, party, raw))),
            reason=reason,
            recovery_key=None if new_recovery_key is None else _b64(new_recovery_key.raw),
            recovery_signature=_b64(
                recovery.sign(recovery_message(self.ledger.origin, party, seq, raw))
            ),
        )
        entry = Entry.sign(
            new_key,
            origin=self.ledger.origin,
            kind="party.key_rotated",
            author=party,
            seq=seq,
            prev=prev,
            body=body.to_body(),
            mode="custodial",
        )
        self.append_signed([entry])
        self._keys.pop(party, None)
        self.custody.retire(party)
        if keep:
            self.custody.save(party, new_key)
        return entry

    # -- the one writer ------------------------------------------------------------------------
    def acquire_writer(self) -> None:
        """Become the data directory's only writer (an exclusive lock on ``ledger/writer.lock``).

        Taken on the first append and held until :meth:`close`; a server takes it at start. A
        second process is never allowed to interleave appends with the first: while a server
        holds the lock and says where it listens (``ledger/server.json``,
        :mod:`truce.serverinfo`), this node appends through it; any other writer is refused.
        """
        if self._writer_fd is not None or self._server is not None:
            return
        fd = None if self.ledger.is_follower else self._try_lock(self.settings.ledger_dir)
        if fd is None:
            server = read_info(self.settings.ledger_dir)
            if server is not None:  # a server holds the lock: append through it
                if not self.ledger.is_follower:
                    self.ledger.close()
                    self.ledger = Ledger.follower(self.settings.ledger_dir)
                self._server = server
                return
            raise ConflictError(
                f"another process is writing to the ledger in {self.settings.home}",
                hint="Only one writer at a time: wait for it or stop it (a running 'truce "
                "serve' takes this command's writes itself).",
            )
        if self.ledger.changed_on_disk():
            os.close(fd)
            raise ConflictError(
                f"another process appended to the ledger in {self.settings.home} since this "
                "one opened it",
                hint="Run the command again.",
            )
        self._writer_fd = fd

    def release_writer(self) -> None:
        if self._writer_fd is not None:
            os.close(self._writer_fd)  # closing the descriptor releases the lock
            self._writer_fd = None

    # -- appending -----------------------------------------------------------------------------
    def append(self, author: str, kind: str, body: Model | dict[str, Any]) -> Entry:
        """Validate ``body`` as ``kind``, sign it with ``author``'s custodial key, append it."""
        self.acquire_writer()  # first: a busy log says so, whatever else is wrong
        return self._sign_and_append(author, kind, body, self.signing_key(author))

    def _sign_and_append(
        self, author: str, kind: str, body: Model | dict[str, Any], key: SigningKey
    ) -> Entry:
        model = body if isinstance(body, Model) else parse_body(kind, body)
        for attempt in range(_RESIGN_ATTEMPTS):
            seq, prev = self.ledger.next_position(author)
            entry = Entry.sign(
                key,
                origin=self.ledger.origin,
                kind=kind,
                author=author,
                seq=seq,
                prev=prev,
                body=model.to_body(),
                mode="custodial",
            )
            try:
                self.append_signed([entry])
            except ChainError:
                # Through a server, another writer may have appended an entry by this author
                # since this node's view of the log: the view moves up, the entry is signed at
                # the next position again (it was not appended).
                if self._server is None or attempt == _RESIGN_ATTEMPTS - 1:
                    raise
                self.ledger.close()
                self.ledger = Ledger.follower(self.settings.ledger_dir)
                continue
            return entry
        raise AssertionError("unreachable")  # pragma: no cover

    def append_signed(self, entries: Sequence[Entry | bytes]) -> int:
        """Append entries signed elsewhere (client mode), all or nothing; returns first index."""
        self.acquire_writer()
        parsed = [e if isinstance(e, Entry) else Entry.from_leaf(bytes(e)) for e in entries]
        for i, entry in enumerate(parsed):
            parse_body(entry.kind, entry.body, f"entry {i} ({entry.kind})")
        if self._server is not None:
            # The server appends them (its one sequencer) and answers once they are in the log
            # and its tables; then this node's view of the log moves up to its checkpoint.
            first = self._server.submit([e.leaf for e in parsed])
            self.ledger.close()
            self.ledger = Ledger.follower(self.settings.ledger_dir)
        else:
            first = self.ledger.append(parsed)
            self.store.catch_up(self.ledger)
        self.last_index = first + len(parsed) - 1
        return first

    # -- reports -------------------------------------------------------------------------------
    def file_report(self, author: str, report: Report) -> str:
        self.append(author, "report.filed", report)
        return report_id(self.last_index)

    def reports(self) -> list[dict[str, Any]]:
        return sorted(self.store.rows("reports"), key=lambda r: r["entry_index"])

    def rebuild(self) -> int:
        return self.store.rebuild(self.ledger)

"""Mirrors on one machine: separate data directories, the log's tiles served over real HTTP on
127.0.0.1, and a log operator who misbehaves in every way the issue lists."""

from __future__ import annotations

import base64
import json
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import truce.ledger.sync as sync_module
from truce.errors import (
    ChainError,
    CheckpointError,
    ConfigError,
    ConflictError,
    EntryError,
    ProofError,
    SignatureError,
)
from truce.ledger.bundle import LedgerSource, check_bundle, make_bundle
from truce.ledger.cosign import add_cosignatures, add_witness
from truce.ledger.entry import Entry
from truce.ledger.gossip import compare, verify_split_view
from truce.ledger.keys import SigningKey
from truce.ledger.log import Ledger
from truce.ledger.mirror import Mirror
from truce.ledger.note import Checkpoint, Note, sign_checkpoint
from truce.ledger.policy import Policy
from truce.ledger.tiles import decode_bundle, encode_bundle, publish
from truce.model import Party

ORIGIN = "truce.test/ledger"
REPORT: dict[str, Any] = {
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "date": {"start": "2019-03-12", "end": "2019-03-12", "precision": 1},
    "locations": [{"place": "Morek", "point": {"lat": "35.37615", "lon": "36.6897"}}],
    "sources": [{"name": "Test source", "kind": "party", "reliability": "C", "credibility": 3}],
}
T0 = 1_800_000_000


# --- a log, built fast (the mirror does not care how entries were validated) ---------------------


class Log:
    """A log directory plus the parties' keys (custodial), able to append reports in batches."""

    def __init__(self, directory: Path, keys: dict[str, SigningKey]) -> None:
        self.directory = directory
        self.keys = keys
        self.ledger = Ledger.open(directory)

    @classmethod
    def create(cls, directory: Path) -> Log:
        ledger = Ledger.create(directory, ORIGIN)
        keys = {p: SigningKey.generate() for p in ("ru", "tr")}
        for party, key in keys.items():
            body = Party(
                id=party,
                name=party.upper(),
                public_key=base64.b64encode(key.public_key.raw).decode(),
            ).to_body()
            ledger.append(
                [
                    Entry.sign(
                        key,
                        origin=ORIGIN,
                        kind="party.registered",
                        author=party,
                        seq=1,
                        prev=None,
                        body=body,
                    )
                ]
            )
        ledger.close()
        return cls(directory, keys)

    def fork(self, directory: Path) -> Log:
        """A copy of this log (same operator key): the operator's alternative history."""
        self.ledger.close()
        shutil.copytree(self.directory, directory)
        self.ledger = Ledger.open(self.directory)
        return Log(directory, self.keys)

    def add(self, count: int, tag: str = "") -> None:
        heads = {p: self.ledger.next_position(p) for p in self.keys}
        entries = []
        for i in range(count):
            author = "ru" if i % 3 else "tr"
            seq, prev = heads[author]
            body = {**REPORT, "title": f"report {self.ledger.size + i} {tag}"}
            entry = Entry.sign(
                self.keys[author],
                origin=ORIGIN,
                kind="report.filed",
                author=author,
                seq=seq,
                prev=prev,
                body=body,
            )
            heads[author] = (seq + 1, entry.hash.hex())
            entries.append(entry)
        self.ledger.append(entries)

    def publish(self, out: Path) -> None:
        publish(self.ledger, out)

    @property
    def vkey(self) -> str:
        return self.ledger.signer.vkey

    def close(self) -> None:
        self.ledger.close()


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class Server:
    """A real HTTP server on 127.0.0.1 serving one directory, in a thread."""

    def __init__(self, directory: Path, handler: type[SimpleHTTPRequestHandler] = Quiet) -> None:
        self.directory = directory
        self.handler = handler
        self.port = 0
        self._httpd: ThreadingHTTPServer | None = None
        self.start()

    def start(self) -> None:
        self._httpd = ThreadingHTTPServer(
            ("127.0.0.1", self.port), partial(self.handler, directory=str(self.directory))
        )
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def log(tmp_path: Path) -> Iterator[Log]:
    log = Log.create(tmp_path / "log")
    log.add(298)
    yield log
    log.close()


@pytest.fixture
def tiles(tmp_path: Path, log: Log) -> Path:
    out = tmp_path / "tiles"
    log.publish(out)
    return out


@pytest.fixture
def server(tiles: Path) -> Iterator[Server]:
    server = Server(tiles)
    yield server
    server.stop()


def state(m: Mirror) -> tuple[int, bytes, int, str | None]:
    cp = m.checkpoint()
    return cp.size, cp.root, m.entries.size, m.checkpoint_note()


def both(log: Log, ru: Mirror, tr: Mirror) -> Policy:
    """The policy "log + both parties"."""
    witnesses = (("ru", ru.witness.verifier), ("tr", tr.witness.verifier))
    return Policy(log.ledger.verifier, witnesses, 2)


def replace_tree(target: Path, source: Path) -> None:
    """Swap what a served directory holds (an operator republishing another history)."""
    shutil.rmtree(target)
    shutil.copytree(source, target)


# --- honest operation ----------------------------------------------------------------------------


def test_honest_sync_over_http_then_cosign_and_policy(
    tmp_path: Path, log: Log, tiles: Path, server: Server
) -> None:
    ru = Mirror.init(tmp_path / "ru", server.url, log.vkey, witness_name="ru.witness")
    tr = Mirror.init(tmp_path / "tr", server.url, log.vkey, witness_name="tr.witness")
    for m in (ru, tr):
        result = m.sync(now=T0)
        assert (result.previous_size, result.size) == (0, 300)
        assert result.checkpoint.root == log.ledger.root()
        assert m.verify().size == 300
        assert (m.directory / "tree" / "level-00.bin").stat().st_size == 300 * 32
    policy = Policy(
        log.ledger.verifier, (("ru", ru.witness.verifier), ("tr", tr.witness.verifier)), 2
    )
    for m in (ru, tr):
        add_witness(log.ledger, m.witness.vkey)
        added = add_cosignatures(log.ledger, m.checkpoint_note() or "", now=T0)
        assert [c.name for c in added.accepted] == [m.witness.name]
    held = policy.best(LedgerSource(log.ledger).checkpoint_notes(), now=T0)
    assert held.signers == ["ru.witness", "tr.witness"] and held.checkpoint.size == 300
    # The log serves the checkpoint with both cosignatures; mirrors that know the policy keep them.
    log.publish(tiles)
    ru.set_policy(policy)
    assert ru.sync(now=T0 + 60).fetched == 0
    assert ru.verify(policy=policy, now=T0 + 60).policy is not None
    # A party proves an entry to a third party from its own copy.
    bundle = json.loads(json.dumps(make_bundle(ru, 123, policy=policy, now=T0 + 60)))
    checked = check_bundle(bundle, policy=policy, now=T0 + 60)
    assert (checked.index, checked.entry.kind, checked.cosigners) == (
        123,
        "report.filed",
        ("ru.witness", "tr.witness"),
    )
    ru.close()
    tr.close()


def test_a_mirror_offline_for_a_while_catches_up(
    tmp_path: Path, log: Log, tiles: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    m = Mirror.init(tmp_path / "ru", server.url, log.vkey, witness_name="ru.witness")
    m.sync(now=T0)
    server.stop()  # the log's server is down: the mirror says so and changes nothing
    before = state(m)
    with pytest.raises(ConfigError, match=f"cannot fetch {server.url}/checkpoint"):
        m.sync(now=T0 + 10)
    assert state(m) == before
    log.add(1500)  # the log moves on while the mirror cannot reach it
    log.publish(tiles)
    server.start()
    monkeypatch.setattr(sync_module, "TASK", 128)  # many pipelined tasks, on worker processes
    seen: list[int] = []
    result = m.sync(now=T0 + 20, parallel=True, progress=lambda done, total: seen.append(done))
    assert (result.previous_size, result.size) == (300, 1800)
    assert seen == sorted(seen) and seen[-1] == 1800
    assert m.checkpoint().root == log.ledger.root()
    assert m.verify().authors == 2
    m.close()
    reopened = Mirror.open(tmp_path / "ru")
    assert reopened.size == 1800 and reopened.heads == log.ledger.heads
    reopened.close()


def test_an_interrupted_sync_leaves_nothing_unverified(
    tmp_path: Path, log: Log, tiles: Path
) -> None:
    m = Mirror.init(tmp_path / "ru", str(tiles), log.vkey)
    m.sync(now=T0)
    log.add(20)
    m.entries.append([log.ledger.leaf(i) for i in range(300, 320)])  # fetched, then killed
    m.close()
    m = Mirror.open(tmp_path / "ru")
    assert m.entries.size == 300 and m.tree.size == 300
    m.close()


def test_a_failure_before_the_commit_point_rolls_back(
    tmp_path: Path, log: Log, tiles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    m = Mirror.init(tmp_path / "ru", str(tiles), log.vkey)
    m.sync(now=T0)
    log.add(100)
    log.publish(tiles)
    before = state(m)

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(Mirror, "_cosign", disk_full)
        with pytest.raises(OSError, match="No space left"):
            m.sync(now=T0 + 5)
    assert state(m) == before and m.tree.size == 300 and m.heads["ru"].seq == 199
    assert m.sync(now=T0 + 10).size == 400  # the same open mirror carries on cleanly
    m.verify()
    m.close()


# --- a misbehaving operator ----------------------------------------------------------------------


def test_a_rewritten_old_entry_is_detected_and_proven(
    tmp_path: Path, log: Log, tiles: Path, server: Server
) -> None:
    fork = log.fork(tmp_path / "fork")  # the operator keeps a copy at 300 entries
    m = Mirror.init(tmp_path / "ru", server.url, log.vkey)
    m.sync(now=T0)
    # The operator rewrites entry 150 onward (same keys, different content) and publishes that.
    fork.ledger.entries.truncate(150)
    fork_dir = fork.ledger.directory
    fork.close()
    # The log itself refuses to reopen shorter than it signed: the operator has to destroy
    # what it signed first. Only the mirrors can catch it then.
    for name in ("checkpoint", "state.json"):
        (fork_dir / name).unlink()
    fork = Log(tmp_path / "fork", log.keys)
    fork.add(160, tag="rewritten")
    fork.publish(tmp_path / "fork-tiles")
    replace_tree(tiles, tmp_path / "fork-tiles")
    before = state(m)
    with pytest.raises(ProofError, match=r"rewrote its history.* entry 150 differs") as caught:
        m.sync(now=T0 + 10)
    assert caught.value.index == 150
    assert state(m) == before
    evidence = next((tmp_path / "ru" / "conflicts").glob("*-split-view.json"))
    assert "300 is" in verify_split_view(evidence.read_text(), log.vkey)
    m.verify()
    fork.close()
    m.close()


def test_a_split_view_is_exposed_when_the_parties_compare(tmp_path: Path, log: Log) -> None:
    fork = log.fork(tmp_path / "fork")
    log.add(40, tag="shown to ru")
    fork.add(60, tag="shown to tr")
    log.publish(tmp_path / "a")
    fork.publish(tmp_path / "b")
    a, b = Server(tmp_path / "a"), Server(tmp_path / "b")
    try:
        ru = Mirror.init(tmp_path / "ru", a.url, log.vkey, witness_name="ru.witness")
        tr = Mirror.init(tmp_path / "tr", b.url, log.vkey, witness_name="tr.witness")
        ru.sync(now=T0)
        tr.sync(now=T0)  # each view on its own is a valid, growing log
        policy = Policy(
            log.ledger.verifier, (("ru", ru.witness.verifier), ("tr", tr.witness.verifier))
        )
        ru.set_policy(policy)
        tr.set_policy(policy)
        their_note = tmp_path / "tr-checkpoint"
        their_note.write_text(tr.checkpoint_note() or "")
        # ru holds 340, tr 360: ru's log serves only 340, so their note alone cannot decide.
        result = compare(ru, str(their_note), now=T0)
        assert result.verdict == "undecided" and "fewer than" in result.detail
        assert result.theirs.cosigners == ("tr.witness",)
        # tr holds the larger tree: it computes what its tree says at ru's size.
        ours = tmp_path / "ru-checkpoint"
        ours.write_text(ru.checkpoint_note() or "")
        result = compare(tr, str(ours), now=T0)
        assert result.verdict == "split-view"
        assert "two histories" in verify_split_view(result.evidence or {}, log.vkey)
        # With tr's published copy, ru gets the proof from tr's tiles.
        tr.write_tiles(tmp_path / "tr-tiles")
        published = compare(ru, str(tmp_path / "tr-tiles"), now=T0)
        assert published.verdict == "split-view"
        verify_split_view(published.evidence or {}, log.vkey)
        # Once ru's log is larger than tr's view, its tiles decide against tr's note.
        log.add(100)
        log.publish(tmp_path / "a")
        via_log = compare(ru, str(their_note), now=T0)
        assert via_log.verdict == "split-view"
        verify_split_view(via_log.evidence or {}, log.vkey)
        # The honest log refuses tr's cosignature of a history it does not have.
        add_witness(log.ledger, tr.witness.vkey)
        with pytest.raises(ConflictError, match="not this log's root"):
            add_cosignatures(log.ledger, tr.checkpoint_note() or "", now=T0)
        ru.close()
        tr.close()
    finally:
        a.stop()
        b.stop()
        fork.close()


def test_consistent_views_of_different_sizes_compare_clean(
    tmp_path: Path, log: Log, tiles: Path
) -> None:
    ru = Mirror.init(tmp_path / "ru", str(tiles), log.vkey, witness_name="ru.witness")
    ru.sync(now=T0)
    log.add(700)
    log.publish(tiles)
    tr = Mirror.init(tmp_path / "tr", str(tiles), log.vkey, witness_name="tr.witness")
    tr.sync(now=T0)
    note = tmp_path / "note"
    note.write_text(tr.checkpoint_note() or "")
    assert compare(ru, str(note), now=T0).verdict == "consistent"  # via the log's tiles
    note.write_text(ru.checkpoint_note() or "")
    result = compare(tr, str(note), now=T0)
    assert (result.verdict, result.ours.checkpoint.size, result.theirs.checkpoint.size) == (
        "consistent",
        1000,
        300,
    )
    ru.close()
    tr.close()


def test_same_size_different_root_is_a_split_view(tmp_path: Path, log: Log, tiles: Path) -> None:
    fork = log.fork(tmp_path / "fork")
    log.add(10, tag="a")
    fork.add(10, tag="b")
    log.publish(tiles)
    m = Mirror.init(tmp_path / "ru", str(tiles), log.vkey)
    m.sync(now=T0)
    fork.publish(tmp_path / "fork-tiles")
    replace_tree(tiles, tmp_path / "fork-tiles")
    before = state(m)
    with pytest.raises(ProofError, match="two different trees of size 310"):
        m.sync(now=T0 + 5)
    assert state(m) == before
    evidence = next((tmp_path / "ru" / "conflicts").glob("*.json"))
    assert "two different roots" in verify_split_view(evidence.read_text(), log.vkey)
    fork.close()
    m.close()


def test_a_shrinking_checkpoint_is_refused(tmp_path: Path, log: Log, tiles: Path) -> None:
    shutil.copytree(tiles, tmp_path / "old-tiles")
    log.add(50)
    log.publish(tiles)
    m = Mirror.init(tmp_path / "ru", str(tiles), log.vkey)
    m.sync(now=T0)
    replace_tree(tiles, tmp_path / "old-tiles")
    before = state(m)
    with pytest.raises(ConflictError, match="shrank from 350 to 300 entries"):
        m.sync(now=T0 + 5)
    assert state(m) == before
    m.close()


# --- bad input -----------------------------------------------------------------------------------


class Truncating(Quiet):
    """Serves entry bundles cut short, as a dropped connection does."""

    def do_GET(self) -> None:
        if "/tile/entries/" not in self.path:
            super().do_GET()
            return
        data = Path(self.translate_path(self.path)).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.close_connection = True


def test_a_truncated_download_changes_nothing(tmp_path: Path, log: Log, tiles: Path) -> None:
    server = Server(tiles)
    m = Mirror.init(tmp_path / "ru", server.url, log.vkey)
    m.sync(now=T0)
    server.stop()
    log.add(400)
    log.publish(tiles)
    bad = Server(tiles, Truncating)
    bad.port, server.port = server.port, bad.port
    bad.stop()
    bad.start()  # same port the mirror knows
    try:
        before = state(m)
        with pytest.raises(ConfigError, match="truncated download"):
            m.sync(now=T0 + 5)
        assert state(m) == before
    finally:
        bad.stop()
    good = Server(tiles)
    good.stop()
    good.port = bad.port
    good.start()
    try:
        assert m.sync(now=T0 + 10).size == 700
    finally:
        good.stop()
    m.close()


def corrupt(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_damaged_tiles_and_bundles_are_named_and_change_nothing(
    tmp_path: Path, log: Log, tiles: Path
) -> None:
    m = Mirror.init(tmp_path / "ru", str(tiles), log.vkey)
    m.sync(now=T0)
    fork = log.fork(tmp_path / "fork")
    log.add(300)
    log.publish(tiles)
    fork.add(300, tag="other")
    fork.publish(tmp_path / "fork-tiles")
    pristine = tmp_path / "pristine"
    shutil.copytree(tiles, pristine)
    before = state(m)

    def attempt(error: type[Exception], match: str) -> None:
        with pytest.raises(error, match=match):
            m.sync(now=T0 + 5)
        assert state(m) == before
        replace_tree(tiles, pristine)

    bundle = tiles / "tile/entries/001"  # entries 256..511; the mirror holds up to 299
    bundle.write_bytes(bundle.read_bytes()[:-10])
    attempt(ProofError, r"tile/entries/001 ends inside entry 255 of 256.*truncated")
    tile = tiles / "tile/0/002.p/88"
    tile.write_bytes(tile.read_bytes()[:-1])
    attempt(ProofError, r"tile/0/002.p/88 is 2815 bytes")
    corrupt(tiles / "tile/1/000.p/2", 40)
    attempt(ProofError, "do not hash to the root of the signed checkpoint")
    # A flipped byte inside an entry's signature: refused, naming the entry.
    leaves = decode_bundle(bundle.read_bytes(), 256)
    leaves[50] = leaves[50][:-1] + bytes([leaves[50][-1] ^ 1])
    bundle.write_bytes(encode_bundle(leaves))
    attempt(SignatureError, "entry 306: signature")
    # Two entries swapped: each signature holds, the author's chain does not.
    leaves = decode_bundle(bundle.read_bytes(), 256)
    leaves[51], leaves[54] = leaves[54], leaves[51]
    bundle.write_bytes(encode_bundle(leaves))
    attempt(ChainError, "entry 307: (ru|tr) seq")
    # Validly signed entries of another history: they hash to another root.
    shutil.copy(tmp_path / "fork-tiles/tile/entries/001", bundle)
    shutil.copy(tmp_path / "fork-tiles/tile/entries/002.p/88", tiles / "tile/entries/002.p/88")
    attempt(ProofError, r"do not hash to the signed checkpoint's root \(entry 300")
    # Not JSON at all.
    leaves = decode_bundle(bundle.read_bytes(), 256)
    leaves[44] = b"not an entry" + bytes(64)
    bundle.write_bytes(encode_bundle(leaves))
    attempt(EntryError, "entry 300")
    assert m.sync(now=T0 + 10).size == 600
    fork.close()
    m.close()


def test_a_wrong_verifier_key_is_refused_before_anything_is_written(
    tmp_path: Path, log: Log, tiles: Path
) -> None:
    other = Log.create(tmp_path / "other")
    with pytest.raises(CheckpointError, match="does not verify with the log key"):
        Mirror.init(tmp_path / "ru", str(tiles), other.vkey)
    assert not (tmp_path / "ru" / "mirror.json").exists()
    witness_key = Mirror.init(tmp_path / "tr", str(tiles), log.vkey).witness.vkey
    with pytest.raises(CheckpointError, match="the key given for the log is a witness key"):
        Mirror.init(tmp_path / "ru", str(tiles), witness_key)
    # The operator switches to another key later: the mirror refuses the new checkpoints.
    m = Mirror.init(tmp_path / "ru2", str(tiles), log.vkey)
    m.sync(now=T0)
    other.add(400)
    shutil.rmtree(tiles)
    other.publish(tiles)
    before = state(m)
    with pytest.raises(CheckpointError, match=r"is refused.*0 valid signature"):
        m.sync(now=T0 + 5)
    assert state(m) == before
    other.close()
    m.close()


def test_unknown_checkpoint_extension_lines_are_refused(
    tmp_path: Path, log: Log, tiles: Path
) -> None:
    m = Mirror.init(tmp_path / "ru", str(tiles), log.vkey)
    m.sync(now=T0)
    log.add(10)
    log.publish(tiles)
    cp = Checkpoint(ORIGIN, log.ledger.size, log.ledger.root(), ("policy-epoch 7",))
    (tiles / "checkpoint").write_text(sign_checkpoint(cp, log.ledger.signer))
    before = state(m)
    with pytest.raises(CheckpointError, match="unknown extension line 4: 'policy-epoch 7'"):
        m.sync(now=T0 + 5)
    assert state(m) == before
    m.close()


def test_clocks_out_of_step(tmp_path: Path, log: Log, tiles: Path) -> None:
    m = Mirror.init(tmp_path / "ru", str(tiles), log.vkey, witness_name="ru.witness")
    m.sync(now=T0)
    log.add(10)
    log.publish(tiles)
    before = state(m)
    with pytest.raises(CheckpointError, match="3600 s before this witness's last cosignature"):
        m.sync(now=T0 - 3600)  # this machine's clock went back an hour
    assert state(m) == before
    # The log refuses a cosignature dated in its future, naming the skew.
    add_witness(log.ledger, m.witness.vkey)
    note = Note.parse(m.checkpoint_note() or "")
    assert m.sync(now=T0 + 7200).size == 310
    with pytest.raises(CheckpointError, match=r"ru\.witness is dated .* 7100 s ahead"):
        add_cosignatures(log.ledger, m.checkpoint_note() or "", now=T0 + 100)
    assert len(note.signatures) == 2
    # A mirror drops (and reports) another witness's cosignature from the future.
    tr = Mirror.init(tmp_path / "tr", str(tiles), log.vkey, witness_name="tr.witness")
    tr.set_policy(Policy(log.ledger.verifier, (("ru", m.witness.verifier),), 0))
    add_cosignatures(log.ledger, m.checkpoint_note() or "", now=T0 + 7200)
    log.publish(tiles)
    result = tr.sync(now=T0)
    assert any("ahead of this machine's clock" in w for w in result.warnings)
    assert [s.name for s in Note.parse(result.note).signatures] == [ORIGIN, "tr.witness"]
    tr.close()
    m.close()


def test_a_second_sync_at_once_is_refused(tmp_path: Path, log: Log, tiles: Path) -> None:
    import fcntl
    import os

    m = Mirror.init(tmp_path / "ru", str(tiles), log.vkey)
    fd = os.open(tmp_path / "ru" / "mirror.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(ConflictError, match="another 'truce mirror sync' is running"):
            m.sync(now=T0)
    finally:
        os.close(fd)
    assert m.sync(now=T0).size == 300
    m.close()

import base64
from pathlib import Path

import pytest

from truce.errors import ChainError, ConflictError, EntryError, SignatureError
from truce.ledger.entry import Entry
from truce.ledger.keys import SigningKey
from truce.ledger.log import Ledger
from truce.ledger.merkle import verify_consistency, verify_inclusion
from truce.ledger.note import open_checkpoint

ORIGIN = "test.example/log"


class Author:
    def __init__(self, party: str, seed: int) -> None:
        self.party = party
        self.key = SigningKey.from_seed(bytes([seed]) * 32)
        self.seq = 0
        self.prev: str | None = None

    def entry(self, kind: str, body: dict, **overrides: object) -> Entry:
        self.seq += 1
        fields = dict(origin=ORIGIN, kind=kind, author=self.party, seq=self.seq, prev=self.prev)
        fields.update(body=body, time="2019-03-14T09:00:00.000Z")
        fields.update(overrides)
        entry = Entry.sign(self.key, **fields)  # type: ignore[arg-type]
        self.prev = entry.hash.hex()
        return entry

    def register(self) -> Entry:
        pub = base64.b64encode(self.key.public_key.raw).decode()
        return self.entry("party.registered", {"id": self.party, "public_key": pub})


@pytest.fixture
def log(tmp_path: Path):
    with Ledger.create(tmp_path / "ledger", ORIGIN) as ledger:
        yield ledger


def test_append_prove_and_reopen(log: Ledger, tmp_path: Path) -> None:
    ru, tr = Author("ru", 1), Author("tr", 2)
    log.append([ru.register(), tr.register()])
    log.append([ru.entry("report.filed", {"n": i}) for i in range(5)])
    assert log.size == 7
    cp = open_checkpoint(log.checkpoint(), log.verifier, ORIGIN)
    assert (cp.size, cp.root) == (7, log.root())
    for i in range(7):
        verify_inclusion(log.entry(i).hash, i, 7, log.inclusion_proof(i), cp.root)
    verify_consistency(3, 7, log.root(3), log.root(), log.consistency_proof(3))
    log.close()
    with Ledger.open(tmp_path / "ledger") as again:
        assert again.size == 7 and again.root() == cp.root
        assert again.next_position("ru") == (7, ru.prev)


def test_rejections_append_nothing(log: Ledger) -> None:
    ru, tr = Author("ru", 1), Author("tr", 2)
    log.append([ru.register()])
    size, root = log.size, log.root()

    with pytest.raises(SignatureError, match="unknown author"):
        log.append([tr.entry("report.filed", {})])
    tr.seq, tr.prev = 0, None

    forged = Entry.sign(tr.key, origin=ORIGIN, kind="report.filed", author="ru", seq=2,
                        prev=ru.prev, body={})  # fmt: skip
    with pytest.raises(SignatureError):
        log.append([forged])

    good = ru.entry("report.filed", {"n": 1})
    with pytest.raises(ChainError, match="entry 1 of the batch: ru seq 2"):
        log.append([good, good])  # a replay within the batch
    with pytest.raises(ChainError):
        log.append([Author("ru", 1).entry("report.filed", {}, seq=5, prev="ab" * 32)])
    with pytest.raises(EntryError, match="origin"):
        pub = base64.b64encode(tr.key.public_key.raw).decode()
        elsewhere = Entry.sign(tr.key, origin="other/log", kind="party.registered", author="tr",
                               seq=1, prev=None, body={"id": "tr", "public_key": pub})  # fmt: skip
        log.append([elsewhere])
    again = Author("ru", 3)
    with pytest.raises(ConflictError, match="already registered"):
        log.append([again.register()])
    assert (log.size, log.root()) == (size, root)

    log.append([good])  # the rejected batches left the chain where it was
    with pytest.raises(ChainError):
        log.append([good])  # replay of an accepted entry


def test_large_batches_use_the_parallel_path(log: Ledger) -> None:
    authors = [Author(f"p{i}", i + 10) for i in range(3)]
    batch = [a.register() for a in authors]
    batch += [authors[i % 3].entry("report.filed", {"n": i}) for i in range(3000)]
    log.append(batch)
    assert log.size == 3003
    bad = [authors[0].entry("report.filed", {"n": i}) for i in range(2500)]
    tampered = bytearray(bad[1700].leaf)
    tampered[-5] ^= 1
    bad[1700] = Entry.from_leaf(bytes(tampered))
    with pytest.raises(SignatureError, match="entry 1700 of the batch"):
        log.append(bad)
    assert log.size == 3003

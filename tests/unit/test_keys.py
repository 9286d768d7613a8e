"""Ed25519 keys (truce.ledger.keys): storage, signing, fail-closed verification, batches."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from truce.errors import ConfigError, SignatureError
from truce.ledger import keys
from truce.ledger.keys import MIN_CHUNK, SigningKey, VerifyKey, verify_batch

SEED = bytes(range(32))


def test_sign_and_verify() -> None:
    key = SigningKey.generate()
    sig = key.sign(b"hello")
    assert len(sig) == 64
    key.public_key.verify(b"hello", sig)
    with pytest.raises(SignatureError):
        key.public_key.verify(b"hellO", sig)
    with pytest.raises(SignatureError):
        key.public_key.verify(b"hello", bytes([sig[0] ^ 1]) + sig[1:])
    with pytest.raises(SignatureError):
        SigningKey.generate().public_key.verify(b"hello", sig)


def test_rfc8032_test_1() -> None:
    """RFC 8032 §7.1 TEST 1: empty message."""
    seed = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    key = SigningKey.from_seed(seed)
    assert key.seed == seed
    assert key.public_key.raw.hex() == (
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    )
    assert key.sign(b"").hex() == (
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )


def test_from_seed_is_deterministic() -> None:
    a, b = SigningKey.from_seed(SEED), SigningKey.from_seed(SEED)
    assert a.public_key == b.public_key
    assert a.sign(b"x") == b.sign(b"x")
    with pytest.raises(SignatureError):
        SigningKey.from_seed(SEED[:31])


def test_verify_key_equality_and_b64() -> None:
    pub = SigningKey.from_seed(SEED).public_key
    again = VerifyKey.from_b64(pub.to_b64())
    assert again == pub and hash(again) == hash(pub)
    assert VerifyKey.from_bytes(pub.raw) == pub
    assert pub != SigningKey.generate().public_key
    assert len({pub, again}) == 1
    assert pub != pub.raw  # not equal to other types


@pytest.mark.parametrize("raw", [b"", b"\x01" * 31, b"\x01" * 33])
def test_wrong_length_key(raw: bytes) -> None:
    with pytest.raises(SignatureError):
        VerifyKey.from_bytes(raw)


@pytest.mark.parametrize("text", ["", "not base64!", "AAAA", "A" * 43 + "B"])
def test_bad_b64_key(text: str) -> None:
    with pytest.raises(SignatureError):
        VerifyKey.from_b64(text)


@pytest.mark.parametrize("sig", [b"", b"\x00" * 63, b"\x00" * 65])
def test_wrong_length_signature(sig: bytes) -> None:
    with pytest.raises(SignatureError):
        SigningKey.generate().public_key.verify(b"m", sig)


def test_invalid_point_fails_closed() -> None:
    # y = 2 is not on the curve: the key loads, every verification fails with SignatureError.
    key = VerifyKey.from_bytes((2).to_bytes(32, "little"))
    with pytest.raises(SignatureError):
        key.verify(b"m", b"\x00" * 64)


def test_non_bytes_fail_closed() -> None:
    key = SigningKey.generate().public_key
    with pytest.raises(SignatureError):
        key.verify("m", b"\x00" * 64)  # type: ignore[arg-type]
    with pytest.raises(SignatureError):
        VerifyKey.from_bytes("a" * 32)  # type: ignore[arg-type]


def test_save_is_0600_and_loads(tmp_path: Path) -> None:
    key = SigningKey.generate()
    path = tmp_path / "party.key"
    old_umask = os.umask(0)  # even a permissive umask must not widen the mode
    try:
        key.save(path)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_text()
    assert content.endswith("\n") and content.count("\n") == 1
    assert SigningKey.load(path).seed == key.seed
    assert [p.name for p in tmp_path.iterdir()] == ["party.key"]  # no temporary file left


def test_save_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "k"
    first, second = SigningKey.generate(), SigningKey.generate()
    first.save(path)
    with pytest.raises(ConfigError):
        second.save(path)
    assert SigningKey.load(path).seed == first.seed
    second.save(path, overwrite=True)
    assert SigningKey.load(path).seed == second.seed
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k"]


def test_save_into_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        SigningKey.generate().save(tmp_path / "nope" / "k")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_load_refuses_readable_key(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "k"
    SigningKey.generate().save(path)
    path.chmod(mode)
    with pytest.raises(ConfigError) as info:
        SigningKey.load(path)
    assert "chmod 600" in info.value.hint


@pytest.mark.parametrize("content", [b"", b"not base64\n", b"AAAA\n", b"\xff\xfe\n"])
def test_load_rejects_malformed(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "k"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, content)
    os.close(fd)
    with pytest.raises(ConfigError):
        SigningKey.load(path)


def test_load_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        SigningKey.load(tmp_path / "absent")


def _batch(n: int, bad: set[int]) -> list[tuple[VerifyKey | bytes, bytes, bytes]]:
    signers = [SigningKey.from_seed(bytes([i]) * 32) for i in range(5)]
    items: list[tuple[VerifyKey | bytes, bytes, bytes]] = []
    for i in range(n):
        signer = signers[i % len(signers)]
        msg = f"entry {i}".encode()
        sig = signer.sign(msg)
        if i in bad:
            sig = sig[:10] + bytes([sig[10] ^ 0x40]) + sig[11:]
        key: VerifyKey | bytes = signer.public_key if i % 2 else signer.public_key.raw
        items.append((key, msg, sig))
    return items


def test_verify_batch_inline() -> None:
    bad = {0, 7, 19}
    assert verify_batch(_batch(40, bad), workers=1) == sorted(bad)
    assert verify_batch(_batch(40, set())) == []
    assert verify_batch([]) == []


def test_verify_batch_pool_reports_exactly_the_failures() -> None:
    n = 2 * MIN_CHUNK + 100  # large enough for the pool: three chunks
    bad = {0, 1, MIN_CHUNK - 1, MIN_CHUNK, n - 1}
    items = _batch(n, bad)
    items[300] = (b"\x01" * 31, b"m", b"\x00" * 64)  # wrong key length
    items[301] = (items[301][0], items[301][1], b"\x00" * 63)  # wrong signature length
    items[302] = (12, b"m", b"\x00" * 64)  # type: ignore[assignment]  # not bytes at all
    items[303] = (items[303][0], 7, items[303][2])  # type: ignore[assignment]
    expected = sorted(bad | {300, 301, 302, 303})
    assert verify_batch(items, workers=2) == expected
    assert keys._pool is not None  # the pool was used and is kept for reuse
    pool = keys._pool
    assert verify_batch(items, workers=2) == expected
    assert keys._pool is pool
    assert verify_batch(items, workers=1) == expected
    assert verify_batch(_batch(n, set()), workers=2) == []


def test_verify_batch_survives_a_dead_worker() -> None:
    n = 2 * MIN_CHUNK
    items = _batch(n, {5})
    assert verify_batch(items, workers=2) == [5]
    pool = keys._pool
    assert pool is not None
    for process in list(pool._processes.values()):
        process.kill()
        process.join()
    assert verify_batch(items, workers=2) == [5]  # falls back to inline, same verdicts
    assert verify_batch(items, workers=2) == [5]  # and a fresh pool afterwards
    assert keys._pool is not None and keys._pool is not pool

"""C2SP signed notes and tlog checkpoints (truce.ledger.note)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from truce.errors import CheckpointError
from truce.ledger.keys import SigningKey
from truce.ledger.note import (
    MAX_SIGNATURES,
    Checkpoint,
    Note,
    NoteSignature,
    NoteSigner,
    NoteVerifier,
    open_checkpoint,
    sign,
    sign_checkpoint,
    verify,
)

VECTOR = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "signed-note-ed25519.json").read_text("utf-8")
)
ROOT = bytes(range(32))
ORIGIN = "truce.example/log"
_URLSAFE_ROOT = base64.urlsafe_b64encode(bytes([0xFF]) * 32).decode()  # has '_' where '/' goes


def _signer(name: str = ORIGIN, seed: int = 1) -> NoteSigner:
    return NoteSigner(name, SigningKey.from_seed(bytes([seed]) * 32))


# --- the Go x/mod/sumdb/note vector -------------------------------------------------------------


def test_go_vector_reproduces_byte_for_byte() -> None:
    signer = NoteSigner.from_private_key_string(VECTOR["signer_key"])
    assert signer.name == "PeterNeumann"
    assert signer.key_hash == 0xC74F20A3
    assert signer.private_key_string() == VECTOR["signer_key"]
    assert "+" in VECTOR["signer_key"].split("+", 4)[4]  # the base64 part contains '+' itself
    assert signer.sign(VECTOR["text"]) == VECTOR["signature_line"]
    note = sign(VECTOR["text"], [signer])
    assert note == VECTOR["text"] + "\n" + VECTOR["signature_line"] + "\n"
    verifier = NoteVerifier.from_vkey(signer.vkey)
    assert verifier.key_hash == 0xC74F20A3
    assert verify(note, [verifier]) == [verifier]
    sig_b64 = VECTOR["signature_line"].rsplit(" ", 1)[1]
    verifier.verify(VECTOR["text"], sig_b64)


def test_private_key_string_checks_key_id() -> None:
    name, key_id, key = VECTOR["signer_key"][len("PRIVATE+KEY+") :].split("+", 2)
    with pytest.raises(CheckpointError, match="does not match"):
        NoteSigner.from_private_key_string(f"PRIVATE+KEY+{name}+c74f20a4+{key}")
    with pytest.raises(CheckpointError, match="does not match"):
        NoteSigner.from_private_key_string(f"PRIVATE+KEY+Other+{key_id}+{key}")
    for bad in [
        "c74f20a3+" + key,
        f"PRIVATE+KEY+{name}+C74F20A3+{key}",
        f"PRIVATE+KEY+{name}+{key_id}",
        f"PRIVATE+KEY+{name}+{key_id}+{key}+x",
        f"PRIVATE+KEY+{name}+{key_id}+" + base64.b64encode(b"\x02" + b"\x00" * 32).decode(),
        f"PRIVATE+KEY+{name}+{key_id}+" + base64.b64encode(b"\x01" + b"\x00" * 31).decode(),
        f"PRIVATE+KEY++{key_id}+{key}",
    ]:
        with pytest.raises(CheckpointError):
            NoteSigner.from_private_key_string(bad)


# --- keys ---------------------------------------------------------------------------------------


def test_verifier_key_string_round_trip() -> None:
    signer = _signer()
    vkey = signer.vkey
    name, key_id, key = _parts(vkey)
    assert name == ORIGIN and key_id == f"{signer.key_hash:08x}"
    assert base64.b64decode(key) == b"\x01" + signer.signing_key.public_key.raw
    verifier = NoteVerifier.from_vkey(vkey)
    assert verifier == signer.verifier
    assert verifier.vkey == vkey
    assert verifier.key == signer.signing_key.public_key
    assert NoteSigner.from_private_key_string(signer.private_key_string()).vkey == vkey


def _parts(vkey: str) -> list[str]:
    return vkey.split("+", 2)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda v: v.replace("+", "-", 1),
        lambda v: v + "+extra",
        lambda v: "+".join([_parts(v)[0], "0" * 8, _parts(v)[2]]),
        lambda v: "+".join([_parts(v)[0], _parts(v)[1].upper(), _parts(v)[2]]),
        lambda v: "+".join([_parts(v)[0], _parts(v)[1][:7], _parts(v)[2]]),
        lambda v: "+".join([*_parts(v)[:2], "AQ=="]),
        lambda v: "+".join([*_parts(v)[:2], _parts(v)[2][:-1]]),
        lambda v: "+".join([*_parts(v)[:2], base64.b64encode(b"\x02" + b"\x00" * 32).decode()]),
        lambda v: "other" + v,  # name no longer matches the key ID
        lambda v: "+" + v,
        lambda v: _parts(v)[0],
    ],
)
def test_bad_verifier_keys(mutate: object) -> None:
    vkey = _signer().vkey
    with pytest.raises(CheckpointError):
        NoteVerifier.from_vkey(mutate(vkey))  # type: ignore[operator]


@pytest.mark.parametrize("name", ["", "a b", "a+b", "tab\tname", "nbsp\u00a0name", "nl\n"])
def test_bad_key_names(name: str) -> None:
    with pytest.raises(CheckpointError):
        _signer(name)


# --- notes --------------------------------------------------------------------------------------


def test_sign_and_verify_round_trip() -> None:
    log, witness = _signer(), _signer("witness.example/w1", 2)
    text = "hello\n\nworld, with an empty line\n"
    note_text = sign(text, [log, witness])
    note = Note.parse(note_text)
    assert note.text == text
    assert [s.name for s in note.signatures] == [ORIGIN, "witness.example/w1"]
    assert note.to_text() == note_text
    assert verify(note_text, [log.verifier]) == [log.verifier]
    assert note.verify([witness.verifier, log.verifier], required=2) == [
        log.verifier,
        witness.verifier,
    ]
    assert Note.parse(note_text.encode("utf-8")) == note


def test_unknown_signatures_are_ignored_and_survive() -> None:
    log, stranger = _signer(), _signer("witness.example/w1", 3)
    note_text = sign("text\n", [stranger, log])
    # A signature line of some other algorithm (here type 0x04-sized cosignature) stays as is.
    other = NoteSignature("cosigner.example", 0x01020304, b"\x00" * 8 + b"\x11" * 64)
    note = Note.parse(note_text)
    note.signatures.append(other)
    extended = note.to_text()
    assert Note.parse(extended).to_text() == extended
    assert verify(extended, [log.verifier]) == [log.verifier]
    # Same name as the log but another key ID: unknown, ignored.
    imposter = NoteSigner(ORIGIN, SigningKey.from_seed(b"\x09" * 32))
    with_imposter = sign("text\n", [imposter, log])
    assert verify(with_imposter, [log.verifier]) == [log.verifier]


def test_only_unknown_signatures_is_rejected() -> None:
    note_text = sign("text\n", [_signer("someone", 4)])
    with pytest.raises(CheckpointError, match="0 valid"):
        verify(note_text, [_signer().verifier])
    with pytest.raises(CheckpointError):
        verify(note_text, [])


def test_required_counts_distinct_keys() -> None:
    a, b = _signer("a", 1), _signer("b", 2)
    note_text = sign("text\n", [a])
    with pytest.raises(CheckpointError, match="2 required"):
        verify(note_text, [a.verifier, b.verifier], required=2)
    with pytest.raises(ValueError):
        verify(note_text, [a.verifier], required=0)
    with pytest.raises(CheckpointError, match="sign twice"):
        sign("text\n", [a, a])


def test_tampered_text_is_rejected() -> None:
    log = _signer()
    note_text = sign("size 10\n", [log])
    with pytest.raises(CheckpointError, match="does not verify"):
        verify(note_text.replace("10", "11"), [log.verifier])


def test_tampered_signature_is_rejected() -> None:
    log = _signer()
    note = Note.parse(sign("text\n", [log]))
    sig = note.signatures[0]
    flipped = bytes([sig.sig_bytes[0] ^ 1]) + sig.sig_bytes[1:]
    note.signatures[0] = NoteSignature(sig.name, sig.key_hash, flipped)
    with pytest.raises(CheckpointError, match="does not verify"):
        verify(note.to_text(), [log.verifier])
    note.signatures[0] = NoteSignature(sig.name, sig.key_hash, sig.sig_bytes[:-1])
    with pytest.raises(CheckpointError, match="does not verify"):
        verify(note, [log.verifier])


def test_known_key_that_fails_rejects_even_with_another_valid() -> None:
    log = _signer()
    good = Note.parse(sign("text\n", [log]))
    bad = NoteSignature(log.name, log.key_hash, b"\x00" * 64)
    with pytest.raises(CheckpointError):
        verify(Note(good.text, [*good.signatures, bad]), [log.verifier])


def test_wrong_key_is_rejected() -> None:
    # A verifier with the same name and (forged) key ID but another public key.
    log, other = _signer(), _signer(ORIGIN, 7)
    note = Note.parse(sign("text\n", [other]))
    note.signatures[0] = NoteSignature(ORIGIN, log.key_hash, note.signatures[0].sig_bytes)
    with pytest.raises(CheckpointError, match="does not verify"):
        verify(note, [log.verifier])


def test_colliding_verifiers_are_refused() -> None:
    log = _signer()
    twin = NoteVerifier(ORIGIN, _signer(ORIGIN, 8).signing_key.public_key)
    twin._hash = log.key_hash  # a (name, key ID) collision with a different key
    with pytest.raises(CheckpointError, match="share"):
        verify(sign("t\n", [log]), [log.verifier, twin])


def test_note_verifier_verify_errors() -> None:
    log = _signer()
    line = log.sign("text\n")
    sig_b64 = line.rsplit(" ", 1)[1]
    log.verifier.verify("text\n", sig_b64)
    with pytest.raises(CheckpointError):
        log.verifier.verify("text!\n", sig_b64)
    with pytest.raises(CheckpointError, match="key ID"):
        _signer("other", 5).verifier.verify("text\n", sig_b64)
    with pytest.raises(CheckpointError):
        log.verifier.verify("text\n", sig_b64[:-4])
    with pytest.raises(CheckpointError):
        log.verifier.verify("text\n", "!!!!")


def _line(name: str = "k", raw: bytes = b"\x00" * 68) -> str:
    return f"— {name} {base64.b64encode(raw).decode()}"


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"text\n\n" + _line().encode() + b"\n\xff", "UTF-8"),
        ("text\n\n" + _line(), "newline"),
        ("text\n" + _line() + "\n", "blank line"),
        ("text\r\n\r\n" + _line() + "\r\n", "carriage return"),
        ("te\rxt\n\n" + _line() + "\n", "carriage return"),
        ("te\txt\n\n" + _line() + "\n", "control"),
        ("text\n\n", "no signature"),
        ("text\n\n- k AAAAAAAA\n", "em dash"),
        ("text\n\n—k AAAAAAAA\n", "em dash"),
        ("text\n\n— k\n", "no signature"),
        ("text\n\n— k \n", "no signature"),
        ("text\n\n—  AAAAAAAA\n", "empty"),
        ("text\n\n— a+b AAAAAAAA\n", r"'\+'"),
        ("text\n\n— k AAAAAAAA AAAA\n", "base64"),
        ("text\n\n— k AAAA\n", "too short"),
        ("text\n\n— k AAAAAAB=\n", "canonical"),
        ("text\n\n— k AAAAAAAA=\n", "base64"),
        ("text\n\n— k ####\n", "base64"),
        ("text\n\n" + "\n".join([_line()] * (MAX_SIGNATURES + 1)) + "\n", "more than"),
        ("text\n\n" + _line() + "\n\n", "blank|no signature|em dash"),
        ("text\ud800\n\n" + _line() + "\n", "UTF-8"),
    ],
)
def test_strict_parse_rejections(data: str | bytes, match: str) -> None:
    with pytest.raises(CheckpointError, match=match):
        Note.parse(data)


def test_parse_accepts_max_signatures_and_text_with_empty_lines() -> None:
    data = "a\n\nb\n\n" + "\n".join([_line()] * MAX_SIGNATURES) + "\n"
    note = Note.parse(data)
    assert note.text == "a\n\nb\n"
    assert len(note.signatures) == MAX_SIGNATURES
    assert note.to_text() == data


@pytest.mark.parametrize("text", ["", "no newline", "a\rb\n", "nul\x00\n"])
def test_sign_rejects_bad_text(text: str) -> None:
    with pytest.raises(CheckpointError):
        _signer().sign(text)
    with pytest.raises(CheckpointError):
        sign(text, [_signer()])


def test_to_text_needs_signatures() -> None:
    with pytest.raises(CheckpointError):
        Note("text\n", []).to_text()


# --- checkpoints --------------------------------------------------------------------------------


def test_checkpoint_text_and_signed_round_trip() -> None:
    cp = Checkpoint(ORIGIN, 20852163, ROOT)
    root_b64 = base64.b64encode(ROOT).decode()
    assert cp.to_text() == f"{ORIGIN}\n20852163\n{root_b64}\n"
    assert Checkpoint.parse(cp.to_text()) == cp
    log = _signer()
    signed = sign_checkpoint(cp, log)
    assert signed.startswith(cp.to_text() + "\n— " + ORIGIN + " ")
    assert open_checkpoint(signed, log.verifier) == cp
    assert open_checkpoint(signed.encode(), log.verifier, expected_origin=ORIGIN) == cp
    with pytest.raises(CheckpointError, match="origin"):
        open_checkpoint(signed, log.verifier, expected_origin="elsewhere.example/log")
    with pytest.raises(CheckpointError):
        open_checkpoint(signed, _signer(ORIGIN, 2).verifier)


def test_checkpoint_with_extensions_and_cosignature() -> None:
    cp = Checkpoint(ORIGIN, 0, ROOT, ("ext one", "— ext two"))
    log, witness = _signer(), _signer("witness.example/w", 2)
    signed = sign(cp.to_text(), [log, witness])
    assert Note.parse(signed).to_text() == signed
    assert open_checkpoint(signed, log.verifier, ORIGIN) == cp


def test_tampered_checkpoint_is_rejected() -> None:
    log = _signer()
    signed = sign_checkpoint(Checkpoint(ORIGIN, 5, ROOT), log)
    with pytest.raises(CheckpointError, match="does not verify"):
        open_checkpoint(signed.replace("\n5\n", "\n6\n"), log.verifier)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "newline"),
        (f"{ORIGIN}\n1\n{base64.b64encode(ROOT).decode()}", "newline"),
        (f"{ORIGIN}\n1\n", "line"),
        (f"\n1\n{base64.b64encode(ROOT).decode()}\n", "line 1 is empty"),
        (f"{ORIGIN}\n01\n{base64.b64encode(ROOT).decode()}\n", "line 2: tree size '01' has a"),
        (f"{ORIGIN}\n00\n{base64.b64encode(ROOT).decode()}\n", "leading zero"),
        (f"{ORIGIN}\n-1\n{base64.b64encode(ROOT).decode()}\n", "line 2.*not a decimal"),
        (f"{ORIGIN}\n+1\n{base64.b64encode(ROOT).decode()}\n", "not a decimal"),
        (f"{ORIGIN}\n1_0\n{base64.b64encode(ROOT).decode()}\n", "not a decimal"),
        (f"{ORIGIN}\n 1\n{base64.b64encode(ROOT).decode()}\n", "not a decimal"),
        (f"{ORIGIN}\n\u0661\n{base64.b64encode(ROOT).decode()}\n", "not a decimal"),
        (f"{ORIGIN}\n{2**64}\n{base64.b64encode(ROOT).decode()}\n", "too large"),
        (f"{ORIGIN}\n\n{base64.b64encode(ROOT).decode()}\n", "line 2 is empty"),
        (f"{ORIGIN}\n1\n{base64.b64encode(ROOT[:31]).decode()}\n", "line 3.*31 bytes"),
        (f"{ORIGIN}\n1\n{base64.b64encode(ROOT + b'x').decode()}\n", "line 3"),
        (f"{ORIGIN}\n1\n{base64.b64encode(ROOT).decode().rstrip('=')}\n", "line 3"),
        (f"{ORIGIN}\n1\n{_URLSAFE_ROOT}\n", "line 3"),
        (f"{ORIGIN}\n1\n{base64.b64encode(ROOT).decode()}\n\n", "line 4 is empty"),
        (f"{ORIGIN}\n1\n{base64.b64encode(ROOT).decode()}\next\n\nmore\n", "line 5 is empty"),
        (f"{ORIGIN}\r\n1\n{base64.b64encode(ROOT).decode()}\n", "line 1: control"),
    ],
)
def test_checkpoint_strict_parse(text: str, match: str) -> None:
    with pytest.raises(CheckpointError, match=match):
        Checkpoint.parse(text)


def test_checkpoint_leading_zero_message() -> None:
    root_b64 = base64.b64encode(ROOT).decode()
    with pytest.raises(CheckpointError) as info:
        Checkpoint.parse(f"{ORIGIN}\n01\n{root_b64}\n")
    assert str(info.value) == "checkpoint line 2: tree size '01' has a leading zero"


def test_checkpoint_non_canonical_root_base64() -> None:
    canonical = base64.b64encode(ROOT).decode()  # ends in "8=": 4 spare bits must be zero
    assert canonical.endswith("=")
    tweaked = canonical[:-2] + chr(ord(canonical[-2]) + 1) + "="
    assert base64.b64decode(tweaked) == ROOT
    with pytest.raises(CheckpointError, match="canonical"):
        Checkpoint.parse(f"{ORIGIN}\n1\n{tweaked}\n")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"origin": ""},
        {"origin": "a\nb"},
        {"size": -1},
        {"size": 2**64},
        {"size": True},
        {"root": ROOT[:31]},
        {"extensions": ("",)},
        {"extensions": ("a\nb",)},
    ],
)
def test_checkpoint_constructor_validates(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {"origin": ORIGIN, "size": 1, "root": ROOT, "extensions": ()}
    args.update(kwargs)
    with pytest.raises(CheckpointError):
        Checkpoint(**args)  # type: ignore[arg-type]


_line_text = st.text(
    alphabet=st.characters(min_codepoint=0x20, codec="utf-8"),
    min_size=1,
    max_size=40,
)


@given(
    origin=_line_text,
    size=st.integers(min_value=0, max_value=2**64 - 1),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(_line_text, max_size=4).map(tuple),
)
def test_checkpoint_round_trip(
    origin: str, size: int, root: bytes, extensions: tuple[str, ...]
) -> None:
    cp = Checkpoint(origin, size, root, extensions)
    text = cp.to_text()
    assert Checkpoint.parse(text) == cp
    assert Checkpoint.parse(text).to_text() == text
    # And as the text of a signed note.
    note = Note.parse(sign(text, [_signer()]))
    assert note.text == text
    assert Checkpoint.parse(note.text) == cp

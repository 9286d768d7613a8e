import pytest

from truce.errors import EntryError, SignatureError
from truce.ledger.canonical import canonicalize
from truce.ledger.entry import MAX_LEAF_BYTES, Entry
from truce.ledger.keys import SigningKey
from truce.ledger.merkle import leaf_hash

KEY = SigningKey.from_seed(bytes(range(32)))


def make(**overrides: object) -> Entry:
    fields: dict = dict(origin="o.test/log", kind="report.filed", author="ru", seq=1, prev=None)
    fields.update(body={"x": 1}, time="2019-03-14T09:00:00.000Z")
    fields.update(overrides)
    return Entry.sign(KEY, **fields)


def test_sign_parse_verify_round_trip() -> None:
    entry = make()
    again = Entry.from_leaf(entry.leaf)
    assert again == entry
    assert again.hash == leaf_hash(entry.leaf)
    assert entry.signed_bytes == canonicalize(
        {
            "origin": "o.test/log",
            "kind": "report.filed",
            "author": "ru",
            "seq": 1,
            "prev": None,
            "time": "2019-03-14T09:00:00.000Z",
            "body": {"x": 1},
        }
    )
    again.verify(KEY.public_key)


def test_wrong_key_and_tampering_fail() -> None:
    entry = make()
    with pytest.raises(SignatureError):
        entry.verify(SigningKey.generate().public_key)
    tampered = bytearray(entry.leaf)
    tampered[-1] ^= 1
    with pytest.raises(SignatureError):
        Entry.from_leaf(bytes(tampered)).verify(KEY.public_key)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": "Report"}, "kind"),
        ({"author": "Russia!"}, "author"),
        ({"seq": 0}, "seq"),
        ({"seq": 2, "prev": None}, "prev"),
        ({"seq": 1, "prev": "ab" * 32}, "prev null"),
        ({"time": "yesterday"}, "RFC 3339"),
        ({"body": {"lat": 35.5}}, "floating-point"),
        ({"mode": "telepathic"}, "mode"),
    ],
)
def test_bad_envelopes_name_the_field(overrides: dict, message: str) -> None:
    with pytest.raises(EntryError, match=message):
        make(**overrides)


def test_size_limit() -> None:
    with pytest.raises(EntryError, match="limit"):
        make(body={"text": "x" * MAX_LEAF_BYTES})


def test_from_leaf_rejects_unknown_and_missing_fields() -> None:
    signed = canonicalize({"origin": "o", "kind": "a.b", "author": "ru", "seq": 1, "extra": 1})
    with pytest.raises(EntryError, match="lacks"):
        Entry.from_leaf(signed + KEY.sign(signed))
    envelope = {
        "origin": "o", "kind": "a.b", "author": "ru", "seq": 1, "prev": None,
        "time": "2019-03-14T09:00:00Z", "body": {}, "extra": 1,
    }  # fmt: skip
    signed = canonicalize(envelope)
    with pytest.raises(EntryError, match="unknown field"):
        Entry.from_leaf(signed + KEY.sign(signed))

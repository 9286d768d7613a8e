"""The access library on a real SQLite file: passwords, tokens, sessions, slowed sign-ins,
policy, and party keys sealed at rest."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from truce.access.accounts import Accounts, Principal, SigninPolicy
from truce.access.passwords import hash_password, verify_password
from truce.access.policy import check_act
from truce.custody import KeyCustody, load_kek
from truce.errors import (
    AuthenticationError,
    ConfigError,
    ConflictError,
    PermissionDenied,
    RateLimited,
    ValidationError,
)
from truce.ledger.keys import SigningKey
from truce.model.access import Role
from truce.store import make_engine


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(tmp_path: Path, clock: Clock) -> Accounts:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    acc = Accounts(engine, clock=clock, policy=SigninPolicy(free_failures=2, base_delay_s=4))
    acc.add_user("ru-officer", Role.OFFICER, "ru", "password-one")
    return acc


def test_passwords_are_salted_scrypt_and_verify() -> None:
    a, b = hash_password("same password"), hash_password("same password")
    assert a != b and a.startswith("scrypt$14$8$1$")
    assert verify_password("same password", a) and not verify_password("other", a)
    assert not verify_password("same password", None)
    assert not verify_password("same password", "md5$abc")


def test_users_are_validated(accounts: Accounts) -> None:
    with pytest.raises(ConflictError):
        accounts.add_user("ru-officer", Role.OFFICER, "ru")
    with pytest.raises(ValidationError) as e:
        accounts.add_user("Bad Name", Role.OFFICER, "ru")
    assert e.value.field == "username"
    with pytest.raises(ValidationError):
        accounts.add_user("someone", Role.OFFICER, None)
    with pytest.raises(ValidationError):
        accounts.add_user("someone", Role.PUBLIC, "ru")
    with pytest.raises(ValidationError) as e:
        accounts.add_user("someone", Role.ANALYST, "ru", "short")
    assert e.value.field == "password"


def test_tokens_are_stored_hashed_and_die_on_revocation_or_expiry(
    accounts: Accounts, clock: Clock
) -> None:
    token, record = accounts.create_token("ru-officer", "ci", ttl_s=60)
    assert record["name"] == "ci" and record["revoked_at"] is None
    assert token.startswith("truce_") and len(token) > 40
    with accounts.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash, prefix FROM api_tokens").all()
    assert token not in str(stored) and stored[0][1] == token[:12]
    assert accounts.authenticate_token(token).party == "ru"
    clock.now += 61
    with pytest.raises(AuthenticationError, match="expired"):
        accounts.authenticate_token(token)
    other, rec = accounts.create_token("ru-officer")
    accounts.revoke_token(rec["id"])
    with pytest.raises(AuthenticationError, match="revoked"):
        accounts.authenticate_token(other)
    with pytest.raises(AuthenticationError):
        accounts.authenticate_token("not-a-token")


def test_sessions_end_when_idle_or_signed_out(accounts: Accounts, clock: Clock) -> None:
    who, sid = accounts.sign_in("ru-officer", "password-one", "10.0.0.1")
    assert who.csrf and accounts.session(sid).username == "ru-officer"
    clock.now += accounts.policy.session_idle_s - 10
    accounts.session(sid)  # still alive, and touched
    clock.now += accounts.policy.session_idle_s + 1
    with pytest.raises(AuthenticationError, match="ended"):
        accounts.session(sid)
    _, sid = accounts.sign_in("ru-officer", "password-one", "10.0.0.1")
    accounts.end_session(sid)
    with pytest.raises(AuthenticationError):
        accounts.session(sid)


def test_failed_sign_ins_lock_out_for_a_doubling_time(accounts: Accounts, clock: Clock) -> None:
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            accounts.sign_in("ru-officer", "wrong", "10.0.0.9")
    with pytest.raises(AuthenticationError):
        accounts.sign_in("ru-officer", "wrong", "10.0.0.9")  # the third: locked 4 s
    with pytest.raises(RateLimited) as e:
        accounts.sign_in("ru-officer", "password-one", "10.0.0.9")
    assert e.value.retry_after == 4
    with pytest.raises(RateLimited):  # from another address too: the name is locked
        accounts.sign_in("ru-officer", "password-one", "10.0.0.10")
    accounts.add_user("tr-officer", Role.OFFICER, "tr", "password-two")
    accounts.sign_in("tr-officer", "password-two", "10.0.0.9")  # the address is not locked yet
    clock.now += 4.5
    with pytest.raises(AuthenticationError):
        accounts.sign_in("ru-officer", "wrong", "10.0.0.9")  # the fourth: locked 8 s
    clock.now += 5
    with pytest.raises(RateLimited) as e:
        accounts.sign_in("ru-officer", "password-one", "10.0.0.9")
    assert e.value.retry_after == 3
    clock.now += 3.5
    accounts.sign_in("ru-officer", "password-one", "10.0.0.9")  # and success clears the count
    with pytest.raises(AuthenticationError):
        accounts.sign_in("ru-officer", "wrong", "10.0.0.9")


def test_policy_checks_role_kind_and_party() -> None:
    officer = Principal(1, "ru-officer", Role.OFFICER, "ru", "token")
    check_act(officer, "ru", "report.filed")
    with pytest.raises(PermissionDenied, match="acts for 'ru'"):
        check_act(officer, "tr", "report.filed")
    with pytest.raises(PermissionDenied, match="may not author"):
        check_act(officer, "ru", "incident.published")
    analyst = Principal(2, "analyst", Role.ANALYST, "center", "token")
    with pytest.raises(PermissionDenied):
        check_act(analyst, "center", "report.filed")


def test_party_keys_are_sealed_and_need_the_right_kek(tmp_path: Path) -> None:
    kek = load_kek(tmp_path, {})
    assert stat.S_IMODE((tmp_path / "secret.key").stat().st_mode) == 0o600
    assert load_kek(tmp_path, {}) == kek  # created once, then read
    custody = KeyCustody(tmp_path / "keys", kek)
    key = SigningKey.generate()
    path = custody.save("ru", key)
    text = path.read_text()
    assert text.startswith("truce-key-v1:") and base64.b64encode(key.seed).decode() not in text
    assert custody.load("ru").seed == key.seed
    with pytest.raises(ConfigError, match="does not decrypt"):
        KeyCustody(tmp_path / "keys", os.urandom(32)).load("ru")
    os.rename(path, custody.path("tr"))  # a key file moved to another party does not decrypt
    with pytest.raises(ConfigError, match="does not decrypt"):
        custody.load("tr")
    legacy = SigningKey.generate()
    legacy.save(custody.path("old"))  # a plain seed written before keys were sealed
    assert custody.load("old").seed == legacy.seed
    env = {"TRUCE_SECRET_KEY": base64.b64encode(b"k" * 32).decode()}
    assert load_kek(tmp_path, env) == b"k" * 32
    with pytest.raises(ConfigError, match="32 bytes"):
        load_kek(tmp_path, {"TRUCE_SECRET_KEY": base64.b64encode(b"short").decode()})

"""The C2SP tlog-witness (issue 20): every answer the spec defines, the log's client, and both
over real HTTP through the CLI, with the cosignature then required by a tlog-policy."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from truce.config import Settings
from truce.errors import ValidationError
from truce.ledger.note import Note
from truce.ledger.policy import Policy
from truce.ledger.tlog_witness import SIZE_TYPE, Witness, parse_request, request_body
from truce.node import Node
from truce.report.sample import build_sample

TRUCE = [sys.executable, "-m", "truce"]


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    with build_sample(Settings(home=tmp_path / "log")) as built:
        yield built


@pytest.fixture
def witness(tmp_path: Path, node: Node) -> Witness:
    w = Witness.init(tmp_path / "witness", "witness.test.example")
    w.add_log(node.ledger.verifier.vkey, node.ledger.origin)
    return w


def _cosigned_size(w: Witness, node: Node) -> int | None:
    latest = w.latest(node.ledger.origin)
    return None if latest is None else latest.size


def test_the_request_body_round_trips() -> None:
    proof = [bytes([i]) * 32 for i in range(3)]
    body = request_body(7, proof, "origin\n9\nroot\n\n— sig\n")
    assert body.decode().startswith("old 7\n" + base64.b64encode(proof[0]).decode() + "\n")
    assert parse_request(body) == (7, proof, "origin\n9\nroot\n\n— sig\n")
    for bad in (b"old 07\n\nx", b"new 1\n\nx", b"old 1\nnot-base64!\n\nx", b"old 1\nx"):
        with pytest.raises(ValueError):
            parse_request(bad)


def test_a_first_checkpoint_is_cosigned_and_kept(node: Node, witness: Witness) -> None:
    note = node.ledger.checkpoint()
    answer = witness.add_checkpoint(request_body(0, [], note))
    assert answer.status == 200, answer.body
    assert answer.body.startswith("— witness.test.example ") and answer.body.endswith("\n")
    cosigned = Note.parse(note + answer.body)
    assert [s.name for s in cosigned.signatures][-1] == "witness.test.example"
    assert _cosigned_size(witness, node) == node.ledger.size


def test_every_refusal_the_spec_defines(node: Node, witness: Witness, tmp_path: Path) -> None:
    ledger = node.ledger
    note = ledger.checkpoint()
    size = ledger.size
    # 404: an origin this witness does not witness
    stranger = Witness.init(tmp_path / "stranger", "stranger.example")
    assert stranger.add_checkpoint(request_body(0, [], note)).status == 404
    # 403: the origin is known but no signature verifies under its key
    other = Witness.init(tmp_path / "other", "other.example")
    with build_sample(Settings(home=tmp_path / "log2")) as twin:  # same origin, another key
        other.add_log(twin.ledger.verifier.vkey, ledger.origin)
    assert other.add_checkpoint(request_body(0, [], note)).status == 403
    # 400: an old size above the checkpoint's
    assert witness.add_checkpoint(request_body(size + 1, [], note)).status == 400
    assert witness.add_checkpoint(b"garbage").status == 400
    # 200, then 409 with the size it holds, as text/x.tlog.size
    assert witness.add_checkpoint(request_body(0, [], note)).status == 200
    stale = witness.add_checkpoint(request_body(0, [], note))
    assert (stale.status, stale.body, stale.content_type) == (409, f"{size}\n", SIZE_TYPE)
    # equal sizes: the same root is cosigned again
    assert witness.add_checkpoint(request_body(size, [], note)).status == 200


def test_a_proof_that_does_not_extend_is_refused_and_kept_as_evidence(
    node: Node, witness: Witness
) -> None:
    ledger = node.ledger
    first = ledger.size
    assert witness.add_checkpoint(request_body(0, [], ledger.checkpoint())).status == 200
    grown = _grow(node)
    note = ledger.checkpoint()
    good = ledger.consistency_proof(first, grown)
    bad = [bytes(32)] * len(good)
    refused = witness.add_checkpoint(request_body(first, bad, note))
    assert refused.status == 422, refused.body
    assert _cosigned_size(witness, node) == first  # not moved by a failed proof
    assert len(list((witness.home / "evidence").iterdir())) == 1
    accepted = witness.add_checkpoint(request_body(first, good, note))
    assert accepted.status == 200, accepted.body
    assert _cosigned_size(witness, node) == grown


def _grow(node: Node) -> int:
    """Append one more signed entry the ordinary way: a new party registers."""
    node.add_party("un", "United Nations observers")
    return node.ledger.size


def test_concurrent_requests_never_roll_the_witness_back(node: Node, witness: Witness) -> None:
    note = node.ledger.checkpoint()
    answers: list[int] = []

    def send() -> None:
        answers.append(witness.add_checkpoint(request_body(0, [], note)).status)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [200] + [409] * 7  # exactly one cosigns from old 0


def test_a_tlog_policy_with_groups_decides_the_quorum(node: Node, witness: Witness) -> None:
    log = node.ledger.verifier.vkey
    text = (
        f"# two parties and a neutral witness\nlog {log}\n"
        f"witness icrc {witness.vkey} http://127.0.0.1:1/\n"
        "quorum icrc\n"
    )
    policy = Policy.from_tlog_policy(text)
    note = node.ledger.checkpoint()
    with pytest.raises(Exception, match="quorum 'icrc'"):
        policy.check(note)
    cosigned = note + witness.add_checkpoint(request_body(0, [], note)).body
    assert policy.check(cosigned).signers == ["witness.test.example"]
    assert Policy.from_tlog_policy(policy.to_tlog_policy()).check(cosigned)
    assert Policy.from_dict(policy.to_dict()) == policy
    for bad, why in (
        (f"log {log}\n", "no quorum line"),
        (f"log {log}\nquorum nobody\n", "not a defined witness or group"),
        (f"log {log}\nwitness a {witness.vkey}\ngroup g 2 a\nquorum g\n", "threshold 2"),
        (f"log {log}\nwitness a {witness.vkey}\ngroup g any a a\nquorum g\n", "twice"),
        (f"witness a {witness.vkey}\nquorum a\n", "0 log lines"),
        (f"log {log}\nfrobnicate\nquorum none\n", "line 2"),
    ):
        with pytest.raises(ValidationError, match=why):
            Policy.from_tlog_policy(bad)


def _truce(home: Path, *args: str) -> str:
    env = {**os.environ, "TRUCE_HOME": str(home)}
    done = subprocess.run([*TRUCE, *args], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_over_http_the_log_collects_a_cosignature_and_a_policy_requires_it(
    node: Node, tmp_path: Path
) -> None:
    log_home = node.settings.home
    node.close()
    home = tmp_path / "icrc"
    vkey = re.search(
        r"witness key: (\S+)", _truce(home, "witness", "init", "--name", "icrc.example")
    )
    assert vkey is not None
    _truce(home, "witness", "add-log", _truce(log_home, "ledger", "vkey").strip())
    env = {**os.environ, "TRUCE_HOME": str(home)}
    server = subprocess.Popen(
        [*TRUCE, "witness", "serve", "--port", "0"], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        url = re.search(r"on (http://\S+/)", server.stdout.readline())
        assert url is not None
        out = _truce(
            log_home, "ledger", "cosign", "--witness", vkey.group(1), "--submit", url.group(1)
        )
        assert "cosigned by icrc.example" in out
        assert "cosigned by icrc.example" in _truce(
            log_home, "ledger", "cosign", "--submit", url.group(1)
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout is not None:
            server.stdout.close()
    checkpoint = _truce(log_home, "ledger", "checkpoint")
    assert "\n— icrc.example " in checkpoint
    policy = tmp_path / "policy.txt"
    policy.write_text(_truce(log_home, "ledger", "policy"), encoding="utf-8")
    assert "quorum" in _truce(log_home, "ledger", "verify", "--policy", str(policy))


def test_a_tlog_proof_of_an_entry_checks_offline_against_a_policy(
    node: Node, witness: Witness
) -> None:
    from truce.errors import ProofError
    from truce.ledger.tlog_proof import check_tlog_proof, parse_tlog_proof, tlog_proof

    ledger = node.ledger
    note = ledger.checkpoint()
    cosigned = note + witness.add_checkpoint(request_body(0, [], note)).body
    index = 3
    text = tlog_proof(index, ledger.inclusion_proof(index), cosigned, ledger.leaf(index))
    assert text.startswith("c2sp.org/tlog-proof@v1\nextra ")
    assert parse_tlog_proof(text).index == index
    policy = Policy.from_tlog_policy(
        f"log {ledger.verifier.vkey}\nwitness icrc {witness.vkey}\nquorum icrc\n"
    )
    result = check_tlog_proof(text, policy, author_key=ledger.key(ledger.entry(index).author))
    assert result.entry is not None and result.entry.kind == ledger.entry(index).kind
    assert result.author_checked and result.policy.signers == ["witness.test.example"]
    with pytest.raises(ProofError):  # another entry's bytes are not at that index
        check_tlog_proof(text, policy, leaf=ledger.leaf(index + 1))
    with pytest.raises(Exception, match="quorum 'icrc'"):  # not cosigned: the policy says no
        check_tlog_proof(tlog_proof(index, ledger.inclusion_proof(index), note, b"x"), policy)

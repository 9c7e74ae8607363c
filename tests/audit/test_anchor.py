"""The keyed, anchored chain: a database writer without the audit key is caught.

Before: deleting the tail and rewinding the head, or rewriting and rehashing events from one
onward, passed `yimen audit verify`. Now the head carries a MAC under the audit key (kept
outside the database) and signed checkpoints are exported to a directory; each tampering
below is detected, and the head's trigger refuses to move it back."""

from __future__ import annotations

import json
import os
import stat
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from tests.audit.conftest import make_log
from tests.audit.tamper import HEAD, delete_seq, edit_reason, rehash_from, rewind_head, tamper
from yimen.audit import verify
from yimen.audit.anchor import ChainNotIntact, NoAuditKey, checkpoint_create
from yimen.audit.keys import audit_key
from yimen.audit.models import ChainHead
from yimen.audit.verify import verify_chain


@pytest.fixture
def checkpoints(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.AUDIT_CHECKPOINT_DIR


def broken(code: str, seq: int | None = None):
    result = verify_chain()
    assert not result.ok and result.problem == code, result.message
    if seq is not None:
        assert result.first_bad_seq == seq, result
    return result


def test_every_append_seals_the_head(log8):
    head = ChainHead.objects.get()
    assert head.mac == audit_key().seal(8, log8[-1].hash)
    result = verify_chain()
    assert result.ok and result.keyed and result.checked == 8


def test_tail_deleted_and_head_rewound_is_detected(log8):
    delete_seq(7, 8)
    rewind_head(6)
    result = broken(verify.HEAD_UNSEALED, 6)
    assert "审计密钥" in result.message and "not sealed by the audit key" in result.message


def test_without_a_key_the_same_tampering_passes(settings, log8):
    # what the key buys: the unkeyed chain (the state before this change) cannot see it
    settings.AUDIT_KEY = ""
    delete_seq(7, 8)
    rewind_head(6)
    result = verify_chain()
    assert result.ok and not result.keyed


def test_events_rewritten_and_rehashed_are_detected(log8):
    rehash_from(3, "nothing happened here")
    broken(verify.HEAD_UNSEALED, 8)


def test_tail_deleted_after_a_checkpoint_with_an_old_sealed_head_replayed(actor, checkpoints):
    make_log(actor, 6)
    old = ChainHead.objects.get()  # an intruder noted the sealed head at #6
    make_log(actor, 2)
    assert checkpoint_create().seq == 8
    delete_seq(7, 8)
    tamper((f"UPDATE {HEAD} SET seq = %s, hash = %s, mac = %s", [old.seq, old.hash, old.mac]))
    result = broken(verify.CHECKPOINT_AHEAD, 7)
    assert "#8" in result.message and "#6" in result.message


def test_rewritten_and_rehashed_before_a_checkpoint_with_the_head_resealed(actor, checkpoints):
    # Even someone who could seal the head (a stolen HMAC key, or an old head replayed)
    # cannot make the events agree with the signed checkpoints.
    make_log(actor, 2)
    checkpoint_create()
    make_log(actor, 3)
    checkpoint_create()
    make_log(actor, 3)
    checkpoint_create()
    rehash_from(3, "rewritten")
    head = ChainHead.objects.get()
    tamper((f"UPDATE {HEAD} SET mac = %s", [audit_key().seal(head.seq, head.hash)]))
    result = broken(verify.CHECKPOINT_MISMATCH, 3)
    assert result.checked == 2 and "#5" in result.message


def test_a_planted_checkpoint_file_is_reported(log8, checkpoints):
    checkpoint_create()
    real = next(checkpoints.glob("checkpoint-*.json"))
    data = json.loads(real.read_text())
    data["checkpoint"]["seq"] = 3  # moved to another seq: the signature no longer fits
    (checkpoints / "checkpoint-000000000000003.json").write_text(json.dumps(data))
    result = broken(verify.CHECKPOINT_INVALID)
    assert "checkpoint-000000000000003.json" in result.message


def test_a_checkpoint_is_refused_over_a_tampered_chain(log8, checkpoints):
    edit_reason(3, "changed")
    with pytest.raises(ChainNotIntact) as refused:
        checkpoint_create()
    assert "#3" in refused.value.render("en") and "#3" in refused.value.render("zh-hans")
    assert not list(checkpoints.glob("*.json"))


def test_a_checkpoint_checks_only_what_is_new(actor, checkpoints):
    make_log(actor, 4)
    checkpoint_create()
    make_log(actor, 4)
    edit_reason(2, "changed")  # pinned by the first checkpoint: the full verify's business
    assert checkpoint_create().seq == 8
    broken(verify.HASH_MISMATCH, 2)
    assert len(list(checkpoints.glob("checkpoint-*.json"))) == 2


def test_a_checkpoint_with_nothing_new_is_not_written_twice(log8, checkpoints):
    first = checkpoint_create()
    again = checkpoint_create()
    assert again.path == first.path and len(list(checkpoints.glob("*.json"))) == 1
    assert verify_chain().checkpoints == 1


def test_a_log_from_before_the_key_is_sealed_by_its_first_checkpoint(settings, actor, checkpoints):
    key = settings.AUDIT_KEY
    settings.AUDIT_KEY = ""
    make_log(actor, 4)
    assert ChainHead.objects.get().mac == ""
    settings.AUDIT_KEY = key
    broken(verify.HEAD_UNSEALED, 4)
    with pytest.raises(ChainNotIntact):
        checkpoint_create()
    assert checkpoint_create(seal_head=True).seq == 4
    assert verify_chain().ok


def test_an_unsealed_head_after_a_checkpoint_is_not_sealed_again(log8, checkpoints):
    # An intruder blanks the MAC hoping the operator will reseal what they rewrote.
    checkpoint_create()
    delete_seq(8)
    rewind_head(7)
    tamper(f"UPDATE {HEAD} SET mac = ''")
    with pytest.raises(ChainNotIntact):
        checkpoint_create(seal_head=True)
    assert ChainHead.objects.get().mac == ""
    broken(verify.CHECKPOINT_AHEAD, 8)


def test_sealing_an_old_log_verifies_all_of_it(settings, actor, checkpoints):
    key = settings.AUDIT_KEY
    settings.AUDIT_KEY = ""
    make_log(actor, 4)
    edit_reason(1, "changed")
    settings.AUDIT_KEY = key
    with pytest.raises(ChainNotIntact):
        checkpoint_create(seal_head=True)
    assert ChainHead.objects.get().mac == ""


def test_no_key_no_checkpoint(settings, log8, checkpoints):
    settings.AUDIT_KEY = ""
    with pytest.raises(NoAuditKey):
        checkpoint_create()


def _update_head(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        (f"UPDATE {HEAD} SET seq = 5", []),  # rewound over a deleted tail
        (f"UPDATE {HEAD} SET hash = %s", ["a" * 64]),  # same seq, another chain
    ],
)
def test_the_head_only_moves_forward(log8, sql, params):
    with pytest.raises(DatabaseError, match="only moves forward"):
        _update_head(sql, params)
    assert ChainHead.objects.get().seq == 8
    _update_head(f"UPDATE {HEAD} SET mac = %s", ["b" * 64])  # sealing stays possible


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite flushes tests by DELETE")
def test_the_head_cannot_be_deleted_on_postgresql(log8):
    with pytest.raises(DatabaseError, match="only moves forward"):
        _update_head(f"DELETE FROM {HEAD}", [])


def _command(*args: str) -> str:
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


def test_the_commands_checkpoint_and_verify(log8, checkpoints):
    assert "#8" in _command("checkpoint")
    text = _command("verify")
    assert "audit chain intact: 8 events" in text and "1 signed checkpoints match" in text
    delete_seq(8)
    rewind_head(7)
    with pytest.raises(CommandError, match=r"audit\.checkpoint_ahead"):
        _command("verify")


def test_verify_warns_when_the_chain_is_not_keyed(settings, log8):
    settings.AUDIT_KEY = ""
    assert "no audit key is configured" in _command("verify")


def test_keygen_writes_a_private_key_file_once(settings, tmp_path, db):
    settings.AUDIT_KEY = ""
    settings.AUDIT_KEY_FILE = tmp_path / "keys" / "audit.key"
    assert "public key" in _command("keygen")
    assert stat.S_IMODE(os.stat(settings.AUDIT_KEY_FILE).st_mode) == 0o600
    assert audit_key() is not None
    with pytest.raises(CommandError, match="never overwritten"):
        _command("keygen")

"""`verify_chain` and `yimen audit verify` find the first broken or missing link."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.audit.conftest import make_log
from tests.audit.tamper import delete_seq, edit_reason, forge_reason, swap, tamper
from yimen.audit import verify
from yimen.audit.chain import hash_of_row
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent, ChainHead
from yimen.audit.verify import verify_chain


def run_verify(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def assert_broken(code: str, seq: int, checked: int) -> None:
    """verify_chain and the command both name the same first bad link."""
    result = verify_chain()
    assert not result.ok
    assert (result.problem, result.first_bad_seq, result.checked) == (code, seq, checked)
    assert f"#{seq}" in result.message
    with pytest.raises(CommandError) as caught:
        run_verify()
    assert caught.value.returncode != 0
    text = str(caught.value)
    assert code in text and f"#{seq}" in text and result.message in text


def test_intact_chain(log8):
    result = verify_chain()
    assert result.ok and result
    assert (result.checked, result.first_bad_seq, result.problem) == (8, None, "")
    # Chinese first, English alongside (the catalogue is src/yimen/locale).
    assert result.message == "审计链完整：共 8 条记录 / audit chain intact: 8 events"
    assert result.message in run_verify()


def test_empty_log_without_head_is_intact(db):
    assert verify_chain().ok and verify_chain().checked == 0
    assert "audit chain intact: 0 events" in run_verify()


def test_edited_event(log8):
    edit_reason(4, "nothing to see here")
    assert_broken(verify.HASH_MISMATCH, seq=4, checked=3)
    assert verify_chain().message == (
        "第 4 号记录被篡改：存储的哈希与内容不符 / "
        "event #4 was altered: its stored hash does not match its contents"
    )


def test_edited_event_with_recomputed_hash_breaks_the_next_link(log8):
    forge_reason(4, "nothing to see here")
    assert_broken(verify.BROKEN_LINK, seq=5, checked=4)


def test_edited_first_event(log8):
    edit_reason(1, "nothing to see here")
    assert_broken(verify.HASH_MISMATCH, seq=1, checked=0)


def test_deleted_middle_event(log8):
    delete_seq(4)
    assert_broken(verify.MISSING_EVENT, seq=4, checked=3)


def test_deleted_events_report_the_first_gap(log8):
    delete_seq(6, 3, 4)
    assert_broken(verify.MISSING_EVENT, seq=3, checked=2)


def test_deleted_event_renumbered_away(log8):
    # The intruder deletes #4 and moves the later events down so the seq has no gap.
    delete_seq(4)
    table = AuditEvent._meta.db_table
    tamper(*[(f"UPDATE {table} SET seq = %s WHERE seq = %s", [n - 1, n]) for n in range(5, 9)])
    tamper((f"UPDATE {ChainHead._meta.db_table} SET seq = 7", []))
    assert_broken(verify.HASH_MISMATCH, seq=4, checked=3)


def test_swapped_events(log8):
    swap(3, 6)
    assert_broken(verify.HASH_MISMATCH, seq=3, checked=2)


def test_swapped_neighbours(log8):
    swap(7, 8)
    assert_broken(verify.HASH_MISMATCH, seq=7, checked=6)


def test_deleted_last_event(log8):
    delete_seq(8)
    assert_broken(verify.TAIL_MISSING, seq=8, checked=7)


def test_deleted_tail_of_several(log8):
    delete_seq(6, 7, 8)
    assert_broken(verify.TAIL_MISSING, seq=6, checked=5)


def test_emptied_log(log8):
    delete_seq(*range(1, 9))
    assert_broken(verify.LOG_EMPTY, seq=1, checked=0)


def test_replaced_last_event(log8):
    forge_reason(8, "nothing to see here")
    assert_broken(verify.HEAD_MISMATCH, seq=8, checked=8)


def test_event_forged_beyond_the_head(log8, actor):
    # Inserting is allowed by the ORM; bypassing record_events leaves the head behind.
    forged = AuditEvent(
        seq=9,
        occurred_at=log8[-1].occurred_at,
        actor=actor,
        actor_name="x",
        event_type=EventType.CASE_CLOSED,
        subject_type="workflow.case",
        subject_id="1",
        prev_hash=log8[-1].hash,
    )
    forged.hash = hash_of_row(forged)
    forged.save()
    assert_broken(verify.BEYOND_HEAD, seq=9, checked=8)


def test_deleted_chain_head(log8):
    tamper(f"DELETE FROM {ChainHead._meta.db_table}")  # PostgreSQL's trigger refuses it
    assert_broken(verify.HEAD_MISSING, seq=1, checked=0)


@pytest.mark.parametrize("batch", [1, 3, 5000])
def test_batches_cross_chunk_boundaries(actor, batch):
    make_log(actor, 20)
    result = verify_chain(batch=batch)
    assert result.ok and result.checked == 20
    assert "audit chain intact: 20 events" in run_verify("--batch", str(batch))
    edit_reason(13, "x")
    result = verify_chain(batch=batch)
    assert (result.problem, result.first_bad_seq) == (verify.HASH_MISMATCH, 13)


def test_reads_are_streamed_not_one_per_event(actor):
    make_log(actor, 60)
    with CaptureQueriesContext(connection) as queries:
        assert verify_chain(batch=7).ok
    # Head, the streamed events, the highest seq and the head again: no query per event.
    assert len(queries) <= 6


def test_command_line_exit_codes(log8, capsys, monkeypatch):
    from django.core.management import execute_from_command_line
    from django.db import connections

    # run_from_argv closes connections when done, which would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    execute_from_command_line(["yimen", "audit", "verify"])
    assert "audit chain intact: 8 events" in capsys.readouterr().out
    delete_seq(5)
    with pytest.raises(SystemExit) as caught:
        execute_from_command_line(["yimen", "audit", "verify"])
    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert "#5" in err and verify.MISSING_EVENT in err

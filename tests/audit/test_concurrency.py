"""Writers at once: the chain head lock orders them into one unbroken chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.audit.conftest import make_log
from tests.factories import UserFactory
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent, ChainHead
from yimen.audit.services import EventDraft, record_event, record_events
from yimen.audit.verify import verify_chain

THREADS, EACH = 4, 25


def _append(mode: str, worker: int, actor, start: threading.Barrier, errors: list) -> None:
    try:
        start.wait(timeout=30)
        subjects = [("workflow.case", f"{worker}-{n}") for n in range(EACH)]
        if mode == "one_by_one":
            for subject in subjects:
                record_event(event_type=EventType.CASE_OPENED, subject=subject, actor=actor)
        else:
            record_events(
                [
                    EventDraft(
                        event_type=EventType.CASE_OPENED, subject_type=t, subject_id=i, actor=actor
                    )
                    for t, i in subjects
                ]
            )
    except Exception as exc:  # reported by the main thread, which owns the assertions
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["one_by_one", "batch"])
def test_concurrent_writers_make_one_chain(mode):
    actor = UserFactory()
    start = threading.Barrier(THREADS)
    errors: list[Exception] = []
    threads = [
        threading.Thread(target=_append, args=(mode, worker, actor, start, errors))
        for worker in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * EACH + 1))
    subjects = set(AuditEvent.objects.values_list("subject_id", flat=True))
    assert subjects == {f"{w}-{n}" for w in range(THREADS) for n in range(EACH)}
    assert ChainHead.objects.get(pk=1).seq == THREADS * EACH
    result = verify_chain(batch=7)
    assert result.ok and result.checked == THREADS * EACH, result.message


def test_ten_thousand_drafts_take_the_head_lock_once(actor):
    make_log(actor, 1)  # the head exists, as it does after the first event ever
    drafts = [
        EventDraft(
            event_type=EventType.BULK_DECISION,
            subject_type="workflow.case",
            subject_id=str(n),
            actor=actor,
            role="township_approver",
            new={"decision": "approve"},
            reason="batch approval",
        )
        for n in range(10_000)
    ]
    with CaptureQueriesContext(connection) as queries:
        events = record_events(drafts)
    head_table = ChainHead._meta.db_table
    event_table = AuditEvent._meta.db_table
    head_reads = [
        q["sql"] for q in queries if q["sql"].startswith("SELECT") and head_table in q["sql"]
    ]
    head_writes = [
        q["sql"] for q in queries if q["sql"].startswith("UPDATE") and head_table in q["sql"]
    ]
    inserts = [q for q in queries if q["sql"].startswith("INSERT") and event_table in q["sql"]]
    assert len(head_reads) == 1 and len(head_writes) == 1
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in head_reads[0]
    # Set-based: many rows per INSERT (SQLite's 999-parameter limit allows ~60), not one each.
    assert 1 <= len(inserts) <= len(drafts) // 50
    assert [e.seq for e in events] == list(range(2, 10_002))
    assert AuditEvent.objects.count() == 10_001
    result = verify_chain()
    assert result.ok and result.checked == 10_001, result.message

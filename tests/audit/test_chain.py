"""Appending to the log: seq numbers, the hash chain and values that survive the database."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from tests.audit.conftest import make_log
from tests.factories import UserFactory
from yimen.audit.chain import GENESIS, hash_of_row
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent, ChainHead
from yimen.audit.services import EventDraft, record_event, record_events, subject_of
from yimen.audit.verify import verify_chain


def test_events_link_into_one_chain(actor):
    make_log(actor, 40)
    record_event(event_type=EventType.LOGIN, subject=actor, actor=actor)  # one more, alone

    rows = list(AuditEvent.objects.order_by("seq"))
    assert [row.seq for row in rows] == list(range(1, 42))
    assert rows[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.hash
    assert all(hash_of_row(row) == row.hash for row in rows)
    assert len({row.hash for row in rows}) == 41
    head = ChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (41, rows[-1].hash)
    assert verify_chain().ok


def test_event_records_who_what_and_why(actor):
    signer = UserFactory(full_name="王审批")
    event = record_event(
        event_type=EventType.TASK_COMPLETED,
        subject=actor,
        actor=actor,
        role="township_approver",
        division_code="220102001000",
        old={"a": 1},
        new={"a": 2},
        reason="材料齐全",
        signer=signer,
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (
        (stored.subject_type, stored.subject_id)
        == subject_of(actor)
        == ("accounts.user", str(actor.pk))
    )
    assert stored.actor_id == actor.pk and stored.actor_name == actor.full_name
    assert stored.signer_id == signer.pk and stored.signer_name == "王审批"
    assert (stored.role, stored.division_code, stored.reason) == (
        "township_approver",
        "220102001000",
        "材料齐全",
    )
    assert stored.old == {"a": 1} and stored.new == {"a": 2}


def test_system_events_have_no_actor(db):
    event = record_event(event_type=EventType.REMINDER_SENT, subject=("workflow.task", "9"))
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id is None and stored.actor_name == ""
    assert verify_chain().ok


def test_decimal_date_and_odd_numbers_round_trip_and_verify(actor):
    old = {
        "amount": Decimal("1234.50"),
        "since": date(2024, 1, 31),
        "at": timezone.make_aware(datetime(2024, 2, 1, 8, 30)),
        "ratio": 0.1,
        "big": 1e16,
        "huge": 1.5e300,
        "tiny": 1.5e-7,
        "bad": float("nan"),
        "nested": [Decimal("0.01"), {"2": Decimal("-3.00")}],
        7: "int key",
    }
    event = record_event(
        event_type=EventType.CASE_FLAGGED,
        subject=("workflow.case", "1"),
        actor=actor,
        old=old,
        new={"amount": Decimal("0.00")},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.old["amount"] == "1234.50"
    assert stored.old["since"] == "2024-01-31"
    assert stored.old["at"].startswith("2024-02-01 08:30:00")
    assert stored.old["nested"] == ["0.01", {"2": "-3.00"}]
    assert stored.old["7"] == "int key"
    assert stored.old["ratio"] == 0.1 and stored.old["tiny"] == 1.5e-7
    assert stored.old["big"] == 10**16
    assert stored.old["bad"] == "nan"
    assert stored.new == {"amount": "0.00"}
    # What was hashed is what the database gives back, on SQLite and on PostgreSQL's jsonb.
    assert stored.old == event.old
    assert hash_of_row(stored) == stored.hash
    result = verify_chain()
    assert result.ok, result.message


def test_naive_time_is_read_as_shanghai_and_verifies(actor):
    naive = datetime(2024, 5, 1, 9, 0, 0, 123456)
    record_events(
        [
            EventDraft(
                event_type=EventType.CASE_OPENED,
                subject_type="workflow.case",
                subject_id="5",
                actor=actor,
                occurred_at=naive,
            )
        ]
    )
    stored = AuditEvent.objects.get()
    assert stored.occurred_at == timezone.make_aware(naive)
    assert verify_chain().ok


def test_given_times_keep_their_microseconds(actor):
    moment = timezone.now().replace(microsecond=654321)
    record_events(
        [
            EventDraft(
                event_type=EventType.CASE_OPENED,
                subject_type="workflow.case",
                subject_id="6",
                occurred_at=moment,
            )
        ]
    )
    assert AuditEvent.objects.get().occurred_at == moment
    assert verify_chain().ok


def test_empty_batch_writes_nothing(db):
    assert record_events([]) == []
    assert not AuditEvent.objects.exists()
    assert not ChainHead.objects.exists()

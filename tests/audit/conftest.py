"""Fixtures for the audit tests: a user and a log of a few chained events."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import UserFactory
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.audit.services import EventDraft, record_event, record_events


@pytest.fixture
def actor(db):
    # a name without digits: the admin search for a subject id ("7") must not match it
    return UserFactory(full_name="审计测试员")


def make_log(actor, count: int) -> list[AuditEvent]:
    """``count`` events: the first half one by one, the rest in one batch, as services do."""
    made = []
    singles = count // 2
    for n in range(1, singles + 1):
        made.append(
            record_event(
                event_type=EventType.TASK_COMPLETED,
                subject=("workflow.task", str(n)),
                actor=actor,
                role="township_caseworker",
                division_code="220102001000",
                old={"status": "open"},
                new={"status": "done", "amount": Decimal(n)},
                reason=f"step {n} done",
            )
        )
    made += record_events(
        [
            EventDraft(
                event_type=EventType.CASE_FLAGGED,
                subject_type="workflow.case",
                subject_id=str(n),
                actor=actor,
                role="township_approver",
                new={"flag": n},
                reason=f"flag {n}",
                signer=actor,
            )
            for n in range(singles + 1, count + 1)
        ]
    )
    return made


@pytest.fixture
def log8(actor):
    """Eight chained events, seq 1..8."""
    return make_log(actor, 8)

"""Batch appends (append_events: no model instances, cached JSON pieces) write the same
events and hashes as record_events: the chain verifies, and each stored hash is the one
event_hash computes from the stored row, whatever the values (Chinese text, decimals,
floats, nested objects, nothing at all) and however often an old/new object is shared."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.factories import UserFactory
from yimen.audit.chain import hash_of_row
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent, ChainHead
from yimen.audit.services import EventDraft, append_events, record_event
from yimen.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def test_batch_appends_chain_like_single_ones(actor):
    other = UserFactory(full_name="")  # no full name: the username is shown
    record_event(event_type=EventType.LOGIN, subject=actor, actor=actor)  # before the batch
    shared_old = {"status": "active", "stage": 1, "step": "verify"}
    shared_new = {"outcome": "done", "opened": ["decide"], "amount": Decimal("12.50")}
    naive = datetime(2026, 11, 16, 9, 30)  # read as Shanghai time, as record_events does
    drafts = [
        EventDraft(
            event_type=EventType.TASK_COMPLETED,
            subject_type="workflow.case",
            subject_id=str(n),
            actor=(actor, other, None)[n % 3],
            role="township_caseworker" if n % 3 < 2 else "",
            division_code="220102001000",
            old=shared_old if n % 2 else None,
            new=shared_new if n % 4 else {"注": "家庭存款 3,000 元", "f": 0.1, "x": [1, {"b": 2}]},
            reason="由第 7 批核对报告完成。" if n % 5 else "",
            signer=actor if n == 3 else None,
            occurred_at=naive if n == 4 else None,
        )
        for n in range(1, 40)
    ]
    assert append_events(drafts) == 39
    record_event(event_type=EventType.LOGIN, subject=actor, actor=actor)  # after it
    result = verify_chain()
    assert result.ok and result.checked == 41
    events = list(AuditEvent.objects.order_by("seq"))
    assert all(hash_of_row(e) == e.hash for e in events)
    assert ChainHead.objects.get().hash == events[-1].hash
    batch = events[1:-1]
    assert batch[3].occurred_at == naive.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    assert batch[3].new == {"注": "家庭存款 3,000 元", "f": 0.1, "x": [1, {"b": 2}]}
    assert batch[0].new == {"outcome": "done", "opened": ["decide"], "amount": "12.50"}
    assert batch[1].old is None and batch[2].signer == actor
    assert batch[0].actor_name == other.username and batch[2].actor_name == "审计测试员"
    assert batch[1].actor is None and batch[1].actor_name == ""

"""Notices that fall due by the calendar: a household's periodic review, a certificate's
review (复审). Run daily (``yimen notify_due``); safe to rerun and to run twice at once.

Each service's due rule lists what is due to be told today; what was not told before gets
one ``notify.notice_due`` audit event (the system tells the holder; the event says which
kind, subject and date) and a ``DueNotice`` row whose unique (kind, subject, date) makes a
second run write nothing. The dispatcher then turns the event into the inbox notice and the
text, with quiet hours and opt-outs like any other event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, record_events

from .models import Cursor, DueNotice
from .rules import Due, NoticeRule, declared_rules

#: the row locked while due notices are written, so two daily runs never both write one
LOCK = "due"


@dataclass(frozen=True)
class DueReport:
    due: int
    told: int


def remind_due(
    *, on: date, kinds: set[str] | None = None, rules: list[NoticeRule] | None = None
) -> DueReport:
    """Write the reminder events of every due rule (or only ``kinds``) for ``on``."""
    rules = declared_rules() if rules is None else rules
    due = told = 0
    for rule in rules:
        if rule.due is None or (kinds is not None and rule.kind not in kinds):
            continue
        if rule.event_type != EventType.NOTICE_DUE:
            raise ValueError(f"due rule {rule.kind} must follow {EventType.NOTICE_DUE}")
        items = list(dict.fromkeys(rule.due(on)))
        due += len(items)
        told += _tell_new(rule.kind, items)
    return DueReport(due, told)


@transaction.atomic
def _tell_new(kind: str, items: list[Due]) -> int:
    if not items:
        return 0
    Cursor.objects.get_or_create(name=LOCK)
    Cursor.objects.select_for_update().get(name=LOCK)
    days = {item.due_on for item in items}
    told = set(
        DueNotice.objects.filter(kind=kind, due_on__in=days).values_list(
            "subject_type", "subject_id", "due_on"
        )
    )
    new = [item for item in items if (item.subject_type, item.subject_id, item.due_on) not in told]
    events = record_events(
        [
            EventDraft(
                event_type=EventType.NOTICE_DUE,
                subject_type=item.subject_type,
                subject_id=item.subject_id,
                new={"kind": kind, "due": item.due_on.isoformat()},
            )
            for item in new
        ]
    )
    DueNotice.objects.bulk_create(
        [
            DueNotice(
                kind=kind,
                subject_type=item.subject_type,
                subject_id=item.subject_id,
                due_on=item.due_on,
                event_seq=event.seq,
            )
            for item, event in zip(new, events, strict=True)
        ],
        batch_size=1000,
    )
    return len(new)

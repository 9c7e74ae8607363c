"""From the audit log to notices and queued SMS: each event told once to each recipient.

The audit chain assigns ``seq`` under a lock held until commit, so events become visible
in ``seq`` order and a cursor over ``seq`` misses none. The cursor row is locked while a
batch is dispatched (two dispatchers never read the same batch), and the unique
constraints on (event, kind, recipient) make a repeated batch — after a crash between
insert and cursor move — write nothing new."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation

from yimen.audit.models import AuditEvent

from .models import Cursor, Notice, OptOut, SmsMessage, SmsStatus
from .phones import normalise_phone
from .quiet import first_moment_allowed
from .rules import Delivery, NoticeRule, declared_rules, render

CURSOR = "dispatch"
BATCH = 2000


@dataclass(frozen=True)
class DispatchReport:
    events: int
    notices: int
    messages: int


def dispatch(batch: int = BATCH, rules: list[NoticeRule] | None = None) -> DispatchReport:
    """Dispatch the next batch of events; call again until it reports no events."""
    rules = declared_rules() if rules is None else rules
    by_type: dict[str, list[NoticeRule]] = defaultdict(list)
    for rule in rules:
        by_type[rule.event_type].append(rule)
    with transaction.atomic():
        Cursor.objects.get_or_create(name=CURSOR)
        cursor = Cursor.objects.select_for_update().get(name=CURSOR)
        head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        events = list(
            AuditEvent.objects.filter(
                seq__gt=cursor.seq, seq__lte=head, event_type__in=list(by_type)
            ).order_by("seq")[:batch]
        )
        notices: list[Notice] = []
        messages: list[SmsMessage] = []
        now = timezone.now()
        opted = _opt_outs()
        for event in events:
            for rule in by_type[event.event_type]:
                if not rule.follows(event):
                    continue
                for delivery in rule.deliveries(event):
                    notices.extend(_notice(rule, event, delivery, now))
                    messages.extend(_message(rule, event, delivery, now, opted))
        Notice.objects.bulk_create(notices, ignore_conflicts=True, batch_size=1000)
        SmsMessage.objects.bulk_create(messages, ignore_conflicts=True, batch_size=1000)
        cursor.seq = events[-1].seq if len(events) == batch else head
        cursor.save(update_fields=["seq"])
    return DispatchReport(len(events), len(notices), len(messages))


def dispatch_all(rules: list[NoticeRule] | None = None) -> DispatchReport:
    """Dispatch until the log is read to its head."""
    events = notices = messages = 0
    while True:
        report = dispatch(rules=rules)
        events, notices, messages = (
            events + report.events,
            notices + report.notices,
            messages + report.messages,
        )
        if report.events < BATCH:
            return DispatchReport(events, notices, messages)


def _notice(rule: NoticeRule, event: AuditEvent, delivery: Delivery, now) -> list[Notice]:
    if delivery.user is None:
        return []
    return [
        Notice(
            recipient=delivery.user,
            event_seq=event.seq,
            kind=rule.kind,
            params={key: str(value) for key, value in delivery.params.items()},
            link=delivery.link,
            created_at=now,
        )
    ]


def _message(
    rule: NoticeRule, event: AuditEvent, delivery: Delivery, now, opted: set[tuple[str, str]]
) -> list[SmsMessage]:
    phone = normalise_phone(delivery.phone)
    if not phone:
        return []
    with translation.override("zh-hans"):
        body = f"【{translation.gettext('Yimen')}】{render(rule.text, delivery.params)}"
    opted_out = rule.optional and ((phone, "") in opted or (phone, rule.kind) in opted)
    return [
        SmsMessage(
            event_seq=event.seq,
            kind=rule.kind,
            phone=phone,
            body=body[:500],
            status=SmsStatus.OPTED_OUT if opted_out else SmsStatus.PENDING,
            urgent=rule.urgent,
            next_attempt_at=now if rule.urgent else first_moment_allowed(now),
            created_at=now,
        )
    ]


def _opt_outs() -> set[tuple[str, str]]:
    return set(OptOut.objects.values_list("phone", "kind"))

"""Sending the queued text messages: claimed a batch at a time, sent concurrently, retried
with backoff.

A batch is claimed in one statement pair (status "sending", with a lease; on PostgreSQL
``FOR UPDATE SKIP LOCKED``, so several senders take disjoint batches without waiting) before
the gateway is called, so two senders never send one message both; a sender that dies
mid-batch leaves leases that expire, and the messages go back to the queue — at least once,
with our message id for the gateway to recognise a retry. The batch goes to the gateway
through a bounded pool of threads (``YIMEN_SMS_CONCURRENCY``); the answers are written
set-based: every call and its answer an ``SmsAttempt``, the messages updated only while
still under this sender's lease."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from .gateway import Gateway, GatewayAnswer, configured_gateway
from .models import SmsAttempt, SmsMessage, SmsStatus
from .quiet import first_moment_allowed

#: minutes before the 2nd, 3rd, … try; the last one is repeated up to the attempt limit
BACKOFF_MINUTES = (1, 5, 30, 120, 360)
LEASE = dt.timedelta(minutes=5)
_UPDATE_CHUNK = 500


@dataclass(frozen=True)
class SendReport:
    sent: int
    retrying: int
    failed: int


def send_due(*, gateway: Gateway | None = None, limit: int | None = None, now=None) -> SendReport:
    """Send the messages that are due (outside quiet hours only the urgent ones), batch
    after batch until none is due or ``limit`` were tried. ``now`` (default: the clock)
    is when the batches are claimed and the answers recorded."""
    gateway = gateway or configured_gateway()
    fixed = now
    batch = max(1, int(getattr(settings, "SMS_BATCH", 1000)))
    workers = max(1, int(getattr(settings, "SMS_CONCURRENCY", 8)))
    totals: Counter[str] = Counter()
    tried = 0
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sms") as pool:
        while limit is None or tried < limit:
            at = fixed or timezone.now()
            quiet = first_moment_allowed(at) != at
            size = batch if limit is None else min(batch, limit - tried)
            claimed = _claim(at, size, urgent_only=quiet)
            if not claimed:
                break
            answers = list(
                pool.map(lambda m: gateway.send(f"yimen-{m.pk}", m.phone, m.body), claimed)
            )
            totals.update(_record(claimed, answers, fixed or timezone.now()))
            tried += len(claimed)
    return SendReport(totals[SmsStatus.SENT], totals[SmsStatus.PENDING], totals[SmsStatus.FAILED])


def _claim(now, limit: int, *, urgent_only: bool) -> list[SmsMessage]:
    due = Q(status=SmsStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=SmsStatus.SENDING, claimed_until__lt=now
    )
    if urgent_only:
        due &= Q(urgent=True)
    lease = now + LEASE
    with transaction.atomic():
        query = SmsMessage.objects.filter(due).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True)
        claimed = list(
            query.only("pk", "phone", "body", "urgent", "attempts", "next_attempt_at")[:limit]
        )
        SmsMessage.objects.filter(pk__in=[m.pk for m in claimed]).update(
            status=SmsStatus.SENDING, claimed_until=lease
        )
    for message in claimed:
        message.claimed_until = lease
    return claimed


def _outcome(message: SmsMessage, answer: GatewayAnswer, at) -> tuple[str, Any]:
    """The next status and next attempt time of a message the gateway did not accept."""
    attempts = message.attempts + 1
    if answer.retry and attempts < max_attempts():
        wait = BACKOFF_MINUTES[min(attempts - 1, len(BACKOFF_MINUTES) - 1)]
        retry_at = at + dt.timedelta(minutes=wait)
        return SmsStatus.PENDING, retry_at if message.urgent else first_moment_allowed(retry_at)
    return SmsStatus.FAILED, message.next_attempt_at


@transaction.atomic
def _record(messages: Sequence[SmsMessage], answers: Sequence[GatewayAnswer], at) -> Counter[str]:
    SmsAttempt.objects.bulk_create(
        [
            SmsAttempt(
                message_id=message.pk,
                at=at,
                phone=message.phone,
                body=message.body,
                ok=answer.ok,
                answer=answer.answer,
            )
            for message, answer in zip(messages, answers, strict=True)
        ],
        batch_size=1000,
    )
    outcomes: Counter[str] = Counter()
    rows = list(zip(messages, answers, strict=True))
    for start in range(0, len(rows), _UPDATE_CHUNK):
        chunk = rows[start : start + _UPDATE_CHUNK]
        # only rows still under this sender's lease: a sender whose lease ran out (and
        # whose batch another sender took) does not overwrite what that one wrote
        ours = SmsMessage.objects.filter(
            status=SmsStatus.SENDING, claimed_until=chunk[0][0].claimed_until
        )
        sent = {m.pk: a.gateway_id for m, a in chunk if a.ok}
        if sent:
            ours.filter(pk__in=sent).update(
                status=SmsStatus.SENT,
                attempts=F("attempts") + 1,
                claimed_until=None,
                sent_at=at,
                gateway_id=_by_pk(sent, models.CharField(), ""),
            )
            outcomes[SmsStatus.SENT] += len(sent)
        status: dict[int, str] = {}
        next_at: dict[int, Any] = {}
        for message, answer in chunk:
            if not answer.ok:
                status[message.pk], next_at[message.pk] = _outcome(message, answer, at)
                outcomes[status[message.pk]] += 1
        if status:
            ours.filter(pk__in=status).update(
                status=_by_pk(status, models.CharField()),
                attempts=F("attempts") + 1,
                next_attempt_at=_by_pk(next_at, models.DateTimeField()),
                claimed_until=None,
                gateway_id="",
            )
    return outcomes


def _by_pk(values: dict[int, Any], field: models.Field, default: Any = None) -> Case:
    """One value per row, as a CASE over the primary key (many rows, one UPDATE)."""
    return Case(
        *[When(pk=pk, then=Value(value, output_field=field)) for pk, value in values.items()],
        default=Value(default, output_field=field),
        output_field=field,
    )


def max_attempts() -> int:
    return int(getattr(settings, "SMS_MAX_ATTEMPTS", 5))

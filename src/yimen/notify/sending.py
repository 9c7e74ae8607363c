"""Sending the queued text messages: claimed one batch at a time, retried with backoff.

A message is claimed (status "sending", with a lease) before the gateway is called, so
two senders never send it both; a sender that dies mid-batch leaves leases that expire,
and the messages go back to the queue — at least once, with our message id for the
gateway to recognise a retry. Every call and its answer is an ``SmsAttempt``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .gateway import Gateway, GatewayAnswer, configured_gateway
from .models import SmsAttempt, SmsMessage, SmsStatus
from .quiet import first_moment_allowed

#: minutes before the 2nd, 3rd, … try; the last one is repeated up to the attempt limit
BACKOFF_MINUTES = (1, 5, 30, 120, 360)
LEASE = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class SendReport:
    sent: int
    retrying: int
    failed: int


def send_due(*, gateway: Gateway | None = None, limit: int = 200, now=None) -> SendReport:
    """Send the messages that are due now (outside quiet hours), at most ``limit``."""
    gateway = gateway or configured_gateway()
    now = now or timezone.now()
    quiet = first_moment_allowed(now) != now
    sent = retrying = failed = 0
    for message in _claim(now, limit, urgent_only=quiet):
        answer = gateway.send(f"yimen-{message.pk}", message.phone, message.body)
        outcome = _record(message, answer, timezone.now())
        sent += outcome == SmsStatus.SENT
        failed += outcome == SmsStatus.FAILED
        retrying += outcome == SmsStatus.PENDING
    return SendReport(sent, retrying, failed)


def _claim(now, limit: int, *, urgent_only: bool) -> list[SmsMessage]:
    due = Q(status=SmsStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=SmsStatus.SENDING, claimed_until__lt=now
    )
    if urgent_only:
        due &= Q(urgent=True)
    with transaction.atomic():
        query = SmsMessage.objects.filter(due).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True)
        claimed = list(query[:limit])
        SmsMessage.objects.filter(pk__in=[m.pk for m in claimed]).update(
            status=SmsStatus.SENDING, claimed_until=now + LEASE
        )
    return claimed


@transaction.atomic
def _record(message: SmsMessage, answer: GatewayAnswer, at) -> str:
    SmsAttempt.objects.create(
        message=message,
        at=at,
        phone=message.phone,
        body=message.body,
        ok=answer.ok,
        answer=answer.answer,
    )
    attempts = message.attempts + 1
    if answer.ok:
        status, next_at = SmsStatus.SENT, message.next_attempt_at
    elif answer.retry and attempts < max_attempts():
        status = SmsStatus.PENDING
        wait = BACKOFF_MINUTES[min(attempts - 1, len(BACKOFF_MINUTES) - 1)]
        retry_at = at + dt.timedelta(minutes=wait)
        next_at = retry_at if message.urgent else first_moment_allowed(retry_at)
    else:
        status, next_at = SmsStatus.FAILED, message.next_attempt_at
    SmsMessage.objects.filter(pk=message.pk).update(
        status=status,
        attempts=attempts,
        next_attempt_at=next_at,
        claimed_until=None,
        sent_at=at if answer.ok else None,
        gateway_id=answer.gateway_id,
    )
    return status


def max_attempts() -> int:
    return int(getattr(settings, "SMS_MAX_ATTEMPTS", 5))

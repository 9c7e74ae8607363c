"""The outbox: retries with growing backoff while a peer is unreachable, and nothing is lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yimen.medins.node import node_config
from yimen.medins.outbox import backoff_seconds, deliver_due
from yimen.medins.queue import enqueue

pytestmark = pytest.mark.django_db


def test_backoff_doubles_up_to_the_cap(settings, as_hainan):
    settings.MEDINS_NODE = {**as_hainan, "backoff_base": 1.0, "backoff_cap": 10.0}
    config = node_config()
    waits = [backoff_seconds(config, n) for n in range(1, 8)]
    assert 0.75 <= waits[0] <= 1.25 and 1.5 <= waits[1] <= 2.5
    assert max(waits) <= 12.5 and waits[-1] >= 7.5


def test_an_unreachable_peer_is_retried_later(as_hainan):
    # the configured peer URL is port 9 on loopback: nothing listens there
    message = enqueue(peer="jilin", kind="transfer.request", transfer_id="t-1", body={"x": 1})
    counts = deliver_due()
    assert counts == {"delivered": 0, "failed": 1}
    message.refresh_from_db()
    assert message.attempts == 1 and message.delivered_at is None
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=1)
    assert message.last_error
    assert deliver_due() == {"delivered": 0, "failed": 0}  # not due yet
    assert message.body["message_id"] == message.message_id

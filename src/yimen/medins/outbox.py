"""Sending: outbox rows go to their peer until a signed answer says they arrived.

Why an outbox: the state change and the message announcing it are written in one
transaction, so a crash can lose neither one without the other; the worker
(``yimen medins_outbox``) then delivers at least once, with exponential backoff and jitter,
and the receiver's inbox turns "at least once" into "once". Nothing here holds a database
transaction open across the network."""

from __future__ import annotations

import http.client
import logging
import random
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from django.utils import timezone

from . import protocol as p
from .models import OutboxMessage
from .node import NodeConfig, require_node
from .peers import hold_unless_renumbered, send_reports
from .queue import ack_for

log = logging.getLogger("yimen.medins.outbox")


def backoff_seconds(config: NodeConfig, attempts: int) -> float:
    """Exponential, capped, with ±25 % jitter so peers coming back are not stampeded."""
    delay = min(config.backoff_cap, config.backoff_base * (2 ** max(0, attempts - 1)))
    return delay * random.uniform(0.75, 1.25)


def _post(config: NodeConfig, message: OutboxMessage, ack: int = 0) -> tuple[bool, str]:
    """One signed attempt; (delivered, note). ``ack``: the highest sequence number received
    from that peer, read before the threads start (no database connection crosses threads).
    A refusal signed by the peer is read too: its reason ends up in the note."""
    peer = config.peers.get(message.peer)
    if peer is None:
        return False, f"peer {message.peer} is not configured"
    body = p.canonical({**message.body, "ack": ack})
    timestamp = str(int(time.time()))
    signature = config.sign(
        p.request_signing_input(
            sender=config.node_id,
            recipient=peer.node_id,
            timestamp=timestamp,
            message_id=message.message_id,
            body=body,
        )
    )
    request = urllib.request.Request(  # noqa: S310 — the URL is the operator's peer config
        peer.url + p.PATH,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            p.H_SENDER: config.node_id,
            p.H_RECIPIENT: peer.node_id,
            p.H_TIMESTAMP: timestamp,
            p.H_MESSAGE_ID: message.message_id,
            p.H_SIGNATURE: p.b64(signature),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=config.timeout_seconds) as response:  # noqa: S310
            status, answer, answer_sig = (
                response.status,
                response.read(),
                response.headers.get(p.H_SIGNATURE, ""),
            )
    except urllib.error.HTTPError as exc:
        status, answer, answer_sig = exc.code, exc.read(), exc.headers.get(p.H_SIGNATURE, "")
        if not answer_sig:
            return False, f"HTTP {exc.code}: {answer[:200].decode(errors='replace')}"
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return False, f"{type(exc).__name__}: {exc}"[:300]
    try:
        good = peer.verify(
            p.unb64(answer_sig),
            p.response_signing_input(
                responder=peer.node_id,
                recipient=config.node_id,
                message_id=message.message_id,
                status=status,
                body=answer,
            ),
        )
    except ValueError:
        good = False
    if not good:
        return False, "answer not signed by the peer"
    if 200 <= status < 300:
        return True, f"HTTP {status}"
    return False, f"HTTP {status}: {answer[:200].decode(errors='replace')}"


def _claim(message_id: int, seen_next: Any, lease: float) -> bool:
    """Guarded update: only one worker sends a given row at a time."""
    return bool(
        OutboxMessage.objects.filter(
            pk=message_id, delivered_at__isnull=True, next_attempt_at=seen_next
        ).update(next_attempt_at=timezone.now() + timedelta(seconds=lease))
    )


def _record(config: NodeConfig, message: OutboxMessage, delivered: bool, note: str) -> None:
    if not delivered and '"sequence_reused"' in note:
        # the peer, in a signed answer, has seen this sequence number on another message:
        # this node lost messages it sent (a restore) — stop new work until reconciled
        hold_unless_renumbered(
            peer=message.peer,
            message_pk=message.pk,
            seq=message.body.get("seq"),
            reason=f"node {message.peer} already received another message numbered "
            f"{message.body.get('seq')}: this node's database lost history",
        )
    attempts = message.attempts + 1
    if delivered:
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=attempts, delivered_at=timezone.now(), last_error=""
        )
        return
    wait = backoff_seconds(config, attempts)
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=attempts,
        next_attempt_at=timezone.now() + timedelta(seconds=wait),
        last_error=note[:300],
    )
    log.info("medins outbox %s to %s failed: %s", message.message_id, message.peer, note)


def deliver_due(*, limit: int = 100, config: NodeConfig | None = None) -> dict[str, int]:
    """Try every message that is due once; returns counts of delivered and failed.

    Rows are claimed and results recorded here, in this thread; only the HTTP posts run in
    parallel (``send_concurrency``), so no database connection crosses threads. Order
    between messages is not promised, and need not be: each message is idempotent and the
    receiver ignores what no longer fits the transfer's state."""
    config = config or require_node()
    now = timezone.now()
    due = list(
        OutboxMessage.objects.filter(delivered_at__isnull=True, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", "next_attempt_at")[:limit]
    )
    claimed = [
        OutboxMessage.objects.get(pk=pk)
        for pk, seen_next in due
        if _claim(pk, seen_next, lease=config.timeout_seconds * 3)
    ]
    counts = {"delivered": 0, "failed": 0}
    if not claimed:
        return counts
    acks = {peer: ack_for(peer) for peer in {m.peer for m in claimed}}
    workers = max(1, min(config.send_concurrency, len(claimed)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda m: _post(config, m, acks[m.peer]), claimed))
    for message, (delivered, note) in zip(claimed, results, strict=True):
        _record(config, message, delivered, note)
        counts["delivered" if delivered else "failed"] += 1
    return counts


def run_worker(*, poll: float = 1.0, once: bool = False, stop_after: float | None = None) -> None:
    """The worker loop of ``yimen medins_outbox``: deliver, sleep while idle, repeat."""
    from django.db import close_old_connections

    started = time.monotonic()
    while True:
        close_old_connections()
        send_reports()  # the reconciliation report to each peer, when due
        counts = deliver_due()
        if once or (stop_after is not None and time.monotonic() - started > stop_after):
            return
        if not counts["delivered"] and not counts["failed"]:
            time.sleep(poll)

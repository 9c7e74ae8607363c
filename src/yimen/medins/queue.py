"""The numbered queue of messages to a peer node: sequence numbers and ``enqueue``.

Why a module of its own: the transfer use cases (``services``), the peers' bookkeeping
(``peers``: reports, the hold, restore detection) and the sender (``outbox``) all need to
number and queue messages, and ``outbox`` and ``peers`` need each other's other parts; this
is the piece they share, below all three, so none of them imports the others in a cycle.
Every function here runs inside the caller's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from .models import OutboxMessage, PeerLink


def sequence_number(value: Any) -> int | None:
    """A positive sequence number that fits the database's bigint, or None."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**62:
        return value
    return None


def peer_link(peer: str, *, lock: bool = False) -> PeerLink:
    """The bookkeeping row of ``peer`` (created on first use), locked if asked."""
    rows = PeerLink.objects.select_for_update() if lock else PeerLink.objects
    link, _created = rows.get_or_create(peer=peer)
    return link


def next_seq(peer: str) -> int:
    """The next sequence number for a message to ``peer``; call inside the transaction."""
    link = peer_link(peer, lock=True)
    link.last_seq_sent += 1
    link.save(update_fields=["last_seq_sent"])
    return link.last_seq_sent


def ack_for(peer: str) -> int:
    """The highest sequence number received from ``peer`` (sent along with every message)."""
    rows = PeerLink.objects.filter(peer=peer).values_list("highest_seq_received", flat=True)
    return rows.first() or 0


def enqueue(*, peer: str, kind: str, transfer_id: str, body: dict[str, Any]) -> OutboxMessage:
    """Write a message to send; call inside the transaction of the change it announces."""
    message_id = uuid.uuid4().hex
    return OutboxMessage.objects.create(
        message_id=message_id,
        peer=peer,
        kind=kind,
        transfer_id=transfer_id,
        body={
            **body,
            "kind": kind,
            "transfer_id": transfer_id,
            "message_id": message_id,
            "seq": next_seq(peer),
        },
        next_attempt_at=timezone.now(),
    )

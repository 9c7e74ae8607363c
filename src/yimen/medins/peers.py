"""Sequence numbers between nodes, restore detection, the hold, and the scheduled exchange
of reconciliation reports (see ``models/peers.py`` for why).

A node is *held* when it has evidence that one of the two nodes lost history (a restore
from a backup): no new transfer is applied for, processed or credited, and every transfer
message from a peer is answered 503 "held" (the peer keeps it in its outbox and retries).
Reports still flow, so the operators can compare the two sides; the hold is lifted only by
``yimen medins_reconcile --release`` once the comparison is clean (or, after a manual
repair, with ``--force`` and a reason) — audited either way."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import Conflict

from .alerts import alert_staff
from .errors import NodeHeld
from .models import InboxMessage, MessageKind, OutboxMessage, PeerLink
from .node import require_node
from .queue import ack_for, enqueue, peer_link, sequence_number
from .reconcile import compare, node_report

log = logging.getLogger("yimen.medins.peers")


def held() -> PeerLink | None:
    """The peer link that holds this node, if any."""
    return PeerLink.objects.filter(held_since__isnull=False).first()


def require_not_held() -> None:
    """Refuse new transfer work while the node is held (called by the use cases)."""
    link = held()
    if link is not None:
        raise NodeHeld(link.hold_reason)


def hold(peer: str, reason: str) -> None:
    """Hold the node: record why, audit it and tell the insurance staff."""
    with transaction.atomic():
        link = peer_link(peer, lock=True)
        if link.held_since is not None:
            return
        link.held_since = timezone.now()
        link.hold_reason = reason[:300]
        link.save(update_fields=["held_since", "hold_reason"])
        record_event(
            event_type=EventType.MEDINS_NODE_HELD,
            subject=link,
            new={"peer": peer, "held": True},
            reason=reason[:300],
        )
        alert_staff(
            division=_own_province(),
            message=gettext(
                "The insurance node is held for reconciliation with node %(peer)s: %(reason)s"
            )
            % {"peer": peer, "reason": reason},
        )
    log.error("medins node held (peer %s): %s", peer, reason)


def hold_unless_renumbered(*, peer: str, message_pk: int, seq: Any, reason: str) -> None:
    """Hold for a message the peer refused as a reused number — unless a release renumbered
    it while that attempt was on the wire. Read under the peer link's lock, the one
    ``release`` holds while renumbering, so the check never sees a release half done."""
    with transaction.atomic():
        peer_link(peer, lock=True)
        body = OutboxMessage.objects.filter(pk=message_pk).values_list("body", flat=True).first()
        if body and body.get("seq") == seq:
            hold(peer, reason)


def _own_province() -> str:
    return require_node().province


def check_sequence(*, peer: str, body: dict[str, Any], message_id: str) -> str | None:
    """Before a message is applied: the reason to refuse it, or None.

    'restored' — the peer acknowledges messages this node never numbered: this node lost
    history; it is held and the message waits. 'sequence_reused' — the peer numbered a new
    message like one already received: the peer lost history; the message is refused and
    the peer, reading the answer, holds itself."""
    seq, ack = sequence_number(body.get("seq")), body.get("ack")
    if isinstance(ack, int) and not isinstance(ack, bool) and ack > 0:
        mine = PeerLink.objects.filter(peer=peer).values_list("last_seq_sent", flat=True).first()
        if ack > (mine or 0):
            hold(
                peer,
                f"node {peer} has received message {ack} from this node, which numbered only "
                f"{mine or 0}: this node's database lost history (restored from a backup?)",
            )
            return "restored"
    if seq is not None:
        reused = (
            InboxMessage.objects.filter(peer=peer, seq=seq).exclude(message_id=message_id).exists()
        )
        if reused:
            return "sequence_reused"
    return None


def note_received(*, peer: str, seq: int | None) -> None:
    """Remember the highest sequence number received (in the message's transaction)."""
    if seq is not None:
        peer_link(peer)
        PeerLink.objects.filter(peer=peer, highest_seq_received__lt=seq).update(
            highest_seq_received=seq
        )


def report_for(peer: str) -> dict[str, Any]:
    """This node's reconciliation report, limited to the transfers with ``peer``."""
    report = node_report(peer=peer)
    report["highest_seq_received"] = ack_for(peer)
    report["last_seq_sent"] = peer_link(peer).last_seq_sent
    return report


def send_reports(*, now=None) -> int:
    """Enqueue this node's report to every peer whose last one is older than the node's
    ``report_every_seconds`` (the outbox worker calls this on every round)."""

    config = require_node()
    every = timedelta(seconds=config.report_every_seconds)
    now = now or timezone.now()
    sent = 0
    # one unlocked read per round; a peer's row is locked only when its report is due
    recent = set(
        PeerLink.objects.filter(peer__in=config.peers, report_sent_at__gt=now - every).values_list(
            "peer", flat=True
        )
    )
    for peer in set(config.peers) - recent:
        with transaction.atomic():
            link = peer_link(peer, lock=True)
            if link.report_sent_at and now - link.report_sent_at < every:
                continue
            report = report_for(peer)
            enqueue(peer=peer, kind=MessageKind.REPORT, transfer_id="", body={"report": report})
            PeerLink.objects.filter(pk=link.pk).update(report_sent_at=now)
            sent += 1
    return sent


def on_report(*, peer: str, body: dict[str, Any]) -> str:
    """The peer's report arrived: compare it with ours, keep the result, alert on news."""
    theirs = body["report"]
    if not isinstance(theirs, dict) or not isinstance(theirs.get("transfers"), dict):
        raise ValueError("report without transfers")
    problems = compare(report_for(peer), theirs)
    link = peer_link(peer, lock=True)
    news = problems and problems != link.disagreements
    link.peer_report = theirs
    link.peer_report_at = link.compared_at = timezone.now()
    link.disagreements = problems
    link.save(update_fields=["peer_report", "peer_report_at", "compared_at", "disagreements"])
    if news:
        record_event(
            event_type=EventType.MEDINS_NODES_DISAGREE,
            subject=link,
            new={"peer": peer, "disagreements": problems[:50]},
            reason=f"{len(problems)} transfer(s) disagree with node {peer}",
        )
        alert_staff(
            division=_own_province(),
            message=gettext(
                "Reconciliation with node %(peer)s: %(count)d transfer(s) disagree. Run "
                "“yimen medins_reconcile” and follow the runbook."
            )
            % {"peer": peer, "count": len(problems)},
        )
        log.error("medins: %d disagreement(s) with node %s", len(problems), peer)
    return "disagree" if problems else "agree"


def release(*, peer: str, reason: str, force: bool = False) -> PeerLink:
    """Lift the hold after reconciliation; the sequence resumes past what the peer saw."""
    reason = (reason or "").strip()
    if not reason:
        raise Conflict(_("Give the reason for releasing the node (the reconciliation done)."))
    with transaction.atomic():
        link = peer_link(peer, lock=True)
        if link.held_since is None:
            return link
        if link.peer_report is None:
            raise Conflict(_("No report from the peer yet: compare the two nodes first."))
        if link.disagreements and not force:
            raise Conflict(
                _("The nodes still disagree on %(count)d transfer(s); repair them first."),
                count=len(link.disagreements),
            )
        seen = int(link.peer_report.get("highest_seq_received") or 0)
        link.last_seq_sent = max(link.last_seq_sent, seen)
        # messages still waiting were numbered from the lost history: number them afresh
        # past what the peer has seen, or the peer refuses them as reused and we hold again
        waiting = OutboxMessage.objects.select_for_update().filter(
            peer=peer, delivered_at__isnull=True
        )
        for message in waiting.order_by("id"):
            link.last_seq_sent += 1
            message.body = {**message.body, "seq": link.last_seq_sent}
            message.save(update_fields=["body"])
        old_reason = link.hold_reason
        link.held_since, link.hold_reason = None, ""
        link.save(update_fields=["last_seq_sent", "held_since", "hold_reason"])
        record_event(
            event_type=EventType.MEDINS_NODE_RELEASED,
            subject=link,
            old={"held": True, "reason": old_reason},
            new={"held": False, "forced": force, "last_seq_sent": link.last_seq_sent},
            reason=reason[:300],
        )
    return link

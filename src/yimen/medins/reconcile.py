"""Reconciliation of one node: transfers in flight, stuck messages, ledger mismatches, and —
given the other node's report — disagreements between the two sides.

Why: exactly-once is a claim; this is how an operator checks it on live data. Every check is a
set-based query, and the report is plain data (JSON for machines, text for people)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from .models import OPEN_STATUSES, AccountEntry, EntryKind, OutboxMessage, Side, Transfer
from .models import TransferStatus as S
from .node import require_node


def _ledger(kind: str) -> dict[str, int]:
    rows = AccountEntry.objects.filter(kind=kind).values_list("reference", "amount_fen")
    return dict(rows)


def node_report(*, peer: str | None = None) -> dict[str, Any]:
    """Everything a reconciliation needs to know about this node (or its transfers with one
    ``peer``: the report the nodes exchange)."""
    config = require_node()
    now = timezone.now()
    today = timezone.localdate()
    outs, ins = _ledger(EntryKind.TRANSFER_OUT), _ledger(EntryKind.TRANSFER_IN)
    rows = Transfer.objects.filter(peer=peer) if peer else Transfer.objects.all()
    transfers = list(
        rows.values(
            "transfer_id", "side", "status", "balance_fen", "peer_credited_fen", "due_on", "peer"
        )
    )
    mismatches: list[dict[str, Any]] = []
    known = set()
    for t in transfers:
        tid, bal = t["transfer_id"], t["balance_fen"] or 0
        known.add(tid)
        if t["side"] == Side.OUTGOING:
            posted = -outs.get(tid, 0)
            expected = bal if t["status"] in (S.INFO_SENT, S.CONFIRMED) else 0
            if posted != expected:
                mismatches.append(
                    {"transfer_id": tid, "problem": "debit", "ledger": posted, "expected": expected}
                )
            if t["status"] == S.CONFIRMED and t["peer_credited_fen"] != bal:
                mismatches.append(
                    {
                        "transfer_id": tid,
                        "problem": "peer_credit",
                        "peer": t["peer_credited_fen"],
                        "expected": bal,
                    }
                )
        else:
            posted = ins.get(tid, 0)
            expected = bal if t["status"] == S.COMPLETED else 0
            if posted != expected:
                mismatches.append(
                    {
                        "transfer_id": tid,
                        "problem": "credit",
                        "ledger": posted,
                        "expected": expected,
                    }
                )
    if peer is None:  # postings of other peers' transfers are not in a per-peer report
        for tid in (set(outs) | set(ins)) - known:
            mismatches.append({"transfer_id": tid, "problem": "posting_without_transfer"})
    horizon = now - timedelta(hours=config.retry_horizon_hours)
    pending = OutboxMessage.objects.filter(delivered_at__isnull=True)
    in_flight = [
        {
            **t,
            "due_on": t["due_on"].isoformat() if t["due_on"] else None,
            "overdue": bool(t["due_on"] and t["due_on"] < today),
        }
        for t in transfers
        if t["status"] in OPEN_STATUSES
    ]
    total = AccountEntry.objects.aggregate(s=Sum("amount_fen"))["s"] or 0
    return {
        "node": config.node_id,
        "at": now.isoformat(),
        "balance_total_fen": int(total),
        "transfers": {
            t["transfer_id"] + "/" + t["side"]: [t["status"], t["balance_fen"]] for t in transfers
        },
        "in_flight": in_flight,
        "outbox_pending": pending.count(),
        "outbox_beyond_horizon": list(
            pending.filter(created_at__lt=horizon).values_list("message_id", flat=True)
        ),
        "mismatches": mismatches,
    }


def compare(mine: dict[str, Any], theirs: dict[str, Any]) -> list[dict[str, Any]]:
    """Transfers whose two sides disagree (status pairs that cannot stand, amounts differing)."""
    problems = []
    sides: dict[str, dict[str, list]] = {}
    for report in (mine, theirs):
        for key, value in report["transfers"].items():
            tid, side = key.rsplit("/", 1)
            sides.setdefault(tid, {})[side] = value
    for tid, pair in sorted(sides.items()):
        inc, out = pair.get("incoming"), pair.get("outgoing")
        if inc is None or out is None:
            if out is None and inc and inc[0] != S.REQUESTED:
                problems.append({"transfer_id": tid, "problem": "outgoing side missing"})
            if inc is None and out:
                problems.append({"transfer_id": tid, "problem": "incoming side missing"})
            continue
        ok = {
            (S.REQUESTED, S.RECEIVED),
            (S.REQUESTED, S.INFO_SENT),
            (S.REQUESTED, S.REFUSED),
            (S.INFO_RECEIVED, S.INFO_SENT),
            (S.COMPLETED, S.INFO_SENT),
            (S.COMPLETED, S.CONFIRMED),
            (S.REFUSED, S.REFUSED),
        }
        if (inc[0], out[0]) not in ok:
            problems.append({"transfer_id": tid, "problem": f"status {inc[0]} / {out[0]}"})
        if inc[0] == S.COMPLETED and (inc[1] or 0) != (out[1] or 0):
            problems.append({"transfer_id": tid, "problem": f"amount {inc[1]} / {out[1]}"})
    return problems

"""Reconciliation finds what is wrong: a debit that does not match, a confirmation with
another amount, a posting without a transfer, and two sides that disagree."""

from __future__ import annotations

import pytest

from yimen.medins.ledger import account_post
from yimen.medins.models import AccountEntry, EntryKind, Transfer
from yimen.medins.reconcile import compare, node_report

from .conftest import send
from .helpers import insured
from .test_messages import request_body

pytestmark = pytest.mark.django_db


def test_a_clean_node_reports_nothing_wrong(client, as_jilin, hainan_peer):
    insured(1, balance_fen=500)
    send(client, hainan_peer, request_body(1), to="jilin")
    report = node_report()
    assert report["mismatches"] == []
    assert [t["status"] for t in report["in_flight"]] == ["info_sent"]
    assert report["outbox_pending"] == 1


def test_mismatches_are_reported(client, as_jilin, hainan_peer):
    person = insured(1, balance_fen=500)
    send(client, hainan_peer, request_body(1), to="jilin")
    transfer = Transfer.objects.get()
    # the confirmation names another amount than was debited
    confirm = {"kind": "transfer.confirm", "transfer_id": transfer.transfer_id, "credited_fen": 499}
    send(client, hainan_peer, confirm, to="jilin")
    # someone posted a transfer-out that belongs to no transfer, and lost the real debit
    account_post(insured(2, balance_fen=10), -10, EntryKind.TRANSFER_OUT, "ghost")
    AccountEntry.objects.filter(reference=transfer.transfer_id).delete()
    problems = {m["problem"] for m in node_report()["mismatches"]}
    assert problems == {"debit", "peer_credit", "posting_without_transfer"}
    assert person.pk


def test_compare_lists_sides_that_disagree():
    mine = {
        "transfers": {
            "t1/outgoing": ["info_sent", 500],
            "t2/outgoing": ["refused", None],
            "t3/outgoing": ["confirmed", 700],
        }
    }
    theirs = {
        "transfers": {
            "t1/incoming": ["completed", 500],
            "t2/incoming": ["completed", 1],
            "t3/incoming": ["completed", 600],
            "t4/incoming": ["completed", 5],
        }
    }
    problems = {(p["transfer_id"], p["problem"]) for p in compare(mine, theirs)}
    assert problems == {
        ("t2", "status completed / refused"),
        ("t2", "amount 1 / None"),
        ("t3", "amount 600 / 700"),
        ("t4", "outgoing side missing"),
    }

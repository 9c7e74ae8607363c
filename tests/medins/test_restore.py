"""A node restored from a backup cannot create money (issue 15, item 11).

Jilin (outgoing) is backed up, then completes transfers to Hainan, then is restored from the
backup: its debits are gone while Hainan keeps the credits. When the same people apply
again, Jilin must not debit and send their balance a second time. Hainan's next message
acknowledges sequence numbers Jilin no longer knows it sent, so Jilin holds itself; the
nodes' exchanged reports show the disagreement; the hold is lifted only by an operator."""

from __future__ import annotations

import json
import time

import pytest

from .plan import plan
from .twonodes import backup, drop_databases, make_pair, restore

COUNT, SEED = 8, 20261207


def _wait(predicate, timeout: float = 60) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.3)
    return predicate()


def _json(value):
    """A JSON column as read back: text on SQLite, already decoded by psycopg."""
    return json.loads(value) if isinstance(value, str) else value


def _debits(node) -> int:
    return node.scalar("SELECT COUNT(*) FROM medins_accountentry WHERE kind='transfer_out'")


def _credits(node) -> int:
    return node.scalar("SELECT COUNT(*) FROM medins_accountentry WHERE kind='transfer_in'")


@pytest.fixture
def pair(tmp_path):
    jilin, hainan, databases = make_pair(tmp_path)
    try:
        yield jilin, hainan, databases
    finally:
        for node in (jilin, hainan):
            node.kill()
        drop_databases(databases)


def test_a_node_restored_from_a_backup_holds_instead_of_paying_twice(pair):
    jilin, hainan, databases = pair
    fast = {"backoff_base": 0.2, "backoff_cap": 1.0, "timeout_seconds": 4.0}
    jilin.configure(hainan, hainan.url, report_every_seconds=1, **fast)
    hainan.configure(jilin, jilin.url, report_every_seconds=1, **fast)
    jilin.nodeproc("seed-outgoing", str(COUNT), str(SEED))
    hainan.nodeproc("seed-incoming", "0", "0")
    saved = backup(jilin, databases)
    done = [p for p in plan(COUNT, SEED) if p.expect_completed and p.balance_fen]
    assert done, "the plan must move some money"

    jilin.start()
    hainan.start()
    hainan.nodeproc("apply", str(COUNT), str(SEED))
    assert _wait(lambda: _credits(hainan) == len(done)), "first transfers did not complete"
    assert _debits(jilin) == len(done)

    # the power goes, and Jilin comes back from the backup taken before those transfers
    jilin.kill()
    restore(jilin, saved)
    assert _debits(jilin) == 0
    jilin.start()

    # the same people apply again at Hainan
    hainan.nodeproc("apply", str(COUNT), str(SEED))
    assert _wait(
        lambda: jilin.scalar("SELECT COUNT(*) FROM medins_peerlink WHERE held_since IS NOT NULL")
    ), "the restored node did not hold itself"
    # Hainan's reports reach the held node, which compares and finds the disagreement
    assert _wait(lambda: _json(jilin.scalar("SELECT disagreements FROM medins_peerlink")))
    time.sleep(2)  # a few more rounds of retries: still nothing may move
    assert _debits(jilin) == 0, "the restored node debited the balance a second time"
    assert _credits(hainan) == len(done), "the balance was credited a second time"
    second = hainan.scalar(
        "SELECT COUNT(*) FROM medins_transfer WHERE side='incoming' AND status='requested'"
    )
    assert second == COUNT  # every new application waits
    events = {row[0] for row in jilin.query("SELECT event_type FROM audit_auditevent")}
    assert {"medins.node_held", "medins.nodes_disagree"} <= events

    # the operator's report shows the hold; a release without repair is refused
    report = jilin.yimen("medins_reconcile")
    assert "暂停 HELD" in report
    refused = jilin.yimen_result("medins_reconcile", "--release", "hainan", "--reason", "查过")
    assert refused.returncode != 0 and "不一致" in refused.stderr
    # after a manual repair the operator forces the release, with a reason; it is audited
    jilin.yimen(
        "medins_reconcile", "--release", "hainan", "--reason", "已按对方报告补记", "--force"
    )
    assert not jilin.scalar("SELECT COUNT(*) FROM medins_peerlink WHERE held_since IS NOT NULL"), (
        jilin.query("SELECT hold_reason, last_seq_sent, highest_seq_received FROM medins_peerlink")
    )
    last_seen = _json(jilin.scalar("SELECT peer_report FROM medins_peerlink"))
    assert (
        jilin.scalar("SELECT last_seq_sent FROM medins_peerlink")
        >= last_seen["highest_seq_received"]
    )
    assert "medins.node_released" in {
        row[0] for row in jilin.query("SELECT event_type FROM audit_auditevent")
    }

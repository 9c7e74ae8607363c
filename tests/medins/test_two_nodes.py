"""Two real nodes, a faulty network between them, 200 transfers, one power cut each.

Jilin (outgoing) and Hainan (incoming) run as separate gunicorn servers with their own
outbox workers and databases. Every message passes a proxy that drops requests, drops
answers after the effect, delivers copies late and delays; each node is SIGKILLed once while
transfers are in flight and restarted. Afterwards every transfer must be completed exactly
once or refused as planned, nothing may be left pending, and the money on both ledgers
together must equal the money before, to the fen."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from .faultproxy import FaultProxy
from .plan import plan
from .twonodes import drop_databases, make_pair

COUNT = 200
SEED = 20261101
QUIET_TIMEOUT = 150  # seconds for the run to settle once all applications are in


def _completed(hainan) -> int:
    return hainan.scalar(
        "SELECT COUNT(*) FROM medins_transfer WHERE side='incoming' AND status='completed'"
    )


def _settled(jilin, hainan) -> bool:
    for node in (jilin, hainan):
        open_ = node.scalar(
            "SELECT COUNT(*) FROM medins_transfer WHERE status NOT IN "
            "('completed','confirmed','refused')"
        )
        pending = node.scalar(
            "SELECT COUNT(*) FROM medins_outboxmessage WHERE delivered_at IS NULL"
        )
        if open_ or pending:
            return False
    return hainan.scalar("SELECT COUNT(*) FROM medins_transfer") == COUNT


def _total(node) -> int:
    return int(node.scalar("SELECT COALESCE(SUM(amount_fen), 0) FROM medins_accountentry"))


@pytest.fixture
def pair(tmp_path):
    # MEDINS_TWONODES_DIR keeps the nodes' logs and databases for a look afterwards
    keep = os.environ.get("MEDINS_TWONODES_DIR")
    workdir = Path(keep) if keep else tmp_path
    if keep:
        shutil.rmtree(workdir, ignore_errors=True)
    jilin, hainan, databases = make_pair(workdir)
    proxies: list[FaultProxy] = []
    stop = threading.Event()
    threads: list[threading.Thread] = []
    try:
        yield jilin, hainan, proxies, stop, threads
    finally:
        stop.set()  # a power-cut thread still running must not restart a node after this
        for thread in threads:
            thread.join(timeout=90)
        for node in (jilin, hainan):
            node.kill()
        for proxy in proxies:
            proxy.stop()
        drop_databases(databases)


def test_two_hundred_transfers_survive_faults_and_power_cuts(pair):
    jilin, hainan, proxies, stop, threads = pair
    to_hainan = FaultProxy(hainan.url, seed=SEED + 1).start()
    to_jilin = FaultProxy(jilin.url, seed=SEED + 2).start()
    proxies += [to_hainan, to_jilin]
    fast = {"backoff_base": 0.2, "backoff_cap": 2.0, "timeout_seconds": 4.0}
    jilin.configure(hainan, to_hainan.url, **fast)
    hainan.configure(jilin, to_jilin.url, **fast)
    jilin.nodeproc("seed-outgoing", str(COUNT), str(SEED))
    hainan.nodeproc("seed-incoming", "0", "0")
    before = _total(jilin) + _total(hainan)
    assert before > 0
    jilin.start()
    hainan.start()

    applying = hainan.nodeproc("apply", str(COUNT), str(SEED), background=True)
    cuts: list[str] = []

    def power_cuts() -> None:
        for node, after in ((hainan, 40), (jilin, 110)):
            end = time.monotonic() + 60
            while time.monotonic() < end and _completed(hainan) < after and not stop.is_set():
                time.sleep(0.1)
            if stop.is_set():
                return
            node.kill()
            cuts.append(f"{node.name} at {_completed(hainan)} completed")
            time.sleep(1.0)
            if stop.is_set():
                return
            node.start()

    chaos = threading.Thread(target=power_cuts, daemon=True)
    threads.append(chaos)
    chaos.start()
    try:
        assert applying.wait(timeout=120) == 0
    except BaseException:
        stop.set()
        applying.kill()
        raise
    chaos.join(timeout=150)
    assert len(cuts) == 2, cuts

    end = time.monotonic() + QUIET_TIMEOUT
    while time.monotonic() < end and not _settled(jilin, hainan):
        time.sleep(0.5)
    assert _settled(jilin, hainan), "transfers or messages still pending after the horizon"

    # the faults really happened
    for proxy in proxies:
        assert proxy.counts["dropped_request"] and proxy.counts["dropped_answer"], proxy.counts
        assert proxy.counts["duplicated"], proxy.counts

    # every transfer ended as planned, on both sides
    incoming = dict(
        hainan.query(
            "SELECT p.id_number, t.status FROM medins_transfer t "
            "JOIN medins_insuredperson p ON p.id = t.person_id WHERE t.side='incoming'"
        )
    )
    outgoing = dict(
        jilin.query("SELECT transfer_id, status FROM medins_transfer WHERE side='outgoing'")
    )
    in_ids = dict(hainan.query("SELECT id_number, transfer_id FROM medins_transfer"))
    planned = plan(COUNT, SEED)
    for p in planned:
        want_in, want_out = (
            ("completed", "confirmed") if p.expect_completed else ("refused", "refused")
        )
        assert incoming[p.id_number] == want_in, p
        assert outgoing[in_ids[p.id_number]] == want_out, p
    done = [p for p in planned if p.expect_completed]
    assert 150 < len(done) < COUNT  # both paths taken

    # exactly once: one debit and one credit per completed transfer with a balance, equal
    debits = dict(
        jilin.query(
            "SELECT reference, amount_fen FROM medins_accountentry WHERE kind='transfer_out'"
        )
    )
    credits = dict(
        hainan.query(
            "SELECT reference, amount_fen FROM medins_accountentry WHERE kind='transfer_in'"
        )
    )
    moved = {in_ids[p.id_number]: p.balance_fen for p in done if p.balance_fen}
    assert {k: -v for k, v in debits.items()} == moved
    assert credits == moved
    assert jilin.scalar(
        "SELECT COUNT(*) FROM medins_accountentry WHERE kind='transfer_out'"
    ) == len(moved)
    # months merged once each
    months = hainan.scalar(
        "SELECT COUNT(*) FROM medins_contributionmonth WHERE origin='transferred'"
    )
    assert months == sum(len(p.months) for p in done)

    # money conserved to the fen across both ledgers
    assert _total(jilin) + _total(hainan) == before

    # the duplicates were seen and logged, and applied once
    dupes = hainan.scalar("SELECT COUNT(*) FROM medins_rejectedmessage WHERE reason='duplicate'")
    dupes += jilin.scalar("SELECT COUNT(*) FROM medins_rejectedmessage WHERE reason='duplicate'")
    assert dupes > 0

    # reconciliation on each node agrees
    import json

    reports = {n.name: json.loads(n.yimen("medins_reconcile", "--json")) for n in (jilin, hainan)}
    for report in reports.values():
        assert report["mismatches"] == [] and report["in_flight"] == []
        assert report["outbox_pending"] == 0
    other = jilin.workdir / "hainan-report.json"
    other.write_text(json.dumps(reports["hainan"]), encoding="utf-8")
    compared = json.loads(jilin.yimen("medins_reconcile", "--json", "--compare", str(other)))
    assert compared["disagreements"] == []

"""Benchmark: insurance transfers between two real nodes (Jilin → Hainan) on loopback.

Starts two gunicorn servers with their outbox workers and databases (SQLite files, or fresh
PostgreSQL databases with --postgres), seeds the outgoing node with the test plan's insured
persons (tests/medins/plan.py: months, balances, ~20 % to be refused), applies for every
transfer at the incoming node, and times until every transfer is closed on both sides.

    .venv/bin/python bench/medins_transfer.py --count 500
    .venv/bin/python bench/medins_transfer.py --count 500 --faults
    .venv/bin/python bench/medins_transfer.py --count 500 --postgres postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "src"))


def _seconds(node, sql: str) -> list[float]:
    return sorted(float(row[0]) for row in node.query(sql))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--faults", action="store_true", help="10 %% drops/duplicates + delays")
    parser.add_argument("--postgres", help="a PostgreSQL URL; two fresh databases are made")
    args = parser.parse_args()
    if args.postgres:
        os.environ["YIMEN_DATABASE_URL"] = args.postgres
    else:
        os.environ.pop("YIMEN_DATABASE_URL", None)

    from tests.medins.faultproxy import FaultProxy
    from tests.medins.twonodes import drop_databases, make_pair

    with tempfile.TemporaryDirectory(prefix="medins-bench-") as tmp:
        t0 = time.perf_counter()
        jilin, hainan, dbs = make_pair(Path(tmp))
        proxies = []
        try:
            fast = {"backoff_base": 0.2, "backoff_cap": 2.0, "timeout_seconds": 4.0}
            if args.faults:
                proxies = [
                    FaultProxy(hainan.url, seed=1).start(),
                    FaultProxy(jilin.url, seed=2).start(),
                ]
                jilin.configure(hainan, proxies[0].url, **fast)
                hainan.configure(jilin, proxies[1].url, **fast)
            else:
                jilin.configure(hainan, hainan.url, **fast)
                hainan.configure(jilin, jilin.url, **fast)
            t1 = time.perf_counter()
            jilin.nodeproc("seed-outgoing", str(args.count), str(args.seed))
            hainan.nodeproc("seed-incoming", "0", "0")
            t2 = time.perf_counter()
            jilin.start()
            hainan.start()
            t3 = time.perf_counter()
            hainan.nodeproc("apply", str(args.count), str(args.seed))
            t4 = time.perf_counter()
            closed = "('completed','confirmed','refused')"
            while True:
                open_ = sum(
                    n.scalar(f"SELECT COUNT(*) FROM medins_transfer WHERE status NOT IN {closed}")
                    for n in (jilin, hainan)
                )
                pending = sum(
                    n.scalar("SELECT COUNT(*) FROM medins_outboxmessage WHERE delivered_at IS NULL")
                    for n in (jilin, hainan)
                )
                if not open_ and not pending:
                    break
                time.sleep(0.2)
            t5 = time.perf_counter()
            rows = hainan.query(
                "SELECT applied_at, closed_at FROM medins_transfer WHERE side='incoming'"
            )
            lat = sorted(
                (_dt(c) - _dt(a)).total_seconds()
                for a, c in rows
                if a is not None and c is not None
            )
            done = hainan.scalar("SELECT COUNT(*) FROM medins_transfer WHERE status='completed'")
            attempts = [
                n.scalar("SELECT SUM(attempts) FROM medins_outboxmessage") for n in (jilin, hainan)
            ]
            messages = [
                n.scalar("SELECT COUNT(*) FROM medins_outboxmessage") for n in (jilin, hainan)
            ]
        finally:
            for n in (jilin, hainan):
                n.kill()
            for p in proxies:
                p.stop()
            drop_databases(dbs)
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"medins transfer bench — {datetime.now():%Y-%m-%d}, {platform.machine()}, "
        f"{os.cpu_count()} cores, {engine}, faults={'on' if args.faults else 'off'}"
    )
    print(f"transfers: {args.count} ({done} completed, {args.count - done} refused)")
    print(
        f"databases migrated + divisions: {t1 - t0:.1f} s; seed: {t2 - t1:.1f} s; "
        f"start both nodes: {t3 - t2:.1f} s"
    )
    print(
        f"applications (one process, service calls): {t4 - t3:.1f} s "
        f"({args.count / (t4 - t3):.0f}/s)"
    )
    print(
        f"first application → all closed on both sides: {t5 - t3:.1f} s "
        f"({args.count / (t5 - t3):.1f} transfers/s)"
    )
    print(
        f"latency applied → closed at the incoming node: p50 {lat[len(lat) // 2]:.2f} s, "
        f"p95 {lat[int(len(lat) * 0.95)]:.2f} s, max {lat[-1]:.2f} s"
    )
    print(f"messages: {sum(messages)} sent in {sum(attempts)} attempts")


def _dt(value):
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


if __name__ == "__main__":
    main()

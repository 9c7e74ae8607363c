"""Benchmark: every query of the county dashboard and the monthly statistics over 24 months
of history for 200,000 households (issue 6: each under 200 ms on PostgreSQL).

Generates a city of 4 counties × 8 townships × 10 villages and, per household, its case,
acceptance task, members and (for most) the township's decision, straight into a fresh
database with bulk_create (seeded, so every run has the same data); then times each query
function of supervision/dashboard.py, funds.py, statistics.py and the sampling population
at the three levels (city, county, township), best of --repeat runs after one warm-up.

    .venv/bin/python bench/county_dashboard.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/county_dashboard.py --households 20000        # SQLite, smaller
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from common import configured_database

CITY = "220100000000"
COUNTIES, TOWNSHIPS, VILLAGES = 4, 8, 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", help="server URL; a fresh database is made and dropped")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--reuse", help="time an existing database kept by --keep (no generation)")
    args = parser.parse_args()
    with configured_database(args.postgres, keep=args.keep, reuse=args.reuse):
        run(args)


def divisions():
    from yimen.regions.codes import level_of, parent_code
    from yimen.regions.models import Division

    rows = [("220000000000", "吉林省"), (CITY, "长春市")]
    villages = []
    for c in range(COUNTIES):
        county = f"2201{c + 2:02d}"
        rows.append((county + "000000", f"区县{c + 1}"))
        for t in range(TOWNSHIPS):
            township = f"{county}{t + 1:03d}"
            rows.append((township + "000", f"街道{c + 1}-{t + 1}"))
            for v in range(VILLAGES):
                village = f"{township}{v + 1:03d}"
                rows.append((village, f"社区{c + 1}-{t + 1}-{v + 1}"))
                villages.append(village)
    Division.objects.bulk_create(
        Division(code=code, name=name, level=level_of(code), parent_id=parent_code(code))
        for code, name in rows
    )
    return villages


def generate(n: int, villages: list[str], now):
    """The history: one case per household, opened over the last 24 months."""
    from yimen.accounts.models import User
    from yimen.assistance.models import Application, Decision, Member, Objection
    from yimen.assistance.process import ASSISTANCE_PROCESS, REVIEW_PROCESS
    from yimen.workflow.models import Case, Task

    rng = random.Random(20261129)
    clerk = User.objects.create(username="bench", full_name="基准测试")
    span = timedelta(days=730)
    plans = []
    for i in range(n):
        opened = now - span + timedelta(seconds=rng.randrange(int(span.total_seconds())))
        accepted = opened + timedelta(hours=rng.randrange(1, 72))
        decided = accepted + timedelta(hours=rng.randrange(48, 600))
        if decided > now:
            decided = None
        status = "active"
        if decided is not None:
            status = rng.choices(["completed", "rejected"], [8, 2])[0]
        elif rng.random() < 0.1:
            status = "withdrawn"
        plans.append(
            (
                i,
                rng.choice(villages),
                opened,
                accepted,
                decided,
                status,
                rng.choices(["dibao", "tekun", "low_income"], [7, 1.5, 1.5])[0],
                rng.choice(["urban", "rural"]),
                rng.randint(1, 5),
                Decimal(rng.randrange(30000, 300000)) / 100,
            )
        )
    batch = 5000
    cases = Case.objects.bulk_create(
        (
            Case(
                number=f"YM-B-{i:07d}",
                process=ASSISTANCE_PROCESS.code,
                title=f"household {i}",
                division_id=village,
                status=status,
                opened_at=opened,
                closed_at=decided if status != "active" else None,
                due_at=accepted + timedelta(days=15),
                limit_at=accepted + timedelta(days=28),
            )
            for i, village, opened, accepted, decided, status, *_ in plans
        ),
        batch_size=batch,
    )
    applications = Application.objects.bulk_create(
        (
            Application(
                case_id=case.pk,
                status="submitted",
                division_id=plan[1],
                address="长春市",
                hukou_type=plan[7],
                assistance_type=plan[6],
                channel="counter",
                created_by=clerk,
            )
            for case, plan in zip(cases, plans, strict=True)
        ),
        batch_size=batch,
    )
    Task.objects.bulk_create(
        (
            Task(
                case_id=case.pk,
                step="accept",
                stage=0,
                roles="|township_caseworker|",
                division_id=plan[1][:9] + "000",
                status="done",
                outcome="accepted",
                opened_at=plan[2],
                completed_at=plan[3],
            )
            for case, plan in zip(cases, plans, strict=True)
        ),
        batch_size=batch,
    )
    Task.objects.bulk_create(
        (
            Task(
                case_id=case.pk,
                step="visit",
                stage=1,
                roles="|township_caseworker|",
                division_id=plan[1][:9] + "000",
                opened_at=plan[3],
                due_at=plan[3] + timedelta(days=10),
            )
            for case, plan in zip(cases, plans, strict=True)
            if plan[5] == "active"
        ),
        batch_size=batch,
    )
    Member.objects.bulk_create(
        (
            Member(
                application_id=app.pk,
                name=f"成员{plan[0]}-{m}",
                id_number=f"2201021970{plan[0]:07d}{m}",
                relationship="head" if m == 0 else "child",
                birth_date=date(1970, 1, 1),
                sex="M",
                living_apart=m == 4,
            )
            for app, plan in zip(applications, plans, strict=True)
            for m in range(plan[8])
        ),
        batch_size=batch,
    )
    decisions = Decision.objects.bulk_create(
        (
            Decision(
                application_id=app.pk,
                approved=plan[5] == "completed",
                assistance_type=plan[6] if plan[5] == "completed" else "",
                monthly_amount=plan[9] if plan[5] == "completed" else None,
                reasons="基准",
                signer=clerk,
                signer_name="基准测试",
            )
            for app, plan in zip(applications, plans, strict=True)
            if plan[4] is not None
        ),
        batch_size=batch,
    )
    # decided_at is auto_now_add: set it from the plan in one UPDATE per batch of ids
    decided = {app.pk: plan[4] for app, plan in zip(applications, plans, strict=True) if plan[4]}
    for d in decisions:
        d.decided_at = decided[d.application_id]
    Decision.objects.bulk_update(decisions, ["decided_at"], batch_size=batch)
    # 0.5 % of the approvals revoked after an objection
    revoked = [d for d in decisions if d.approved and rng.random() < 0.005]
    reviews = Case.objects.bulk_create(
        (
            Case(
                number=f"YM-R-{d.pk:07d}",
                process=REVIEW_PROCESS.code,
                title="review",
                division_id=plans[0][1],
                status="completed",
                opened_at=d.decided_at + timedelta(days=10),
            )
            for d in revoked
        ),
        batch_size=batch,
    )
    Task.objects.bulk_create(
        (
            Task(
                case_id=review.pk,
                step="conclude",
                stage=1,
                roles="|township_approver|",
                division_id=plans[0][1][:9] + "000",
                status="done",
                outcome="revoked",
                completed_at=min(now, d.decided_at + timedelta(days=20)),
            )
            for review, d in zip(reviews, revoked, strict=True)
        ),
        batch_size=batch,
    )
    Objection.objects.bulk_create(
        (
            Objection(application_id=d.application_id, text="异议", review_case_id=review.pk)
            for review, d in zip(reviews, revoked, strict=True)
        ),
        batch_size=batch,
    )
    return {
        "cases": len(cases),
        "members": Member.objects.count(),
        "decisions": len(decisions),
        "revoked": len(revoked),
    }


def timed(fn, repeat: int) -> tuple[float, object]:
    result = fn()  # warm-up
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from yimen.assistance.facts import facts_sync
    from yimen.months import add_months
    from yimen.supervision import dashboard as d
    from yimen.supervision import funds as f
    from yimen.supervision import statistics as s
    from yimen.supervision.areas import Period
    from yimen.supervision.services.sampling_populations import approved_population

    call_command("migrate", verbosity=0)
    now = timezone.now()
    t0 = time.perf_counter()
    if args.reuse:
        from yimen.assistance.models import Decision
        from yimen.workflow.models import Case

        sizes = {"cases": Case.objects.count(), "decisions": Decision.objects.count()}
    else:
        sizes = generate(args.households, divisions(), now)
    generated = time.perf_counter() - t0
    t0 = time.perf_counter()
    copied = facts_sync()  # the read model's first copy (once; later syncs copy new rows)
    first_sync = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    this_month = timezone.localdate().replace(day=1)
    period = Period(add_months(this_month, -23), this_month)
    last_month = add_months(this_month, -1)
    print(
        f"# {connection.vendor}, {sizes}, generated in {generated:.1f} s; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, period {period.label()}; "
        f"first facts_sync copied {copied} decisions in {first_sync:.1f} s"
    )
    areas = {"city": CITY, "county": "220102000000", "township": "220102001000"}
    queries = {
        "facts_sync (nothing new: the cost every page pays)": lambda c: facts_sync(),
        "status_counts": lambda c: d.status_counts(c, period),
        "overdue_counts": lambda c: d.overdue_counts(c, now),
        "decision_counts": lambda c: d.decision_counts(c, period),
        "median_days (by child)": lambda c: d.median_days(c, period),
        "median_days (whole area)": lambda c: d.median_days(c, period, by_child=False),
        "funds: approvals_by_month": lambda c: f.approvals_by_month(c, add_months(this_month, 1)),
        "funds: revocations": lambda c: f.revocations(c, add_months(this_month, 1)),
        "statistics: households_on": lambda c: s.households_on(c, last_month),
        "statistics: decisions_in": lambda c: s.decisions_in(c, last_month),
        "statistics: stops_in": lambda c: s.stops_in(c, last_month),
        "sampling: approved_population (1 month)": lambda c: approved_population(
            c, Period(last_month, last_month)
        ),
        "whole dashboard (all of the above for it)": lambda c: d.dashboard(c, period, now),
        "whole monthly statistics": lambda c: s.monthly_statistics(c, last_month),
    }
    print("| query | " + " | ".join(areas) + " |")
    print("|---|" + "---|" * len(areas))
    for label, fn in queries.items():
        cells = []
        for code in areas.values():
            seconds, _ = timed(lambda fn=fn, code=code: fn(code), args.repeat)
            cells.append(f"{seconds * 1000:.0f} ms")
        print(f"| {label} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()

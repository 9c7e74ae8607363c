"""Benchmark: one township's monthly payment roll for 200,000 households on assistance.

Generates the households (application, roster row, entitlement; 10 % with a later
adjustment of the amount, 5 % stopped, 1 % with a pending correction) straight into a
fresh database, then times the draft (`roll_compute`), the issue (`roll_issue`: lines,
ledger, audit — the same service the page uses), the bank file and the reconciliation.

    .venv/bin/python bench/payment_roll.py --households 200000
    .venv/bin/python bench/payment_roll.py --households 200000 --postgres postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from datetime import date
from decimal import Decimal

from common import TOWNSHIP, add_divisions, fresh_database, peak_rss_mib

VILLAGE = "220102001001"


def generate(n: int, user) -> None:
    from yimen.assistance.models import Application, ApplicationStatus
    from yimen.benefits.models import (
        Beneficiary,
        Entitlement,
        EntitlementStatus,
        PaymentAdjustment,
    )

    rng = random.Random(6)
    Application.objects.bulk_create(
        [
            Application(
                division_id=VILLAGE,
                address="基准",
                hukou_type="urban",
                assistance_type="dibao",
                channel="counter",
                status=ApplicationStatus.SUBMITTED,
                created_by=user,
            )
            for _ in range(n)
        ],
        batch_size=5000,
    )
    app_ids = list(Application.objects.order_by("pk").values_list("pk", flat=True))
    Beneficiary.objects.bulk_create(
        [
            Beneficiary(
                application_id=pk,
                division_id=VILLAGE,
                assistance_type="tekun" if i % 7 == 0 else "dibao",
                head_name=f"户主{i}",
                head_id_number=f"{220102190001010000 + i}"[:18],
                initials="hz",
                members=1 + i % 5,
                start_month=date(2025, 1 + i % 12, 1),
                stability="stable",
                next_review_on=date(2026, 1 + i % 12, 1),
                payee_name=f"户主{i}",
                bank_name="基准银行",
                account_number=f"6222{i:012d}",
            )
            for i, pk in enumerate(app_ids)
        ],
        batch_size=5000,
    )
    ids = list(Beneficiary.objects.order_by("pk").values_list("pk", flat=True))
    rows = []
    for i, pk in enumerate(ids):
        rows.append(
            Entitlement(
                beneficiary_id=pk,
                effective_month=date(2025, 1 + i % 12, 1),
                status=EntitlementStatus.PAYING,
                monthly_amount=Decimal(rng.randrange(20000, 150000)) / 100,
                reason="基准",
            )
        )
        if i % 10 == 0:
            rows.append(
                Entitlement(
                    beneficiary_id=pk,
                    effective_month=date(2026, 3, 1),
                    status=EntitlementStatus.PAYING,
                    monthly_amount=Decimal(rng.randrange(20000, 150000)) / 100,
                    reason="调整",
                )
            )
        if i % 20 == 1:
            rows.append(
                Entitlement(
                    beneficiary_id=pk,
                    effective_month=date(2026, 6, 1),
                    status=EntitlementStatus.STOPPED,
                    monthly_amount=0,
                    reason="停保",
                )
            )
    Entitlement.objects.bulk_create(rows, batch_size=5000)
    PaymentAdjustment.objects.bulk_create(
        [
            PaymentAdjustment(
                beneficiary_id=pk, amount=Decimal("35.50"), reason="补发", created_by=user
            )
            for pk in ids[::100]
        ],
        batch_size=5000,
    )


def run(args) -> None:
    from django.db import connection

    from yimen.accounts.models import RoleBinding, User
    from yimen.accounts.roles import Role
    from yimen.benefits.exports import bank_csv
    from yimen.benefits.services.payments import reconcile, roll_compute, roll_issue

    add_divisions()
    user = User.objects.create(username="bench", full_name="基准审批人")
    RoleBinding.objects.create(user=user, role=Role.TOWNSHIP_APPROVER, division_id=TOWNSHIP)
    t0 = time.perf_counter()
    generate(args.households, user)
    generate_s = time.perf_counter() - t0
    month = date(2026, 11, 1)

    t0 = time.perf_counter()
    preview = roll_compute(TOWNSHIP, month)
    draft_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    roll = roll_issue(actor=user, township_code=TOWNSHIP, month=month, today=month)
    issue_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    data = bank_csv(roll)
    csv_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    problems = reconcile()
    reconcile_s = time.perf_counter() - t0
    assert problems == [], problems
    assert roll.households == preview.households
    print(
        f"payment_roll db={connection.vendor} households={args.households} "
        f"paid={roll.households} lines={roll.lines.count()} total={roll.total_amount} "
        f"generate_s={generate_s:.1f} draft_s={draft_s:.1f} issue_s={issue_s:.1f} "
        f"bank_csv_s={csv_s:.1f} bank_csv_mb={len(data) / 1e6:.1f} "
        f"reconcile_s={reconcile_s:.1f} peak_rss_mib={peak_rss_mib():.0f} "
        f"python={platform.python_version()} cpus={os.cpu_count()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--postgres", help="server URL; a fresh database is made and dropped")
    args = parser.parse_args()
    with fresh_database(args.postgres):
        run(args)


if __name__ == "__main__":
    main()

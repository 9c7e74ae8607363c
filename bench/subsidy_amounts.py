"""Benchmark: the straw-to-meat subsidy (issue 17) — the amounts of 50,000 applications with
150,000 items computed set-based (under 5 s on both databases). The survey sheet's import
is timed by bench/subsidy_survey.py, the dashboard's queries by bench/subsidy_dashboard.py.

Makes a fresh database with Yushu's divisions, a scheme and its placeholder rates, then
bulk-writes APPLICATIONS inspected applications with 3 items each (pits, feed in t and
m³, machines) and times ``frames.scheme_amounts`` over all of them (one read, one Polars
pass), checking a sample against the sequential rule.

    .venv/bin/python bench/subsidy_amounts.py
    .venv/bin/python bench/subsidy_amounts.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    options: --applications 50000
"""

from __future__ import annotations

import argparse
import io
import platform
import random
import time
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from common import fresh_database

BJ = ZoneInfo("Asia/Shanghai")
YUSHU = "220182000000"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=50_000)
    parser.add_argument("--postgres", help="server URL; a fresh database is made and dropped")
    args = parser.parse_args()
    with fresh_database(args.postgres):
        run(args)


def run(args) -> None:
    from django.core.management import call_command
    from django.db import connection

    from yimen.accounts.models import RoleBinding, User
    from yimen.accounts.roles import Role
    from yimen.regions.models import Division
    from yimen.subsidy import frames
    from yimen.subsidy.models import (
        ApplicantType,
        Application,
        FeedMethod,
        Finding,
        Item,
        ItemType,
        PitMaterial,
        Programme,
        Rate,
        RateUnit,
        Scheme,
        Status,
        Unit,
    )
    from yimen.subsidy.services.review import compute_for

    call_command("load_divisions", verbosity=0, stdout=io.StringIO())
    print(f"{platform.node()} · {connection.vendor} · Python {platform.python_version()}")
    user = User.objects.create(username="bench", full_name="基准")
    for role in (Role.SUBSIDY_SURVEYOR, Role.SUBSIDY_REVIEWER):
        RoleBinding.objects.create(user=user, role=role, division_id=YUSHU)
    programme = Programme.objects.create(
        code="P", name="P", division_id="220000000000", start_year=2020, target_year=2025
    )
    scheme = Scheme.objects.create(
        programme=programme,
        code="B2020",
        name="bench",
        division_id=YUSHU,
        opens_at=datetime(2020, 10, 19, tzinfo=BJ),
        deadline=datetime(2020, 11, 30, 23, 59, 59, tzinfo=BJ),
        applicant_types=list(ApplicantType.values),
        earliest_work_date=date(2020, 10, 19),
        crop_year=2020,
        pit_materials=[PitMaterial.CONCRETE],
        feed_methods=list(FeedMethod.values),
    )
    for kind, unit, rate, minimum, cap_item, cap_app in (
        (ItemType.PIT, RateUnit.CUBIC_METRE, "25", "100", "20000", "30000"),
        (ItemType.FEED, RateUnit.TONNE, "50", "10", None, "40000"),
        (ItemType.MACHINE, RateUnit.MACHINE, "3000", "0", None, "9000"),
    ):
        Rate.objects.create(
            scheme=scheme,
            item_type=kind,
            unit=unit,
            rate=Decimal(rate),
            min_quantity=Decimal(minimum),
            cap_per_item=Decimal(cap_item) if cap_item else None,
            cap_per_applicant=Decimal(cap_app),
            valid_from=date(2020, 10, 1),
        )
    villages = list(
        Division.objects.filter(code__startswith="220182", level=5).values_list("code", flat=True)
    )
    rng = random.Random(17)

    # 1. amounts of every item, set-based
    t0 = time.perf_counter()
    units = [
        Unit(
            applicant_type=ApplicantType.FARM,
            name=f"户{n}",
            id_kind="ric",
            identity=f"B{n:017d}",
            division_id=villages[n % len(villages)],
        )
        for n in range(args.applications)
    ]
    Unit.objects.bulk_create(units, batch_size=5000)
    unit_ids = list(Unit.objects.order_by("pk").values_list("pk", flat=True))
    Application.objects.bulk_create(
        [
            Application(
                scheme=scheme,
                unit_id=pk,
                division_id=villages[n % len(villages)],
                number=f"B-{n:06d}",
                status=Status.INSPECTED,
                channel="counter",
                created_by=user,
                submitted_at=datetime(2020, 11, 10, tzinfo=BJ),
            )
            for n, pk in enumerate(unit_ids)
        ],
        batch_size=5000,
    )
    app_ids = list(Application.objects.order_by("pk").values_list("pk", flat=True))
    items = []
    for pk in app_ids:
        for _ in range(3):
            kind = rng.choice([ItemType.PIT, ItemType.FEED, ItemType.MACHINE])
            m = lambda lo, hi: Decimal(rng.randint(lo, hi)) / 100  # noqa: E731
            items.append(
                Item(
                    application_id=pk,
                    item_type=kind,
                    finding=Finding.AS_DECLARED,
                    measured_length_m=m(500, 3000) if kind == ItemType.PIT else None,
                    measured_width_m=m(300, 1200) if kind == ItemType.PIT else None,
                    measured_depth_m=m(200, 500) if kind == ItemType.PIT else None,
                    measured_quantity=m(500, 80000) if kind == ItemType.FEED else None,
                    quantity_unit=rng.choice(["t", "m3"]) if kind == ItemType.FEED else "",
                )
            )
    Item.objects.bulk_create(items, batch_size=5000)
    took = time.perf_counter() - t0
    print(f"data: {len(app_ids):,} applications, {len(items):,} items in {took:.1f} s")
    t0 = time.perf_counter()
    frame = frames.scheme_amounts(scheme, on=date(2020, 11, 10), statuses=[Status.INSPECTED])
    seconds = time.perf_counter() - t0
    total = Decimal(int(frame["amount"].sum())) / 100
    print(f"1. amounts of {frame.height:,} items set-based: {seconds:.2f} s (total {total:,} yuan)")
    fast = dict(zip(frame["item"].to_list(), frame["amount"].to_list(), strict=True))
    for app in Application.objects.filter(pk__in=rng.sample(app_ids, 50)):
        for item, amount in zip(app.items.order_by("pk"), compute_for(app), strict=True):
            assert fast[item.pk] == int(amount.amount * 100), (item.pk, amount)
    print("   50 applications checked against the sequential rule: equal to the fen")


if __name__ == "__main__":
    main()

"""Benchmark: the straw-to-meat subsidy (issue 17) — the amounts of 50,000 applications with
150,000 items computed set-based, a 50,000-unit survey sheet imported and validated, and
the progress dashboard's queries.

Makes a fresh database with Yushu's divisions, a scheme and its placeholder rates, then
  1. bulk-writes APPLICATIONS inspected applications with 3 items each (pits, feed in t and
     m³, machines) and times ``frames.scheme_amounts`` over all of them (one read, one
     Polars pass), checking a sample against the sequential rule;
  2. writes a survey sheet of UNITS rows (ID numbers and credit codes with their check
     digits) and times ``survey_import`` (parse, validate, insert, all or nothing);
  3. times ``progress.figures`` for a county reader (every dashboard query).

    .venv/bin/python bench/subsidy_amounts.py
    .venv/bin/python bench/subsidy_amounts.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    options: --applications 50000 --units 50000
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
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--postgres", help="server URL; a fresh database is made and dropped")
    args = parser.parse_args()
    with fresh_database(args.postgres):
        run(args)


def run(args) -> None:
    from django.core.management import call_command
    from django.db import connection
    from openpyxl import Workbook
    from stdnum.cn import ric, uscc

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
    from yimen.subsidy.services import progress
    from yimen.subsidy.services.review import compute_for
    from yimen.subsidy.services.survey import IMPORT_COLUMNS, survey_import

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

    # 2. a survey sheet of UNITS rows
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(IMPORT_COLUMNS)
    for n in range(args.units):
        if n % 3:
            body = f"220182{1950 + n // 1000}0101{n % 1000:03d}"  # unique for n < 70,000
            identity = body + ric.calc_check_digit(body + "0")
            kind = "草食畜养殖场户"
        else:
            body = f"93220182MA{n:07d}"
            identity = body + uscc.calc_check_digit(body)
            kind = "养殖合作社"
        sheet.append(
            [kind, f"主体{n}", identity, villages[n % len(villages)], "", "", "", "", 5, 0]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    t0 = time.perf_counter()
    try:
        count = survey_import(
            scheme=scheme, data=data, filename="survey.xlsx", actor=user, today=date(2020, 11, 2)
        )
        outcome = f"{count:,} imported"
    except Exception as exc:  # duplicates in a generated sheet are refused whole, by design
        outcome = f"refused: {str(exc)[:120]}"
    print(
        f"2. survey sheet of {args.units:,} rows ({len(data) / 2**20:.1f} MB): "
        f"{time.perf_counter() - t0:.2f} s, {outcome}"
    )

    # 3. the dashboard's queries for the county's reader
    from yimen.accounts.scoping import forget_bindings

    forget_bindings(user)
    RoleBinding.objects.create(user=user, role=Role.CITY_VIEWER, division_id="220100000000")
    forget_bindings(user)
    progress.figures(user)  # warm
    t0 = time.perf_counter()
    progress.figures(user)
    took = (time.perf_counter() - t0) * 1000
    print(f"3. progress dashboard figures (all its queries): {took:.0f} ms")


if __name__ == "__main__":
    main()

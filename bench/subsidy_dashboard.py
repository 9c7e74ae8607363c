"""Benchmark: every query of the straw-to-meat programme-progress dashboard (issue 17), each
timed on its own, at the issue's volume: 50,000 applications with 150,000 items.

Makes a fresh database with Yushu's divisions and a second county, one scheme each, and
(seeded, so every run has the same data) a survey entry per unit, applications at every
stage in the proportions of a scheme after its deadline (10 % submitted, 15 % inspected,
5 % refused, 15 % approved, 15 % disclosed, 40 % paid) with three items each (pits with
measured dimensions, feed in t and m³, machines), and yearly figures. Then it times, best
of ``--repeat`` after a warm-up, each query of ``subsidy.services.progress`` for a
county reader and for the city, and the whole ``figures`` call.

    .venv/bin/python bench/subsidy_dashboard.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/subsidy_dashboard.py            # SQLite
    options: --applications 50000 --repeat 5 --explain (PostgreSQL: EXPLAIN ANALYZE each)
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import time
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from common import fresh_database

BJ = ZoneInfo("Asia/Shanghai")
COUNTIES = ["220182000000", "220183000000"]  # 榆树市, 德惠市
MIX = [
    ("submitted", 10),
    ("inspected", 15),
    ("refused", 5),
    ("approved", 15),
    ("disclosed", 15),
    ("paid", 40),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--postgres", help="server URL; a fresh database is made and dropped")
    args = parser.parse_args()
    with fresh_database(args.postgres):
        run(args)


def generate(n_apps: int) -> dict:
    from yimen.accounts.models import User
    from yimen.regions.models import Division
    from yimen.subsidy.models import (
        ApplicantType,
        Application,
        FeedMethod,
        Finding,
        Item,
        ItemType,
        Metric,
        PitMaterial,
        Programme,
        ProgrammeTarget,
        ProgressFigure,
        Scheme,
        Survey,
        Unit,
    )
    from yimen.subsidy.services.review import approved_quantities

    rng = random.Random(17)
    user = User.objects.create(username="bench", full_name="基准")
    programme = Programme.objects.create(
        code="P", name="P", division_id="220000000000", start_year=2020, target_year=2025
    )
    for metric, value in ((Metric.STRAW_FEED_T, "15000000"), (Metric.CATTLE_ADDED, "5000000")):
        ProgrammeTarget.objects.create(programme=programme, metric=metric, value=Decimal(value))
    schemes, villages = {}, {}
    for county in COUNTIES:
        schemes[county] = Scheme.objects.create(
            programme=programme,
            code=f"B{county[:6]}",
            name=county,
            division_id=county,
            opens_at=datetime(2020, 10, 19, tzinfo=BJ),
            deadline=datetime(2020, 11, 30, 23, 59, 59, tzinfo=BJ),
            applicant_types=list(ApplicantType.values),
            earliest_work_date=date(2020, 10, 19),
            crop_year=2020,
            pit_materials=[PitMaterial.CONCRETE],
            feed_methods=list(FeedMethod.values),
        )
        villages[county] = list(
            Division.objects.filter(code__startswith=county[:6], level=5).values_list(
                "code", flat=True
            )
        )
        for year in (2020, 2021):
            ProgressFigure.objects.create(
                programme=programme,
                division_id=county,
                year=year,
                metric=Metric.STRAW_FEED_T,
                value=Decimal(400000),
                entered_by=user,
            )
    statuses = [s for s, weight in MIX for _ in range(weight)]
    units, apps = [], []
    for n in range(n_apps):
        county = COUNTIES[0] if n % 5 else COUNTIES[1]  # four in five in Yushu
        village = villages[county][n % len(villages[county])]
        units.append(
            Unit(
                applicant_type=ApplicantType.FARM,
                name=f"户{n}",
                id_kind="ric",
                identity=f"B{n:017d}",
                division_id=village,
            )
        )
    Unit.objects.bulk_create(units, batch_size=5000)
    unit_rows = list(Unit.objects.order_by("pk").values_list("pk", "division_id"))
    Survey.objects.bulk_create(
        [
            Survey(
                scheme=schemes[code[:6] + "000000"],
                unit_id=pk,
                surveyed_by=user,
                status="vetted" if n % 10 else "surveyed",
            )
            for n, (pk, code) in enumerate(unit_rows)
        ],
        batch_size=5000,
    )
    m = lambda lo, hi: Decimal(rng.randint(lo, hi)) / 100  # noqa: E731
    specs = []
    for n, (pk, code) in enumerate(unit_rows):
        status = statuses[rng.randrange(len(statuses))]
        decided = status in ("refused", "approved", "disclosed", "paid")
        inspected = status != "submitted"
        amount = Decimal(rng.randint(100_000, 3_000_000)) / 100
        items = []
        for _ in range(3):
            kind = rng.choice([ItemType.PIT, ItemType.FEED, ItemType.MACHINE])
            pit, feed = kind == ItemType.PIT, kind == ItemType.FEED
            items.append(
                Item(
                    item_type=kind,
                    finding=(Finding.NOT_FOUND if rng.random() < 0.03 else Finding.AS_DECLARED)
                    if inspected
                    else "",
                    measured_length_m=m(500, 3000) if pit and inspected else None,
                    measured_width_m=m(300, 1200) if pit and inspected else None,
                    measured_depth_m=m(200, 500) if pit and inspected else None,
                    measured_quantity=m(500, 80000) if feed and inspected else None,
                    quantity_unit=rng.choice(["t", "m3"]) if feed else "",
                )
            )
        covered = approved_quantities(items) if status in ("approved", "disclosed", "paid") else {}
        apps.append(
            Application(
                scheme=schemes[code[:6] + "000000"],
                unit_id=pk,
                division_id=code,
                number=f"B-{n:06d}",
                status=status,
                channel="counter",
                created_by=user,
                submitted_at=datetime(2020, 11, 10, tzinfo=BJ),
                computed_amount=amount if decided else None,
                approved_amount=(Decimal(0) if status == "refused" else amount)
                if decided
                else None,
                decided_at=datetime(2020, 12, 8, tzinfo=BJ) if decided else None,
                **covered,
            )
        )
        specs.append(items)
    Application.objects.bulk_create(apps, batch_size=5000)  # ids come back (RETURNING)
    items = []
    for app, spec in zip(apps, specs, strict=True):
        for item in spec:
            item.application_id = app.pk
            items.append(item)
    Item.objects.bulk_create(items, batch_size=5000)
    return {"applications": len(apps), "items": len(items), "units": len(units)}


def timed(fn, repeat: int) -> float:
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run(args) -> None:
    from django.core.management import call_command
    from django.db import connection

    from yimen.accounts.models import RoleBinding, User
    from yimen.accounts.roles import Role
    from yimen.accounts.scoping import forget_bindings
    from yimen.subsidy.services import progress as p

    call_command("load_divisions", verbosity=0, stdout=io.StringIO())
    t0 = time.perf_counter()
    sizes = generate(args.applications)
    generated = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    load = os.getloadavg()
    print(
        f"# {platform.node()} · {connection.vendor} · {os.cpu_count()} cores · Python "
        f"{platform.python_version()} · {sizes} generated in {generated:.1f} s · "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    readers = {}
    for name, role, code in (
        ("county (榆树市)", Role.SUBSIDY_REVIEWER, "220182000000"),
        ("city (长春市)", Role.CITY_VIEWER, "220100000000"),
    ):
        user = User.objects.create(username=f"reader-{code}", full_name=name)
        RoleBinding.objects.create(user=user, role=role, division_id=code)
        forget_bindings(user)
        readers[name] = user
    queries = {
        "survey_counts": lambda u: p.survey_counts(p.stats_prefixes(u)),
        "application_counts": lambda u: p.application_counts(p.stats_prefixes(u)),
        "targets": lambda u: p.targets(p.stats_prefixes(u)),
        "whole dashboard (figures)": p.figures,
    }
    print("| query | " + " | ".join(readers) + " |")
    print("|---|" + "---|" * len(readers))
    for label, fn in queries.items():
        cells = [
            f"{timed(lambda fn=fn, u=u: fn(u), args.repeat) * 1000:.0f} ms"
            for u in readers.values()
        ]
        print(f"| {label} | " + " | ".join(cells) + " |", flush=True)
    if args.explain and connection.vendor == "postgresql":
        explain(p, readers["city (长春市)"])
    load = os.getloadavg()
    print(f"# load average after: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


def explain(p, user) -> None:
    """EXPLAIN ANALYZE of each query as the dashboard sends it (captured, not rebuilt)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    prefixes = p.stats_prefixes(user)
    for fn in (p.survey_counts, p.application_counts):
        with CaptureQueriesContext(connection) as captured:
            fn(prefixes)
        for query in captured.captured_queries:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                print(f"## {fn.__name__}")
                for (line,) in cursor.fetchall():
                    print(line)


if __name__ == "__main__":
    main()

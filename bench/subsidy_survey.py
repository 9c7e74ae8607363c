"""Benchmark: an Excel survey sheet of 50,000 units imported and validated (issue 17: under
20 s on both databases), end to end through ``survey_import``, and its parts.

Makes a fresh database with Yushu's divisions and a scheme, writes a sheet of ``--units``
rows (ID numbers and credit codes with their check digits, villages of the county, one
unit in ten already registered by an earlier scheme), then times:
  * the whole import (read, check, write, audit — all or nothing), twice the sheet's rows
    checked if ``--bad`` puts one bad row at the end (refused whole, nothing written);
  * its parts alone: the bounded .xlsx read, the column-wise check, the row-by-row check
    (what a sheet with a bad row pays), and the write.
``--profile`` prints the import's cProfile (cumulative, top 25). Every figure is given as
wall time and as this process's CPU time (user + sys), which the machine's load does not
change; the load average is printed before and after.

    .venv/bin/python bench/subsidy_survey.py
    .venv/bin/python bench/subsidy_survey.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    options: --units 50000 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import time
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from common import fresh_database

BJ = ZoneInfo("Asia/Shanghai")
YUSHU = "220182000000"


class Lap:
    """One timed part: wall seconds and this process's CPU seconds (user + sys)."""

    def __init__(self, wall: float, cpu: float):
        self.wall, self.cpu = wall, cpu

    def __str__(self) -> str:
        return f"{self.wall:.2f} / {self.cpu:.2f}"


class Clock:
    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> Lap:
        wall, cpu = time.perf_counter(), time.process_time()
        lap = Lap(wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return lap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--postgres", help="server URL; a fresh database is made and dropped")
    args = parser.parse_args()
    with fresh_database(args.postgres):
        run(args)


def make_sheet(n_units: int, villages: list[str]) -> bytes:
    from openpyxl import Workbook
    from stdnum.cn import ric, uscc

    from yimen.subsidy.survey_sheet import IMPORT_COLUMNS

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(IMPORT_COLUMNS)
    for n in range(n_units):
        if n % 3:
            body = f"220182{1950 + n // 1000}0101{n % 1000:03d}"  # unique for n < 70,000
            identity = body + ric.calc_check_digit(body + "0")
            kind = "草食畜养殖场户"
        else:
            body = f"93220182MA{n:07d}"
            identity = body + uscc.calc_check_digit(body)
            kind = "养殖合作社"
        village = villages[n % len(villages)]
        sheet.append(
            [kind, f"主体{n}", identity, village, "联系人", "13800000000", "农商行", "6221", 5, 0]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def scheme_for(code: str):
    from yimen.subsidy.models import ApplicantType, FeedMethod, PitMaterial, Programme, Scheme

    programme, _ = Programme.objects.get_or_create(
        code="P",
        defaults={
            "name": "P",
            "division_id": "220000000000",
            "start_year": 2020,
            "target_year": 2025,
        },
    )
    return Scheme.objects.create(
        programme=programme,
        code=code,
        name=code,
        division_id=YUSHU,
        opens_at=datetime(2020, 10, 19, tzinfo=BJ),
        deadline=datetime(2020, 11, 30, 23, 59, 59, tzinfo=BJ),
        applicant_types=list(ApplicantType.values),
        earliest_work_date=date(2020, 10, 19),
        crop_year=2020,
        pit_materials=[PitMaterial.CONCRETE],
        feed_methods=list(FeedMethod.values),
        disclosure_days=7,
        same_pit_metres=Decimal(30),
    )


def run(args) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from yimen.accounts.models import RoleBinding, User
    from yimen.accounts.roles import Role
    from yimen.regions.models import Division
    from yimen.subsidy.models import Survey, Unit
    from yimen.subsidy.services.survey import parse_rows, survey_import
    from yimen.subsidy.services.survey import village_codes as codes_of
    from yimen.subsidy.services.survey_rows import survey_rows_write
    from yimen.subsidy.survey_sheet import plain_frame, sheet_rows
    from yimen.subsidy.xlsx_values import xlsx_values

    call_command("load_divisions", verbosity=0, stdout=io.StringIO())
    user = User.objects.create(username="bench", full_name="基准")
    RoleBinding.objects.create(user=user, role=Role.SUBSIDY_SURVEYOR, division_id=YUSHU)
    villages = list(
        Division.objects.filter(code__startswith="220182", level=5).values_list("code", flat=True)
    )
    today = date(2020, 11, 2)
    data = make_sheet(args.units, villages)
    earlier = scheme_for("E2019")  # one unit in ten registered already
    survey_import(
        scheme=earlier,
        data=make_sheet(args.units // 10, villages),
        filename="earlier.xlsx",
        actor=user,
        today=today,
    )
    scheme = scheme_for("B2020")
    load = os.getloadavg()
    print(
        f"# {platform.node()} · {connection.vendor} · {os.cpu_count()} cores · Python "
        f"{platform.python_version()} · sheet of {args.units:,} rows, "
        f"{len(data) / 2**20:.1f} MB · load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )

    # the parts alone
    clock = Clock()
    numbers, cells = sheet_rows(xlsx_values(data, "survey.xlsx"))
    read = clock.lap()
    codes = codes_of(scheme)
    frame = plain_frame(cells, admitted=scheme.applicant_types, village_codes=codes, today=today)
    columns = clock.lap()
    assert frame is not None and frame.height == args.units
    good, bad = parse_rows(numbers, cells, scheme=scheme, today=today, codes=codes)
    rows = clock.lap()
    assert not bad and len(good) == args.units
    with transaction.atomic():  # rolled back: the import below writes the same rows
        clock.lap()
        survey_rows_write(scheme=scheme, frame=frame, actor=user, role="x", filename="s.xlsx")
        write = clock.lap()
        transaction.set_rollback(True)
    print(
        f"parts (wall / CPU s): read {read} · column check {columns} (row by row: {rows}) · "
        f"write with audit {write}"
    )

    # end to end
    profiler = cProfile.Profile() if args.profile else None
    clock.lap()
    if profiler:
        profiler.enable()
    count = survey_import(scheme=scheme, data=data, filename="survey.xlsx", actor=user, today=today)
    if profiler:
        profiler.disable()
    took = clock.lap()
    assert count == args.units and Survey.objects.filter(scheme=scheme).count() == args.units
    load = os.getloadavg()
    print(
        f"import end to end: {took} (wall / CPU s) for {count:,} rows "
        f"({Unit.objects.count():,} units in all) · load average after "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()

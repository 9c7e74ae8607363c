"""Benchmark: moving an old system's roster (花名册) of 200,000 households in — the dry run
and the import — on a fresh database.

Generates the sheet (one row per person, about 2.4 persons a household, in four villages,
95 % with the amount the rules give, 1 % with a planted error) as CSV (default) or Excel
(``--xlsx``), then times ``batch_check`` (read, check every column, ask the database about
every person, the rules' amounts, store the problems and the writable households) and
``batch_import`` (the kept households, the database asked again, then applications, members,
roster rows, entitlements, stored facts, notes and one migration event), each with its wall
clock, this process's CPU and, on PostgreSQL, the server backend's CPU. Prints one line for
docs/performance.md.

    .venv/bin/python bench/roster_import.py --households 200000
    .venv/bin/python bench/roster_import.py --households 200000 --postgres postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import random
import time

from common import add_divisions, backend_cpu, fresh_database, peak_rss_mib, process_cpu

HEADERS = [
    "户主姓名",
    "户主身份证号",
    "成员姓名",
    "身份证号",
    "与户主关系",
    "救助类别",
    "城乡类别",
    "月保障金额",
    "享受起始年月",
    "开户银行",
    "银行账号",
    "乡镇（街道）",
    "村（社区）",
    "家庭住址",
]
VILLAGES = [
    ("220102001001", "南岭街道", "华阳社区"),
    ("220102001002", "南岭街道", "恒安社区"),
    ("220102002001", "自强街道", "北安社区"),
    ("220102002002", "自强街道", "东风社区"),
]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(serial: int) -> str:
    # unique per serial: birth day from the serial's high part, sequence from its low part
    day = 1 + (serial // 1000) % 28
    month = 1 + (serial // 28000) % 12
    year = 1935 + (serial // 336000) % 80
    body = f"220102{year}{month:02d}{day:02d}{serial % 1000:03d}"
    total = sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def amounts() -> dict:
    """(kind, hukou, members) → the rules' amount as text, under the parameters in force
    (members born in 1950: the amount of a household without income depends on its size)."""
    from datetime import date

    from yimen.rostermove.kinds.roster_amounts import rules_amount

    today = date.today()
    return {
        (kind, hukou, n): rules_amount(
            code, hukou_code, [date(1950, 1, 1)] * n, VILLAGES[0][0], today
        )
        for kind, code in (("低保", "dibao"), ("特困", "tekun"))
        for hukou, hukou_code in (("城市", "urban"), ("农村", "rural"))
        for n in range(1, 6)
    }


def generate(n: int, xlsx: bool) -> tuple[bytes, int]:
    """The sheet, and the number of persons in it."""
    rng = random.Random(22)
    rules = amounts()
    rows = []
    serial = 0
    for i in range(n):
        kind = rng.choices(["低保", "特困", "低收入"], [80, 10, 10])[0]
        hukou = rng.choice(["城市", "农村"])
        size = 1 if kind == "特困" else rng.choice([1, 2, 2, 3, 3, 4])
        _code, township, village = VILLAGES[i % len(VILLAGES)]
        people = []
        for _m in range(size):
            serial += 1
            people.append((f"王{i % 97}{serial % 89}", id_number(serial)))
        amount = "" if kind == "低收入" else rules[(kind, hukou, size)]
        if amount and rng.random() < 0.05:
            amount = f"{float(amount) + 15:.2f}"  # differs from the rules: a notice
        head_name, head_id = people[0]
        for m, (name, pid) in enumerate(people):
            if rng.random() < 0.002:
                pid = pid[:17] + ("0" if pid[17] != "0" else "1")  # a wrong check digit
            row = [head_name, head_id, name, pid, "户主" if m == 0 else "子女"]
            if m == 0:
                row += [
                    kind,
                    hukou,
                    amount,
                    f"{2012 + i % 14}-{1 + i % 12:02d}",
                    "吉林农村信用社",
                    f"62{i:014d}",
                    township,
                    village,
                    f"{village}{i % 90 + 1}号",
                ]
            else:
                row += [""] * 9
            rows.append(row)
    if xlsx:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("花名册")
        sheet.append(HEADERS)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue(), len(rows)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig"), len(rows)


def run(args) -> None:
    from django.core.management import call_command
    from django.db import connection

    from yimen.accounts.models import RoleBinding, User
    from yimen.accounts.roles import Role
    from yimen.benefits.models import Beneficiary
    from yimen.regions.models import Division
    from yimen.rostermove.services import batch_check, batch_import

    add_divisions()
    Division.objects.get_or_create(
        code="220102001002", defaults={"name": "恒安社区", "level": 5, "parent_id": "220102001000"}
    )
    Division.objects.get_or_create(
        code="220102002000", defaults={"name": "自强街道", "level": 4, "parent_id": "220102000000"}
    )
    for code, _t, name in VILLAGES[2:]:
        Division.objects.get_or_create(
            code=code, defaults={"name": name, "level": 5, "parent_id": "220102002000"}
        )
    call_command("load_parameters", verbosity=0)
    user = User.objects.create(username="bench", full_name="基准县民政")
    RoleBinding.objects.create(user=user, role=Role.COUNTY_SUPERVISOR, division_id="220102000000")
    t0 = time.perf_counter()
    data, persons = generate(args.households, args.xlsx)
    generate_s = time.perf_counter() - t0
    load = os.getloadavg()

    def timed(step, **kwargs):
        """(result, wall s, this process's CPU s, the PostgreSQL backend's CPU s)."""
        cpu0, server0, t0 = process_cpu(), backend_cpu(), time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            result = profile.runcall(step, **kwargs)
            pstats.Stats(profile).sort_stats(os.environ["BENCH_PROFILE"]).print_stats(40)
        else:
            result = step(**kwargs)
        wall = time.perf_counter() - t0
        return result, wall, process_cpu() - cpu0, backend_cpu() - server0

    batch, check_s, check_cpu, check_server = timed(
        batch_check,
        actor=user,
        kind="roster",
        division_code="220102",
        data=data,
        file_name="bench.xlsx" if args.xlsx else "bench.csv",
    )
    outcome, import_s, import_cpu, import_server = timed(batch_import, actor=user, batch=batch)
    assert Beneficiary.objects.count() == outcome.imported == batch.valid
    print(
        f"roster_import db={connection.vendor} format={'xlsx' if args.xlsx else 'csv'} "
        f"households={args.households} persons={persons} file_mb={len(data) / 1e6:.1f} "
        f"valid={batch.valid} blocking={batch.blocking} notices={batch.notices} "
        f"generate_s={generate_s:.1f} dry_run_s={check_s:.1f} import_s={import_s:.1f} "
        f"total_s={check_s + import_s:.1f} "
        f"dry_run_cpu_s={check_cpu:.1f} import_cpu_s={import_cpu:.1f} "
        f"dry_run_server_cpu_s={check_server:.1f} import_server_cpu_s={import_server:.1f} "
        f"peak_rss_mib={peak_rss_mib():.0f} "
        f"load_before={load[0]:.2f} load_after={os.getloadavg()[0]:.2f} "
        f"python={platform.python_version()} cpus={os.cpu_count()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--xlsx", action="store_true", help="an Excel sheet instead of CSV")
    parser.add_argument("--postgres", help="server URL; a fresh database is made and dropped")
    args = parser.parse_args()
    with fresh_database(args.postgres):
        run(args)


if __name__ == "__main__":
    main()

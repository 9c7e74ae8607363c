"""Benchmark: the indicators page over millions of settlement records on PostgreSQL.

Generates N settlements server-side (INSERT … SELECT over generate_series, in batches):
a year of days, 70 % insured in Changchun, the rest from 30 other cities; Changchun's insured
treated at home or in 30 other cities, the others treated in Changchun; 10 % emergency, 2 %
cancelled. Builds the daily totals from them with one GROUP BY, spread over the 16 shards as
the settlement transactions spread them (row by row), checks that the page's figures equal
a recount of the settlements, then times the page (login, query, template) through Django's
test client.

    .venv/bin/python bench/settlement_indicators.py \
        --postgres postgres://postgres@127.0.0.1:5432/postgres --records 10000000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from datetime import date, timedelta

from settlement_load import drop_database, fresh_database, make_divisions, setup_django

CITIES = [
    "1101", "1201", "1301", "1401", "1501", "2101", "2102", "2202", "2301", "3101", "3201",
    "3301", "3401", "3501", "3601", "3701", "4101", "4201", "4301", "4401", "4403", "4501",
    "4601", "5001", "5101", "5201", "5301", "6101", "6201", "6501",
]  # fmt: skip

INSERT = """
INSERT INTO settlement_settlement (
  setl_id, encounter_id, person_id, institution_id, filing_id, kind, status, basis, level,
  emergency, cross_province, insured_division_code, treatment_division_code, setl_time, day,
  year, msgid, cancel_msgid, cancelled_at, ratio, critical_base, line_count, medfee_sumamt,
  fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt, act_pay_dedc, hifp_pay,
  pool_prop_selfpay, hifmi_pay, hifob_pay, maf_pay, fund_pay_sumamt, psn_part_amt, acct_pay,
  psn_cash_pay, balc, setldetail, reasons)
SELECT 'B' || lpad(g::text, 12, '0'), %(encounter)s, %(person)s, %(institution)s, NULL,
  CASE WHEN g %% 10 < 7 THEN 'outpatient' ELSE 'inpatient' END,
  CASE WHEN g %% 50 = 0 THEN 'cancelled' ELSE 'settled' END, 'local', 'level2',
  g %% 10 = 3, left(ic, 2) <> left(tc, 2), rpad(ic, 12, '0'), rpad(tc, 12, '0'),
  d::timestamptz, d, 2025, 'BENCH' || g, '', NULL, 0.8, 0, 3, fee, 0, 0, 0, fee, 0,
  fee * 6 / 10, 0, 0, 0, 0, fee * 6 / 10, fee - fee * 6 / 10, 0, fee - fee * 6 / 10, 0,
  '[]'::jsonb, '[]'::jsonb
FROM (
  SELECT g, date '2025-01-01' + (g %% 365) AS d,
    CASE WHEN g %% 10 < 7 THEN '2201' ELSE (%(cities)s)[1 + (g / 7) %% 30] END AS ic,
    CASE WHEN g %% 10 < 7 AND g %% 5 < 3 THEN '2201'
         WHEN g %% 10 < 7 THEN (%(cities)s)[1 + (g / 11) %% 30] ELSE '2201' END AS tc,
    (10000 + (g::bigint * 7919) %% 2000000) AS fee
  FROM generate_series(%(start)s, %(stop)s) AS g
) AS s
"""

DAILY = """
INSERT INTO settlement_dailytotal (day, insured_division_code, treatment_division_code, kind,
  cross_province, emergency, shard, count, medfee_fen, fund_fen)
SELECT day, rpad(left(insured_division_code, 4), 12, '0'),
  rpad(left(treatment_division_code, 4), 12, '0'), kind, cross_province, emergency,
  id % 16, count(*), sum(medfee_sumamt), sum(fund_pay_sumamt)
FROM settlement_settlement WHERE status = 'settled'
GROUP BY 1, 2, 3, 4, 5, 6, 7
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--batch", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--fold", action="store_true", help="fold past days' shards first (settlement_fold_daily)"
    )
    args = parser.parse_args()
    name, url = fresh_database(args.postgres)
    try:
        run(args, url)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args.postgres, name)


def run(args, url: str) -> None:
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from yimen.accounts.models import RoleBinding, User
    from yimen.accounts.roles import Role
    from yimen.medins.models import InsuredPerson
    from yimen.settlement.demo import load_reference
    from yimen.settlement.indicators import indicators, recount
    from yimen.settlement.models import Encounter, Institution

    call_command("migrate", verbosity=0)
    make_divisions()
    load_reference()
    person = InsuredPerson.objects.create(
        id_number="220102198001010011", name="基准", insured_division_id="220102000000",
        insurance_type="employee", status="contributing",
    )  # fmt: skip
    hospital = Institution.objects.get(code="H22010200002")
    visit = Encounter.objects.create(mdtrt_id="MBENCH", institution=hospital, person=person,
                                     kind="outpatient", med_type="11", insutype="310",
                                     begntime=timezone.now())  # fmt: skip
    cities = "ARRAY[" + ",".join(f"'{c}'" for c in CITIES) + "]"
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        for start in range(1, args.records + 1, args.batch):
            stop = min(args.records, start + args.batch - 1)
            sql = INSERT.replace("%(cities)s", cities)
            cursor.execute(
                sql,
                {
                    "encounter": visit.pk,
                    "person": person.pk,
                    "institution": hospital.pk,
                    "start": start,
                    "stop": stop,
                },
            )
        generate_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        cursor.execute(DAILY)
        cursor.execute("ANALYZE settlement_settlement")
        cursor.execute("ANALYZE settlement_dailytotal")
        daily_s = time.perf_counter() - t1
        cursor.execute("SELECT count(*) FROM settlement_dailytotal")
        daily_rows = cursor.fetchone()[0]
        cursor.execute("SELECT pg_total_relation_size('settlement_settlement')")
        table_bytes = cursor.fetchone()[0]
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    if args.fold:
        from yimen.settlement.services.settling import daily_totals_fold

        daily_totals_fold(before=end + timedelta(days=1))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE settlement_dailytotal")
            cursor.execute("SELECT count(*) FROM settlement_dailytotal")
            daily_rows = cursor.fetchone()[0]
    t2 = time.perf_counter()
    outbound, inbound = recount("220100", start, end)
    recount_s = time.perf_counter() - t2
    fast = indicators("220100", start, end)
    exact = (fast.outbound, fast.inbound) == (outbound, inbound)
    viewer = User.objects.create(username="bench-viewer", full_name="基准")
    RoleBinding.objects.create(user=viewer, role=Role.CITY_VIEWER, division_id="220100000000")
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host of the base settings
    client.force_login(viewer)
    query = {"start": "2025-01-01", "end": "2025-12-31", "division": "220100"}
    client.get("/settlement/indicators/", query)  # warm-up: template compile, first connection
    timings = []
    for _ in range(20):
        t = time.perf_counter()
        response = client.get("/settlement/indicators/", query)
        timings.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.content[:500]
    t = time.perf_counter()
    client.get("/settlement/indicators.xlsx", query)
    export_ms = (time.perf_counter() - t) * 1000
    print(json.dumps({
        "records": args.records, "folded": args.fold, "generate_s": round(generate_s, 1),
        "daily_totals_build_s": round(daily_s, 1), "daily_total_rows": daily_rows,
        "settlement_table_mb": round(table_bytes / 2**20), "exact": exact,
        "outbound_count": outbound.count, "inbound_count": inbound.count,
        "recount_from_settlements_s": round(recount_s, 2),
        "page_p50_ms": round(statistics.median(timings), 1), "page_max_ms": round(max(timings), 1),
        "export_ms": round(export_ms, 1), "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }))  # fmt: skip


if __name__ == "__main__":
    main()

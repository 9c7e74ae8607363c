"""Benchmark: outpatient settlement (2207) through the HTTP interface on PostgreSQL, under
open-loop load from another process on loopback, served by gunicorn.

Makes a fresh database, migrates, loads the reference data (institutions, catalog, policy),
creates insured persons with account balances and one registered visit with three uploaded
fee lines per settlement to be sent, signs the institutions in, starts the server (granian
or gunicorn), runs
bench/settlement_client.py as a separate process, then checks that every successful answer
left exactly one settlement row, and prints the figures.

    .venv/bin/python bench/settlement_load.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    options: --rate 200 --seconds 30 --server granian --workers 2 --threads 4 --persons 2000
             (--server gunicorn: --worker-class gthread|sync, --threads per gthread worker)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM = 30  # visits settled before the clock starts
TOKEN = "bench-token"  # noqa: S105 — a throw-away credential of this benchmark
DIVISIONS = [
    ("220000000000", "吉林省"), ("220100000000", "长春市"), ("220102000000", "南关区"),
    ("220103000000", "宽城区"), ("220182000000", "榆树市"), ("460000000000", "海南省"),
    ("460100000000", "海口市"),
]  # fmt: skip


def fresh_database(server: str) -> tuple[str, str]:
    import psycopg

    name = f"yimen_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, f"{server.rsplit('/', 1)[0]}/{name}"


def drop_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="yimen.settings.base", YIMEN_ALLOW_INSECURE_KEY="1",
        YIMEN_LOG_LEVEL="WARNING", YIMEN_DATABASE_URL=url, YIMEN_DB_CONN_MAX_AGE="persistent",
        YIMEN_FSI_AUTH=json.dumps([{"scheme": "bearer", "token": TOKEN, "institutions": "*"}]),
    )  # fmt: skip
    import django

    django.setup()


def make_divisions() -> None:
    from yimen.regions.codes import level_of, parent_code
    from yimen.regions.models import Division

    for code, name in DIVISIONS:
        Division.objects.get_or_create(
            code=code,
            defaults={"name": name, "level": level_of(code), "parent_id": parent_code(code)},
        )


def generate(persons: int, visits: int) -> list[dict]:
    """Persons, visits with their fee lines, sign-ins; returns the 2207 envelopes to send."""
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    from yimen.medins.models import AccountEntry, EntryKind, InsuredPerson
    from yimen.settlement.demo import load_reference
    from yimen.settlement.models import Encounter, FeeDetail, Filing, Institution, SignIn
    from yimen.settlement.rules.catalog import BillLine, split_line
    from yimen.settlement.services.lookup import catalog_for

    make_divisions()
    load_reference()
    now = timezone.now()
    people = InsuredPerson.objects.bulk_create(
        [
            InsuredPerson(
                id_number=_id(i),
                name=f"参保人{i}", insured_division_id="220102000000",
                insurance_type="employee", status="retired" if i % 4 == 0 else "contributing",
            )
            for i in range(persons)
        ],
        batch_size=2000,
    )  # fmt: skip
    AccountEntry.objects.bulk_create(
        [AccountEntry(person=p, amount_fen=5_000_00, kind=EntryKind.ADJUSTMENT,
                      reference=f"bench-{p.pk}") for p in people],
        batch_size=2000,
    )  # fmt: skip
    # half the persons are filed long-stay in Hainan, so Haikou visits settle as filed
    Filing.objects.bulk_create(
        [Filing(person=p, serial=f"BENCH{p.pk:010d}", category="retiree",
                destination_id="460000000000", begin_date=date(2025, 1, 1),
                documents=["commitment", "form", "identity"], channel="counter")
         for p in people[::2]],
        batch_size=2000,
    )  # fmt: skip
    hospitals = list(Institution.objects.filter(code__in=["H22010200002", "H46010000001"]))
    signs = {h.code: SignIn.objects.create(sign_no=f"BENCH{h.pk}", institution=h, opter="b",
                                           signed_in_at=now) for h in hospitals}  # fmt: skip
    lines = [("XJ01CAA001", Decimal(3), Decimal("150")), ("XC10AAA005", Decimal(10),
             Decimal("40")), ("XK01ZZZ999", Decimal(1), Decimal("80"))]  # fmt: skip
    catalogs = {h.code: catalog_for(h.division_id, [c for c, _, _ in lines], now.date())
                for h in hospitals}  # fmt: skip
    encounters, jobs = [], []
    for i in range(visits):
        hospital, person = hospitals[i % 2], people[(i * 7) % persons]
        encounters.append(Encounter(
            mdtrt_id=f"MB{i:012d}", institution=hospital, person=person, kind="outpatient",
            med_type="11", insutype="310", begntime=now,
        ))  # fmt: skip
    Encounter.objects.bulk_create(encounters, batch_size=2000)
    fees = []
    for visit in encounters:
        catalog = catalogs[visit.institution.code]
        for n, (code, cnt, pric) in enumerate(lines):
            item = catalog[code]
            split = split_line(
                BillLine(
                    str(n),
                    code,
                    int(cnt * pric * 100),
                    cnt,
                    pric,
                    item.item_class,
                    item.selfpay_prop,
                    item.price_cap,
                )
            )
            fees.append(FeeDetail(
                encounter=visit, feedetl_sn=str(n), med_list_codg=code, amount_fen=split.amount_fen,
                cnt=cnt, pric=pric, item_class=item.item_class, selfpay_prop=split.selfpay_prop,
                price_cap=item.price_cap, fulamt_ownpay_fen=split.fulamt_ownpay_fen,
                overlmt_fen=split.overlmt_fen, preselfpay_fen=split.preselfpay_fen,
                inscp_fen=split.inscp_fen,
            ))  # fmt: skip
    FeeDetail.objects.bulk_create(fees, batch_size=5000)
    for i, visit in enumerate(encounters):
        h = visit.institution
        jobs.append({
            "infno": "2207", "msgid": f"{h.code}{now:%Y%m%d%H%M%S}{i:06d}",
            "mdtrtarea_admvs": h.division_id[:6], "insuplc_admdvs": "220102",
            "recer_sys_code": "YBXT", "infver": "V1.0", "opter_type": "1", "opter": "b",
            "opter_name": "基准", "inf_time": f"{now:%Y-%m-%d %H:%M:%S}", "fixmedins_code": h.code,
            "fixmedins_name": h.name, "sign_no": signs[h.code].sign_no,
            "input": {"data": {"psn_no": str(visit.person_id), "mdtrt_id": visit.mdtrt_id,
                               "medfee_sumamt": "930.00", "insutype": "310",
                               "acct_used_flag": "1", "mdtrt_cert_type": "02"}},
        })  # fmt: skip
    return jobs


def _id(i: int) -> str:
    from stdnum.cn import ric

    body = f"22{i:012d}{i % 1000:03d}"  # 17 digits, unique per i
    return body + ric.calc_check_digit(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, help="server URL; a fresh database is used")
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--server", default="granian", choices=["granian", "gunicorn"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="per worker (granian: blocking)")
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    name, url = fresh_database(args.postgres)
    server = None
    try:
        setup_django(url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        visits = int(args.rate * args.seconds) + WARM
        t0 = time.perf_counter()
        jobs = generate(args.persons, visits)
        generate_s = time.perf_counter() - t0
        from django.db import connections

        connections.close_all()
        jobs_file = Path(tempfile.mkdtemp()) / "jobs.json"
        jobs_file.write_text(json.dumps(jobs, ensure_ascii=False), "utf-8")
        command = server_command(args)
        # the server's own output goes to stderr: stdout is the one line of figures
        server = subprocess.Popen(command, env=os.environ.copy(), cwd=ROOT, stdout=sys.stderr)  # noqa: S603
        wait_ready(args.port)
        warm(jobs[-WARM:], args.port)
        cpu_before = workers_cpu(server.pid)
        pg_before = backends_cpu(args.postgres, name)
        load_before = os.getloadavg()
        client = subprocess.run(  # noqa: S603 — our own client script
            [sys.executable, str(ROOT / "bench/settlement_client.py"), str(jobs_file),
             f"http://127.0.0.1:{args.port}", str(args.rate), str(args.seconds), TOKEN],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        figures = json.loads(client.stdout)
        figures["server"] = " ".join(command[1:])
        figures["worker_cpu_ms_per_request"] = round(
            (workers_cpu(server.pid) - cpu_before) * 1000 / max(1, figures["sent"]), 2
        )
        figures["postgres_cpu_ms_per_request"] = round(
            sum(
                cpu - pg_before.get(pid, 0.0)
                for pid, cpu in backends_cpu(args.postgres, name).items()
            )
            * 1000
            / max(1, figures["sent"]),
            2,
        )
        figures["loadavg_before"] = [round(x, 2) for x in load_before]
        figures["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
        from yimen.settlement.models import Settlement

        stored = Settlement.objects.count() - WARM
        figures.update(
            stored_settlements=stored, matches=stored == figures["ok"], workers=args.workers,
            generate_s=round(generate_s, 1), cpus=os.cpu_count(), python=platform.python_version(),
        )  # fmt: skip
        print(json.dumps(figures, ensure_ascii=False))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        drop_database(args.postgres, name)


def server_command(args: argparse.Namespace) -> list[str]:
    if args.server == "gunicorn":
        return [
            str(ROOT / ".venv/bin/gunicorn"), "yimen.wsgi", "--preload", "-w", str(args.workers),
            "-k", args.worker_class, "--threads", str(args.threads),
            "-b", f"127.0.0.1:{args.port}", "--log-level", "warning", "--backlog", "2048",
        ]  # fmt: skip
    return [
        str(ROOT / ".venv/bin/granian"), "--interface", "wsgi", "yimen.wsgi:application",
        "--workers", str(args.workers), "--blocking-threads", str(args.threads),
        "--runtime-threads", "1", "--host", "127.0.0.1", "--port", str(args.port),
        "--http", "1", "--no-ws", "--backlog", "2048", "--log-level", "warning",
    ]  # fmt: skip


def workers_cpu(master: int) -> float:
    """CPU seconds (user + system) used so far by the server: the master process and all its
    descendants (the workers), from Linux /proc."""
    total, todo = 0.0, [master]
    while todo:
        pid = todo.pop()
        total += proc_cpu(pid)
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return total


def proc_cpu(pid: int | str) -> float:
    """CPU seconds (user + system) of one process so far, 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backends_cpu(server: str, name: str) -> dict[int, float]:
    """CPU seconds of the PostgreSQL backends serving database ``name`` (same machine).

    The workers keep their connections (CONN_MAX_AGE), so the same backends are read before
    and after the run; the WAL writer and checkpointer are shared and not counted."""
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        pids = [r[0] for r in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )]  # fmt: skip
    return {pid: proc_cpu(pid) for pid in pids}


def wait_ready(port: int) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/fsi/api/rsfComIfsService/callService")
        except urllib.error.HTTPError:
            return  # any HTTP answer (405 for GET) means it is up
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def warm(jobs: list[dict], port: int) -> None:
    """Settle the last few visits first so the workers have connected and parsed the policy."""
    for job in jobs:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/fsi/api/rsfComIfsService/callService",
            data=json.dumps(job).encode(), headers={"Authorization": f"Bearer {TOKEN}"},
        )  # fmt: skip
        urllib.request.urlopen(request).read()  # noqa: S310 — http://127.0.0.1 only


if __name__ == "__main__":
    main()

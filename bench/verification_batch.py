"""Benchmark: the verification batch run — 100,000 households against 10,000,000 records.

Generates, into a fresh database and data directory: the people of the requested
households with synthetic.py (valid ID numbers, real Changchun villages) and their partner
records from synthetic.rows_for, plus a background population's records (vectorised, valid
check digits) up to the total asked for, one Parquet batch per source; then the
applications, members, declared incomes and assets, the cases waiting at the verify step
and one pending verification request per household (bulk inserts). Measured in one run:

* the engine's matching and aggregation (matching.match_members) against a hand-written
  DuckDB query over the same Parquet files (join + group by per source);
* the end-to-end run (run_start + run_execute): matching, declarations, reports, storing
  every report, completing the verify tasks, disputes, audit;
* import speed of the importer (partner_data_import) for CSV and for Parquet;
* a per-person query loop (ORM reads of each household, one query per person and source)
  on a sample, extrapolated; and the process's peak memory.

    .venv/bin/python bench/verification_batch.py                       # full size, SQLite
    .venv/bin/python bench/verification_batch.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/verification_batch.py --households 2000 --records 200000   # quick
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import resource
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from common import configured_database  # the same fresh-database set-up

# Shares of the background records per source (roughly what a county's partners send).
BACKGROUND_SHARE = {
    "bank_deposits": 0.35,
    "social_insurance": 0.30,
    "housing_fund": 0.10,
    "household_register": 0.08,
    "real_estate": 0.08,
    "vehicles": 0.05,
    "tax": 0.02,
    "securities": 0.01,
    "market_entities": 0.01,
}
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=0, help="default 3.5 × households")
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--loop-sample", type=int, default=1000)
    parser.add_argument("--loop-budget", type=float, default=120.0, help="seconds at most")
    parser.add_argument("--import-rows", type=int, default=200_000)
    parser.add_argument("--postgres", help="server URL; a fresh database is made and dropped")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument(
        "--populate-only", action="store_true", help="stop before the measurements (with --keep)"
    )
    parser.add_argument(
        "--measure-only",
        metavar="POPULATED",
        help="measure matching and the run again on a copy of a populated data directory "
        "(SQLite) or database name (with --postgres; YIMEN_DATA_DIR names its data directory)",
    )
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="the run's matching engine (YIMEN_VERIFICATION_ENGINE; spark: local[2] unless "
        "YIMEN_SPARK_MASTER says otherwise)",
    )
    args = parser.parse_args()
    os.environ["YIMEN_VERIFICATION_ENGINE"] = args.engine
    args.people = args.people or int(args.households * 3.5)
    if args.measure_only:
        with populated_copy(args):
            measure_only(args)
        return
    with configured_database(args.postgres, keep=args.keep):
        run(args)


@contextlib.contextmanager
def populated_copy(args):
    """A throw-away copy of what ``--populate-only`` left (a run changes the database): the
    SQLite file copied next to a link to the partner data, or ``CREATE DATABASE … TEMPLATE``."""
    import shutil

    if not args.postgres:
        source = Path(args.measure_only)
        copy = Path(tempfile.mkdtemp(prefix="yimen-bench-copy-"))
        shutil.copyfile(source / "yimen.sqlite3", copy / "yimen.sqlite3")
        (copy / "verification").symlink_to(source / "verification")
        os.environ["YIMEN_DATA_DIR"] = str(copy)
        try:
            with configured_database(None):
                yield
        finally:
            shutil.rmtree(copy)
        return
    import psycopg

    name = f"yimen_copy_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{args.measure_only}"')
    try:
        with configured_database(args.postgres, reuse=name):
            yield
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def background_ids(n: int, seed: int):
    """``n`` distinct valid ID numbers of an area nobody requested (vectorised)."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    days = rng.integers(0, 365 * 70, n)
    births = (np.datetime64("1940-01-01") + days.astype("timedelta64[D]")).astype(str)
    serial = np.arange(n) % 1000
    frame = pl.DataFrame({"birth": births, "serial": serial}).with_columns(
        pl.concat_str(
            pl.lit("229901"),
            pl.col("birth").str.replace_all("-", ""),
            pl.col("serial").cast(pl.String).str.zfill(3),
        ).alias("body")
    )
    # keep one of each body (birth+serial), fill up with new draws if needed
    bodies = frame["body"].unique(maintain_order=True)
    digits = np.frombuffer("".join(bodies.to_list()).encode(), dtype=np.uint8).reshape(-1, 17)
    total = ((digits - 48).astype(np.int64) * np.array(WEIGHTS)).sum(axis=1) % 11
    checks = np.array(list("10X98765432"))[total]
    return (bodies + pl.Series(checks)).to_list()


def background_rows(source: str, n: int, ids: list[str], seed: int):
    """``n`` rows of ``source`` about background people, typed as the adapter's schema."""
    import numpy as np
    import polars as pl

    from yimen.verification.sources import SOURCES
    from yimen.verification.synthetic import BANKS, changchun_villages

    rng = np.random.default_rng(seed)
    who = pl.Series(ids).gather(rng.integers(0, len(ids), n))
    money = pl.Series(np.round(rng.lognormal(np.log(6000), 1.2, n), 2)).cast(pl.Decimal(18, 2))
    day = pl.Series(
        np.datetime64("2005-01-01") + rng.integers(0, 7000, n).astype("timedelta64[D]")
    ).cast(pl.Date)
    month = pl.Series(rng.integers(1, 13, n)).map_elements(
        lambda m: f"2025-{m:02d}", return_dtype=pl.String
    )
    pick = lambda options: pl.Series(list(options)).gather(rng.integers(0, len(options), n))  # noqa: E731
    columns = {
        "household_register": lambda: {
            "name": pl.repeat("某某", n, eager=True),
            "division_code": pick(changchun_villages()),
            "hukou_type": pick(("urban", "rural")),
        },
        "bank_deposits": lambda: {
            "bank": pick(BANKS),
            "account_masked": pl.repeat("6217****0000", n, eager=True),
            "balance": money,
        },
        "securities": lambda: {"institution": pick(("东北证券",)), "market_value": money},
        "vehicles": lambda: {
            "plate": pl.repeat("长春000000", n, eager=True),
            "vehicle_kind": pick(("ebike",) * 7 + ("car", "motorcycle", "farm")),
            "registered_on": day,
        },
        "real_estate": lambda: {
            "property_id": pl.repeat("吉(2015)长春市不动产权第0000000号", n, eager=True),
            "kind": pick(("residential",) * 9 + ("non_residential",)),
            "area_m2": pl.Series(np.round(rng.normal(80, 20, n).clip(20, 300), 2)).cast(
                pl.Decimal(12, 2)
            ),
            "registered_on": day,
        },
        "market_entities": lambda: {
            "entity_name": pl.repeat("长春市某某小吃部", n, eager=True),
            "credit_code": pl.repeat("92220101MA00000000", n, eager=True),
            "registered_on": day,
            "status": pick(("active", "cancelled")),
        },
        "social_insurance": lambda: {
            "month": month,
            "kind": pick(("contribution", "pension")),
            "amount": money,
        },
        "housing_fund": lambda: {"month": month, "amount": money},
        "tax": lambda: {
            "year": pl.Series(rng.integers(2023, 2026, n)).cast(pl.Int32),
            "taxable_income": money,
        },
    }[source]()
    from yimen.fieldcrypt.columns import blind_indexes

    # as the importer stores it (issue 23): the blind index in place of the ID number
    who = pl.Series("id_number", blind_indexes("id_number", list(who)), pl.String)
    return (
        pl.DataFrame({"id_number": who, **columns})
        .select(SOURCES[source].column_names)
        .cast(SOURCES[source].schema)
    )


def generate_partner_data(args, persons, data_dir: Path) -> dict[str, tuple[Path, int]]:
    """One Parquet file per source: the requested people's rows plus background rows."""
    import polars as pl

    from yimen.verification.sources import SOURCES
    from yimen.verification.synthetic import rows_for

    own: dict[str, pl.DataFrame] = {}
    for code, adapter in SOURCES.items():
        rows = rows_for(code, persons, seed=1)
        own[code] = pl.DataFrame(
            {c: [r[c] for r in rows] for c in adapter.column_names}, schema=adapter.schema
        )
        del rows
    truth = person_truth(own)
    requested_rows = sum(f.height for f in own.values())
    background = max(0, args.records - requested_rows)
    ids = background_ids(max(1000, background // 5), seed=7) if background else []
    out = {}
    for i, code in enumerate(SOURCES):
        n = int(background * BACKGROUND_SHARE[code])
        frame = own.pop(code)
        if n:
            frame = pl.concat([frame, background_rows(code, n, ids, seed=100 + i)])
        # partners' files come in no particular order: shuffle
        frame = frame.sample(fraction=1.0, shuffle=True, seed=i)
        path = data_dir / "verification" / code / f"bench-{code}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.write_parquet(path)
        out[code] = (path, frame.height)
    return out, truth


def person_truth(own) -> dict[str, dict]:
    """Per person, what the partner records say (to declare it truthfully)."""
    import polars as pl

    def per(code, expr, name):
        frame = own[code]
        return dict(frame.group_by("id_number").agg(expr.alias(name)).iter_rows())

    return {
        "deposits": per("bank_deposits", pl.col("balance").sum(), "v"),
        "securities": per("securities", pl.col("market_value").sum(), "v"),
        "cars": per("vehicles", (pl.col("vehicle_kind") == "car").sum(), "v"),
        "homes": per("real_estate", (pl.col("kind") == "residential").sum(), "v"),
        "wages": per("tax", pl.col("taxable_income").sum(), "v"),
        "pension": per(
            "social_insurance", pl.col("amount").filter(pl.col("kind") == "pension").max(), "v"
        ),
        "entities": per("market_entities", (pl.col("status") == "active").sum(), "v"),
    }


def populate(args, persons, files, data_dir: Path, truth):
    """Divisions, caseworkers, applications, members, declarations, cases, requests."""
    from datetime import date
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from yimen.accounts.models import RoleBinding, User
    from yimen.accounts.roles import Role
    from yimen.assistance.models import Application, Asset, Income, Member
    from yimen.regions.codes import Level, code_at_level
    from yimen.verification.models import ImportBatch, VerificationRequest
    from yimen.workflow.models import Case, Task

    call_command("load_divisions", verbosity=0)
    now = timezone.now()
    for code, (path, rows) in files.items():
        ImportBatch.objects.create(
            source=code,
            partner="基准合作单位",
            as_of=date(2026, 11, 1),
            sha256=uuid.uuid4().hex * 2,
            file_name=path.name,
            row_count=rows,
            parquet_path=str(path.relative_to(data_dir)),
            imported_at=now,
        )
    rng = random.Random(5)
    sizes = []
    left = len(persons)
    for h in range(args.households):
        remaining = args.households - h
        size = max(1, min(5, round(left / remaining) + rng.choice((-1, 0, 0, 1))))
        size = left - (remaining - 1) if remaining == 1 else min(size, left - (remaining - 1))
        sizes.append(size)
        left -= size
    townships = sorted({code_at_level(p.division_code, Level.TOWNSHIP) for p in persons})
    workers = {}
    for t in townships:
        user = User.objects.create(username=f"bench-{t}", full_name=f"核对员{t[-6:]}")
        RoleBinding.objects.create(user=user, role=Role.TOWNSHIP_CASEWORKER, division_id=t)
        workers[t] = user
    creator = next(iter(workers.values()))
    households = []
    start = 0
    for size in sizes:
        households.append(persons[start : start + size])
        start += size
    cases = [
        Case(
            number=f"BV-{i:07d}",
            process="assist",
            title=f"核对基准 {i}",
            division_id=h[0].division_code,
            stage=1,
            opened_at=now,
        )
        for i, h in enumerate(households)
    ]
    Case.objects.bulk_create(cases, batch_size=5000)
    case_ids = list(
        Case.objects.filter(process="assist").order_by("pk").values_list("pk", flat=True)
    )
    tasks = []
    for i, (case_id, h) in enumerate(zip(case_ids, households, strict=True)):
        township = code_at_level(h[0].division_code, Level.TOWNSHIP)
        tasks.append(
            Task(
                case_id=case_id,
                step="verify",
                stage=1,
                division_id=township,
                roles="|township_caseworker|",
                opened_at=now,
            )
        )
        # half the households were visited already: their verification finishes the stage
        tasks.append(
            Task(
                case_id=case_id,
                step="visit",
                stage=1,
                division_id=township,
                roles="|township_caseworker|social_worker|",
                opened_at=now,
                status="done" if i % 2 else "open",
            )
        )
    Task.objects.bulk_create(tasks, batch_size=5000)
    del tasks
    apps = [
        Application(
            case_id=case_id,
            status="submitted",
            division_id=h[0].division_code,
            address="长春市某街道某号",
            hukou_type=h[0].hukou_type,
            assistance_type="dibao",
            channel="counter",
            created_by=creator,
        )
        for case_id, h in zip(case_ids, households, strict=True)
    ]
    Application.objects.bulk_create(apps, batch_size=5000)
    app_ids = list(Application.objects.order_by("pk").values_list("pk", flat=True))
    relations = ("head", "spouse", "child", "child", "parent")
    Member.objects.bulk_create(
        [
            Member(
                application_id=a,
                name=p.name,
                id_number=p.id_number,
                relationship=relations[k],
                birth_date=p.birth_date,
                sex=p.sex,
            )
            for a, h in zip(app_ids, households, strict=True)
            for k, p in enumerate(h)
        ],
        batch_size=5000,
    )
    heads = dict(Member.objects.filter(relationship="head").values_list("application_id", "pk"))
    # 85 % of households declare what the records hold; the rest declare nothing
    incomes, assets = [], []
    for a, h in zip(app_ids, households, strict=True):
        if rng.random() >= 0.85:
            continue
        total = {k: sum(truth[k].get(p.id_number) or 0 for p in h) for k in truth}
        wages = (Decimal(total["wages"]) / 12).quantize(Decimal("0.01"))
        if wages:
            incomes.append(Income(member_id=heads[a], category="wages", monthly_amount=wages))
        if total["pension"]:
            incomes.append(
                Income(member_id=heads[a], category="transfer", monthly_amount=total["pension"])
            )
        if total["entities"]:
            assets.append(Asset(application_id=a, kind="market_entity", quantity=total["entities"]))
        for kind, key in (("deposit", "deposits"), ("securities", "securities")):
            if total[key]:
                assets.append(Asset(application_id=a, kind=kind, value=Decimal(total[key])))
        if total["cars"]:
            assets.append(
                Asset(application_id=a, kind="vehicle", vehicle_kind="car", quantity=total["cars"])
            )
        if total["homes"]:
            assets.append(Asset(application_id=a, kind="housing", quantity=total["homes"]))
    Income.objects.bulk_create(incomes, batch_size=5000)
    Asset.objects.bulk_create(assets, batch_size=5000)
    by_app: dict[int, list[str]] = {}  # the members' blind indexes, as requests keep them
    for a, index in Member.objects.order_by("pk").values_list("application_id", "id_number_bidx"):
        by_app.setdefault(a, []).append(index)
    VerificationRequest.objects.bulk_create(
        [
            VerificationRequest(
                application_id=a,
                case_id=c,
                requested_at=now,
                status="pending",
                requested_by=workers[code_at_level(h[0].division_code, Level.TOWNSHIP)],
                member_ids=by_app.get(a, []),
            )
            for a, c, h in zip(app_ids, case_ids, households, strict=True)
        ],
        batch_size=5000,
    )
    # statistics, as a maintained database has them (PostgreSQL's autovacuum analyses by
    # itself; without them SQLite's planner scans a division's open tasks per id chunk)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return app_ids


def hand_written(files, members_path: Path, out: Path) -> float:
    """The same matching and aggregation as one plain DuckDB query; seconds."""
    import duckdb

    def src(code):
        return f"read_parquet('{files[code][0]}')"

    parts = {
        "household_register": "NULL",
        "bank_deposits": "balance",
        "securities": "market_value",
        "vehicles": "NULL",
        "real_estate": "area_m2",
        "market_entities": "NULL",
        "social_insurance": "amount",
        "housing_fund": "amount",
        "tax": "taxable_income",
    }
    sql = " UNION ALL ".join(
        f"SELECT m.household_id, '{code}' AS source, count(*) AS n, sum({amount}) AS total "
        f"FROM read_parquet('{members_path}') m JOIN {src(code)} s USING (id_number) GROUP BY 1"
        for code, amount in parts.items()
    )
    con = duckdb.connect()
    t0 = time.perf_counter()
    con.execute(f"COPY ({sql}) TO '{out}' (FORMAT parquet)")
    return time.perf_counter() - t0


def import_speed(args, persons, tmp: Path) -> dict[str, float]:
    """Records per second of partner_data_import for a CSV and a Parquet bank file."""
    from datetime import date

    from yimen.verification.importing import partner_data_import
    from yimen.verification.synthetic import write_source

    result = {}
    for fmt in ("csv", "parquet"):
        path = tmp / f"import.{fmt}"
        subset = persons[: max(1, int(args.import_rows / 1.3))]
        rows = write_source("bank_deposits", subset, path, fmt, seed=3)
        t0 = time.perf_counter()
        partner_data_import(
            source="bank_deposits", partner=f"导入测速{fmt}", as_of=date(2026, 10, 1), path=path
        )
        result[fmt] = rows / (time.perf_counter() - t0)
        result[f"{fmt}_rows"] = rows
    # these test batches are about the requested people too: not part of the run's data
    from yimen.verification.models import ImportBatch

    for batch in ImportBatch.objects.filter(partner__startswith="导入测速"):
        batch.full_path.unlink()
        batch.delete()
    return result


def per_person_loop(args, app_ids) -> tuple[int, float]:
    """ORM reads of each household, one DuckDB query per person and source; (n, seconds)."""
    from yimen.assistance.models import Application
    from yimen.verification.matching import RELEVANT, current_batches, duckdb_connect

    con = duckdb_connect(current_batches())  # the loop is DuckDB's, whatever the engine
    t0 = time.perf_counter()
    done = 0
    for app_id in app_ids[: args.loop_sample]:
        application = Application.objects.get(pk=app_id)
        members = list(application.members.all())
        list(application.assets.all())
        for m in members:
            list(m.incomes.all())
            for code, (amount, relevant, _) in RELEVANT.items():
                con.execute(
                    f"SELECT count(*), sum({amount}) FILTER (WHERE {relevant}) "
                    f"FROM src_{code} WHERE id_number = ?",
                    [m.id_number_bidx],
                ).fetchall()
        done += 1
        if time.perf_counter() - t0 > args.loop_budget:
            break
    return done, time.perf_counter() - t0


def time_parts() -> dict[str, list[float]]:
    """Wrap the run's parts with timers (the bench's own instrumentation, not the app's):
    per part [wall s, this process's CPU s, the PostgreSQL backend's CPU s]."""
    from yimen.verification import casework, runs
    from yimen.workflow import bulk

    spent: dict[str, list[float]] = {}
    main_thread = threading.get_ident()

    def timed(module, name, label=None):
        original = getattr(module, name)
        label = label or name

        def wrapper(*a, **k):
            t0, c0, d0 = time.perf_counter(), time.process_time(), backend_cpu()
            try:
                return original(*a, **k)
            finally:
                entry = spent.setdefault(label, [0.0, 0.0, 0.0])
                entry[0] += time.perf_counter() - t0
                entry[1] += time.process_time() - c0
                entry[2] += backend_cpu() - d0
                if label == "store_chunk" and threading.get_ident() != main_thread:
                    # a chunk stored on a worker's own connection (runs._store_chunks)
                    workers = spent.setdefault("workers' PostgreSQL CPU", [0.0, 0.0, 0.0])
                    workers[2] += backend_cpu() - d0

        setattr(module, name, wrapper)

    for name in (
        "pending_requests",
        "match_members",
        "declared_frame",
        "report_frame",
        "with_refs",
        "payload_columns",
        "store_chunk",
    ):
        timed(runs, name)
    for name in ("_claim", "_store_records", "_flag_drafts", "tasks_bulk_complete"):
        timed(casework, name)
    timed(casework, "insert_frame", "insert reports")
    timed(casework, "append_events", "audit (reported, flagged)")
    timed(bulk, "after_steps", "bulk: next stage")
    timed(bulk, "append_events", "bulk: audit")
    # the chunks' commits (PostgreSQL checks the deferred foreign keys there)
    from django.db.backends.base.base import BaseDatabaseWrapper

    timed(BaseDatabaseWrapper, "_commit", "commit")
    return spent


_BACKEND_PIDS: dict[int, int] = {}  # id(connection wrapper) -> its backend's pid


def backend_cpu() -> float:
    """CPU seconds so far of the PostgreSQL backend of this thread's connection (same
    machine), or 0."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    connection.ensure_connection()
    key = id(connection.connection)
    if key not in _BACKEND_PIDS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            _BACKEND_PIDS[key] = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{_BACKEND_PIDS[key]}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def request_members():
    """The members as the run reads them (household_id, id_number), for both matchers."""
    import polars as pl

    from yimen.verification.models import VerificationRequest

    apps, numbers = [], []
    for app_id, ids in VerificationRequest.objects.values_list("application_id", "member_ids"):
        apps += [app_id] * len(ids)
        numbers += ids
    return pl.DataFrame({"household_id": apps, "id_number": numbers})


def compare_matching(files, members) -> dict[str, float]:
    """The hand-written query and the engine's matching, three times each, interleaved
    (the machine is shared): the best wall and CPU seconds of each (DuckDB's threads
    count in this process's CPU time) and the (household, source) groups found."""
    from yimen.verification.matching import match_members

    tmp = Path(tempfile.mkdtemp(prefix="yimen-bench-hand-"))
    members.write_parquet(tmp / "members.parquet")
    hand: list[tuple[float, float]] = []
    engine: list[tuple[float, float]] = []
    for i in range(3):
        c0 = time.process_time()
        wall = hand_written(files, tmp / "members.parquet", tmp / f"out{i}.parquet")
        hand.append((wall, time.process_time() - c0))
        t0, c0 = time.perf_counter(), time.process_time()
        matched = match_members(members)
        engine.append((time.perf_counter() - t0, time.process_time() - c0))
    return {
        "hand_s": min(w for w, _ in hand),
        "hand_cpu_s": min(c for _, c in hand),
        "engine_s": min(w for w, _ in engine),
        "engine_cpu_s": min(c for _, c in engine),
        "groups": matched.height,
    }


def matching_figures(m: dict[str, float]) -> str:
    return (
        f"matched_groups={m['groups']} hand_written_s={m['hand_s']:.2f} "
        f"hand_written_cpu_s={m['hand_cpu_s']:.2f} engine_s={m['engine_s']:.2f} "
        f"engine_cpu_s={m['engine_cpu_s']:.2f} ratio={m['engine_s'] / m['hand_s']:.2f} "
        f"cpu_ratio={m['engine_cpu_s'] / m['hand_cpu_s']:.2f}"
    )


def end_to_end(args) -> tuple[object, dict]:
    """``run_start`` + ``run_execute`` timed, with its parts; checks what it stored."""
    from django.db import connection

    from yimen.verification import runs
    from yimen.verification.models import VerificationReport
    from yimen.workflow.models import Task

    runs.CHUNK = 20_000
    parts = time_parts()
    load_before = os.getloadavg()
    db_cpu0, cpu0 = backend_cpu(), time.process_time()
    t0 = time.perf_counter()
    if os.environ.get("BENCH_SQL"):  # time per statement kind (first 70 characters)
        import collections

        sql_spent: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0])

        def timer(execute, sql, params, many, context):
            s0 = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                entry = sql_spent[("many " if many else "") + sql[:70]]
                entry[0] += 1
                entry[1] += time.perf_counter() - s0

        connection.execute_wrappers.append(timer)
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        run = profile.runcall(runs.run_execute, runs.run_start().pk)
        pstats.Stats(profile).sort_stats(os.environ["BENCH_PROFILE"]).print_stats(45)
    else:
        run = runs.run_execute(runs.run_start().pk)
    seconds = time.perf_counter() - t0
    if os.environ.get("BENCH_SQL"):
        connection.execute_wrappers.pop()
        for sql, (n, spent) in sorted(sql_spent.items(), key=lambda kv: -kv[1][1])[:25]:
            print(f"{spent:7.3f}s {n:5d}× {sql}")
    cpu_s = time.process_time() - cpu0
    db_cpu_s = backend_cpu() - db_cpu0 + parts.get("workers' PostgreSQL CPU", [0, 0, 0])[2]
    load_after = os.getloadavg()
    households = VerificationReport.objects.count()
    assert run.reports == households, run
    assert Task.objects.filter(step="verify", status="done").count() == households
    if os.environ.get("BENCH_DEBUG"):
        from collections import Counter

        over = Counter(
            d["item"]
            for diffs in VerificationReport.objects.values_list("differences", flat=True)
            for d in diffs
            if d["over"]
        )
        print(over, VerificationReport.objects.filter(disputed=True).first().differences)
    print(
        "end-to-end parts (wall s / CPU s / PostgreSQL CPU s):",
        {k: "/".join(f"{x:.2f}" for x in v) for k, v in parts.items()},
    )
    return run, {
        "end_to_end_s": seconds,
        "cpu_s": cpu_s,
        "db_cpu_s": db_cpu_s,
        "load": f"{load_before[0]:.1f}->{load_after[0]:.1f}",
    }


def measure_only(args) -> None:
    """Matching against the hand-written query, then the run, on a populated copy."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from yimen.verification.matching import current_batches

    call_command("migrate", verbosity=0)  # the copy may predate the code's migrations
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    files = {
        code: (batches[0].full_path, batches[0].row_count)
        for code, batches in current_batches().items()
    }
    members = request_members()
    matching = compare_matching(files, members)
    run, e2e = end_to_end(args)
    print(
        f"verification_batch measure-only db={connection.vendor} households={run.reports} "
        f"people={members.height} partner_records={sum(n for _, n in files.values())} "
        f"{matching_figures(matching)} "
        f"end_to_end_s={e2e['end_to_end_s']:.1f} end_to_end_cpu_s={e2e['cpu_s']:.1f} "
        f"db_server_cpu_s={e2e['db_cpu_s']:.1f} load={e2e['load']} "
        f"completed={run.completed} disputed={run.disputed} "
        f"peak_rss_mib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"
    )


def run(args) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from yimen.verification.synthetic import people

    call_command("migrate", verbosity=0)
    data_dir = Path(settings.DATA_DIR)
    t0 = time.perf_counter()
    persons = people(args.people, seed=11)
    files, truth = generate_partner_data(args, persons, data_dir)
    records = sum(n for _, n in files.values())
    generate_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    app_ids = populate(args, persons, files, data_dir, truth)
    populate_s = time.perf_counter() - t0

    if args.populate_only:
        print(f"populated: data directory {data_dir}", flush=True)
        return
    rates = import_speed(args, persons, Path(tempfile.mkdtemp(prefix="yimen-bench-import-")))
    matching = compare_matching(files, request_members())
    loop_n, loop_s = per_person_loop(args, app_ids)
    run, e2e = end_to_end(args)
    assert run.reports == args.households, run
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"verification_batch db={connection.vendor} households={args.households} "
        f"people={len(persons)} partner_records={records} "
        f"generate_s={generate_s:.1f} populate_s={populate_s:.1f} "
        f"{matching_figures(matching)} end_to_end_s={e2e['end_to_end_s']:.1f} "
        f"end_to_end_cpu_s={e2e['cpu_s']:.1f} db_server_cpu_s={e2e['db_cpu_s']:.1f} "
        f"load={e2e['load']} "
        f"reports={run.reports} completed={run.completed} disputed={run.disputed} "
        f"import_csv_rows_per_s={rates['csv']:,.0f} "
        f"import_parquet_rows_per_s={rates['parquet']:,.0f} "
        f"(rows {rates['csv_rows']}) per_person_loop={loop_n}hh/{loop_s:.1f}s "
        f"extrapolated_s={loop_s / max(loop_n, 1) * args.households:,.0f} "
        f"peak_rss_mib={peak_mib:.0f} python={platform.python_version()} cpus={os.cpu_count()}"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()

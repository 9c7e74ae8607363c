"""Issue 4 benchmark, second part: the whole roster re-evaluated from the database.

Writes N households on assistance (default 1,000,000; 1–6 members, ~3.5 M people, their
incomes, assets, roster rows and entitlements; 80 % paid exactly what the rules give, the
rest not) into a fresh database with bulk COPY / executemany, then times
`benefits.services.recalc.recalc_compute` — the same function the page and command use:
database → frames (benefits.frames, from the households' stored facts) → vectorised rules →
the list of changes — and, in the same run, the rule evaluation alone over the same frames
already in memory. The stored facts are written once after the tables (as enrolment does),
timed on their own.

    .venv/bin/python bench/roster_recalc.py --households 1000000
    .venv/bin/python bench/roster_recalc.py --households 1000000 --postgres postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import date

import polars as pl

from common import TOWNSHIP, add_divisions, fresh_database, peak_rss_mib

ON = date(2026, 11, 29)
VILLAGES = [f"220102001{n:03d}" for n in range(1, 21)]


def write(model, frame: pl.DataFrame) -> None:
    """Append ``frame`` (columns named as the table's) to ``model``'s table, in bulk."""
    from django.db import connection

    started = time.perf_counter()
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    frame = frame.with_columns(
        [pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t == pl.Date]
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, frame.height, 500_000):
                part = frame.slice(start, 500_000)
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as c:
                    c.write(part.write_csv(include_header=False))
            return
        marks = ", ".join("?" for _ in frame.columns)
        raw = connection.connection  # the sqlite3 connection: no per-row wrapper work
        raw.execute("BEGIN")  # Django runs sqlite3 in autocommit: one commit per row else
        for start in range(0, frame.height, 200_000):
            rows = frame.slice(start, 200_000).rows()
            raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        raw.execute("COMMIT")
    print(f"  wrote {frame.height} rows into {table} in {time.perf_counter() - started:.1f} s")


def generate(n: int, user_id: int, params) -> pl.DataFrame:
    """Write the roster; returns the in-memory frames' evaluation (for the exact amounts)."""
    from rules_roster import generate as frames
    from yimen.assistance.models import Application, Asset, Income, Member
    from yimen.assistance.rules.vectorised import evaluate_frame
    from yimen.benefits.models import Beneficiary, Entitlement

    # the roster is written without issue 21's rarer facts (certificates, self-care,
    # seasonal income, supporters): the stored copy's reading of them is timed by the tests
    households, members, _supporters = frames(n, seed=4)
    members = members.drop(pl.selectors.starts_with("cert_", "period_"), strict=False).drop(
        "self_care_failed", "tekun_as_minor", strict=False
    )
    members = members.with_row_index("id", offset=1).with_columns(pl.col("id").cast(pl.Int64))
    now = "2026-11-01 00:00:00+00:00"
    hid = pl.col("household_id") + 1
    apps = households.select(
        hid.alias("id"),
        pl.lit("submitted").alias("status"),
        pl.col("household_id")
        .map_elements(lambda i: VILLAGES[i % 20], pl.String)
        .alias("division_id"),
        pl.lit("基准地址").alias("address"),
        pl.col("hukou_type").cast(pl.String),
        pl.lit("dibao").alias("assistance_type"),
        pl.lit("counter").alias("channel"),
        *(
            pl.lit("").alias(c)
            for c in (
                "entrusted_name",
                "entrusted_id_number",
                "entrusted_relation",
                "discovery_note",
                "relative_note",
                "receipt_code",
            )
        ),
        pl.lit(False).alias("relative_of_staff"),
        "has_able_supporter",  # the caseworker's findings, read back by the roster frames
        pl.lit("").alias("supporter_note"),
        pl.col("hardship_tier").cast(pl.String),
        pl.lit(user_id).alias("created_by_id"),
        pl.lit(now).alias("created_at"),
    )
    write(Application, apps)
    write(
        Member,
        members.select(
            "id",
            hid.alias("application_id"),
            pl.lit("成员").alias("name"),
            pl.col("id").cast(pl.String).str.zfill(18).alias("id_number"),
            pl.lit("head").alias("relationship"),
            "birth_date",
            pl.lit("M").alias("sex"),
            pl.col("disability_kind").cast(pl.String),
            "disability_grade",
            pl.lit(False).alias("serious_illness"),
            pl.col("work_ability").cast(pl.String),
            "student",
            "living_apart",
        ),
    )
    incomes = [
        members.filter(pl.col(c) > 0).select(
            pl.col("id").alias("member_id"),
            pl.lit(c.removeprefix("income_")).alias("category"),
            (pl.col(c) / 100).alias("monthly_amount"),
            pl.lit("").alias("note"),
        )
        for c in members.columns
        if c.startswith("income_")
    ]
    write(Income, pl.concat(incomes))

    def assets(
        kind: str, value: pl.Expr, quantity: pl.Expr, where: pl.Expr, vehicle=""
    ) -> pl.DataFrame:
        return households.filter(where).select(
            hid.alias("application_id"),
            pl.lit(kind).alias("kind"),
            value.cast(pl.Float64).alias("value"),
            quantity.cast(pl.Int64).alias("quantity"),
            pl.lit(vehicle).alias("vehicle_kind"),
            pl.lit("").alias("note"),
        )

    zero, one = pl.lit(0.0), pl.lit(1)
    write(
        Asset,
        pl.concat(
            [
                assets("deposit", pl.col("deposits_fen") / 100, one, pl.col("deposits_fen") > 0),
                assets("housing", zero, pl.col("homes"), pl.col("homes") > 0),
                assets(
                    "market_entity", zero, pl.col("market_entities"), pl.col("market_entities") > 0
                ),
                assets("vehicle", zero, pl.col("vehicle_car"), pl.col("vehicle_car") > 0, "car"),
                assets(
                    "vehicle", zero, pl.col("vehicle_ebike"), pl.col("vehicle_ebike") > 0, "ebike"
                ),
            ]
        ),
    )
    evaluated = evaluate_frame(households, members, params, ON)
    sizes = members.group_by("household_id").len()
    kinds = evaluated.select(
        "household_id", pl.col("proposed_type").fill_null("dibao").alias("kind")
    )
    write(
        Beneficiary,
        households.join(sizes, on="household_id")
        .join(kinds, on="household_id")
        .select(
            hid.alias("id"),
            hid.alias("application_id"),
            pl.col("household_id")
            .map_elements(lambda i: VILLAGES[i % 20], pl.String)
            .alias("division_id"),
            pl.col("kind").alias("assistance_type"),
            pl.lit("户主").alias("head_name"),
            pl.lit("220102190001010000").alias("head_id_number"),
            pl.lit("hz").alias("initials"),
            pl.col("len").alias("members"),
            pl.lit("2026-01-01").alias("start_month"),
            pl.lit("stable").alias("stability"),
            pl.lit("2027-01-01").alias("next_review_on"),
            pl.lit("active").alias("status"),
            pl.lit("户主").alias("payee_name"),
            pl.lit("基准银行").alias("bank_name"),
            pl.lit("6222000000000000").alias("account_number"),
            pl.lit(now).alias("enrolled_at"),
        ),
    )
    paid = (
        pl.when(pl.col("proposed_type") == "low_income")
        .then(0)
        .when(pl.col("household_id") % 5 == 0)
        .then(pl.col("proposed_amount_fen") + 1000)
        .otherwise(pl.col("proposed_amount_fen"))
    )
    write(
        Entitlement,
        evaluated.select(
            (pl.col("household_id") + 1).alias("beneficiary_id"),
            pl.lit("2026-01-01").alias("effective_month"),
            pl.lit("paying").alias("status"),
            (paid / 100).alias("monthly_amount"),
            pl.lit("基准").alias("reason"),
            pl.lit(now).alias("decided_at"),
        ),
    )
    return evaluated


def run(args) -> None:
    from django.core.management import call_command
    from django.db import connection

    from yimen.accounts.models import User
    from yimen.assistance.parameters import params_for
    from yimen.assistance.rules.vectorised import evaluate_frame
    from yimen.benefits.frames import roster_frames, roster_where, store_missing_facts
    from yimen.benefits.services.recalc import recalc_compute
    from yimen.months import month_of
    from yimen.regions.codes import Level
    from yimen.regions.models import Division

    add_divisions()
    for code in VILLAGES:
        Division.objects.get_or_create(
            code=code, defaults={"name": code, "level": Level.VILLAGE, "parent_id": TOWNSHIP}
        )
    call_command("load_parameters", verbosity=0)  # the shipped Changchun defaults
    params = params_for(VILLAGES[0], ON)
    user = User.objects.create(username="bench", full_name="基准")
    t0 = time.perf_counter()
    generated = generate(args.households, user.pk, params)
    generate_s = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # the facts copy the recalculation reads (benefits.models.facts): written at enrolment
    # in the system; here, for rows written straight into the tables, by the same top-up
    # the recalculation runs for any household without them (timed on its own, once)
    t0 = time.perf_counter()
    where, where_params = roster_where(TOWNSHIP[:9])
    built = store_missing_facts(where, where_params)
    facts_s = time.perf_counter() - t0
    print(f"  facts of {built} households written in {facts_s:.1f} s")

    t0 = time.perf_counter()
    if args.profile:
        import cProfile
        import pstats

        with cProfile.Profile() as profile:
            frames = roster_frames(TOWNSHIP[:9], month_of(ON))
        pstats.Stats(profile).sort_stats("tottime").print_stats(12)
    else:
        frames = roster_frames(TOWNSHIP[:9], month_of(ON))
    read_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    from_db = evaluate_frame(frames.households, frames.members, params, ON, frames.supporters)
    rules_s = time.perf_counter() - t0
    # the frames read back from the tables must give what the generator's frames gave
    columns = ["household_id", "proposed_type", "proposed_amount_fen"]
    written = generated.select(pl.col("household_id") + 1, *columns[1:]).sort("household_id")
    if not from_db.select(columns).sort("household_id").equals(written):
        raise SystemExit("the roster read from the database evaluates differently")

    t0 = time.perf_counter()
    result = recalc_compute(TOWNSHIP, ON)
    end_to_end_s = time.perf_counter() - t0
    # the recalculation's own memory, in a fresh process on the same database (the peak of
    # this one includes generating and writing the roster)
    connection.close()
    child = subprocess.run(  # noqa: S603 (this very script, with a fixed flag)
        [sys.executable, __file__, "--measure-only"], capture_output=True, text=True, check=True
    )
    print(child.stdout.strip())
    print(
        f"roster_recalc db={connection.vendor} households={result.evaluated} "
        f"people={frames.members.height} changes={result.count} facts_s={facts_s:.0f} "
        f"generate_s={generate_s:.0f} read_frames_s={read_s:.1f} rules_s={rules_s:.2f} "
        f"end_to_end_s={end_to_end_s:.1f} peak_rss_mib={peak_rss_mib():.0f} "
        f"python={platform.python_version()} cpus={os.cpu_count()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="server URL; a fresh database is made and dropped")
    parser.add_argument("--profile", action="store_true", help="profile reading the frames")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="only time the recalculation, on the database named by the environment "
        "(YIMEN_DATA_DIR or YIMEN_DATABASE_URL) of an earlier --keep run",
    )
    args = parser.parse_args()
    if args.measure_only:  # child process: the database is named by the inherited env
        measure_only()
        return
    with fresh_database(args.postgres, keep=args.keep):
        run(args)


def measure_only() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yimen.settings.base")
    os.environ.setdefault("YIMEN_ALLOW_INSECURE_KEY", "1")
    import django

    django.setup()
    from yimen.benefits.services.recalc import recalc_compute

    t0 = time.perf_counter()
    result = recalc_compute(TOWNSHIP, ON)
    print(
        f"  separate process: end_to_end_s={time.perf_counter() - t0:.1f} "
        f"changes={result.count} peak_rss_mib={peak_rss_mib():.0f}"
    )


if __name__ == "__main__":
    main()

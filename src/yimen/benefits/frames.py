"""The roster's household facts read straight into Polars frames, set-based.

The rules' batch (assistance.rules.vectorised) needs every member, income and asset of
the households on assistance. Reading a million households through ORM objects would take
minutes, so this module runs four plain SQL queries (one per table, joined to the roster)
and builds the frames column-wise: PostgreSQL streams them with COPY … TO STDOUT as CSV,
SQLite hands back rows in chunks. No query per household, no model instances.

Money is converted to whole fen; dates and booleans are normalised across the two
databases (SQLite returns text dates and 0/1, COPY returns 't'/'f')."""

from __future__ import annotations

import io
from dataclasses import dataclass

import polars as pl
from django.db import connection

from yimen.assistance.choices import IncomeCategory, VehicleKind
from yimen.assistance.models import Application, Asset, Income, Member

from .models import Beneficiary, BeneficiaryStatus, Entitlement

ON_ASSISTANCE = (BeneficiaryStatus.ACTIVE, BeneficiaryStatus.PHASING_OUT)


@dataclass
class RosterFrames:
    households: pl.DataFrame  # household_id (= beneficiary id), division_id, hukou_type, …
    members: pl.DataFrame  # one row per member with income_<category> columns, fen
    current: pl.DataFrame  # household_id, current_type, current_status, current_amount_fen


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _roster_filter(prefix: str) -> tuple[str, list]:
    statuses = ", ".join("%s" for _ in ON_ASSISTANCE)
    return (
        f"b.division_id LIKE %s AND b.status IN ({statuses})",
        [f"{prefix}%", *ON_ASSISTANCE],
    )


def _read(sql: str, params: list, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run ``sql`` and return its rows as a frame of ``schema`` (all columns as text or
    numbers first; callers cast)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
            query = raw.mogrify(sql, params)
            buffer = io.BytesIO()
            with raw.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
                for block in copy:
                    buffer.write(block)
            buffer.seek(0)
            if buffer.getbuffer().nbytes == 0:
                return pl.DataFrame(schema={k: pl.String for k in schema})
            return pl.read_csv(
                buffer,
                has_header=False,
                new_columns=list(schema),
                schema_overrides={k: pl.String for k in schema},
                infer_schema=False,
            )
        cursor.execute(sql, params)
        rows: list[tuple] = []
        while chunk := cursor.fetchmany(50_000):
            rows.extend(chunk)
    return pl.DataFrame(
        [[None if v is None else str(v) for v in row] for row in rows] if rows else [],
        schema={k: pl.String for k in schema},
        orient="row",
    )


def _fen(column: str) -> pl.Expr:
    return (pl.col(column).cast(pl.Float64) * 100).round(0).cast(pl.Int64).alias(column)


def _bool(column: str) -> pl.Expr:
    return pl.col(column).is_in(["t", "true", "True", "1"]).alias(column)


def roster_frames(prefix: str, month) -> RosterFrames:
    """Every household on assistance whose village code starts with ``prefix``."""
    where, params = _roster_filter(prefix)
    b, a, m = _table(Beneficiary), _table(Application), _table(Member)
    households = _read(
        f"SELECT b.id, b.division_id, b.assistance_type, a.hukou_type, b.head_name "  # noqa: S608 (table names from model meta; values bound)
        f"FROM {b} b JOIN {a} a ON a.id = b.application_id WHERE {where}",
        params,
        dict.fromkeys(["household_id", "division_id", "current_type", "hukou_type", "head_name"]),
    ).with_columns(pl.col("household_id").cast(pl.Int64))
    members = _read(
        f"SELECT b.id, m.id, m.birth_date, m.disability_kind, m.disability_grade, "  # noqa: S608 (table names from model meta; values bound)
        f"m.work_ability, m.living_apart FROM {b} b JOIN {m} m "
        f"ON m.application_id = b.application_id WHERE {where}",
        params,
        dict.fromkeys(
            [
                "household_id",
                "member_id",
                "birth_date",
                "disability_kind",
                "disability_grade",
                "work_ability",
                "living_apart",
            ]
        ),
    ).with_columns(
        pl.col("household_id").cast(pl.Int64),
        pl.col("member_id").cast(pl.Int64),
        pl.col("birth_date").str.to_date("%Y-%m-%d"),
        pl.col("disability_kind").fill_null(""),
        pl.col("disability_grade").cast(pl.Int64),
        _bool("living_apart"),
    )
    incomes = _read(
        f"SELECT i.member_id, i.category, i.monthly_amount FROM {_table(Income)} i "  # noqa: S608 (table names from model meta; values bound)
        f"JOIN {m} m ON m.id = i.member_id JOIN {b} b ON b.application_id = m.application_id "
        f"WHERE {where}",
        params,
        dict.fromkeys(["member_id", "category", "amount"]),
    ).with_columns(pl.col("member_id").cast(pl.Int64), _fen("amount"))
    members = _with_incomes(members, incomes)
    assets = _read(
        f"SELECT b.id, s.kind, s.value, s.quantity, s.vehicle_kind FROM {_table(Asset)} s "  # noqa: S608 (table names from model meta; values bound)
        f"JOIN {b} b ON b.application_id = s.application_id WHERE {where}",
        params,
        dict.fromkeys(["household_id", "kind", "value", "quantity", "vehicle_kind"]),
    ).with_columns(
        pl.col("household_id").cast(pl.Int64), _fen("value"), pl.col("quantity").cast(pl.Int64)
    )
    households = _with_assets(households, assets)
    entitlements = _read(
        f"SELECT e.beneficiary_id, e.id, e.effective_month, e.status, e.monthly_amount "  # noqa: S608 (table names from model meta; values bound)
        f"FROM {_table(Entitlement)} e JOIN {b} b ON b.id = e.beneficiary_id "
        f"WHERE {where} AND e.effective_month <= %s",
        [*params, month],
        dict.fromkeys(["household_id", "id", "month", "current_status", "amount"]),
    ).with_columns(
        pl.col("household_id").cast(pl.Int64),
        pl.col("id").cast(pl.Int64),
        _fen("amount").alias("current_amount_fen"),
    )
    current = (
        entitlements.sort(["household_id", "month", "id"])
        .group_by("household_id", maintain_order=True)
        .last()
        .select("household_id", "current_status", "current_amount_fen")
    )
    return RosterFrames(households=households, members=members, current=current)


def _with_incomes(members: pl.DataFrame, incomes: pl.DataFrame) -> pl.DataFrame:
    """One income_<category> column per category (fen per month, 0 where none)."""
    sums = incomes.group_by("member_id", "category").agg(pl.col("amount").sum())
    for category in IncomeCategory.values:
        column = sums.filter(pl.col("category") == category).select(
            "member_id", pl.col("amount").alias(f"income_{category}")
        )
        members = members.join(column, on="member_id", how="left")
    return members.with_columns(pl.col("^income_.*$").fill_null(0))


def _with_assets(households: pl.DataFrame, assets: pl.DataFrame) -> pl.DataFrame:
    """deposits_fen, homes, market_entities and vehicle_<kind> per household, as
    facts_from_application counts them (a vehicle without a kind counts as a car)."""
    kind = pl.col("kind")
    quantity = pl.col("quantity")
    vehicle = pl.col("vehicle_kind").fill_null("").replace("", "car")
    per_home = assets.group_by("household_id").agg(
        pl.col("value").filter(kind.is_in(["deposit", "securities"])).sum().alias("deposits_fen"),
        quantity.filter(kind == "housing").sum().alias("homes"),
        quantity.filter(kind == "market_entity").sum().alias("market_entities"),
        *(
            pl.max_horizontal(quantity, pl.lit(1))
            .filter((kind == "vehicle") & (vehicle == v))
            .sum()
            .alias(f"vehicle_{v}")
            for v in VehicleKind.values
        ),
    )
    filled = households.join(per_home, on="household_id", how="left")
    return filled.with_columns(
        pl.col(["deposits_fen", "homes", "market_entities"]).fill_null(0),
        pl.col("^vehicle_.*$").fill_null(0),
        pl.lit(False).alias("has_able_supporter"),
    )

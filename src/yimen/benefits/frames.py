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

CHUNK_ROWS = 100_000
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


def _read(sql: str, params: list, schema: dict[str, type[pl.DataType]]) -> pl.DataFrame:
    """Run ``sql`` and return its rows as a frame of ``schema`` (integers and text only:
    the queries hand back dates as day numbers, money as fen and flags as 0/1)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
            query = raw.mogrify(sql, params)
            buffer = io.BytesIO()
            with raw.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
                for block in copy:
                    buffer.write(block)
            if buffer.getbuffer().nbytes == 0:
                return pl.DataFrame(schema=schema)
            buffer.seek(0)
            return pl.read_csv(buffer, has_header=False, new_columns=list(schema), schema=schema)
        cursor.execute(sql, params)
        # in chunks: a million households' members as Python tuples at once would take
        # gigabytes; each chunk becomes columns before the next one is fetched
        parts = []
        while rows := cursor.fetchmany(CHUNK_ROWS):
            parts.append(pl.DataFrame(rows, schema=schema, orient="row"))
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def _days(column: str) -> str:
    """SQL for a date column as days since 1970-01-01 (no per-value date objects)."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def _fen_sql(expression: str) -> str:
    return f"CAST(ROUND(({expression}) * 100) AS BIGINT)"


def _flag(column: str) -> str:
    return f"CASE WHEN {column} THEN 1 ELSE 0 END"


def _with_incomes(members: pl.DataFrame, incomes: pl.DataFrame) -> pl.DataFrame:
    """One income_<category> column per category (fen per month, 0 where none)."""
    for category in IncomeCategory.values:
        column = incomes.filter(pl.col("category") == category).select(
            "member_id", pl.col("amount").alias(f"income_{category}")
        )
        members = members.join(column, on="member_id", how="left", maintain_order="left")
    return members.with_columns(pl.col("^income_.*$").fill_null(0))


def _from_days(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Int32).cast(pl.Date).alias(column)


I64, STR = pl.Int64, pl.String


def roster_frames(prefix: str, month) -> RosterFrames:
    """Every household on assistance whose village code starts with ``prefix``: three
    queries (households with their assets summed, members with their incomes summed by
    category, entitlements up to ``month``), aggregated by the database."""
    where, params = _roster_filter(prefix)
    b, a, m = _table(Beneficiary), _table(Application), _table(Member)
    s, i, e = _table(Asset), _table(Income), _table(Entitlement)
    vehicle = "COALESCE(NULLIF(s.vehicle_kind, ''), 'car')"
    at_least_one = "CASE WHEN s.quantity < 1 THEN 1 ELSE s.quantity END"
    asset_sums = ", ".join(
        [
            _fen_sql("SUM(CASE WHEN s.kind IN ('deposit', 'securities') THEN s.value ELSE 0 END)"),
            "SUM(CASE WHEN s.kind = 'housing' THEN s.quantity ELSE 0 END)",
            "SUM(CASE WHEN s.kind = 'market_entity' THEN s.quantity ELSE 0 END)",
            *(
                f"SUM(CASE WHEN s.kind = 'vehicle' AND {vehicle} = '{v}' "
                f"THEN {at_least_one} ELSE 0 END)"
                for v in VehicleKind.values
            ),
        ]
    )
    vehicle_columns = {f"vehicle_{v}": I64 for v in VehicleKind.values}
    households = _read(
        f"SELECT b.id, b.division_id, b.assistance_type, a.hukou_type, b.head_name, "  # noqa: S608 (table names from model meta; values bound)
        f"{_flag('a.has_able_supporter')}, a.hardship_tier, "
        f"{asset_sums} FROM {b} b JOIN {a} a ON a.id = b.application_id "
        f"LEFT JOIN {s} s ON s.application_id = b.application_id WHERE {where} "
        f"GROUP BY b.id, b.division_id, b.assistance_type, a.hukou_type, b.head_name, "
        f"a.has_able_supporter, a.hardship_tier",
        params,
        {
            "household_id": I64,
            "division_id": STR,
            "current_type": STR,
            "hukou_type": STR,
            "head_name": STR,
            "has_able_supporter": I64,
            "hardship_tier": STR,
            "deposits_fen": I64,
            "homes": I64,
            "market_entities": I64,
            **vehicle_columns,
        },
    ).with_columns(
        pl.col(["deposits_fen", "homes", "market_entities", *vehicle_columns]).fill_null(0),
        pl.col("has_able_supporter").cast(pl.Boolean),
        pl.col("hardship_tier").fill_null(""),
    )
    members = _read(
        f"SELECT b.id, m.id, {_days('m.birth_date')}, m.disability_kind, "  # noqa: S608 (table names from model meta; values bound)
        f"m.disability_grade, m.work_ability, {_flag('m.living_apart')}, {_flag('m.student')} "
        f"FROM {b} b JOIN {m} m ON m.application_id = b.application_id WHERE {where}",
        params,
        {
            "household_id": I64,
            "member_id": I64,
            "birth_date": I64,
            "disability_kind": STR,
            "disability_grade": I64,
            "work_ability": STR,
            "living_apart": I64,
            "student": I64,
        },
    ).with_columns(
        _from_days("birth_date"),
        pl.col("disability_kind").fill_null(""),
        pl.col("living_apart").cast(pl.Boolean),
        pl.col("student").cast(pl.Boolean),
    )
    # incomes: one row per member and category, summed by the database, turned into one
    # income_<category> column each by Polars (no GROUP BY over every member row)
    incomes = _read(
        f"SELECT i.member_id, i.category, {_fen_sql('SUM(i.monthly_amount)')} "  # noqa: S608 (table names from model meta; values bound)
        f"FROM {i} i JOIN {m} m ON m.id = i.member_id "
        f"JOIN {b} b ON b.application_id = m.application_id WHERE {where} "
        f"GROUP BY i.member_id, i.category",
        params,
        {"member_id": I64, "category": STR, "amount": I64},
    )
    members = _with_incomes(members, incomes)
    entitlements = _read(
        f"SELECT e.beneficiary_id, e.id, {_days('e.effective_month')}, e.status, "  # noqa: S608 (table names from model meta; values bound)
        f"{_fen_sql('e.monthly_amount')} FROM {e} e JOIN {b} b ON b.id = e.beneficiary_id "
        f"WHERE {where} AND e.effective_month <= %s",
        [*params, month],
        {
            "household_id": I64,
            "id": I64,
            "month": I64,
            "current_status": STR,
            "current_amount_fen": I64,
        },
    )
    current = (
        entitlements.sort(["household_id", "month", "id"])
        .group_by("household_id", maintain_order=True)
        .last()
        .select("household_id", "current_status", "current_amount_fen")
    )
    return RosterFrames(households=households, members=members, current=current)

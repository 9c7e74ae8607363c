"""From matched partner records and the declaration to each household's report, column-wise.

``declared_frame`` reads what the households declared (Income and Asset rows) with a few
grouped queries per chunk of applications; ``report_frame`` joins it with the matching's
per-source aggregates (matching.py) and computes, in Polars expressions over all
households at once, the verified figures, the flags, every difference and whether one
exceeds its threshold; ``with_refs`` adds the records behind each difference (the
matching's second stage, for the differing households only) and ``payload_columns`` the
report's JSON. Money is integer fen throughout; JSON keeps yuan as "123.45".

Verified figures: financial assets = bank deposits + securities; monthly income = the
latest tax year's taxable income / 12 + the pensions' monthly average (months present).
Differences compare, item by item, the verified value with the declared one; a difference
disputes the case when the records find *more* than declared by over the threshold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import duckdb
import polars as pl
from django.db import connection

from yimen.assistance.choices import AssetKind, IncomeCategory
from yimen.assistance.models import Application, Asset, Income, Member
from yimen.id_sets import any_of_sql

from .matching import NON_EXEMPT_VEHICLES, REF_BASE, match_refs, ref_text
from .thresholds import thresholds_by_division


@dataclass(frozen=True)
class Item:
    code: str  # the difference's code, shown translated (display.py)
    source: str  # where the verified value comes from
    kind: str  # "assets" | "income" | "units": which threshold applies
    money: bool


ITEMS = (
    Item("deposits", "bank_deposits", "assets", True),
    Item("securities", "securities", "assets", True),
    Item("cars", "vehicles", "units", False),
    Item("homes", "real_estate", "units", False),
    Item("market_entities", "market_entities", "units", False),
    Item("wages", "tax", "income", True),
    Item("pension", "social_insurance", "income", True),
)
FLAGS = ("non_exempt_vehicle", "multiple_homes", "market_entity", "wages_above_declared")
TRANSFER_CATEGORIES = (IncomeCategory.TRANSFER.value, IncomeCategory.EXEMPT_BASIC_PENSION.value)


def _fen(value) -> int:
    return int(Decimal(value or 0) * 100)


def yuan(fen: int) -> str:
    return f"{Decimal(int(fen)) / 100:.2f}"


def _rows(sql: str, params: list, schema: dict) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return pl.DataFrame(cursor.fetchall(), schema=schema, orient="row")


def _fen_sum(column: str) -> str:
    return f"CAST(ROUND(SUM({column}) * 100) AS BIGINT)"


def declared_frame(application_ids: Sequence[int]) -> pl.DataFrame:
    """One row per application: division and the declared values the report compares.

    Three grouped queries for all the applications (the ids bound as one parameter), the
    sums in fen by the database; the pivot to one column per declared item by Polars."""
    ids = sorted(set(application_ids))
    table = {m: connection.ops.quote_name(m._meta.db_table) for m in (Application, Member)}
    vendor = connection.vendor
    apps_in, params = any_of_sql("a.id", ids, vendor)
    frame = _rows(
        f"SELECT a.id, a.division_id FROM {table[Application]} a WHERE {apps_in}",  # noqa: S608
        params,
        {"household_id": pl.Int64, "division_id": pl.String},
    )
    members_in, params = any_of_sql("m.application_id", ids, vendor)
    incomes = _rows(
        f"SELECT m.application_id, i.category, {_fen_sum('i.monthly_amount')} "  # noqa: S608
        f"FROM {connection.ops.quote_name(Income._meta.db_table)} i "
        f"JOIN {table[Member]} m ON m.id = i.member_id WHERE {members_in} GROUP BY 1, 2",
        params,
        {"household_id": pl.Int64, "category": pl.String, "fen": pl.Int64},
    )
    assets_in, params = any_of_sql("s.application_id", ids, vendor)
    assets = _rows(
        f"SELECT s.application_id, s.kind, s.vehicle_kind, {_fen_sum('s.value')}, "  # noqa: S608
        f"SUM(s.quantity) FROM {connection.ops.quote_name(Asset._meta.db_table)} s "
        f"WHERE {assets_in} GROUP BY 1, 2, 3",
        params,
        {
            "household_id": pl.Int64,
            "kind": pl.String,
            "vehicle_kind": pl.String,
            "fen": pl.Int64,
            "quantity": pl.Int64,
        },
    )
    counted = [c.value for c in IncomeCategory if c.counted]
    fen, category, kind = pl.col("fen").fill_null(0), pl.col("category"), pl.col("kind")
    quantity = pl.col("quantity").fill_null(0)
    vehicle = pl.col("vehicle_kind").fill_null("").replace("", "car")
    declared_incomes = incomes.group_by("household_id").agg(
        fen.filter(category.is_in(counted)).sum().alias("d_income"),
        fen.filter(category == IncomeCategory.WAGES.value).sum().alias("d_wages"),
        fen.filter(category.is_in(TRANSFER_CATEGORIES)).sum().alias("d_pension"),
    )
    declared_assets = assets.group_by("household_id").agg(
        fen.filter(kind == AssetKind.DEPOSIT.value).sum().alias("d_deposits"),
        fen.filter(kind == AssetKind.SECURITIES.value).sum().alias("d_securities"),
        pl.max_horizontal(quantity, pl.lit(1))
        .filter((kind == AssetKind.VEHICLE.value) & vehicle.is_in(NON_EXEMPT_VEHICLES))
        .sum()
        .alias("d_cars"),
        quantity.filter(kind == AssetKind.HOUSING.value).sum().alias("d_homes"),
        quantity.filter(kind == AssetKind.MARKET_ENTITY.value).sum().alias("d_market_entities"),
    )
    columns = ["d_income", *(f"d_{i.code}" for i in ITEMS)]
    frame = frame.join(declared_incomes, on="household_id", how="left").join(
        declared_assets, on="household_id", how="left"
    )
    return frame.select(
        "household_id",
        "division_id",
        *(pl.col(c).cast(pl.Int64).fill_null(0) for c in columns),
    )


def _source(matched: pl.DataFrame, code: str, *columns: str) -> pl.DataFrame:
    """The matched aggregates of one source, with columns prefixed by the source code."""
    part = matched.filter(pl.col("source") == code)
    return part.select(
        "household_id", *(pl.col(c).alias(f"{code}__{c}") for c in ("records", *columns))
    )


def report_frame(
    members: pl.DataFrame, matched: pl.DataFrame, declared: pl.DataFrame, on: date
) -> pl.DataFrame:
    """One row per household of ``declared``: verified values, flags, differences."""
    frame = declared.join(
        members.group_by("household_id").agg(pl.len().cast(pl.Int64).alias("members")),
        on="household_id",
        how="left",
    ).with_columns(pl.col("members").fill_null(0))
    matched = matched.with_columns(
        (pl.col("amount").cast(pl.Float64) * 100).round(0).cast(pl.Int64).alias("fen")
    )
    for code in {i.source for i in ITEMS} | {"household_register", "housing_fund"}:
        frame = frame.join(
            _source(matched, code, "count", "fen", "months"), on="household_id", how="left"
        )
    frame = frame.with_columns(pl.col("^.*__(records|count|fen|months)$").fill_null(0))

    def monthly(code: str) -> pl.Expr:
        months = pl.max_horizontal(pl.col(f"{code}__months"), pl.lit(1))
        return (2 * pl.col(f"{code}__fen") + months) // (2 * months)  # half up, whole fen

    verified = {
        "deposits": pl.col("bank_deposits__fen"),
        "securities": pl.col("securities__fen"),
        "cars": pl.col("vehicles__count"),
        "homes": pl.col("real_estate__count"),
        "market_entities": pl.col("market_entities__count"),
        "wages": (2 * pl.col("tax__fen") + 12) // 24,
        "pension": monthly("social_insurance"),
    }
    frame = frame.with_columns(
        *(expr.cast(pl.Int64).alias(f"v_{code}") for code, expr in verified.items()),
        monthly("housing_fund").alias("v_housing_fund"),
        pl.col("household_register__count").alias("members_found"),
    ).with_columns(
        (pl.col("v_deposits") + pl.col("v_securities")).alias("deposits_fen"),
        (pl.col("v_wages") + pl.col("v_pension")).alias("monthly_income_fen"),
    )
    frame = frame.with_columns(
        pl.when(pl.col("members") > 0)
        .then((2 * pl.col("deposits_fen") + pl.col("members")) // (2 * pl.col("members")))
        .otherwise(0)
        .alias("per_capita_fen"),
        (pl.col("v_cars") > 0).alias("flag_non_exempt_vehicle"),
        (pl.col("v_homes") > 1).alias("flag_multiple_homes"),
        (pl.col("v_market_entities") > 0).alias("flag_market_entity"),
        (pl.col("v_wages") > pl.col("d_income")).alias("flag_wages_above_declared"),
    )
    # thresholds of each division, joined as columns
    limits = thresholds_by_division(frame["division_id"].to_list(), on)
    limit_frame = pl.DataFrame(
        {
            "division_id": list(limits),
            "t_assets": [_fen(t.assets_yuan) for t in limits.values()],
            "t_income": [_fen(t.income_monthly_yuan) for t in limits.values()],
            "t_units": [t.units for t in limits.values()],
        },
        schema={
            "division_id": pl.String,
            **dict.fromkeys(("t_assets", "t_income", "t_units"), pl.Int64),
        },
    )
    frame = frame.join(limit_frame, on="division_id", how="left")
    over = []
    for item in ITEMS:
        diff = pl.col(f"v_{item.code}") - pl.col(f"d_{item.code}")
        frame = frame.with_columns(diff.alias(f"x_{item.code}"))
        over.append((pl.col(f"x_{item.code}") > pl.col(f"t_{item.kind}")).alias(f"o_{item.code}"))
    frame = frame.with_columns(over)
    return frame.with_columns(pl.any_horizontal(f"o_{i.code}" for i in ITEMS).alias("disputed"))


def with_refs(
    frame: pl.DataFrame, members: pl.DataFrame, con: duckdb.DuckDBPyConnection | None = None
) -> pl.DataFrame:
    """``frame`` (report_frame) with each difference's records: a ``<source>__refs`` list
    per item's source, filled (matching.match_refs) only where the item differs from the
    declaration — the only place a report shows them — and empty elsewhere."""
    pairs = pl.concat(
        [
            frame.filter(pl.col(f"x_{item.code}") != 0).select(
                "household_id", pl.lit(item.source).alias("source")
            )
            for item in ITEMS
        ]
    )
    found = match_refs(members, pairs, con)
    empty = pl.lit([], dtype=pl.List(pl.Int64))
    for source in dict.fromkeys(item.source for item in ITEMS):
        part = found.filter(pl.col("source") == source).select(
            "household_id", pl.col("refs").alias(f"{source}__refs")
        )
        frame = frame.join(part, on="household_id", how="left").with_columns(
            pl.col(f"{source}__refs").fill_null(empty)
        )
    return frame


MONEY_TOTALS = ("bank_deposits", "securities", "social_insurance", "housing_fund", "tax")
TOTAL_SOURCES = (*dict.fromkeys(i.source for i in ITEMS), "household_register", "housing_fund")


def yuan_text(fen: pl.Expr) -> pl.Expr:
    """Integer fen as yuan text "-12.05" (what ``yuan`` gives), column-wise."""
    magnitude = fen.abs()
    return pl.concat_str(
        pl.when(fen < 0).then(pl.lit("-")).otherwise(pl.lit("")),
        (magnitude // 100).cast(pl.String),
        pl.lit("."),
        (magnitude % 100).cast(pl.String).str.zfill(2),
    )


def _json_list(items: list[pl.Expr]) -> pl.Expr:
    """A JSON array of the non-null JSON texts ``items``."""
    joined = pl.concat_list(items).list.drop_nulls().list.join(",")
    return pl.concat_str(pl.lit("["), joined, pl.lit("]"))


def _records(source: str) -> pl.Expr:
    """A difference's record references, sorted, as "source:batch:row" texts."""
    element = pl.element()
    return (
        pl.col(f"{source}__refs")
        .list.sort()
        .list.eval(
            pl.concat_str(
                pl.lit(f"{source}:"),
                (element // REF_BASE).cast(pl.String),
                pl.lit(":"),
                (element % REF_BASE).cast(pl.String),
            )
        )
    )


def payload_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (report_frame) with the report's JSON parts as text — ``totals``,
    ``flags``, ``differences``, as ``payload`` builds them — and its money as yuan text
    (``deposits``, ``per_capita_deposits``, ``monthly_income``), computed column-wise."""
    totals = {}
    for code in TOTAL_SOURCES:
        entry = {"records": pl.col(f"{code}__records"), "count": pl.col(f"{code}__count")}
        if code in MONEY_TOTALS:
            entry["amount"] = yuan_text(pl.col(f"{code}__fen"))
        if code == "housing_fund":
            entry["monthly"] = yuan_text(pl.col("v_housing_fund"))
        totals[code] = pl.struct(**entry)
    flags = [pl.when(pl.col(f"flag_{f}")).then(pl.lit(f'"{f}"')) for f in FLAGS]
    differences = []
    for item in ITEMS:

        def show(column: str, money: bool = item.money) -> pl.Expr:
            return yuan_text(pl.col(column)) if money else pl.col(column)

        entry = pl.struct(
            item=pl.lit(item.code),
            source=pl.lit(item.source),
            declared=show(f"d_{item.code}"),
            verified=show(f"v_{item.code}"),
            difference=show(f"x_{item.code}"),
            threshold=show(f"t_{item.kind}"),
            over=pl.col(f"o_{item.code}"),
            records=_records(item.source),
        ).struct.json_encode()
        differences.append(pl.when(pl.col(f"x_{item.code}") != 0).then(entry))
    return frame.with_columns(
        pl.struct(**totals).struct.json_encode().alias("totals"),
        _json_list(flags).alias("flags"),
        _json_list(differences).alias("differences"),
        pl.sum_horizontal(pl.col(f"x_{i.code}") != 0 for i in ITEMS).alias("n_differences"),
        pl.sum_horizontal(pl.col(f"o_{i.code}") for i in ITEMS).alias("n_over"),
        yuan_text(pl.col("deposits_fen")).alias("deposits"),
        yuan_text(pl.col("per_capita_fen")).alias("per_capita_deposits"),
        yuan_text(pl.col("monthly_income_fen")).alias("monthly_income"),
    )


def payload(row: dict) -> dict:
    """The JSON parts of one household's report from a row of ``report_frame``."""
    totals = {}
    for code in TOTAL_SOURCES:
        entry = {"records": row[f"{code}__records"], "count": row[f"{code}__count"]}
        if code in MONEY_TOTALS:
            entry["amount"] = yuan(row[f"{code}__fen"])
        totals[code] = entry
    totals["housing_fund"]["monthly"] = yuan(row["v_housing_fund"])
    differences = []
    for item in ITEMS:
        difference = row[f"x_{item.code}"]
        if difference == 0:
            continue
        show = yuan if item.money else int
        differences.append(
            {
                "item": item.code,
                "source": item.source,
                "declared": show(row[f"d_{item.code}"]),
                "verified": show(row[f"v_{item.code}"]),
                "difference": show(difference),
                "threshold": show(row[f"t_{item.kind}"]),
                "over": bool(row[f"o_{item.code}"]),
                "records": [
                    f"{item.source}:{ref_text(ref)}" for ref in sorted(row[f"{item.source}__refs"])
                ],
            }
        )
    return {
        "totals": totals,
        "flags": [f for f in FLAGS if row[f"flag_{f}"]],
        "differences": differences,
    }

"""The importer's vectorised path: a whole file checked with Polars expressions at once.

Partner files are almost always clean, so the importer first asks ``fast_frame`` whether
every row is valid *in its plain form* (ID numbers as 17 digits and a digit or X with the
right check digit and a real past birth date, amounts as plain decimals with at most two
places, dates as YYYY-MM-DD, …). If so, the typed frame is built column-wise, equal to
what the row-by-row validators (sources.validate_rows) would produce. If any row is not
plainly valid — a bad row, or an unusual but acceptable spelling such as "1,200" or a
lower-case x — it answers None and the importer runs the row-by-row validators, which
give the exact row-numbered reasons. So this path can only accept what those accept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl

from .sources import AREA, DATE, DIVISION, ENUM, ID_NUMBER, MONEY, MONTH, TEXT, YEAR, Source

# weights of the 17 digits of a resident ID number (GB 11643), and the check characters
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECKS = "10X98765432"


def _id_ok(col: pl.Expr, today: date) -> pl.Expr:
    shaped = col.str.contains(r"^\d{17}[\dX]$")
    weighted = pl.sum_horizontal(
        col.str.slice(i, 1).cast(pl.Int64, strict=False) * w for i, w in enumerate(WEIGHTS)
    )
    check = weighted.mod(11).replace_strict(list(range(11)), list(CHECKS), return_dtype=pl.String)
    birth = col.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    return (
        shaped
        & (check == col.str.slice(17, 1))
        & (birth.dt.year() >= 1900)
        & (birth <= pl.lit(today))
    )


def _valid(column, col: pl.Expr, today: date) -> tuple[pl.Expr, pl.Expr]:
    """(is this value plainly valid, its typed value) for one column's kind."""
    kind = column.kind
    if kind == TEXT:
        return pl.lit(True), col
    if kind == ID_NUMBER:
        return _id_ok(col, today), col
    if kind == DIVISION:
        return col.str.contains(r"^\d{12}$"), col
    if kind in (MONEY, AREA):
        typed = col.cast(pl.Decimal(18 if kind == MONEY else 12, 2), strict=False)
        digits = 16 if kind == MONEY else 10
        return col.str.contains(rf"^\d{{1,{digits}}}(\.\d{{1,2}})?$"), typed
    if kind == DATE:
        day = col.str.to_date("%Y-%m-%d", strict=False)
        ok = col.str.contains(r"^\d{4}-\d{2}-\d{2}$") & (day.dt.year() >= 1900)
        return ok & (day <= pl.lit(today)), day
    if kind == MONTH:
        ok = col.str.contains(r"^\d{4}-(0[1-9]|1[0-2])$")
        return ok & (col <= pl.lit(f"{today.year:04d}-{today.month:02d}")), col
    if kind == YEAR:
        year = col.cast(pl.Int32, strict=False)
        ok = col.str.contains(r"^\d{4}$") & (year >= 1900) & (year <= today.year)
        return ok, year
    if kind == ENUM:
        return col.is_in(list(column.choices)), col
    raise AssertionError(kind)


def fast_frame(
    source: Source,
    columns: dict[str, list[str | None]],
    *,
    today: date,
    known_divisions: Callable[[set[str]], set[str]],
) -> pl.DataFrame | None:
    """The typed frame if every row is plainly valid, else None (use the validators)."""
    raw = pl.DataFrame(
        {c.name: columns[c.name] for c in source.columns},
        schema=dict.fromkeys(source.column_names, pl.String),
    ).with_columns(pl.all().str.strip_chars().fill_null(""))
    if raw.height == 0:
        return pl.DataFrame(schema=source.schema)
    checks, values = [], []
    for column in source.columns:
        col = pl.col(column.name)
        ok, typed = _valid(column, col, today)
        empty = col == ""
        # Python's strip() also removes the information separators U+001C–U+001F, which
        # Polars keeps: such a value goes the validators' way
        odd_edge = col.str.contains(r"^[\x1c-\x1f]|[\x1c-\x1f]$")
        checks.append(pl.when(empty).then(pl.lit(not column.required)).otherwise(ok & ~odd_edge))
        values.append(pl.when(empty).then(None).otherwise(typed).alias(column.name))
    if not raw.select(pl.all_horizontal(checks).fill_null(False).all()).item():
        return None
    for column in source.columns:
        if column.kind == DIVISION:
            codes = set(raw[column.name].unique().to_list()) - {""}
            if codes - known_divisions(codes):
                return None
    return raw.select(values).cast(source.schema)

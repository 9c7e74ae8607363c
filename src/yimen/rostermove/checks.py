"""Checks over whole columns of text (Polars expressions), shared by every kind.

Nothing here loops over rows in Python: a 200,000-household sheet is checked in a few
column operations. Each function returns an expression that is the problem code for the
row ("" when the value is fine), or the parsed value, so a kind combines them freely.
The ID number follows GB 11643 (the same rule ``yimen.people.parse_id_number`` applies
to one number: 18 characters, a real birth date not in the future, the ISO 7064 MOD 11-2
check character); tests check that both agree."""

from __future__ import annotations

from datetime import date

import polars as pl

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
ID_PATTERN = r"^[0-9]{17}[0-9X]$"
MONEY_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"
DIGITS_PATTERN = r"^[0-9]+$"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def id_text(column: str) -> pl.Expr:
    """The ID number as people mean it: spaces dropped, a lower-case x made upper-case."""
    return pl.col(column).str.replace_all(r"\s", "").str.to_uppercase()


def id_birth(number: pl.Expr) -> pl.Expr:
    return number.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)


def id_problem(number: pl.Expr, today: date) -> pl.Expr:
    """ "" for a valid ID number, else id_format / id_birth / id_future / id_check."""
    digits = [number.str.slice(i, 1).cast(pl.Int64, strict=False) for i in range(17)]
    remainder = sum((d * w for d, w in zip(digits, WEIGHTS, strict=True)), pl.lit(0)) % 11
    expected = remainder.replace_strict(
        dict(enumerate(CHECK_CHARACTERS)), return_dtype=pl.String, default=""
    )
    birth = id_birth(number)
    return (
        pl.when(~number.str.contains(ID_PATTERN))
        .then(pl.lit("id_format"))
        .when(birth.is_null())
        .then(pl.lit("id_birth"))
        .when(birth > pl.lit(today))
        .then(pl.lit("id_future"))
        .when(number.str.slice(17, 1) != expected)
        .then(pl.lit("id_check"))
        .otherwise(pl.lit(""))
    )


def money_text(column: str) -> pl.Expr:
    """An amount as written, thousands separators and 元 dropped."""
    return pl.col(column).str.replace_all(r"[,，\s元]", "")


def money_ok(text: pl.Expr) -> pl.Expr:
    return text.str.contains(MONEY_PATTERN)


def money_fen(text: pl.Expr) -> pl.Expr:
    """Whole fen of a valid amount (null otherwise), exact: no float on the way."""
    parts = text.str.split_exact(".", 1)
    yuan = parts.struct.field("field_0").cast(pl.Int64, strict=False)
    cents = parts.struct.field("field_1").fill_null("").str.pad_end(2, "0")
    return pl.when(money_ok(text)).then(yuan * 100 + cents.cast(pl.Int64, strict=False))


def month_of_text(column: str) -> pl.Expr:
    """The first day of the month written as 2023-05, 2023/5, 2023.05, 2023年5月, 202305 or
    a date (2023-05-17); null when it is none of these."""
    text = pl.col(column).str.replace_all(r"\s", "")
    groups = text.str.extract_groups(r"^([0-9]{4})[-/.年]?([0-9]{1,2})(?:[-/.月]|$)")
    year = groups.struct.field("1").cast(pl.Int32, strict=False)
    month = groups.struct.field("2").cast(pl.Int32, strict=False)
    valid = year.is_between(1900, 2999) & month.is_between(1, 12)
    return pl.when(valid).then(pl.date(year, month, 1))


def date_of_text(column: str) -> pl.Expr:
    """A date written 2023-05-17, 2023/5/17, 2023.5.17 or 2023年5月17日; null otherwise."""
    text = pl.col(column).str.replace_all(r"\s", "")
    groups = text.str.extract_groups(r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$")
    year = groups.struct.field("1").cast(pl.Int32, strict=False)
    month = groups.struct.field("2").cast(pl.Int32, strict=False)
    day = groups.struct.field("3").cast(pl.Int32, strict=False)
    ok = year.is_between(1900, 2999) & month.is_between(1, 12) & day.is_between(1, 31)
    # an impossible day (30 February) becomes null through a strict=False parse
    iso = pl.format(
        "{}-{}-{}",
        year.cast(pl.String),
        month.cast(pl.String).str.pad_start(2, "0"),
        day.cast(pl.String).str.pad_start(2, "0"),
    )
    return pl.when(ok).then(iso.str.strptime(pl.Date, "%Y-%m-%d", strict=False))


def formula_like(column: str) -> pl.Expr:
    """A name a spreadsheet would run as a formula (yimen.spreadsheets.starts_like_formula)."""
    text = pl.col(column).str.strip_chars_start(" \u3000")
    return pl.any_horizontal([text.str.starts_with(s) for s in FORMULA_STARTS])


def blank(column: str) -> pl.Expr:
    return pl.col(column).fill_null("") == ""


def too_long(column: str, limit: int) -> pl.Expr:
    return pl.col(column).str.len_chars() > limit

"""The problems a dry run finds, by stable code, with their text in Chinese and English.

A problem is stored as (row, column, code, value, detail): the text is rendered from the
code when it is shown, in the reader's language, so a batch checked in Chinese reads in
English too. ``detail`` fills the one placeholder some messages have (the other row, the
rules' amount). Codes never change once published: the downloaded lists quote them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import polars as pl
from django.utils.translation import gettext_lazy as _

from yimen.money import format_yuan

MESSAGES = {
    "missing": _("A required value is missing."),
    "id_format": _("An ID number has 18 characters: 17 digits and a digit or X."),
    "id_birth": _("The birth date in the ID number is not a real date."),
    "id_future": _("The birth date in the ID number is in the future."),
    "id_check": _("The check digit of the ID number is wrong."),
    "head_mismatch": _("The head's own row gives another ID number than the head column."),
    "no_head": _("The household has no row of its head (relation 户主 or 本人)."),
    "two_heads": _("The household has a second row of its head."),
    "relation_unknown": _("Unknown relation to the head (use 户主, 配偶, 子女, 父母, …)."),
    "type_unknown": _("Unknown assistance type (use 低保, 特困 or 低收入)."),
    "hukou_unknown": _("Unknown household registration (use 城市 or 农村)."),
    "amount_bad": _("The amount is not a number of yuan with at most two decimals."),
    "amount_missing": _("低保 and 特困 households need a monthly amount above zero."),
    "income_bad": _("The income is not a number of yuan with at most two decimals."),
    "month_bad": _("Not a month (write 2023-05, 2023年5月 or a date)."),
    "month_future": _("The start month is after this month."),
    "date_bad": _("Not a date (write 2023-05-17 or a date cell)."),
    "account_bad": _("An account number has 8 to 32 digits."),
    "formula_text": _("A name may not start with =, +, -, @, a tab or a line break."),
    "too_long": _("The value is longer than the field allows (%(detail)s characters)."),
    "division_unknown": _("No such division in your area."),
    "division_ambiguous": _("Several divisions of your area have this name: give the code."),
    "division_outside": _("The division is outside your area."),
    "division_level": _("Give a village or community (村、社区), not a higher division."),
    "duplicate_in_sheet": _("The same person is already in row %(detail)s."),
    "on_roster": _("This person belongs to a household already on the roster."),
    "open_case": _("This person belongs to an open assistance case."),
    "already_moved": _("Already moved in by batch %(detail)s: skipped."),
    "amount_differs": _("The rules give %(detail)s yuan a month (shown, not blocking)."),
    "no_parameters": _("No assistance standard is in force here: the amount is not compared."),
    # subsidy units
    "unit_type_unknown": _("Unknown or not admitted applicant type."),
    "identity_bad": _("Not a valid ID number or unified social credit code."),
    "head_count_bad": _("Head counts are whole numbers from 0 to 10,000,000."),
    "scheme_has_unit": _("The unit is already surveyed for this scheme."),
    # certificates
    "category_unknown": _("No such exam category (give its code or name)."),
    "certificate_taken": _("This certificate number is already held by someone else."),
    "valid_until_bad": _("The certificate's end of validity is before its issue date."),
    "certificate_expired": _("The certificate has expired: not moved in as valid."),
    "education_unknown": _("Unknown education (小学, 初中, 高中 or 大专及以上)."),
}

#: problems that do not keep the record out of the import
NOTICES = frozenset({"amount_differs", "no_parameters", "already_moved"})

PROBLEM_SCHEMA = {
    "row": pl.Int64,
    "column": pl.String,
    "code": pl.String,
    "value": pl.String,
    "detail": pl.String,
}


MONEY_TEXT = re.compile(r"[0-9]+\.[0-9]{2}")


def as_money(text: str) -> str:
    """An amount written 1400.00 shown as the pages show money (1,400.00); other text as is."""
    return format_yuan(Decimal(text)) if MONEY_TEXT.fullmatch(text or "") else text


def message(code: str, detail: str = "") -> str:
    """The text of a problem in the active language."""
    text = MESSAGES.get(code)
    if text is None:
        return code
    detail = as_money(detail)
    return str(text) % {"detail": detail} if "%(detail)s" in str(text) else str(text)


def no_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def problems_where(
    frame: pl.DataFrame,
    condition: pl.Expr,
    code: str | pl.Expr,
    column: str,
    value: pl.Expr | None = None,
    detail: pl.Expr | None = None,
) -> pl.DataFrame:
    """One problem per row of ``frame`` where ``condition`` holds (``frame`` has ``row``)."""
    found = frame.filter(condition)
    return found.select(
        pl.col("row").cast(pl.Int64),
        pl.lit(column, pl.String).alias("column"),
        (pl.lit(code, pl.String) if isinstance(code, str) else code).alias("code"),
        (value if value is not None else pl.lit(""))
        .cast(pl.String)
        .str.slice(0, 200)
        .alias("value"),
        (detail if detail is not None else pl.lit("")).cast(pl.String).alias("detail"),
    )


@dataclass(frozen=True)
class Problem:
    """A stored problem as a page or a download shows it."""

    row: int
    column: str
    code: str
    value: str
    detail: str
    blocking: bool

    @property
    def text(self) -> str:
        return message(self.code, self.detail)

    @property
    def shown_value(self) -> str:
        return as_money(self.value)

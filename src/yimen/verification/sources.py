"""The partner data sources of household economic verification, one adapter each.

An adapter names its columns with their types and checks a row; the importer reads the file,
hands each row's raw text here and keeps nothing unless every row passes. The adapters
follow the data items of the verification platform (policy.md §4, A2021 Art.17)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yimen.assistance.choices import VehicleKind
from yimen.errors import YimenError
from yimen.people import parse_id_number

from .errors import RowError

# Column types: how raw text becomes a value, and the Parquet type it is stored as.
TEXT = "text"
ID_NUMBER = "id_number"
DIVISION = "division"
MONEY = "money"  # Decimal yuan, 2 places, not negative
AREA = "area"  # Decimal m², not negative
DATE = "date"  # YYYY-MM-DD, real, not in the future
MONTH = "month"  # YYYY-MM, not in the future
YEAR = "year"
ENUM = "enum"

PARQUET_TYPES = {
    TEXT: pl.String,
    ID_NUMBER: pl.String,
    DIVISION: pl.String,
    MONEY: pl.Decimal(18, 2),
    AREA: pl.Decimal(12, 2),
    DATE: pl.Date,
    MONTH: pl.String,
    YEAR: pl.Int32,
    ENUM: pl.String,
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    choices: tuple[str, ...] = ()
    required: bool = True  # a value must be present (the column itself always must)


@dataclass(frozen=True)
class Source:
    """One kind of partner file: its code, its label and its columns."""

    code: str
    label_zh: str
    label: str | Promise  # English msgid, translated for display
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def schema(self) -> dict[str, Any]:
        return {c.name: PARQUET_TYPES[c.kind] for c in self.columns}


def _c(name: str, kind: str = TEXT, *choices: str, required: bool = True) -> Column:
    return Column(name, kind, tuple(choices), required)


ID = _c("id_number", ID_NUMBER)

SOURCES: dict[str, Source] = {
    s.code: s
    for s in (
        Source(
            "household_register",
            "户籍",
            _("Household register"),
            (
                ID,
                _c("name"),
                _c("division_code", DIVISION),
                _c("hukou_type", ENUM, "urban", "rural"),
            ),
        ),
        Source(
            "bank_deposits",
            "银行存款",
            _("Bank deposits"),
            (ID, _c("bank"), _c("account_masked"), _c("balance", MONEY)),
        ),
        Source(
            "securities",
            "证券",
            _("Securities"),
            (ID, _c("institution"), _c("market_value", MONEY)),
        ),
        Source(
            "vehicles",
            "车辆登记",
            _("Vehicle registration"),
            (
                ID,
                _c("plate"),
                _c("vehicle_kind", ENUM, *VehicleKind.values),
                _c("registered_on", DATE),
            ),
        ),
        Source(
            "real_estate",
            "不动产登记",
            _("Real estate registration"),
            (
                ID,
                _c("property_id"),
                _c("kind", ENUM, "residential", "non_residential"),
                _c("area_m2", AREA),
                _c("registered_on", DATE),
            ),
        ),
        Source(
            "market_entities",
            "市场主体登记",
            _("Market-entity registration"),
            (
                ID,
                _c("entity_name"),
                _c("credit_code"),
                _c("registered_on", DATE),
                _c("status", ENUM, "active", "cancelled", "revoked"),
            ),
        ),
        Source(
            "social_insurance",
            "社会保险和养老金",
            _("Social insurance and pensions"),
            (
                ID,
                _c("month", MONTH),
                _c("kind", ENUM, "contribution", "pension"),
                _c("amount", MONEY),
            ),
        ),
        Source(
            "housing_fund",
            "住房公积金",
            _("Housing provident fund"),
            (ID, _c("month", MONTH), _c("amount", MONEY)),
        ),
        Source(
            "tax",
            "纳税记录",
            _("Tax"),
            (ID, _c("year", YEAR), _c("taxable_income", MONEY)),
        ),
    )
}

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DIVISION = re.compile(r"^\d{12}$")


class _Bad(Exception):
    def __init__(self, message, **params):
        self.message, self.params = message, params


def _decimal(value: str, column: str, places: int = 2) -> Decimal:
    try:
        amount = Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise _Bad(
            _("%(column)s “%(value)s” is not a number."), column=column, value=value
        ) from None
    if not amount.is_finite():
        raise _Bad(_("%(column)s “%(value)s” is not a number."), column=column, value=value)
    if amount < 0:
        raise _Bad(_("%(column)s %(value)s must not be negative."), column=column, value=value)
    return amount.quantize(Decimal(1).scaleb(-places))


def _date(value: str, column: str, today: date) -> date:
    match = _DATE.match(value[:10] if len(value) > 10 and value[10] in " T" else value)
    try:
        if not match:
            raise ValueError
        day = date(*(int(g) for g in match.groups()))
    except ValueError:
        raise _Bad(
            _("%(column)s “%(value)s” is not a real date (YYYY-MM-DD)."), column=column, value=value
        ) from None
    if day > today:
        raise _Bad(_("%(column)s %(value)s is in the future."), column=column, value=value)
    return day


def _month(value: str, column: str, today: date) -> str:
    match = _MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise _Bad(
            _("%(column)s “%(value)s” is not a month (YYYY-MM)."), column=column, value=value
        )
    if (int(match.group(1)), int(match.group(2))) > (today.year, today.month):
        raise _Bad(_("%(column)s %(value)s is in the future."), column=column, value=value)
    return value


def _year(value: str, column: str, today: date) -> int:
    if not re.fullmatch(r"\d{4}", value) or not 1900 <= int(value) <= today.year:
        raise _Bad(
            _("%(column)s “%(value)s” is not a year up to this one."), column=column, value=value
        )
    return int(value)


def _convert(column: Column, value: str, today: date) -> Any:
    name = column.name
    if column.kind in (TEXT,):
        return value
    if column.kind == ID_NUMBER:
        try:
            return parse_id_number(value, today=today).number
        except YimenError as error:
            raise _Bad(error.message, **error.params) from None
    if column.kind == DIVISION:
        if not _DIVISION.match(value):
            raise _Bad(
                _("%(column)s “%(value)s” must be a 12-digit division code."),
                column=name,
                value=value,
            )
        return value
    if column.kind == MONEY:
        return _decimal(value, name)
    if column.kind == AREA:
        return _decimal(value, name)
    if column.kind == DATE:
        return _date(value, name, today)
    if column.kind == MONTH:
        return _month(value, name, today)
    if column.kind == YEAR:
        return _year(value, name, today)
    if column.kind == ENUM:
        if value not in column.choices:
            raise _Bad(
                _("%(column)s “%(value)s” is not one of: %(allowed)s."),
                column=name,
                value=value,
                allowed=", ".join(column.choices),
            )
        return value
    raise AssertionError(column.kind)


def validate_rows(
    source: Source,
    rows: Iterable[dict[str, str | None]],
    *,
    today: date,
    known_divisions: Callable[[set[str]], set[str]],
) -> tuple[dict[str, list[Any]], list[RowError]]:
    """Check and convert every row; return the columns of values and all errors found.

    ``known_divisions`` answers, for a set of 12-digit codes, which exist; it is asked once
    for the whole file (set-based), not per row."""
    values: dict[str, list[Any]] = {c.name: [] for c in source.columns}
    errors: list[RowError] = []
    division_rows: dict[str, list[int]] = {}
    division_columns = [c.name for c in source.columns if c.kind == DIVISION]
    for number, row in enumerate(rows, start=1):
        for column in source.columns:
            raw = row.get(column.name)
            text = "" if raw is None else str(raw).strip()
            if not text:
                if column.required:
                    errors.append(RowError(number, column.name, _("The value is empty.")))
                values[column.name].append(None)
                continue
            try:
                converted = _convert(column, text, today)
            except _Bad as bad:
                errors.append(RowError(number, column.name, bad.message, bad.params))
                converted = None
            values[column.name].append(converted)
            if column.name in division_columns and converted is not None:
                division_rows.setdefault(converted, []).append(number)
    if division_rows:
        known = known_divisions(set(division_rows))
        for code, numbers in division_rows.items():
            if code not in known:
                errors.extend(
                    RowError(
                        n,
                        division_columns[0],
                        _("Division code %(value)s is not a known division."),
                        {"value": code},
                    )
                    for n in numbers
                )
    errors.sort(key=lambda e: e.row)
    return values, errors

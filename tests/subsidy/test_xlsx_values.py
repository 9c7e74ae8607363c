"""The survey sheet's value reader: the same values as openpyxl (the kernel's reader) on the
cells a sheet holds, the sheet's own row numbers, and the import caps and XML guards."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
from openpyxl import Workbook

from yimen.import_limits import ImportTooLarge, import_limits, xlsx_rows
from yimen.subsidy.xlsx_values import xlsx_values


def workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for number, row in rows:
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=number, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROWS = [
    (1, ["主体类型", "名称", "身份证号", "村"]),
    (2, ["草食畜养殖场户", "王大山", "220182195001010002", "220182001200", 5, 0]),
    (3, ["养殖合作社", None, "93220182MA0Y7K2L1X", 220182001200, 2.5, True]),
    (5, [None, "隔一行", " 带空格 ", None, None, "=1+1"]),  # row 4 is empty
]


def test_the_values_and_row_numbers_are_openpyxls():
    data = workbook(ROWS)
    ours = list(xlsx_values(data, "s.xlsx"))
    theirs = [
        (n, list(r))
        for n, r in enumerate(xlsx_rows(data, "s.xlsx"), start=1)
        if any(v is not None for v in r)
    ]
    assert [n for n, _ in ours] == [1, 2, 3, 5]
    for (n, mine), (m, other) in zip(ours, theirs, strict=True):
        assert n == m
        # openpyxl pads a row to the sheet's width; the values themselves agree
        assert mine == list(other[: len(mine)]) and not any(other[len(mine) :])
    assert ours[2][1][4] == 2.5 and ours[2][1][5] is True and ours[1][1][4] == 5


def test_the_row_and_column_caps_hold():
    limits = replace(import_limits(), max_rows=2, max_columns=5)
    with pytest.raises(ImportTooLarge):
        list(xlsx_values(workbook([(1, ["a"]), (2, ["b"]), (3, ["c"]), (4, ["d"])]), "s", limits))
    with pytest.raises(ImportTooLarge):
        list(xlsx_values(workbook([(1, ["a", None, None, None, None, "f"])]), "s", limits))
    # a single cell far away is refused by its row number, nothing padded to reach it
    far = replace(import_limits(), max_rows=1000)
    with pytest.raises(ImportTooLarge):
        list(xlsx_values(workbook([(1, ["a"]), (1_000_000, ["far"])]), "s", far))


def test_a_part_with_a_document_type_is_refused():
    data = workbook(ROWS)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(
                    b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet', 1
                )
            target.writestr(info, body)
    with pytest.raises(ValueError):
        list(xlsx_values(out.getvalue(), "s.xlsx"))


def test_not_a_workbook_is_an_error_for_the_caller():
    with pytest.raises(zipfile.BadZipFile):
        list(xlsx_values(b"plain text", "s.xlsx"))


def test_shared_strings_as_excel_writes_them():
    """Excel and WPS keep text in xl/sharedStrings.xml (openpyxl writes it inline): runs
    are joined, a phonetic guide is left out."""
    data = workbook([(1, ["甲", "乙"])])
    source = zipfile.ZipFile(io.BytesIO(data))
    shared = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2">'
        b"<si><t>\xe8\x8d\x89\xe9\xa3\x9f\xe7\x95\x9c</t></si>"  # 草食畜
        b"<si><r><t>\xe7\x8e\x8b</t></r><r><t>\xe5\xa4\xa7\xe5\xb1\xb1</t></r>"  # 王 + 大山
        b'<rPh sb="0" eb="1"><t>wang</t></rPh></si></sst>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                start = body.index(b"<sheetData>")
                end = body.index(b"</sheetData>") + len(b"</sheetData>")
                body = (
                    body[:start]
                    + b'<sheetData><row r="3"><c r="B3" t="s"><v>0</v></c>'
                    + b'<c r="C3" t="s"><v>1</v></c></row></sheetData>'
                    + body[end:]
                )
            target.writestr(info, body)
        target.writestr("xl/sharedStrings.xml", shared)
    assert list(xlsx_values(out.getvalue(), "s.xlsx")) == [(3, [None, "草食畜", "王大山"])]

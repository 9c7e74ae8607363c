"""Bounded imports (issue 15, item 4): a zip bomb, a file over the size cap, too many rows or
columns — each refused early with a message in Chinese and English, nothing written; the
bomb within a second and well under 200 MB of memory."""

from __future__ import annotations

import io
import resource
import struct
import time
import tracemalloc
import zipfile
from datetime import date

import openpyxl
import polars as pl
import pytest

from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.verification.errors import FileTooLarge, UnsupportedFile
from yimen.verification.importing import partner_data_import
from yimen.verification.models import ImportBatch

from .conftest import LI, WANG, ZHANG, csv_bytes

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 1)
BANK_HEADER = ["id_number", "bank", "account_masked", "balance"]
MB = 2**20

PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="bank" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _cell(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def _row(values) -> bytes:
    return ("<row>" + "".join(_cell(v) for v in values) + "</row>").encode()


def sheet_xlsx(path, rows: int, *, dimension: str = "A1:D1", repeat=None) -> None:
    """A bank-deposit workbook written by hand, streaming: ``rows`` data rows (the same row
    again and again compresses like a zip bomb), with the dimension it declares."""
    row = _row(repeat or [ZHANG, "农行", "6228****1234", "100.00"])
    block = row * 10_000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + f'<dimension ref="{dimension}"/><sheetData>'.encode()
                + _row(BANK_HEADER)
            )
            left = rows
            while left >= 10_000:
                sheet.write(block)
                left -= 10_000
            sheet.write(row * left)
            sheet.write(b"</sheetData></worksheet>")


def do_import(path):
    return partner_data_import(
        source="bank_deposits", partner="长春农商银行", as_of=AS_OF, path=path
    )


def assert_nothing_written():
    assert ImportBatch.objects.count() == 0
    assert not AuditEvent.objects.filter(event_type=EventType.PARTNER_DATA_IMPORTED).exists()


def assert_bilingual(refused, zh: str, en: str):
    assert zh in refused.render("zh-hans"), refused.render("zh-hans")
    assert en in refused.render("en"), refused.render("en")


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """About 1.5 MB on disk, 300 MB of sheet XML, 2,000,000 rows."""
    path = tmp_path_factory.mktemp("bomb") / "bank.xlsx"
    sheet_xlsx(path, 2_000_000)
    return path


def test_zip_bomb_is_refused_within_a_second_and_little_memory(data_dir, bomb):
    assert bomb.stat().st_size < 5 * MB
    with zipfile.ZipFile(bomb) as archive:
        assert sum(i.file_size for i in archive.infolist()) > 250 * MB
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(FileTooLarge) as refused:
            do_import(bomb)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024
    assert elapsed < 1.0, elapsed
    assert peak < 200 * MB and rss_growth < 200 * MB, (peak, rss_growth)
    assert_bilingual(refused.value, "压缩炸弹", "zip bomb")
    assert refused.value.code == "verification.file_too_large"
    assert_nothing_written()


def test_member_whose_header_understates_its_size_is_not_inflated_past_it(data_dir, tmp_path):
    """A local and central header claiming 100 bytes for a 20 MB sheet: the member is never
    inflated beyond what it declares, and the file is refused as unreadable."""
    path = tmp_path / "liar.xlsx"
    sheet_xlsx(path, 150_000)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    central, at = -1, 0
    while (at := data.find(b"PK\x01\x02", at)) != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_length]) == name:
            central = at
        at += 4
    assert central != -1
    assert struct.unpack_from("<I", data, central + 24)[0] > 20 * MB  # the true size
    struct.pack_into("<I", data, central + 24, 100)  # the uncompressed size it now claims
    path.write_bytes(bytes(data))
    started = time.perf_counter()
    with pytest.raises(UnsupportedFile):
        do_import(path)
    assert time.perf_counter() - started < 1.0
    assert_nothing_written()


def test_rows_are_counted_while_streaming_whatever_the_dimension_says(data_dir, tmp_path, settings):
    settings.YIMEN_IMPORT_LIMITS = {**settings.YIMEN_IMPORT_LIMITS, "max_rows": 10}
    path = tmp_path / "small-dimension.xlsx"
    sheet_xlsx(path, 11, dimension="A1:D2")  # says 1 data row, holds 11
    with pytest.raises(FileTooLarge) as refused:
        do_import(path)
    assert_bilingual(refused.value, "10", "more than 10 data rows")
    assert_nothing_written()


def test_a_huge_declared_dimension_does_not_pad_rows(data_dir, tmp_path):
    """A1:XFD1048576 would pad each row to 16,384 cells (or count a million rows)."""
    path = tmp_path / "huge-dimension.xlsx"
    sheet_xlsx(path, 3, dimension="A1:XFD1048576", repeat=[LI, "农行", "6228****1234", "100.00"])
    started = time.perf_counter()
    batch = do_import(path)
    assert batch.row_count == 3
    assert time.perf_counter() - started < 5.0


def test_too_many_columns_is_refused(data_dir, tmp_path, settings):
    settings.YIMEN_IMPORT_LIMITS = {**settings.YIMEN_IMPORT_LIMITS, "max_columns": 20}
    path = tmp_path / "wide.csv"
    path.write_bytes(csv_bytes([*BANK_HEADER, *[f"x{i}" for i in range(30)]], []))
    with pytest.raises(FileTooLarge) as refused:
        do_import(path)
    assert_bilingual(refused.value, "20", "more than 20 columns")
    assert_nothing_written()


def test_too_many_csv_rows_is_refused_at_the_cap(data_dir, tmp_path, settings):
    settings.YIMEN_IMPORT_LIMITS = {**settings.YIMEN_IMPORT_LIMITS, "max_rows": 2}
    rows = [[ZHANG, "农行", "6228****1234", "100.00"], [WANG, "农行", "6228****5678", "5.00"]]
    path = tmp_path / "bank.csv"
    path.write_bytes(csv_bytes(BANK_HEADER, rows))
    assert do_import(path).row_count == 2  # at the cap: accepted
    path = tmp_path / "bank-3.csv"
    path.write_bytes(csv_bytes(BANK_HEADER, [*rows, [LI, "农行", "x", "1.00"]]))
    with pytest.raises(FileTooLarge):
        do_import(path)
    assert ImportBatch.objects.count() == 1


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(data_dir, tmp_path, settings):
    settings.YIMEN_IMPORT_LIMITS = {**settings.YIMEN_IMPORT_LIMITS, "max_file_bytes": MB}
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes(BANK_HEADER, [[ZHANG, "农行", "6228****1234", "100.00"]] * 30_000))
    assert path.stat().st_size > MB
    with pytest.raises(FileTooLarge) as refused:
        do_import(path)
    assert_bilingual(refused.value, "1 MB", "larger than 1 MB")
    assert_nothing_written()


def test_parquet_over_the_row_cap_is_refused_from_its_footer(data_dir, tmp_path, settings):
    settings.YIMEN_IMPORT_LIMITS = {**settings.YIMEN_IMPORT_LIMITS, "max_rows": 100}
    path = tmp_path / "bank.parquet"
    pl.DataFrame(
        {
            "id_number": [ZHANG] * 101,
            "bank": ["农行"] * 101,
            "account_masked": ["x"] * 101,
            "balance": ["1.00"] * 101,
        }
    ).write_parquet(path)
    with pytest.raises(FileTooLarge):
        do_import(path)
    assert_nothing_written()


def test_an_ordinary_workbook_still_imports(data_dir, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(BANK_HEADER)
    book.active.append([ZHANG, "农行", "6228****1234", "100.00"])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "bank.xlsx"
    path.write_bytes(buffer.getvalue())
    assert do_import(path).row_count == 1

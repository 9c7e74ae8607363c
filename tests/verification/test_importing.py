"""Partner data imports: refusals leave nothing, valid files become one batch each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
import polars as pl
import pytest
from django.core.management import CommandError, call_command

from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.verification.errors import (
    MissingColumns,
    RowsInvalid,
    UnsupportedFile,
    WrongEncoding,
)
from yimen.verification.importing import partner_data_import
from yimen.verification.models import ImportBatch

from .conftest import LI, WANG, ZHANG, bad_check_digit, csv_bytes

AS_OF = date(2026, 11, 1)
REGISTER_HEADER = ["id_number", "name", "division_code", "hukou_type"]
BANK_HEADER = ["id_number", "bank", "account_masked", "balance"]

pytestmark = pytest.mark.django_db


def parquet_files(data_dir):
    return sorted(p for p in data_dir.rglob("*") if p.is_file())


def assert_nothing_written(data_dir):
    assert ImportBatch.objects.count() == 0
    assert parquet_files(data_dir) == []
    assert not AuditEvent.objects.filter(event_type=EventType.PARTNER_DATA_IMPORTED).exists()


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def do_import(path, source="bank_deposits", partner="长春农商银行", as_of=AS_OF):
    return partner_data_import(source=source, partner=partner, as_of=as_of, path=path)


# --- refusals: each leaves no batch, no file, no audit event ---------------------------------


def test_bad_check_digit_is_refused_with_its_row(data_dir, tmp_path):
    path = write(
        tmp_path,
        "bank.csv",
        csv_bytes(
            BANK_HEADER,
            [[ZHANG, "农行", "6228****1234", "100.00"], [bad_check_digit(WANG), "农行", "x", "5"]],
        ),
    )
    with pytest.raises(RowsInvalid) as refused:
        do_import(path)
    [error] = refused.value.errors
    assert (error.row, error.line, error.column) == (2, 3, "id_number")
    assert "check digit" in error.render("en")
    assert_nothing_written(data_dir)


def test_unknown_division_is_refused(tree, data_dir, tmp_path):
    path = write(
        tmp_path,
        "hukou.csv",
        csv_bytes(
            REGISTER_HEADER,
            [[ZHANG, "张建明", "220102001001", "urban"], [WANG, "王秀英", "220102999999", "urban"]],
        ),
    )
    with pytest.raises(RowsInvalid) as refused:
        do_import(path, source="household_register", partner="公安局")
    [error] = refused.value.errors
    assert (error.row, error.column) == (2, "division_code")
    assert "220102999999" in error.render("en")
    assert_nothing_written(data_dir)


def test_negative_balance_is_refused(data_dir, tmp_path):
    path = write(
        tmp_path, "bank.csv", csv_bytes(BANK_HEADER, [[ZHANG, "农行", "6228****1234", "-0.01"]])
    )
    with pytest.raises(RowsInvalid) as refused:
        do_import(path)
    [error] = refused.value.errors
    assert (error.row, error.column) == (1, "balance")
    assert "negative" in error.render("en")
    assert_nothing_written(data_dir)


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01", "yesterday", "2999-01-01"])
def test_impossible_or_future_date_is_refused(data_dir, tmp_path, value):
    path = write(
        tmp_path,
        "cars.csv",
        csv_bytes(
            ["id_number", "plate", "vehicle_kind", "registered_on"],
            [[ZHANG, "吉A12345", "car", "2020-05-01"], [WANG, "吉A54321", "car", value]],
        ),
    )
    with pytest.raises(RowsInvalid) as refused:
        do_import(path, source="vehicles", partner="车管所")
    [error] = refused.value.errors
    assert (error.row, error.column) == (2, "registered_on")
    assert_nothing_written(data_dir)


def test_wrong_encoding_is_refused(data_dir, tmp_path):
    path = write(tmp_path, "bank.csv", b"id_number,bank,account_masked,balance\n\xff\xfe\xfa\n")
    with pytest.raises(WrongEncoding) as refused:
        do_import(path)
    assert refused.value.code == "verification.wrong_encoding"
    assert_nothing_written(data_dir)


def test_missing_column_is_refused_by_name(data_dir, tmp_path):
    path = write(
        tmp_path, "bank.csv", csv_bytes(["id_number", "bank", "balance"], [[ZHANG, "农行", "1"]])
    )
    with pytest.raises(MissingColumns) as refused:
        do_import(path)
    assert refused.value.missing == ["account_masked"]
    assert "account_masked" in refused.value.render("en")
    assert_nothing_written(data_dir)


def test_unsupported_extension_is_refused(data_dir, tmp_path):
    path = write(tmp_path, "bank.txt", b"whatever")
    with pytest.raises(UnsupportedFile):
        do_import(path)
    assert_nothing_written(data_dir)


def test_every_error_is_listed_with_row_numbers(data_dir, tmp_path):
    rows = [
        [ZHANG, "农行", "a", "1"],
        [bad_check_digit(WANG), "农行", "b", "-3"],  # two errors in row 2
        [LI, "农行", "c", "1"],
        [LI, "农行", "", "abc"],  # empty + not a number in row 4
    ]
    path = write(tmp_path, "bank.csv", csv_bytes(BANK_HEADER, rows))
    with pytest.raises(RowsInvalid) as refused:
        do_import(path)
    found = [(e.row, e.column) for e in refused.value.errors]
    assert found == [
        (2, "id_number"),
        (2, "balance"),
        (4, "account_masked"),
        (4, "balance"),
    ]
    assert refused.value.total == 4
    assert set(refused.value.fields) == {"row 2", "row 4"}
    assert_nothing_written(data_dir)


def test_error_list_is_capped_at_200(data_dir, tmp_path):
    rows = [[ZHANG, "农行", "a", "-1"]] * 250
    path = write(tmp_path, "bank.csv", csv_bytes(BANK_HEADER, rows))
    with pytest.raises(RowsInvalid) as refused:
        do_import(path)
    assert len(refused.value.errors) == 200
    assert refused.value.total == 250
    assert_nothing_written(data_dir)


@pytest.mark.parametrize(
    ("source", "header", "row", "column"),
    [
        (
            "real_estate",
            ["id_number", "property_id", "kind", "area_m2", "registered_on"],
            [ZHANG, "吉(2020)1号", "castle", "80", "2020-01-01"],
            "kind",
        ),
        (
            "social_insurance",
            ["id_number", "month", "kind", "amount"],
            [ZHANG, "2026-13", "pension", "100"],
            "month",
        ),
        ("tax", ["id_number", "year", "taxable_income"], [ZHANG, "20x5", "100"], "year"),
        (
            "vehicles",
            ["id_number", "plate", "vehicle_kind", "registered_on"],
            [ZHANG, "吉A1", "tank", "2020-01-01"],
            "vehicle_kind",
        ),
        (
            "market_entities",
            ["id_number", "entity_name", "credit_code", "registered_on", "status"],
            [ZHANG, "某商店", "91220101MA0000000X", "2020-01-01", "sleeping"],
            "status",
        ),
    ],
)
def test_enum_month_and_year_are_checked(data_dir, tmp_path, source, header, row, column):
    path = write(tmp_path, "f.csv", csv_bytes(header, [row]))
    with pytest.raises(RowsInvalid) as refused:
        do_import(path, source=source, partner="p")
    assert [(e.row, e.column) for e in refused.value.errors] == [(1, column)]
    assert_nothing_written(data_dir)


# --- accepted files ------------------------------------------------------------------------


def test_gb18030_csv_with_chinese_names_imports(tree, data_dir, tmp_path):
    rows = [
        [ZHANG, "张建明", "220102001001", "urban"],
        [WANG, "王秀英", "220102001001", "rural"],
    ]
    data = csv_bytes(REGISTER_HEADER, rows, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the file really is not UTF-8
    batch = do_import(write(tmp_path, "hukou.csv", data), source="household_register")
    assert batch.row_count == 2
    assert (
        batch.full_path == data_dir / "verification" / "household_register" / f"{batch.pk}.parquet"
    )
    frame = pl.read_parquet(batch.full_path)
    assert frame["name"].to_list() == ["张建明", "王秀英"]
    assert frame["division_code"].to_list() == ["220102001001", "220102001001"]
    assert parquet_files(data_dir) == [batch.full_path]


def test_utf8_csv_with_bom_imports_and_is_audited(data_dir, tmp_path):
    data = b"\xef\xbb\xbf" + csv_bytes(
        BANK_HEADER, [[ZHANG, "中国农业银行", "6228****1234", "1,234.5"]]
    )
    batch = do_import(write(tmp_path, "bank.csv", data))
    frame = pl.read_parquet(batch.full_path)
    assert frame["balance"].to_list() == [Decimal("1234.50")]
    assert frame["bank"].to_list() == ["中国农业银行"]
    event = AuditEvent.objects.get(event_type=EventType.PARTNER_DATA_IMPORTED)
    assert event.subject_id == str(batch.pk)
    assert event.new == {
        "source": "bank_deposits",
        "partner": "长春农商银行",
        "as_of": "2026-11-01",
        "rows": 1,
    }
    assert len(batch.sha256) == 64


def test_xlsx_imports(data_dir, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id_number", "property_id", "kind", "area_m2", "registered_on"])
    sheet.append([ZHANG, "吉(2019)长春市不动产权第1号", "residential", 86.5, date(2019, 6, 1)])
    sheet.append([WANG, "吉(2021)长春市不动产权第2号", "non_residential", 30, "2021-03-15"])
    path = tmp_path / "estate.xlsx"
    book.save(path)
    batch = do_import(path, source="real_estate", partner="不动产登记中心")
    frame = pl.read_parquet(batch.full_path)
    assert batch.row_count == 2
    assert frame["area_m2"].to_list() == [Decimal("86.50"), Decimal("30.00")]
    assert frame["registered_on"].to_list() == [date(2019, 6, 1), date(2021, 3, 15)]


def test_xlsx_errors_name_spreadsheet_rows(data_dir, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["id_number", "year", "taxable_income"])
    book.active.append([ZHANG, 2025, 36000])
    book.active.append([ZHANG, 2025, -1])
    path = tmp_path / "tax.xlsx"
    book.save(path)
    with pytest.raises(RowsInvalid) as refused:
        do_import(path, source="tax", partner="税务局")
    [error] = refused.value.errors
    assert (error.row, error.line, error.column) == (2, 3, "taxable_income")
    assert_nothing_written(data_dir)


@pytest.mark.usefixtures("pinned_clock")  # the months must not lie in the future
def test_parquet_imports(data_dir, tmp_path):
    path = tmp_path / "fund.parquet"
    pl.DataFrame(
        {"id_number": [ZHANG, WANG], "month": ["2026-09", "2026-10"], "amount": [812.0, 640.5]}
    ).write_parquet(path)
    batch = do_import(path, source="housing_fund", partner="公积金中心")
    frame = pl.read_parquet(batch.full_path)
    assert frame["amount"].to_list() == [Decimal("812.00"), Decimal("640.50")]
    assert frame["month"].to_list() == ["2026-09", "2026-10"]


def test_reimport_of_the_same_file_returns_the_same_batch(data_dir, tmp_path):
    path = write(tmp_path, "bank.csv", csv_bytes(BANK_HEADER, [[ZHANG, "农行", "x", "10"]]))
    first = do_import(path)
    before = parquet_files(data_dir), AuditEvent.objects.count()
    again = do_import(path)
    assert again.pk == first.pk
    assert ImportBatch.objects.count() == 1
    assert (parquet_files(data_dir), AuditEvent.objects.count()) == before
    # the same file from another partner or as-of date is another batch
    other = do_import(path, as_of=date(2026, 11, 16))
    assert other.pk != first.pk
    assert ImportBatch.objects.count() == 2


def test_failure_after_writing_leaves_no_file(data_dir, tmp_path, monkeypatch):
    from yimen.verification import importing

    def boom(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(importing, "record_event", boom)
    path = write(tmp_path, "bank.csv", csv_bytes(BANK_HEADER, [[ZHANG, "农行", "x", "10"]]))
    with pytest.raises(RuntimeError):
        do_import(path)
    assert ImportBatch.objects.count() == 0
    assert parquet_files(data_dir) == []


# --- commands ------------------------------------------------------------------------------


def test_import_command_prints_the_batch_and_history_lists_it(data_dir, tmp_path, capsys):
    path = write(tmp_path, "bank.csv", csv_bytes(BANK_HEADER, [[ZHANG, "农行", "x", "10"]]))
    call_command(
        "verification_import",
        "bank_deposits",
        str(path),
        "--partner",
        "农商行",
        "--as-of",
        "2026-11-01",
    )
    batch = ImportBatch.objects.get()
    assert f"batch {batch.pk}:" in capsys.readouterr().out
    call_command("verification_imports")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "id\tsource\tpartner\tas_of\trows\timported_at"
    assert out[1].startswith(f"{batch.pk}\tbank_deposits\t农商行\t2026-11-01\t1\t")


def test_import_command_refusal_lists_numbered_errors(data_dir, tmp_path):
    rows = [[ZHANG, "农行", "x", "10"], [ZHANG, "农行", "x", "-10"]]
    path = write(tmp_path, "bank.csv", csv_bytes(BANK_HEADER, rows))
    with pytest.raises(CommandError) as refused:
        call_command(
            "verification_import",
            "bank_deposits",
            str(path),
            "--partner",
            "p",
            "--as-of",
            "2026-11-01",
        )
    assert "1. row 2 (line 3), balance:" in str(refused.value)
    assert_nothing_written(data_dir)


def test_import_command_refuses_a_bad_as_of(data_dir, tmp_path):
    path = write(tmp_path, "bank.csv", csv_bytes(BANK_HEADER, [[ZHANG, "农行", "x", "10"]]))
    with pytest.raises(CommandError):
        call_command(
            "verification_import",
            "bank_deposits",
            str(path),
            "--partner",
            "p",
            "--as-of",
            "2026-02-30",
        )
    assert_nothing_written(data_dir)

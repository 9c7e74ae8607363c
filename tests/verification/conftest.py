"""Fixtures of the verification tests: a private data directory and file writers."""

from __future__ import annotations

import csv
import io

import pytest

from tests.assistance import conftest as assistance_fixtures
from tests.assistance.conftest import id_number

ZHANG = id_number("19700312", "011")
WANG = id_number("19720405", "022")
LI = id_number("19950101", "031")


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "var"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


def csv_bytes(header, rows, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def bad_check_digit(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


# --- a household waiting at the verify step with a pending request, and partner files ---


def _numbers():
    from tests.assistance.conftest import id_number

    return id_number("19700312", "011"), id_number("19720508", "022"), id_number("20120901", "042")


@pytest.fixture
def requested(staff, settings, tmp_path, data_dir):
    """The 张 household of tests.assistance (declared: wages 900, deposits 3000, an e-bike)
    at the verify step, with a pending verification request."""
    from tests.assistance.conftest import household_input
    from tests.assistance.test_case_paths import attach_basics
    from yimen.assistance.services import intake, steps
    from yimen.verification.requests import verification_request_open

    settings.MEDIA_ROOT = tmp_path / "media"
    application = intake.application_create(actor=staff.caseworker, data=household_input())
    attach_basics(staff.caseworker, application)
    assert steps.case_accept(actor=staff.caseworker, application=application) == []
    application.refresh_from_db()
    verification_request_open(actor=staff.caseworker, application=application)
    return application


def import_rows(tmp_path, source, header, rows, *, partner="合作单位", as_of=None):
    """Write a CSV for ``source`` and import it; the batch."""
    from datetime import date

    from yimen.verification.importing import partner_data_import

    path = tmp_path / f"{source}-{partner}-{len(rows)}.csv"
    path.write_bytes(csv_bytes(header, rows))
    return partner_data_import(
        source=source, partner=partner, as_of=as_of or date(2026, 11, 1), path=path
    )


def import_fixture(tmp_path):
    """The hand-written partner files of the report fixture; the batches by source."""
    from tests.factories import HUAYANG

    head, spouse, child = _numbers()
    other = "110101199001011237"
    b = {}
    b["household_register"] = import_rows(
        tmp_path,
        "household_register",
        ["id_number", "name", "division_code", "hukou_type"],
        [
            [head, "张建明", HUAYANG, "urban"],
            [spouse, "李秀兰", HUAYANG, "urban"],
            [child, "张小雨", HUAYANG, "urban"],
            [other, "赵六", HUAYANG, "urban"],
        ],
    )
    b["bank_deposits"] = import_rows(
        tmp_path,
        "bank_deposits",
        ["id_number", "bank", "account_masked", "balance"],
        [
            [head, "中国银行", "6217****0001", "2500.00"],
            [other, "中国银行", "6217****0002", "99999.00"],
            [head, "中国银行", "6217****0003", "1200.50"],
            [spouse, "中国银行", "6217****0004", "800.00"],
        ],
    )
    b["vehicles"] = import_rows(
        tmp_path,
        "vehicles",
        ["id_number", "plate", "vehicle_kind", "registered_on"],
        [
            [head, "长春000123", "ebike", "2020-05-01"],
            [spouse, "吉A12345", "car", "2019-03-02"],
        ],
    )
    b["real_estate"] = import_rows(
        tmp_path,
        "real_estate",
        ["id_number", "property_id", "kind", "area_m2", "registered_on"],
        [
            [head, "吉(2010)长春市不动产权第0000001号", "residential", "80.00", "2010-01-01"],
            [spouse, "吉(2015)长春市不动产权第0000002号", "residential", "60.00", "2015-01-01"],
        ],
    )
    b["market_entities"] = import_rows(
        tmp_path,
        "market_entities",
        ["id_number", "entity_name", "credit_code", "registered_on", "status"],
        [[head, "长春市张建明小吃部", "92220102MA0000000X", "2016-06-01", "cancelled"]],
    )
    b["social_insurance"] = import_rows(
        tmp_path,
        "social_insurance",
        ["id_number", "month", "kind", "amount"],
        [
            [head, "2025-09", "contribution", "700.00"],
            [spouse, "2025-09", "pension", "1500.00"],
            [spouse, "2025-10", "pension", "1500.00"],
        ],
    )
    b["housing_fund"] = import_rows(
        tmp_path,
        "housing_fund",
        ["id_number", "month", "amount"],
        [[head, "2025-09", "300.00"], [head, "2025-10", "300.00"]],
    )
    b["tax"] = import_rows(
        tmp_path,
        "tax",
        ["id_number", "year", "taxable_income"],
        [[head, "2024", "24000.00"], [head, "2025", "14400.00"], [other, "2025", "90000.00"]],
    )
    return b


staff = assistance_fixtures.staff  # the township staff of 南岭街道, shared with assistance

"""Fixtures of the verification tests: a private data directory and file writers."""

from __future__ import annotations

import csv
import io

import pytest

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

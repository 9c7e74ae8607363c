"""The importer's vectorised path equals the row-by-row validators, and steps aside for
anything not plainly valid (so the exact row-numbered reasons still come from them)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.assistance.conftest import id_number
from yimen.verification.fastcheck import fast_frame
from yimen.verification.sources import SOURCES, validate_rows
from yimen.verification.synthetic import _as_text, people, rows_for

TODAY = date(2026, 11, 29)
pytestmark = pytest.mark.django_db


def every_division(codes):
    return set(codes)


def columns_of(source, rows):
    return {c: [r.get(c) for r in rows] for c in SOURCES[source].column_names}


def slow(source, rows):
    values, errors = validate_rows(
        SOURCES[source], iter(rows), today=TODAY, known_divisions=every_division
    )
    return values, errors


@pytest.mark.parametrize("source", list(SOURCES))
def test_the_fast_path_gives_what_the_validators_give(source):
    persons = people(300, seed=4, today=TODAY)
    rows = [
        {k: _as_text(v) for k, v in r.items()}
        for r in rows_for(source, persons, seed=2, today=TODAY)
    ]
    assert rows
    fast = fast_frame(
        SOURCES[source], columns_of(source, rows), today=TODAY, known_divisions=every_division
    )
    assert fast is not None  # clean synthetic files take the fast path
    import polars as pl

    values, errors = slow(source, rows)
    assert errors == []
    assert fast.equals(pl.DataFrame(values, schema=SOURCES[source].schema))


HEAD = id_number("19700312", "011")
WITH_X = id_number("19700312", "019")  # its check character is X


@pytest.mark.parametrize(
    ("column", "value", "accepted_by_validators"),
    [
        ("balance", "1,200.00", True),  # accepted, but not plain: the validators decide
        ("balance", "-5.00", False),
        ("balance", "12.345", True),  # rounded by the validators
        ("balance", "", False),
        ("id_number", HEAD[:-1] + ("0" if HEAD[-1] != "0" else "1"), False),
        ("id_number", WITH_X.lower(), True),  # upper-cased by the validators
        ("id_number", "22010220300101001X", False),  # born in the future
    ],
)
def test_anything_not_plain_goes_to_the_validators(column, value, accepted_by_validators):
    row = {"id_number": HEAD, "bank": "中国银行", "account_masked": "62****1", "balance": "10.00"}
    row[column] = value
    fast = fast_frame(
        SOURCES["bank_deposits"],
        columns_of("bank_deposits", [row]),
        today=TODAY,
        known_divisions=every_division,
    )
    assert fast is None
    _, errors = slow("bank_deposits", [row])
    assert (errors == []) is accepted_by_validators


def test_surrounding_blanks_are_stripped_on_both_paths():
    row = {
        "id_number": f" {WITH_X} ",
        "bank": " 中国银行",
        "account_masked": "62****1",
        "balance": "10.5 ",
    }
    fast = fast_frame(
        SOURCES["bank_deposits"],
        columns_of("bank_deposits", [row]),
        today=TODAY,
        known_divisions=every_division,
    )
    values, errors = slow("bank_deposits", [row])
    assert errors == [] and fast is not None
    assert fast.to_dict(as_series=False) == values


def test_a_separator_python_strips_goes_to_the_validators():
    row = {"id_number": HEAD, "bank": "中国银行\x1f", "account_masked": "62****1", "balance": "1"}
    cols = columns_of("bank_deposits", [row])
    assert (
        fast_frame(SOURCES["bank_deposits"], cols, today=TODAY, known_divisions=every_division)
        is None
    )
    values, errors = slow("bank_deposits", [row])
    assert errors == [] and values["bank"] == ["中国银行"]


def test_an_unknown_division_goes_to_the_validators():
    row = {
        "id_number": HEAD,
        "name": "张三",
        "division_code": "220102001001",
        "hukou_type": "urban",
    }
    cols = columns_of("household_register", [row])
    source = SOURCES["household_register"]
    assert fast_frame(source, cols, today=TODAY, known_divisions=lambda codes: set()) is None
    assert fast_frame(source, cols, today=TODAY, known_divisions=every_division) is not None

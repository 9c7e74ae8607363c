"""The report's JSON built column-wise by Polars (reports.payload_columns, what the run
stores) equals the row-by-row reference (reports.payload) on seeded synthetic households:
totals, flags, every difference with its sorted record references, and the money texts."""

from __future__ import annotations

import json
import random
from datetime import date

import polars as pl
import pytest

from yimen.verification import synthetic
from yimen.verification.importing import partner_data_import
from yimen.verification.matching import match_members
from yimen.verification.reports import (
    ITEMS,
    payload,
    payload_columns,
    report_frame,
    with_refs,
    yuan,
)
from yimen.verification.sources import SOURCES

pytestmark = pytest.mark.django_db


def test_column_wise_json_equals_the_row_by_row_reference(tree, data_dir, tmp_path):
    persons = synthetic.people(120, seed=5, divisions=["220102001001"])
    for i, code in enumerate(SOURCES):
        path = tmp_path / f"{code}.csv"
        synthetic.write_source(code, persons, path, "csv", seed=i)
        partner_data_import(source=code, partner="测试", as_of=date(2026, 11, 1), path=path)
    rng = random.Random(3)
    households = [i // 3 for i in range(len(persons))]
    members = pl.DataFrame(
        {"household_id": households, "id_number": [p.id_number for p in persons]},
        schema={"household_id": pl.Int64, "id_number": pl.String},
    )
    ids = sorted(set(households))
    declared = pl.DataFrame(
        {
            "household_id": ids,
            "division_id": ["220102001001"] * len(ids),
            # declarations above, below and equal to the records, negative differences too
            **{
                f"d_{c}": [rng.choice((0, 0, 1, 150_000, 2_000_000)) for _ in ids]
                for c in ("income", *(i.code for i in ITEMS))
            },
        }
    )
    report = report_frame(members, match_members(members), declared, date.today())
    frame = payload_columns(with_refs(report, members))
    assert frame.height == len(ids)
    differences = 0
    for row in frame.to_dicts():
        expected = payload(row)
        assert json.loads(row["totals"]) == expected["totals"]
        assert json.loads(row["flags"]) == expected["flags"]
        assert json.loads(row["differences"]) == expected["differences"]
        assert row["n_differences"] == len(expected["differences"])
        assert row["deposits"] == yuan(row["deposits_fen"])
        assert row["per_capita_deposits"] == yuan(row["per_capita_fen"])
        assert row["monthly_income"] == yuan(row["monthly_income_fen"])
        differences += len(expected["differences"])
    assert differences > len(ids)  # the comparison covered many differences
    negative = frame.filter(pl.col("x_deposits") < 0)
    assert negative.height and negative["differences"][0].count('"difference":"-') >= 1

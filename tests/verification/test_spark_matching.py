"""The verification matching on Apache Spark (local mode) equals DuckDB's on the same Parquet
(issue 24, item 3): the per-household aggregates, the records behind each difference, and
the stored reports' JSON built from them — on the synthetic generator's people and files,
with two batches of one source (only the newest counts) and one batch replaced. Then a
whole run chosen by configuration (VERIFICATION_ENGINE=spark) stores the hand-computed
report of test_batch.py."""

from __future__ import annotations

import random
import shutil
from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from yimen.fieldcrypt.columns import blind_indexes
from yimen.verification import matching, synthetic
from yimen.verification.importing import partner_data_import
from yimen.verification.models import RunStatus, VerificationReport
from yimen.verification.reports import ITEMS, payload_columns, report_frame, with_refs
from yimen.verification.sources import SOURCES

from .conftest import import_fixture
from .test_batch import run_now

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java 17"),
]

ON = date(2026, 11, 16)


@pytest.fixture
def spark(settings):
    settings.VERIFICATION_ENGINE = "spark"
    settings.SPARK_MASTER = "local[2]"
    settings.SPARK_CONF = {"spark.sql.shuffle.partitions": "4"}


def _both(members: pl.DataFrame, settings) -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
    """The report frame and the stored columns, by engine, for ``members``."""
    rng = random.Random(3)
    ids = sorted(set(members["household_id"].to_list()))
    declared = pl.DataFrame(
        {
            "household_id": ids,
            "division_id": ["220102001001"] * len(ids),
            **{
                f"d_{c}": [rng.choice((0, 0, 1, 150_000, 2_000_000)) for _ in ids]
                for c in ("income", *(i.code for i in ITEMS))
            },
        }
    )
    out = {}
    for engine in ("duckdb", "spark"):
        settings.VERIFICATION_ENGINE = engine
        con = matching.connect()
        assert type(con).__name__ == (
            "DuckDBPyConnection" if engine == "duckdb" else "SparkMatcher"
        )
        matched = matching.match_members(members, con)
        report = with_refs(report_frame(members, matched, declared, ON), members, con)
        out[engine] = (matched.sort("household_id", "source"), payload_columns(report))
    return out


def test_spark_equals_duckdb_on_synthetic_partner_data(tree, data_dir, tmp_path, spark, settings):
    persons = synthetic.people(300, seed=11, divisions=["220102001001"])
    for i, code in enumerate(SOURCES):
        path = tmp_path / f"{code}.csv"
        synthetic.write_source(code, persons, path, "csv", seed=i)
        partner_data_import(source=code, partner="测试", as_of=date(2026, 11, 1), path=path)
    # a newer snapshot of the bank's file replaces the older; another bank's adds to it
    newer = tmp_path / "bank_deposits-2.csv"
    synthetic.write_source("bank_deposits", persons, newer, "csv", seed=99)
    partner_data_import(
        source="bank_deposits", partner="测试", as_of=date(2026, 11, 10), path=newer
    )
    partner_data_import(
        source="bank_deposits", partner="另一银行", as_of=date(2026, 11, 1), path=newer
    )
    households = [i // 3 for i in range(len(persons))]
    members = pl.DataFrame(
        # the partner Parquet holds blind indexes (fieldcrypt), so the members come as them
        {
            "household_id": households,
            "id_number": blind_indexes("id_number", [p.id_number for p in persons]),
        },
        schema={"household_id": pl.Int64, "id_number": pl.String},
    )
    both = _both(members, settings)
    (duck_matched, duck_stored), (spark_matched, spark_stored) = both["duckdb"], both["spark"]
    assert duck_matched.height > 300 and duck_matched["records"].sum() > 1000
    assert spark_matched.equals(duck_matched)
    assert spark_stored.columns == duck_stored.columns
    duck_stored, spark_stored = duck_stored.sort("household_id"), spark_stored.sort("household_id")
    # every column equal; the reference lists (unsorted, matching.py) as sets of rows
    ordered = [pl.col(c).list.sort() for c in duck_stored.columns if c.endswith("__refs")]
    assert len(ordered) >= 3
    duck_stored, spark_stored = (
        duck_stored.with_columns(ordered),
        spark_stored.with_columns(ordered),
    )
    differing = [c for c in duck_stored.columns if not spark_stored[c].equals(duck_stored[c])]
    assert differing == []
    # the comparison covered record references: the differences name the same rows
    refs = duck_stored.filter(pl.col("n_differences") > 0)
    assert refs.height > 20


def test_a_run_on_spark_stores_the_hand_computed_report(staff, requested, tmp_path, spark):
    import_fixture(tmp_path)
    run = run_now(staff.caseworker)
    assert (run.status, run.reports, run.disputed) == (RunStatus.DONE, 1, 1)
    report = VerificationReport.objects.get()
    assert report.deposits == Decimal("4500.50")  # as test_batch's DuckDB run
    assert report.monthly_income == Decimal("2700.00")

"""The seeded synthetic generator: valid people, deterministic files the importer accepts."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from stdnum.cn import ric

from tests.factories import TREE
from yimen.people import parse_id_number
from yimen.verification.importing import partner_data_import
from yimen.verification.models import ImportBatch
from yimen.verification.sources import SOURCES
from yimen.verification.synthetic import (
    changchun_villages,
    people,
    rows_for,
    write_all,
    write_source,
)

VILLAGES = [code for code, _ in TREE if code.startswith("2201") and not code.endswith("000")]


def test_people_have_valid_unique_ids_names_and_changchun_homes():
    persons = people(2000, seed=7)
    assert len(persons) == 2000
    numbers = [p.id_number for p in persons]
    assert len(set(numbers)) == len(numbers)
    today = date.today()
    for p in persons:
        # The project's validator (stdnum's is_valid also wants the area code to have
        # existed at birth, which GB/T 2260 cannot say for people born before 1980).
        assert parse_id_number(p.id_number, today=today).birth_date == p.birth_date <= today
        assert ric.calc_check_digit(p.id_number) == p.id_number[17]
        assert (int(p.id_number[16]) % 2 == 1) == (p.sex == "M")
        assert p.id_number[:6] == p.division_code[:6]
        assert p.division_code.startswith("2201") and len(p.division_code) == 12
        assert 2 <= len(p.name) <= 3
    assert len({p.division_code for p in persons}) > 100
    assert sum(p.age_on(today) < 18 for p in persons) > 0


def test_villages_are_real_changchun_village_codes():
    codes = changchun_villages()
    assert 200 <= len(codes) <= 300
    assert all(c.startswith("2201") and not c.endswith("000") for c in codes)
    assert "220102001001" in changchun_villages(10_000)  # 华阳社区


def test_same_seed_same_people_and_files(tmp_path):
    assert people(300, seed=3) == people(300, seed=3)
    assert people(300, seed=3) != people(300, seed=4)
    for fmt in ("csv", "parquet"):
        a = write_all(tmp_path / f"a-{fmt}", people(300, seed=3), fmt=fmt, seed=3)
        b = write_all(tmp_path / f"b-{fmt}", people(300, seed=3), fmt=fmt, seed=3)
        for code in SOURCES:
            assert a[code].read_bytes() == b[code].read_bytes(), (fmt, code)
    other = write_all(tmp_path / "c", people(300, seed=3), seed=4)
    assert other["bank_deposits"].read_bytes() != a["bank_deposits"].read_bytes()


def test_values_are_plausible():
    persons = people(3000, seed=11)
    vehicles = rows_for("vehicles", persons, seed=11)
    ebikes = sum(r["vehicle_kind"] == "ebike" for r in vehicles)
    assert ebikes > len(vehicles) / 2
    deposits = sorted(r["balance"] for r in rows_for("bank_deposits", persons, seed=11))
    median = deposits[len(deposits) // 2]
    assert deposits[0] >= 0 and 2000 < median < 20000 and deposits[-1] > 10 * median
    register = rows_for("household_register", persons, seed=11)
    assert len(register) == len(persons)
    pensions = [r for r in rows_for("social_insurance", persons, seed=11) if r["kind"] == "pension"]
    assert pensions and all(r["month"] < date.today().strftime("%Y-%m") for r in pensions)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_every_source_file_imports(tree, data_dir, tmp_path, fmt):
    persons = people(120, seed=5, divisions=VILLAGES)
    for code in SOURCES:
        path = tmp_path / fmt / f"{code}.{fmt}"
        count = write_source(code, persons, path, fmt, seed=5)
        assert count > 0, code
        batch = partner_data_import(
            source=code, partner="合成数据", as_of=date(2026, 11, 1), path=path
        )
        assert batch.row_count == count, code
        assert batch.full_path.exists()
    assert ImportBatch.objects.count() == len(SOURCES)


@pytest.mark.django_db
def test_real_divisions_import_after_loading_them(data_dir, tmp_path):
    call_command("load_divisions", verbosity=0)
    path = tmp_path / "register.csv"
    count = write_source("household_register", people(500, seed=2), path, "csv", seed=2)
    batch = partner_data_import(
        source="household_register", partner="公安局", as_of=date(2026, 11, 1), path=path
    )
    assert batch.row_count == count == 500


def test_command_writes_one_file_per_source(tmp_path):
    out = tmp_path / "out"
    call_command("verification_synthetic", people=50, seed=1, out=str(out), format="parquet")
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{c}.parquet" for c in SOURCES)


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError):
        write_source("tax", people(5, seed=1), tmp_path / "x.json", "json")

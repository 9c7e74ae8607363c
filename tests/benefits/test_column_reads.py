"""The roster batch reads its rows as Arrow columns through a second connection
(yimen.column_reads) when it runs outside a transaction, and through Django's connection
inside one; both give the same frames and the same list of changes, in one snapshot."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from tests.benefits.test_recalc import ON
from tests.factories import NANLING
from yimen import column_reads
from yimen.benefits import frames
from yimen.benefits.models import Beneficiary, BeneficiaryStatus, HouseholdFacts
from yimen.benefits.services.recalc import recalc_compute

pytestmark = pytest.mark.django_db(transaction=True)  # committed: a second connection sees it


def _stop_one() -> None:
    """One household off the roster (committed unless inside a transaction)."""
    first = Beneficiary.objects.order_by("pk").first()
    Beneficiary.objects.filter(pk=first.pk).update(status=BeneficiaryStatus.STOPPED)


@pytest.fixture
def reads_counted(monkeypatch):
    """How many queries went through a column reader."""
    calls: list[str] = []
    original = column_reads.column_reads

    def counting(*args, **kwargs):
        with original(*args, **kwargs) as read:
            if read is None:
                yield None
                return

            def counted(sql, params):
                calls.append(sql)
                return read(sql, params)

            yield counted

    monkeypatch.setattr(frames, "column_reads", column_reads.contextmanager(counting))
    return calls


def test_outside_a_transaction_the_batch_reads_columns_and_gives_the_same_list(
    three_households, reads_counted, monkeypatch, settings
):
    by_columns = recalc_compute(NANLING, ON)
    assert len(reads_counted) == 2  # the stored facts, then the entitlements in force
    frames_by_columns = frames.roster_frames(NANLING[:9], date(2027, 1, 1))
    settings.COLUMN_READS = False
    by_rows = recalc_compute(NANLING, ON)
    frames_by_rows = frames.roster_frames(NANLING[:9], date(2027, 1, 1))
    assert len(reads_counted) == 4  # the switch turned the column reader off
    assert by_columns.count == by_rows.count > 0 and by_columns.digest == by_rows.digest
    assert frames_by_columns.households.equals(frames_by_rows.households)
    assert frames_by_columns.members.equals(frames_by_rows.members)
    assert frames_by_columns.current.equals(frames_by_rows.current)
    monkeypatch.setattr(frames, "RANGE_READ_MIN", 1)  # entitlements by id range, by columns
    settings.COLUMN_READS = True
    assert recalc_compute(NANLING, ON).digest == by_rows.digest


def test_inside_a_transaction_the_batch_reads_its_own_writes(three_households, reads_counted):
    """A second connection would not see what the caller has not committed yet."""
    before = recalc_compute(NANLING, ON)
    with transaction.atomic():
        with column_reads.column_reads() as read:
            assert read is None
        _stop_one()
        inside = recalc_compute(NANLING, ON)
        transaction.set_rollback(True)
    assert inside.evaluated == before.evaluated - 1 == 2
    assert len(reads_counted) == 2  # only the first computation, outside the transaction


def test_missing_facts_are_written_and_read_again_by_columns(three_households, reads_counted):
    before = recalc_compute(NANLING, ON)
    HouseholdFacts.objects.filter(pk=Beneficiary.objects.order_by("pk").last().pk).delete()
    after = recalc_compute(NANLING, ON)
    assert after.digest == before.digest and HouseholdFacts.objects.count() == 3
    # first pass: facts (stale found) — top-up — second pass: facts and entitlements
    assert len(reads_counted) == 2 + 3


def test_the_reads_share_one_snapshot_and_cannot_write(three_households):
    count = "SELECT COUNT(*) FROM benefits_beneficiary WHERE status = %s"
    with column_reads.column_reads() as read:
        assert read is not None
        seen = read(count, ["active"]).column(0)[0].as_py()
        _stop_one()
        assert read(count, ["active"]).column(0)[0].as_py() == seen == 3
        with pytest.raises(Exception, match=r"(?i)read.?only"):
            read("UPDATE benefits_beneficiary SET status = %s RETURNING id", ["stopped"])
    with column_reads.column_reads() as read:
        assert read is not None and read(count, ["active"]).column(0)[0].as_py() == 2


def test_an_empty_roster_reads_as_empty_frames(staff):
    call_command("load_parameters", verbosity=0)
    read = frames.roster_frames(NANLING[:9], date(2027, 1, 1))
    assert read.households.height == read.members.height == read.current.height == 0
    assert recalc_compute(NANLING, ON).count == 0


@pytest.mark.parametrize(
    ("vendor", "sql", "expected"),
    [
        ("sqlite", "a = %s AND b LIKE '%%x' AND c = %s", "a = ? AND b LIKE '%x' AND c = ?"),
        ("postgresql", "a = %s AND b LIKE '%%x' AND c = %s", "a = $1 AND b LIKE '%x' AND c = $2"),
    ],
)
def test_placeholders(vendor, sql, expected):
    assert column_reads._placeholders(sql, vendor) == expected


def test_postgres_connection_string_quotes_its_values():
    conninfo = column_reads._postgres_conninfo(
        {"NAME": "yimen", "USER": "o'brien", "PASSWORD": r"a\b c", "HOST": "", "PORT": 5432}
    )
    assert conninfo == r"dbname='yimen' user='o\'brien' password='a\\b c' port='5432'"


def test_a_database_a_second_connection_cannot_reach_reads_through_django(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("an in-memory database exists only on SQLite")
    monkeypatch.setitem(connection.settings_dict, "NAME", ":memory:")
    with column_reads.column_reads() as read:
        assert read is None


def test_a_database_file_whose_path_needs_quoting_is_reached(tmp_path, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("a file path is SQLite's")
    import sqlite3

    path = tmp_path / "a dir #1?" / "yimen.sqlite3"
    path.parent.mkdir()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x INTEGER)")
        db.execute("INSERT INTO t VALUES (41)")
    monkeypatch.setitem(connection.settings_dict, "NAME", str(path))
    with column_reads.column_reads() as read:
        assert read is not None and read("SELECT x + %s FROM t", [1]).column(0)[0].as_py() == 42

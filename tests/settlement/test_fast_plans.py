"""The fast settlement's prepared statements keep index plans whatever the statistics say.

A prepared statement keeps its generic plan while the tables grow. Issue 20: the reads of a
bill joined the fee lines to the settlements, and with the statistics of a young table (an
empty one at go-live, or the load benchmark's) PostgreSQL planned a hash join over a
sequential scan of every settlement — kept for the whole run, so each bill read the whole
table (0.1 → 1 ms per bill over 3,000 settlements, and rising). The test database's tables
are young in exactly that way."""

from __future__ import annotations

import pytest
from django.db import connection

from yimen.settlement.fsi.settle_fast import LOCK, READ_ALL, _Pipelined

pytestmark = pytest.mark.django_db


def _numbered(sql: str) -> str:
    """psycopg's %s placeholders as PostgreSQL's $1, $2, … (what PREPARE takes)."""
    parts = sql.split("%s")
    return parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], 1))


def _young_tables() -> None:
    """The benchmark's statistics: many fee lines (a dozen per visit) analyzed, the settlement
    table empty and never analyzed. The lines are deleted again once analyzed (their visits
    do not exist; the foreign keys are checked when the test ends): the statistics stay."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO settlement_feedetail (encounter_id, feedetl_sn, chrg_bchno,"
            " med_list_codg, amount_fen, cnt, pric, item_class, selfpay_prop, fulamt_ownpay_fen,"
            " overlmt_fen, preselfpay_fen, inscp_fen, er_flag) SELECT 900000 + g % 300, g::text,"
            " '', 'XJ01CAA001', 100, 1, 1, 'A', 0, 0, 0, 0, 100, false"
            " FROM generate_series(1, 3600) g"
        )
        cursor.execute("ANALYZE settlement_feedetail")
        cursor.execute("DELETE FROM settlement_feedetail WHERE encounter_id >= 900000")


def _generic_plan(sql: str) -> str:
    count = sql.count("%s")
    _young_tables()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE fsi_plan_probe AS {_numbered(sql)}")
        try:
            cursor.execute(f"EXPLAIN EXECUTE fsi_plan_probe ({', '.join(['NULL'] * count)})")
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE fsi_plan_probe")


#: the tables that grow with every bill (a small reference table may well be scanned)
GROWING = ("settlement_settlement", "settlement_feedetail", "settlement_encounter",
           "medins_accountentry", "medins_insuredperson", "settlement_filing")  # fmt: skip


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
@pytest.mark.parametrize("name, sql", [("lock", LOCK + _Pipelined.lock_suffix), ("read", READ_ALL)])
def test_prepared_reads_scan_no_growing_table_whole(name, sql):
    plan = _generic_plan(sql)
    scanned = [table for table in GROWING if f"Seq Scan on {table}" in plan]
    assert scanned == [], plan

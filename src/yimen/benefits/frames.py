"""The roster's household facts read straight into Polars frames, set-based.

The rules' batch (assistance.rules.vectorised) needs every member, income and asset of
the households on assistance. Reading a million households through ORM objects would take
minutes, so this module runs four plain SQL queries (one per table, joined to the roster)
and builds the frames column-wise: PostgreSQL streams them with COPY … TO STDOUT as CSV,
SQLite hands back rows in chunks. No query per household, no model instances.

Money is converted to whole fen; dates and booleans are normalised across the two
databases (SQLite returns text dates and 0/1, COPY returns 't'/'f')."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction

from yimen.assistance.choices import IncomeCategory, VehicleKind
from yimen.assistance.models import (
    Application,
    Asset,
    DisabilityCertificate,
    Income,
    Member,
    SelfCareAssessment,
)
from yimen.column_reads import ArrowRead, column_reads
from yimen.id_sets import IdSet, any_of_sql

from . import facts_codec
from .frames_persons import rare_member_rows, supporters_of, with_certificates, with_self_care
from .models import (
    Beneficiary,
    BeneficiaryStatus,
    Entitlement,
    EntitlementStatus,
    HouseholdFacts,
)
from .sql_reads import (
    I64,
    STR,
    WORK_MEM,
    days_sql,
    fen_sql,
    fetch_chunks,
    finding_sql,
    flag_sql,
    from_days,
    read_frame,
    roster_scan,
    table_name,
)

RANGE_READ_MIN = 50_000  # households from which entitlements are read by id range
FACTS_CHUNK = 50_000  # households whose facts are built from the tables at once
FACTS_INSERT_BATCH = 10_000
ON_ASSISTANCE = (BeneficiaryStatus.ACTIVE, BeneficiaryStatus.PHASING_OUT)


@dataclass
class RosterFrames:
    households: pl.DataFrame  # household_id (= beneficiary id), division_id, current_type, …
    members: pl.DataFrame  # one row per member with income_<category> columns, fen
    current: pl.DataFrame  # household_id, current_paying, current_amount_fen
    supporters: pl.DataFrame  # legal supporters (特困, TK2021 Art.8), one row each


def roster_where(prefix: str) -> tuple[str, list]:
    """The SQL condition (on ``b``) for the households on assistance under ``prefix``."""
    statuses = ", ".join("%s" for _ in ON_ASSISTANCE)
    return (
        f"b.division_id LIKE %s AND b.status IN ({statuses})",
        [f"{prefix}%", *ON_ASSISTANCE],
    )


def _with_incomes(members: pl.DataFrame, incomes: pl.DataFrame) -> pl.DataFrame:
    """One income_<category> column per category (fen per month, 0 where none) and one
    period_<category> column (the look-back total of seasonal income, 0 where none)."""
    for category in IncomeCategory.values:
        column = incomes.filter(pl.col("category") == category).select(
            "member_id",
            pl.col("amount").alias(f"income_{category}"),
            pl.col("period").alias(f"period_{category}"),
        )
        members = members.join(column, on="member_id", how="left", maintain_order="left")
    return members.with_columns(pl.col("^income_.*$", "^period_.*$").fill_null(0))


def source_frames(where: str, params: list) -> facts_codec.Decoded:
    """(households, members, supporters) of the roster rows ``b`` matching ``where``, read
    from the application tables with their assets summed, incomes per member and category,
    further certificates, the latest self-care assessment and the legal supporters."""
    b, a, m = roster_scan(Beneficiary), table_name(Application), table_name(Member)
    s, i = table_name(Asset), table_name(Income)
    vehicle = "COALESCE(NULLIF(s.vehicle_kind, ''), 'car')"
    at_least_one = "CASE WHEN s.quantity < 1 THEN 1 ELSE s.quantity END"
    asset_sums = ", ".join(
        [
            fen_sql("SUM(CASE WHEN s.kind IN ('deposit', 'securities') THEN s.value ELSE 0 END)"),
            "SUM(CASE WHEN s.kind = 'housing' THEN s.quantity ELSE 0 END)",
            "SUM(CASE WHEN s.kind = 'market_entity' THEN s.quantity ELSE 0 END)",
            *(
                f"SUM(CASE WHEN s.kind = 'vehicle' AND {vehicle} = '{v}' "
                f"THEN {at_least_one} ELSE 0 END)"
                for v in VehicleKind.values
            ),
        ]
    )
    vehicle_columns = {f"vehicle_{v}": I64 for v in VehicleKind.values}
    households = read_frame(
        f"SELECT b.id, b.division_id, b.assistance_type, a.hukou_type, "  # noqa: S608 (table names from model meta; values bound)
        f"{finding_sql('a.has_able_supporter')}, a.hardship_tier, "
        f"{asset_sums} FROM {b} JOIN {a} a ON a.id = b.application_id "
        f"LEFT JOIN {s} s ON s.application_id = b.application_id WHERE {where} "
        f"GROUP BY b.id, b.division_id, b.assistance_type, a.hukou_type, "
        f"a.has_able_supporter, a.hardship_tier",
        params,
        {
            "household_id": I64,
            "division_id": STR,
            "current_type": STR,
            "hukou_type": STR,
            "has_able_supporter": I64,
            "hardship_tier": STR,
            "deposits_fen": I64,
            "homes": I64,
            "market_entities": I64,
            **vehicle_columns,
        },
    ).with_columns(
        pl.col(["deposits_fen", "homes", "market_entities", *vehicle_columns]).fill_null(0),
        pl.col("has_able_supporter").cast(pl.Boolean),
        pl.col("hardship_tier").fill_null(""),
    )
    members = read_frame(
        f"SELECT b.id, m.id, {days_sql('m.birth_date')}, m.disability_kind, "  # noqa: S608 (table names from model meta; values bound)
        f"m.disability_grade, m.work_ability, {flag_sql('m.living_apart')}, "
        f"{flag_sql('m.student')}, {flag_sql('m.tekun_as_minor')} "
        f"FROM {b} JOIN {m} m ON m.application_id = b.application_id WHERE {where} "
        f"ORDER BY b.id, m.id",
        params,
        {
            "household_id": I64,
            "member_id": I64,
            "birth_date": I64,
            "disability_kind": STR,
            "disability_grade": I64,
            "work_ability": STR,
            "living_apart": I64,
            "student": I64,
            "tekun_as_minor": I64,
        },
    ).with_columns(
        from_days("birth_date"),
        pl.col("disability_kind").fill_null(""),
        pl.col("living_apart", "student", "tekun_as_minor").cast(pl.Boolean),
    )
    # incomes: one row per member and category, summed by the database, turned into one
    # income_<category> column each by Polars (no GROUP BY over every member row)
    incomes = read_frame(
        f"SELECT i.member_id, i.category, {fen_sql('SUM(i.monthly_amount)')}, "  # noqa: S608 (table names from model meta; values bound)
        f"{fen_sql('SUM(i.period_amount)')} "
        f"FROM {b} JOIN {m} m ON m.application_id = b.application_id "
        f"JOIN {i} i ON i.member_id = m.id WHERE {where} "
        f"GROUP BY i.member_id, i.category",
        params,
        {"member_id": I64, "category": STR, "amount": I64, "period": I64},
    )
    members = _with_incomes(members, incomes)
    members = with_certificates(members, rare_member_rows(DisabilityCertificate, where, params))
    members = with_self_care(members, rare_member_rows(SelfCareAssessment, where, params))
    return households.sort("household_id"), members, supporters_of(where, params)


def current_entitlements(
    where: str,
    params: list,
    month,
    households: pl.DataFrame | None = None,
    read: ArrowRead | None = None,
) -> pl.DataFrame:
    """household_id, current_paying, current_amount_fen: the entitlement in force in
    ``month`` (the latest effective by then) of each roster row ``b`` matching ``where``.
    Money comes back as a float and becomes fen in Polars, the month as part of one integer
    key: SQLite's julianday() and ROUND() per row cost more than reading the values, and a
    bare date column would go through Django's SQLite date converter, a Python call each.

    Given the ``households`` already read, and many of them, the entitlements are read by
    the range of their ids on the entitlements' index instead of joined to the roster
    again (1.3 s instead of 2.5 s for a million on SQLite); rows of households outside the
    area are dropped by the caller's join."""
    b, e = roster_scan(Beneficiary), table_name(Entitlement)
    paying = f"CASE WHEN e.status = '{EntitlementStatus.PAYING.value}' THEN 1 ELSE 0 END"
    # latest first by month, then by id: one integer yyyymmdd × 2³² + id, from the text
    latest = "CAST(replace(CAST(e.effective_month AS TEXT), '-', '') AS BIGINT) * 4294967296 + e.id"
    select = (
        f"SELECT e.beneficiary_id, {latest}, {paying}, "  # noqa: S608 (table names from model meta; values bound)
        f"CAST(e.monthly_amount AS DOUBLE PRECISION) FROM "
    )
    if households is not None and households.height >= RANGE_READ_MIN:
        ids = households["household_id"]
        sql = f"{select}{e} e WHERE e.beneficiary_id BETWEEN %s AND %s AND e.effective_month <= %s"
        sql_params = [ids.min(), ids.max(), month]
    else:
        sql = (
            f"{select}{b} JOIN {e} e ON e.beneficiary_id = b.id "
            f"WHERE {where} AND e.effective_month <= %s"
        )
        sql_params = [*params, month]
    entitlements = read_frame(
        sql,
        sql_params,
        {"household_id": I64, "latest": I64, "paying": I64, "amount": pl.Float64},
        read,
    )
    return (
        entitlements.sort(["household_id", "latest"])
        .group_by("household_id", maintain_order=True)
        .last()
        .select(
            "household_id",
            pl.col("paying").cast(pl.Boolean).alias("current_paying"),
            (pl.col("amount") * 100).round().cast(pl.Int64).alias("current_amount_fen"),
        )
    )


def roster_frames(prefix: str, month) -> RosterFrames:
    """Every household on assistance whose village code starts with ``prefix``, from the
    stored facts, with the entitlement in force in ``month``, read in one snapshot (column
    by column where ``yimen.column_reads`` can). Households whose facts are missing or of
    another layout have them written from their applications first."""
    where, params = roster_where(prefix)
    stale: list[int] = []
    for _attempt in range(2):
        if stale:  # written outside the reads' snapshot, which would not see them
            store_facts_of(where, params, stale)
        with column_reads(postgres_settings={"work_mem": WORK_MEM}) as read:
            (households, members, supporters), stale = _stored_facts(where, params, read)
            if not stale:
                current = current_entitlements(where, params, month, households, read)
                return RosterFrames(households, members, current, supporters)
    # written just above: only a concurrent layout change gets here
    raise RuntimeError("household facts could not be brought up to date")


def _stored_facts(
    where: str, params: list, read: ArrowRead | None = None
) -> tuple[facts_codec.Decoded, list[int]]:
    """The stored facts decoded, and the households whose facts are missing or of another
    layout (once one is found, the rest is only scanned for more of them)."""
    b, f = roster_scan(Beneficiary), table_name(HouseholdFacts)
    sep = f"'{facts_codec.LABEL_SEPARATOR}'"
    # never NULL in a column (a column reader guesses types from the values): a missing
    # household has layout 0 and no bytes
    sql = (
        f"SELECT b.id, b.division_id || {sep} || b.assistance_type || {sep} || "  # noqa: S608 (table names from model meta; values bound)
        f"COALESCE(f.hardship_tier, ''), COALESCE(f.layout, 0), COALESCE(f.records, %s) "
        f"FROM {b} LEFT JOIN {f} f ON f.beneficiary_id = b.id WHERE {where} ORDER BY b.id"
    )  # in id order: SQLite scans the table so, PostgreSQL merges the two primary keys
    sql_params = [b"", *params]
    if read is not None:
        return _decode_arrow(read(sql, sql_params))
    stale: list[int] = []

    def batches():
        with fetch_chunks(sql, sql_params) as chunks:
            for rows in chunks:
                ids, labels, layouts, records = (list(c) for c in zip(*rows, strict=True))
                current = facts_codec.LAYOUT
                stale.extend(i for i, lay in zip(ids, layouts, strict=True) if lay != current)
                if not stale:
                    yield facts_codec.StoredBatch.of_rows(ids, labels, records)

    decoded = facts_codec.decode(batches())
    return decoded, sorted(stale)


def _decode_arrow(table: pa.Table) -> tuple[facts_codec.Decoded, list[int]]:
    """``_stored_facts`` of a column reader's result: decoded, or the stale ids if any."""
    ids, layouts = table.column(0), table.column(2)
    stale_mask = pc.not_equal(layouts, facts_codec.LAYOUT)
    if pc.any(stale_mask).as_py():
        return facts_codec.decode([]), sorted(pc.filter(ids, stale_mask).to_pylist())
    decoded = facts_codec.decode(
        facts_codec.StoredBatch.of_arrow(*(batch.column(k) for k in (0, 1, 3)))
        for batch in table.to_batches()
    )
    return decoded, []


def store_missing_facts(where: str, params: list) -> int:
    """Write the facts of every roster row ``b`` matching ``where`` that has none of the
    current layout; returns how many households had none."""
    f = table_name(HouseholdFacts)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT b.id FROM {roster_scan(Beneficiary)} "  # noqa: S608 (table names from model meta)
            f"LEFT JOIN {f} f ON f.beneficiary_id = b.id "
            f"WHERE {where} AND (f.layout IS NULL OR f.layout <> %s) ORDER BY b.id",
            [*params, facts_codec.LAYOUT],
        )
        ids = [row[0] for row in cursor.fetchall()]
    store_facts_of(where, params, ids)
    return len(ids)


def store_facts_of(where: str, params: list, ids: list[int]) -> None:
    """(Re)write the facts of the households ``ids`` (sorted) among the roster rows
    matching ``where``, a range of ids at a time: every household of the range is
    rewritten, which for one whose facts are current writes the same bytes again."""
    for start in range(0, len(ids), FACTS_CHUNK):
        lo, hi = ids[start], ids[min(start + FACTS_CHUNK, len(ids)) - 1]
        store_facts(f"{where} AND b.id BETWEEN %s AND %s", [*params, lo, hi])


def store_facts(where: str, params: list) -> None:
    """(Re)write the stored facts of the roster rows ``b`` matching ``where`` from the
    application tables: one INSERT … ON CONFLICT UPDATE per household, sent as a batch
    (both databases take the same statement)."""
    households, members, supporters = source_frames(where, params)
    if households.height == 0:
        return
    f = table_name(HouseholdFacts)
    sql = (
        f"INSERT INTO {f} (beneficiary_id, layout, hardship_tier, records) "  # noqa: S608 (table name from model meta)
        "VALUES (%s, %s, %s, %s) ON CONFLICT (beneficiary_id) DO UPDATE SET "
        "layout = excluded.layout, hardship_tier = excluded.hardship_tier, "
        "records = excluded.records"
    )
    rows = [
        (e.household_id, facts_codec.LAYOUT, e.hardship_tier, e.records)
        for e in facts_codec.encode(households, members, supporters)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), FACTS_INSERT_BATCH):
            cursor.executemany(sql, rows[start : start + FACTS_INSERT_BATCH])


def store_household_facts(beneficiary_ids: list[int]) -> None:
    """The facts of these households, written (again) from their applications."""
    for start in range(0, len(beneficiary_ids), FACTS_CHUNK):
        part = beneficiary_ids[start : start + FACTS_CHUNK]
        store_facts(*any_of_sql("b.id", part, connection.vendor))


def facts_differing(where: str, params: list) -> list[int]:
    """Households ``b`` matching ``where`` whose stored facts are missing, of another
    layout, or no longer what their application tables say."""
    expected = {
        e.household_id: (facts_codec.LAYOUT, e.hardship_tier, e.records)
        for e in facts_codec.encode(*source_frames(where, params))
    }
    rows = HouseholdFacts.objects.filter(pk__any_of=IdSet(list(expected))).values_list(
        "pk", "layout", "hardship_tier", "records"
    )
    stored = {r[0]: (r[1], r[2], bytes(r[3])) for r in rows}
    return sorted(pk for pk, facts in expected.items() if stored.get(pk) != facts)

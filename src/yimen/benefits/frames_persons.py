"""The person facts of the roster's households that few of them have — further disability
certificates, self-care assessments, legal supporters — read set-based for
``frames.source_frames``: each query starts from the rare table, not from the roster."""

from __future__ import annotations

import json
from datetime import date, timedelta

import polars as pl
from django.db import connection

from yimen.assistance.models import DisabilityCertificate, Member, SelfCareAssessment, Supporter

from . import facts_codec
from .models import Beneficiary
from .sql_reads import I64, STR, days_sql, fen_sql, flag_sql, read_frame, table_name


def with_certificates(members: pl.DataFrame, grades: pl.DataFrame) -> pl.DataFrame:
    """One cert_<kind> column per kind: the most severe grade of the member's further
    certificates of that kind (null where none)."""
    for kind in facts_codec.CERT_KINDS:
        column = grades.filter(pl.col("kind") == kind).select(
            "member_id", pl.col("grade").alias(f"cert_{kind}")
        )
        members = members.join(column, on="member_id", how="left", maintain_order="left")
    return members


def with_self_care(members: pl.DataFrame, assessments: pl.DataFrame) -> pl.DataFrame:
    """self_care_failed: failed items of the member's latest assessment (null: none)."""
    latest = (
        assessments.sort(["member_id", "assessed_on", "id"], descending=[False, True, True])
        .group_by("member_id", maintain_order=True)
        .first()
        .select("member_id", pl.col("failed").alias("self_care_failed"))
    )
    return members.join(latest, on="member_id", how="left", maintain_order="left")


def rare_member_rows(model, where: str, params: list) -> pl.DataFrame:
    """Further certificates (member_id, kind, most severe grade) or self-care assessments
    (member_id, assessed_on, id, failed items) of the members of roster rows ``b``: few
    members have any, so the query starts from them, not from the roster's scan."""
    b, m, t = table_name(Beneficiary), table_name(Member), table_name(model)
    joins = (
        f"FROM {t} t JOIN {m} m ON m.id = t.member_id "
        f"JOIN {b} b ON b.application_id = m.application_id WHERE {where}"
    )
    if model is DisabilityCertificate:
        sql = f"SELECT t.member_id, t.kind, MIN(t.grade) {joins} GROUP BY t.member_id, t.kind"
        return read_frame(sql, params, {"member_id": I64, "kind": STR, "grade": I64})
    items = " + ".join(f"CASE WHEN t.{item} THEN 0 ELSE 1 END" for item in SelfCareAssessment.ITEMS)
    sql = f"SELECT t.member_id, {days_sql('t.assessed_on')}, t.id, {items} {joins}"
    return read_frame(sql, params, {"member_id": I64, "assessed_on": I64, "id": I64, "failed": I64})


def supporters_of(where: str, params: list) -> pl.DataFrame:
    """The legal supporters of the roster rows ``b`` (few: 特困 applicants'), one row
    each in ``facts_codec.SUPPORTER_SCHEMA`` order; vehicles are a JSON list of kinds."""
    b, t = table_name(Beneficiary), table_name(Supporter)
    flags = ", ".join(flag_sql(f"t.{name}") for name in facts_codec.SUPPORTER_FLAGS)
    sql = (
        f"SELECT b.id, {days_sql('t.birth_date')}, {flags}, t.disability_kind, "  # noqa: S608 (table names from model meta; values bound)
        f"t.disability_grade, {fen_sql('t.annual_income')}, {fen_sql('t.deposits')}, "
        f"t.homes, t.market_entities, CAST(t.vehicles AS TEXT) "
        f"FROM {t} t JOIN {b} b ON b.application_id = t.application_id WHERE {where} "
        f"ORDER BY b.id, t.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = []
    for row in rows:
        kinds = json.loads(row[-1] or "[]")
        out.append(
            (
                row[0],
                date(1970, 1, 1) + timedelta(days=row[1]),
                *(bool(v) for v in row[2 : 2 + len(facts_codec.SUPPORTER_FLAGS)]),
                row[7] or "",
                row[8],
                *row[9:13],
                *(kinds.count(kind) for kind in facts_codec.VEHICLES),
            )
        )
    return facts_codec.supporters_frame(out)

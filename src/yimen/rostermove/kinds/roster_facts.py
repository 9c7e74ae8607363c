"""The stored copy of each moved-in household's facts (``benefits.models.HouseholdFacts``),
written by the import itself so the roster is complete when the import commits.

The recalculation reads a household's facts from that copy; without it, the first
recalculation after a migration would read every moved-in household back from the
application tables and write the copies then (``benefits.frames.store_missing_facts``).
Here they are built from the frames the import has just written — the same values, in the
frames ``benefits.frames.source_frames`` would read back (a member's or an application's
columns the sheet does not give take the model's default, as the rows written do) — and
encoded by the benefits codec's public ``encode``: no second read of what was written."""

from __future__ import annotations

import polars as pl
from django.db import connection

from yimen.assistance.models import Application, Member
from yimen.benefits.facts_codec import INCOMES, LAYOUT, VEHICLES, encode
from yimen.benefits.models import HouseholdFacts

from ..moving import defaults_of, insert_columns


def _column(default, n: int, dtype) -> pl.Series:
    return pl.Series([default] * n, dtype=dtype)


def write_facts(heads: pl.DataFrame, people: pl.DataFrame) -> int:
    """``heads``: beneficiary_id, hukou_type of each household; ``people``: beneficiary_id,
    birth_date, work_ability of each member, in the order the members were written."""
    n, m = heads.height, people.height
    if n == 0:
        return 0
    application = defaults_of(Application, None)
    member = defaults_of(Member, None)
    households = heads.select(
        pl.col("beneficiary_id").alias("household_id"),
        "hukou_type",
        _column(application["has_able_supporter"], n, pl.Boolean).alias("has_able_supporter"),
        _column(application["hardship_tier"], n, pl.String).alias("hardship_tier"),
        *(pl.lit(0, pl.Int64).alias(c) for c in ("deposits_fen", "homes", "market_entities")),
        *(pl.lit(0, pl.Int64).alias(f"vehicle_{kind}") for kind in VEHICLES),
    )
    members = people.select(
        pl.col("beneficiary_id").alias("household_id"),
        "birth_date",
        "work_ability",
        _column(member["disability_kind"], m, pl.String).alias("disability_kind"),
        _column(member["disability_grade"], m, pl.Int64).alias("disability_grade"),
        *(
            _column(member[flag], m, pl.Boolean).alias(flag)
            for flag in ("living_apart", "student", "tekun_as_minor")
        ),
        *(pl.lit(0, pl.Int64).alias(f"income_{category}") for category in INCOMES),
    )
    encoded = list(encode(households, members))
    records: list[bytes] | list[str] = [e.records for e in encoded]
    if connection.vendor == "postgresql":  # COPY's CSV takes bytea as \x and hex digits
        records = ["\\x" + r.hex() for r in records]  # type: ignore[union-attr]
    return insert_columns(
        HouseholdFacts,
        {
            "beneficiary_id": [e.household_id for e in encoded],
            "layout": [LAYOUT] * n,
            "hardship_tier": [e.hardship_tier for e in encoded],
            "records": records,
        },
        None,
    )

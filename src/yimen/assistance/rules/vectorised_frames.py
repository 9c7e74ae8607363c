"""The input frames of ``evaluate_frame`` built from ``HouseholdFacts``: what the tests,
the roster recalculation and the benchmarks feed the vectorised rules."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import polars as pl

from .engine import money
from .facts import HouseholdFacts
from .fen import to_fen

INCOME_PREFIX = "income_"
PERIOD_PREFIX = "period_"
CERT_PREFIX = "cert_"
VEHICLE_PREFIX = "vehicle_"


def frames_from_facts(
    facts: Sequence[HouseholdFacts], household_ids: Sequence[int] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(households, members) frames of plain facts, for tests and small batches; ids are
    0, 1, … unless given. Builds Python rows, so it is not the path for a whole roster."""
    ids = list(household_ids) if household_ids is not None else list(range(len(facts)))
    income_cats = sorted({c for f in facts for m in f.members for c in m.incomes} | {"wages"})
    period_cats = sorted({c for f in facts for m in f.members for c in m.period_incomes})
    vehicle_kinds = sorted({v for f in facts for v in f.vehicles} | {"car"})
    cert_kinds = sorted({k for f in facts for m in f.members for k, _ in m.disabilities})
    h_rows: list[dict[str, object]] = []
    m_rows: list[dict[str, object]] = []
    for hid, f in zip(ids, facts, strict=True):
        row: dict[str, object] = {
            "household_id": hid,
            "hukou_type": f.hukou_type,
            "deposits_fen": to_fen(money(f.deposits)),  # engine compares money(deposits)
            "homes": f.homes,
            "market_entities": f.market_entities,
            "has_able_supporter": f.has_able_supporter,
            "hardship_tier": f.hardship_tier,
        }
        for k in vehicle_kinds:
            row[VEHICLE_PREFIX + k] = f.vehicles.count(k)
        h_rows.append(row)
        for m in f.members:
            m_row: dict[str, object] = {
                "household_id": hid,
                "birth_date": m.birth_date,
                "disability_kind": m.disability_kind,
                "disability_grade": m.disability_grade,
                "work_ability": m.work_ability,
                "living_apart": m.living_apart,
                "student": m.student,
                "tekun_as_minor": m.tekun_as_minor,
                "self_care_failed": m.self_care_failed,
                **_cert_columns(m.disabilities, cert_kinds),
            }
            for c in income_cats:
                m_row[INCOME_PREFIX + c] = to_fen(m.incomes.get(c, Decimal(0)))
            for c in period_cats:
                m_row[PERIOD_PREFIX + c] = to_fen(m.period_incomes.get(c, Decimal(0)))
            m_rows.append(m_row)
    h_schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "household_id": pl.Int64,
        "hukou_type": pl.String,
        "deposits_fen": pl.Int64,
        "homes": pl.Int64,
        "market_entities": pl.Int64,
        "has_able_supporter": pl.Boolean,
        "hardship_tier": pl.String,
        **{VEHICLE_PREFIX + k: pl.Int64 for k in vehicle_kinds},
    }
    m_schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "household_id": pl.Int64,
        "birth_date": pl.Date,
        "disability_kind": pl.String,
        "disability_grade": pl.Int64,
        "work_ability": pl.String,
        "living_apart": pl.Boolean,
        "student": pl.Boolean,
        "tekun_as_minor": pl.Boolean,
        "self_care_failed": pl.Int64,
        **{CERT_PREFIX + k: pl.Int64 for k in cert_kinds},
        **{INCOME_PREFIX + c: pl.Int64 for c in income_cats},
        **{PERIOD_PREFIX + c: pl.Int64 for c in period_cats},
    }
    return (
        pl.DataFrame(h_rows, schema=h_schema),
        pl.DataFrame(m_rows, schema=m_schema),
    )


def _cert_columns(disabilities, kinds) -> dict[str, int | None]:
    """cert_<kind> grades (the most severe per kind) of further certificates."""
    out: dict[str, int | None] = {CERT_PREFIX + k: None for k in kinds}
    for kind, grade in disabilities:
        key = CERT_PREFIX + kind
        current = out.get(key)
        out[key] = grade if current is None else min(current, grade)
    return out


def supporters_from_facts(
    facts: Sequence[HouseholdFacts], household_ids: Sequence[int] | None = None
) -> pl.DataFrame:
    """The ``supporters`` frame of plain facts (tests and small batches)."""
    ids = list(household_ids) if household_ids is not None else list(range(len(facts)))
    vehicle_kinds = sorted({v for f in facts for s in f.supporters for v in s.vehicles} | {"car"})
    cert_kinds = sorted({k for f in facts for s in f.supporters for k, _ in s.disabilities})
    rows = [
        {
            "household_id": hid,
            "birth_date": s.birth_date,
            "is_tekun": s.is_tekun,
            "dibao_recipient": s.dibao_recipient,
            "annual_income_fen": to_fen(s.annual_income),
            "deposits_fen": to_fen(money(s.deposits)),
            "homes": s.homes,
            "market_entities": s.market_entities,
            "disability_kind": s.disability_kind,
            "disability_grade": s.disability_grade,
            "incapacitated": s.incapacitated,
            "missing": s.missing,
            "imprisoned": s.imprisoned,
            **{VEHICLE_PREFIX + k: s.vehicles.count(k) for k in vehicle_kinds},
            **_cert_columns(s.disabilities, cert_kinds),
        }
        for hid, f in zip(ids, facts, strict=True)
        for s in f.supporters
    ]
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "household_id": pl.Int64,
        "birth_date": pl.Date,
        "is_tekun": pl.Boolean,
        "dibao_recipient": pl.Boolean,
        "annual_income_fen": pl.Int64,
        "deposits_fen": pl.Int64,
        "homes": pl.Int64,
        "market_entities": pl.Int64,
        "disability_kind": pl.String,
        "disability_grade": pl.Int64,
        "incapacitated": pl.Boolean,
        "missing": pl.Boolean,
        "imprisoned": pl.Boolean,
        **{VEHICLE_PREFIX + k: pl.Int64 for k in vehicle_kinds},
        **{CERT_PREFIX + k: pl.Int64 for k in cert_kinds},
    }
    return pl.DataFrame(rows, schema=schema)

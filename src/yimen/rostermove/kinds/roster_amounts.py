"""The amount the rules would give a household of the old roster: the same vectorised rules
as the roster's recalculation (``assistance.rules.vectorised``), over what an old sheet
knows of a household — its type, registration, village, members' birth dates and, when
the sheet has the column, its income."""

from __future__ import annotations

from datetime import date

import polars as pl

from yimen.assistance.choices import AssistanceType, WorkAbility
from yimen.assistance.errors import ParametersNotFound
from yimen.assistance.parameters import parameter_set_in_force, to_params
from yimen.assistance.rules.vectorised import evaluate_frame


def rules_amounts(households: pl.DataFrame, members: pl.DataFrame, today: date) -> pl.DataFrame:
    """household_id → ``expected``: the monthly amount in fen the rules give each household
    of its type (0 for 低收入, which carries no allowance; null where no parameters are in
    force for its village). ``households``: household_id, hukou_type, kind, division_id;
    ``members``: household_id, birth_date, income_fen (monthly, counted as other income).
    The old sheet knows no assets, disabilities or work ability: none are assumed, and the
    members of a 特困 household are taken as unable to work, as its approval found."""
    kinds = households.select("household_id", "kind")
    members = (
        members.join(kinds, on="household_id")
        .select(
            "household_id",
            "birth_date",
            pl.lit("").alias("disability_kind"),
            pl.lit(None, pl.Int64).alias("disability_grade"),
            pl.when(pl.col("kind") == AssistanceType.TEKUN.value)
            .then(pl.lit(WorkAbility.NONE.value))
            .otherwise(pl.lit(WorkAbility.FULL.value))
            .alias("work_ability"),
            pl.lit(False).alias("living_apart"),
            pl.col("income_fen").fill_null(0).alias("income_other"),
        )
        .sort("household_id")
    )
    frame = households.select(
        "household_id",
        "hukou_type",
        pl.lit(0, pl.Int64).alias("deposits_fen"),
        pl.lit(0, pl.Int64).alias("homes"),
        pl.lit(0, pl.Int64).alias("market_entities"),
        pl.lit(None, pl.Boolean).alias("has_able_supporter"),
        "division_id",
    ).sort("household_id")
    parts: list[pl.DataFrame] = []
    for village in frame["division_id"].unique().to_list():
        part = frame.filter(pl.col("division_id") == village)
        try:
            params = to_params(parameter_set_in_force(village, today))
        except ParametersNotFound:
            parts.append(part.select("household_id", pl.lit(None, pl.Int64).alias("expected")))
            continue
        out = evaluate_frame(
            part,
            members.join(part.select("household_id"), on="household_id", how="semi"),
            params,
            today,
        ).join(kinds, on="household_id")
        expected = (
            pl.when(pl.col("kind") == AssistanceType.DIBAO.value)
            .then(pl.when(pl.col("dibao_eligible")).then(pl.col("dibao_amount_fen")).otherwise(0))
            .when(pl.col("kind") == AssistanceType.TEKUN.value)
            .then(pl.when(pl.col("tekun_eligible")).then(pl.col("tekun_amount_fen")).otherwise(0))
            .otherwise(0)
        )
        parts.append(
            out.select("household_id", expected.fill_null(0).cast(pl.Int64).alias("expected"))
        )
    if not parts:
        return pl.DataFrame(schema={"household_id": pl.Int64, "expected": pl.Int64})
    return pl.concat(parts)


def rules_amount(kind: str, hukou: str, birth_dates: list[date], village: str, today: date) -> str:
    """One household's amount as the sheet writes it (demo, tests and benchmark sheets);
    "" for a household the rules give nothing or where no parameters are in force."""
    households = pl.DataFrame(
        {"household_id": [1], "hukou_type": [hukou], "kind": [kind], "division_id": [village]}
    )
    members = pl.DataFrame(
        {
            "household_id": [1] * len(birth_dates),
            "birth_date": birth_dates,
            "income_fen": [0] * len(birth_dates),
        },
        schema={"household_id": pl.Int64, "birth_date": pl.Date, "income_fen": pl.Int64},
    )
    fen = rules_amounts(households, members, today)["expected"][0]
    if not fen:
        return ""
    return f"{fen // 100}.{fen % 100:02d}"

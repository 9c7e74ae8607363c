"""Dynamic re-verification of a whole roster with the batch run's engine.

``verified_frames`` builds, for a set of households (application ids; optionally the ID
numbers to match, for a roster whose members changed since the application), the input
frames of the rules' vectorised batch (assistance/rules/vectorised.py) twice: as declared,
and as the partner records show them. ``reverification_changes`` evaluates both and lists
the households whose eligibility or amount would change.

All set-based: the declaration is read with a few grouped queries per chunk, the partner
records are matched in one DuckDB pass (matching.py), and the facts are built column-wise.
As verified: financial assets, non-exempt vehicles, homes and market entities are the
larger of declared and found (records that find less prove nothing — cash is not in a
bank); undeclared wages (tax) and pension found in the records are added as a counted
income ``income_unreported`` on the household's first member."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl
from django.db.models import Sum

from yimen.assistance.choices import IncomeCategory, VehicleKind
from yimen.assistance.models import Application, Income, Member
from yimen.assistance.parameters import parameter_set_in_force, to_params
from yimen.assistance.rules.vectorised import evaluate_frame
from yimen.assistance.rules.vectorised_frames import INCOME_PREFIX, VEHICLE_PREFIX
from yimen.fieldcrypt.columns import blind_indexes
from yimen.id_sets import chunks

from .matching import match_members
from .reports import declared_frame, report_frame

UNREPORTED = f"{INCOME_PREFIX}unreported"


def _member_frame(application_ids: list[int]) -> pl.DataFrame:
    rows, incomes = [], []
    for part in chunks(application_ids):
        rows += list(
            Member.objects.filter(application_id__in=part)
            .order_by("application_id", "pk")
            .values_list(
                "pk",
                "application_id",
                "id_number_bidx",  # matched by the blind index, as the partner data holds it
                "birth_date",
                "disability_kind",
                "disability_grade",
                "work_ability",
                "living_apart",
            )
        )
        incomes += list(
            Income.objects.filter(member__application_id__in=part)
            .values_list("member_id", "category")
            .annotate(total=Sum("monthly_amount"))
        )
    names = (
        "member_id",
        "household_id",
        "id_number",
        "birth_date",
        "disability_kind",
        "disability_grade",
        "work_ability",
        "living_apart",
    )
    members = pl.DataFrame(
        rows,
        schema={
            "member_id": pl.Int64,
            "household_id": pl.Int64,
            "id_number": pl.String,
            "birth_date": pl.Date,
            "disability_kind": pl.String,
            "disability_grade": pl.Int64,
            "work_ability": pl.String,
            "living_apart": pl.Boolean,
        },
        orient="row",
    ).select(names)
    money = pl.DataFrame(
        [(m, c, int(t * 100)) for m, c, t in incomes],
        schema={"member_id": pl.Int64, "category": pl.String, "fen": pl.Int64},
        orient="row",
    )
    wide = money.pivot(on="category", index="member_id", values="fen", aggregate_function="sum")
    wide = wide.rename({c: INCOME_PREFIX + c for c in wide.columns if c != "member_id"})
    members = members.join(wide, on="member_id", how="left")
    for category in IncomeCategory.values:
        if INCOME_PREFIX + category not in members.columns:
            members = members.with_columns(pl.lit(0, pl.Int64).alias(INCOME_PREFIX + category))
    return members.with_columns(pl.col(f"^{INCOME_PREFIX}.*$").fill_null(0)).sort(
        "household_id", "member_id"
    )


def verified_frames(
    application_ids: Sequence[int], on: date, *, id_numbers: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(households as declared, households as verified, members as declared / verified).

    ``id_numbers`` (household_id, id_number) overrides whom to match per household; by
    default the application's members. The members frame carries ``income_unreported``
    (0 as declared); the caller drops it to evaluate the declaration."""
    ids = sorted(set(application_ids))
    members = _member_frame(ids)
    if id_numbers is None:
        match_on = members.select("household_id", "id_number")  # the blind indexes
    else:  # given as numbers: matched by their blind index, as the partner data holds them
        match_on = id_numbers.with_columns(
            pl.Series("id_number", blind_indexes("id_number", id_numbers["id_number"].to_list()))
        )
    report = report_frame(match_on, match_members(match_on), declared_frame(ids), on)
    hukou = pl.DataFrame(
        list(Application.objects.filter(pk__in=ids).values_list("pk", "hukou_type")),
        schema={"household_id": pl.Int64, "hukou_type": pl.String},
        orient="row",
    )
    report = report.join(hukou, on="household_id", how="left").sort("household_id")

    def households(prefix: str, take_larger: bool) -> pl.DataFrame:
        def value(item: str) -> pl.Expr:
            declared = pl.col(f"d_{item}")
            return pl.max_horizontal(declared, pl.col(f"v_{item}")) if take_larger else declared

        return report.select(
            "household_id",
            "division_id",
            "hukou_type",
            (value("deposits") + value("securities")).alias("deposits_fen"),
            value("homes").alias("homes"),
            value("market_entities").alias("market_entities"),
            pl.lit(False).alias("has_able_supporter"),
            value("cars").alias(VEHICLE_PREFIX + VehicleKind.CAR),
        )

    unreported = report.select(
        "household_id",
        (
            (pl.col("v_wages") - pl.col("d_wages")).clip(lower_bound=0)
            + (pl.col("v_pension") - pl.col("d_pension")).clip(lower_bound=0)
        ).alias("_extra"),
    )
    first = pl.col("member_id") == pl.col("member_id").min().over("household_id")
    members = members.join(unreported, on="household_id", how="left").with_columns(
        pl.when(first).then(pl.col("_extra").fill_null(0)).otherwise(0).alias(UNREPORTED)
    )
    return households("d", False), households("v", True), members.drop("_extra")


def _evaluate(households: pl.DataFrame, members: pl.DataFrame, on: date) -> pl.DataFrame:
    """Evaluate per parameter set in force (households grouped by their set)."""
    sets = {}
    for division in households["division_id"].unique().to_list():
        row = parameter_set_in_force(division, on)
        sets.setdefault(row.pk, (to_params(row), []))[1].append(division)
    parts = []
    for params, divisions in sets.values():
        chosen = households.filter(pl.col("division_id").is_in(divisions))
        ids = chosen["household_id"].to_list()
        parts.append(
            evaluate_frame(chosen, members.filter(pl.col("household_id").is_in(ids)), params, on)
        )
    return pl.concat(parts).sort("household_id")


def reverification_changes(
    application_ids: Sequence[int], on: date, *, id_numbers: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Households whose proposed type or amount changes when the partner records are
    taken into account: household_id, the declared and verified proposal, and why."""
    declared_h, verified_h, members = verified_frames(application_ids, on, id_numbers=id_numbers)
    before = _evaluate(declared_h, members.drop(UNREPORTED), on)
    after = _evaluate(verified_h, members, on)
    keep = ("household_id", "proposed_type", "proposed_amount_fen", "per_capita_income_fen")
    both = before.select(keep).join(after.select(keep), on="household_id", suffix="_verified")
    return both.filter(
        pl.col("proposed_type").eq_missing(pl.col("proposed_type_verified")).not_()
        | (pl.col("proposed_amount_fen") != pl.col("proposed_amount_fen_verified"))
    ).with_columns(
        pl.col("proposed_type")
        .eq_missing(pl.col("proposed_type_verified"))
        .not_()
        .alias("eligibility_changed")
    )

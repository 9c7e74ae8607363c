"""The rules of ``engine.evaluate`` over a whole roster in one vectorised pass (Polars).

``evaluate_frame(households, members, params, on)`` gives, for every household, what
``engine.evaluate`` proposes for it: counted members, counted income, every rule's
pass/fail, 低保 / 特困 / 低收入 eligibility and amounts, the proposed type and amount.
There is no Python loop per household: member rows are reduced with one ``group_by`` and
joined back to the households. ``engine.evaluate`` stays the reference (and the only
source of the explained values shown to people); tests check that both agree to the fen.

Money is integer fen (Int64) throughout, so sums and comparisons are exact. The parameter
amounts are scalars, so the Decimal products ``engine`` rounds (1.3 × standard, 1.5 ×
standard) are computed once here in Decimal with the same ROUND_HALF_UP to 0.01 and then
used as fen; everything else is a sum or a product of whole fen and needs no rounding.
Amounts with fractions of a fen are refused (the database stores two decimal places).

Input frames (extra columns are ignored; a missing ``income_*`` / ``vehicle_*`` column
means zero for everybody):

``households`` — one row per household
    household_id        Int64     key (unique)
    hukou_type          String    "urban" | "rural" (anything but "rural" takes the urban
                                  standard, as ``Params.standard`` does); Enum/Categorical ok
    deposits_fen        Int64     financial assets in total, fen
    homes               Int64     number of homes
    market_entities     Int64     market-entity registrations
    has_able_supporter  Boolean   the caseworker's finding that a legal supporter is able
                                  to support (特困); null = none recorded, computed from
                                  ``supporters``
    hardship_tier       String    optional: the 分档 tier code chosen for the household, ""
                                  or null for none; a code ``params.tiers`` lacks is none
    vehicle_<kind>      Int64     number of vehicles of each choices.VehicleKind
                                  (vehicle_car, vehicle_ebike, …)

``members`` — one row per member (a household without member rows counts 0 members)
    household_id        Int64     → households.household_id
    birth_date          Date
    disability_kind     String    choices.DisabilityKind, "" for none; Enum/Categorical ok
    disability_grade    Int64     1 (most severe) … 4, null for none
    work_ability        String    "full" | "partial" | "none"; Enum/Categorical ok
    living_apart        Boolean   not counted in size or income
    student             Boolean   optional (missing = False): in compulsory education,
                                  普通高中 or 中职
    tekun_as_minor      Boolean   optional (missing = False): supported as a 特困 minor; with
                                  ``student``, without work ability past the minor age
    income_<category>   Int64     monthly income of each choices.IncomeCategory, fen
                                  (income_wages, income_transfer, income_x_assistance, …)
    cert_<kind>         Int64     optional: the grade of a further disability certificate of
                                  that kind (null = none); 多重残疾 counts by the most
                                  severe grade
    self_care_failed    Int64     optional: failed items of the six-item self-care
                                  assessment, null = not assessed (care as self-caring)
    period_<category>   Int64     optional: seasonal or irregular income of a category, its
                                  total in fen over ``params.income_lookback_months``

``supporters`` — optional, one row per legal supporter (TK2021 Art.8)
    household_id, birth_date; is_tekun, dibao_recipient, incapacitated, missing,
    imprisoned (Boolean); annual_income_fen, deposits_fen, homes, market_entities,
    vehicle_<kind> (Int64); disability_kind, disability_grade, cert_<kind> as above

Output: one row per household, in the order of ``households``; see ``OUTPUT_COLUMNS``.
The rule columns are named ``rule_<code>`` after the codes of ``engine.evaluate``."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import polars as pl

from .engine import money
from .fen import adjusted, from_fen, half_up, rounded_fen, to_fen
from .params import Params
from .persons import (
    SELF_CARE_NONE_FROM,
    TEKUN_DISABILITY_MAX_GRADE,
)
from .vectorised_frames import (
    INCOME_PREFIX,
    PERIOD_PREFIX,
    VEHICLE_PREFIX,
)
from .vectorised_members import (
    COUNT_UNIT,
    able_supporters,
    assets_within,
    beside_households,
    by_hukou,
    certificates,
    comparable,
    flag,
    member_income,
    prefixed,
    sum_of,
    sums_per_household,
    supporter_finding,
    years_before,
)

RULE_CODES = (
    "household_size",
    "dibao_income",
    "deposits",
    "vehicles",
    "homes",
    "market_entities",
    "tekun_no_work_ability",
    "tekun_no_living_source",
    "tekun_assets",
    "tekun_no_supporter",
    "low_income",
    "low_income_assets",
)

OUTPUT_COLUMNS = (
    "household_id",
    "members",  # counted members (living apart excluded)
    "living_apart",  # members living apart
    "standard_fen",  # 低保 standard applied, per person per month
    "counted_income_fen",  # household, per month
    "per_capita_income_fen",
    *(f"rule_{code}" for code in RULE_CODES),
    "dibao_eligible",
    "dibao_amount_fen",  # after the set's payment rounding and minimum
    "dibao_computed_fen",  # before them
    "tier_amount_fen",  # 分档 amount per person of the household's tier, null when none
    "tekun_eligible",
    "tekun_amount_fen",
    "tekun_computed_fen",
    "low_income_eligible",
    "proposed_type",  # "tekun" | "dibao" | "low_income" | null
    "proposed_amount_fen",
)


def evaluate_frame(
    households: pl.DataFrame,
    members: pl.DataFrame,
    params: Params,
    on: date,
    supporters: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every household of ``households`` evaluated at ``on`` under ``params`` (the caller
    picks the parameter set in force), exactly as ``engine.evaluate`` would one by one.
    ``supporters`` (optional) lists legal supporters, one row each (see the module
    docstring); without it no household has a recorded supporter."""
    members = comparable(members, "disability_kind", TEKUN_DISABILITY_MAX_GRADE)
    members = comparable(members, "work_ability", ("none", "partial"))
    households = comparable(households, "hukou_type", ("rural",))
    tier_fen = {t.code: rounded_fen(t.amount_per_person) for t in params.tiers}
    if tier_fen and "hardship_tier" in households.columns:
        households = comparable(households, "hardship_tier", tier_fen)
    # Parameter scalars in fen, rounded as engine.evaluate rounds them.
    std = {h: to_fen(money(params.standard(h))) for h in ("urban", "rural")}
    basic = {h: rounded_fen(params.tekun_factor * from_fen(std[h])) for h in std}
    # the low-income line, exactly: inc < n × (p/q) × std ⇔ inc < ⌈n × p × std / q⌉ for
    # whole fen (engine.below), so income is never multiplied and cannot overflow first
    factor = Fraction(params.low_income_factor)
    p_factor, q_factor = factor.numerator, factor.denominator
    deduction = to_fen(params.employment_cost_deduction)
    care_full = rounded_fen(params.tekun_care_full)
    care_partial = rounded_fen(params.tekun_care_partial)
    care_none = rounded_fen(params.tekun_care_none)

    # --- members: counted income and work ability, one row each -----------------------
    incomes = prefixed(members, INCOME_PREFIX)
    periods = prefixed(members, PERIOD_PREFIX)
    # Incomes are summed in units of fen / ``scale``: seasonal income totals over the
    # look-back months are averaged exactly (engine.member_income_exact), everything
    # else multiplied by the months. Without period columns the scale is 1.
    scale = params.income_lookback_months if periods else 1
    income = member_income(incomes, periods, params.exempt_income, deduction, scale)
    tekun_income = member_income(incomes, periods, params.tekun_exempt_income, deduction, scale)

    # people.age_on is lexicographic on (year, month, day), so age ≥ A at `on` ⇔ born on
    # or before the same day A years earlier — 28 February when that day is a 29 February
    # in a common year (nobody is born on the missing day). Plain date comparisons.
    elderly = pl.col("birth_date") <= years_before(on, params.elderly_age)
    minor = pl.col("birth_date") > years_before(on, params.minor_age)
    disabled, _severe = certificates(members)
    ability = pl.col("work_ability")
    # a 特困 minor still at school past the minor age keeps support [TK2021 Art.24 note]
    student = flag(members, "student") & flag(members, "tekun_as_minor")
    unable = elderly | minor | student | disabled | (ability == "none")
    # the care amount follows the self-care assessment [TK2021 Art.21–22]: failed items
    # ≥ 4 wholly lost, 1–3 partly, else (or not assessed) self-caring (persons.care_level)
    if "self_care_failed" in members.columns:
        failed = pl.col("self_care_failed").fill_null(0)
        care = (
            pl.when(failed >= SELF_CARE_NONE_FROM)
            .then(pl.lit(care_none, pl.Int64))
            .when(failed >= 1)
            .then(pl.lit(care_partial, pl.Int64))
            .otherwise(pl.lit(care_full, pl.Int64))
        )
    else:
        care = pl.lit(care_full, pl.Int64)
    counted = ~pl.col("living_apart").fill_null(False)

    # Rosters come sorted by household; telling Polars so lets group_by and the join take
    # their sorted paths (about 3× and 10× faster than hashing). Checked, never assumed.
    key_sorted = members["household_id"].is_sorted() and households["household_id"].is_sorted()
    if key_sorted:
        members = members.with_columns(pl.col("household_id").set_sorted())
        households = households.with_columns(pl.col("household_id").set_sorted())

    if members.height >= COUNT_UNIT:
        raise ValueError("more member rows than the packed member counts can hold")
    one = counted.cast(pl.Int64)  # × 1 counts, × 0 leaves out a member living apart
    member_values = members.lazy().select(
        pl.col("household_id"),
        (one + (counted & unable).cast(pl.Int64) * COUNT_UNIT).alias("_counts"),
        (income * one).alias("_income_scaled"),
        (tekun_income * one).alias("_tekun_income_scaled"),
        (care * one).alias("_care"),
    )
    per_household = sums_per_household(member_values, key_sorted, rows="_all").with_columns(
        (pl.col("_counts") % COUNT_UNIT).alias("members"),
        (pl.col("_counts") // COUNT_UNIT).alias("_unable"),
    )

    # --- households: assets, then the rules in engine.evaluate's order ------------------
    vehicles = prefixed(households, VEHICLE_PREFIX)
    counted_vehicles = sum_of(c for c, k in vehicles.items() if k not in params.exempt_vehicles)

    hukou = pl.col("hukou_type")
    # 分档 [A2021 Art.23]: the tier's amount per person in fen, null without a known tier;
    # one comparison per tier (a handful), on the Enum's codes when the column is an Enum
    tier = pl.lit(None, pl.Int64)
    if "hardship_tier" in households.columns:
        for code, fen in tier_fen.items():
            tier = (
                pl.when(pl.col("hardship_tier") == code).then(pl.lit(fen, pl.Int64)).otherwise(tier)
            )
    n = pl.col("members")
    inc = pl.col("_income_scaled")  # fen × scale
    tekun_inc = pl.col("_tekun_income_scaled")
    standard = pl.col("standard_fen")
    standard_total = standard * n
    scaled_total = standard_total * scale if scale != 1 else standard_total
    has_members = n > 0
    rule = {
        "household_size": has_members,
        "dibao_income": has_members & (inc < scaled_total),
        "deposits": pl.col("deposits_fen").fill_null(0) <= params.deposit_months * standard * n,
        "vehicles": counted_vehicles == 0,
        "homes": pl.col("homes").fill_null(0) <= params.max_homes,
        "market_entities": (pl.col("market_entities").fill_null(0) == 0)
        | pl.lit(params.allow_market_entity),
        # the caseworker's finding when recorded, else computed [TK2021 Art.8]
        "tekun_no_supporter": ~supporter_finding(households).fill_null(pl.col("_supporter_able")),
        "tekun_no_work_ability": has_members & (pl.col("_unable") == n),
        "low_income": has_members
        & (inc < (n * p_factor * scale * standard + (q_factor - 1)) // q_factor),
        "tekun_assets": assets_within(
            households,
            params,
            standard * n,
            params.tekun_deposit_months,
            params.tekun_max_homes,
            params.tekun_allow_market_entity,
        ),
        "low_income_assets": assets_within(
            households,
            params,
            standard * n,
            params.low_income_deposit_months,
            params.low_income_max_homes,
            params.low_income_allow_market_entity,
        ),
    }
    r = {code: pl.col(f"rule_{code}") for code in RULE_CODES}
    assets_ok = r["deposits"] & r["vehicles"] & r["homes"] & r["market_entities"]
    dibao = r["household_size"] & r["dibao_income"] & assets_ok
    tekun = r["tekun_no_work_ability"] & r["tekun_no_living_source"] & r["tekun_no_supporter"]
    low_income = (
        r["household_size"] & ~pl.col("dibao_eligible") & r["low_income"] & r["low_income_assets"]
    )
    zero = pl.lit(0, pl.Int64)

    placed = beside_households(households, per_household.collect(), key_sorted)
    placed = beside_households(
        placed, able_supporters(supporters, params, on, std).collect(), key_sorted
    )
    result = (
        placed.lazy()
        .with_columns(
            pl.col("members").fill_null(0),
            pl.col("_income_scaled").fill_null(0),
            pl.col("_tekun_income_scaled").fill_null(0),
            pl.col("_unable").fill_null(0),
            pl.col("_care").fill_null(0),
            pl.when(hukou == "rural")
            .then(pl.col("_able_rural"))
            .otherwise(pl.col("_able_urban"))
            .fill_null(0)
            .gt(0)
            .alias("_supporter_able"),
            (pl.col("_all").fill_null(0) - pl.col("members").fill_null(0)).alias("living_apart"),
            by_hukou(hukou, std["rural"], std["urban"]).alias("standard_fen"),
            by_hukou(hukou, basic["rural"], basic["urban"]).alias("_basic"),
            tier.alias("tier_amount_fen"),
        )
        .with_columns(
            # engine.money(income / n): half up on whole fen
            pl.when(has_members)
            .then((2 * inc + scale * n) // (2 * scale * n))
            .otherwise(zero)
            .alias("per_capita_income_fen"),
            half_up(inc, scale).alias("counted_income_fen"),
            *(expr.alias(f"rule_{code}") for code, expr in rule.items()),
        )
        .with_columns(
            (r["household_size"] & (tekun_inc < scaled_total) & r["tekun_assets"]).alias(
                "rule_tekun_no_living_source"
            ),
            dibao.alias("dibao_eligible"),
            pl.when(dibao & pl.col("tier_amount_fen").is_not_null())
            .then(pl.col("tier_amount_fen") * n)
            .when(dibao)
            .then(half_up(scaled_total - inc, scale))
            .otherwise(zero)
            .alias("dibao_computed_fen"),
        )
        .with_columns(
            adjusted(pl.col("dibao_computed_fen"), n, params, minimum=True).alias(
                "dibao_amount_fen"
            )
        )
        .with_columns(tekun.alias("tekun_eligible"), low_income.alias("low_income_eligible"))
        .with_columns(
            pl.when(pl.col("tekun_eligible"))
            .then(pl.col("_basic") * n + pl.col("_care"))
            .otherwise(zero)
            .alias("tekun_computed_fen"),
        )
        .with_columns(
            adjusted(pl.col("tekun_computed_fen"), n, params, minimum=False).alias(
                "tekun_amount_fen"
            )
        )
        .with_columns(
            pl.when(pl.col("tekun_eligible"))
            .then(pl.lit("tekun"))
            .when(pl.col("dibao_eligible"))
            .then(pl.lit("dibao"))
            .when(pl.col("low_income_eligible"))
            .then(pl.lit("low_income"))
            .otherwise(pl.lit(None, pl.String))
            .alias("proposed_type"),
            pl.when(pl.col("tekun_eligible"))
            .then(pl.col("tekun_amount_fen"))
            .when(pl.col("dibao_eligible"))
            .then(pl.col("dibao_amount_fen"))
            .otherwise(zero)
            .alias("proposed_amount_fen"),
        )
        .select(OUTPUT_COLUMNS)
    )
    return result.collect()

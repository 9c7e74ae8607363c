"""The vectorised rules (rules/vectorised.py) against the one-by-one engine: the boundary
tables of test_rules.py run through ``evaluate_frame`` in one batch, and 1,000 seeded
random households, must give the same result to the fen."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest

from tests.assistance import test_rules as t
from tests.assistance import test_rules_students_tiers as st
from tests.assistance.test_rules import ON, PARAMS, earner, household, member
from yimen.assistance.rules.engine import Evaluation, evaluate
from yimen.assistance.rules.facts import HouseholdFacts, MemberFacts, SupporterFacts
from yimen.assistance.rules.fen import from_fen, to_fen
from yimen.assistance.rules.params import Params
from yimen.assistance.rules.vectorised import OUTPUT_COLUMNS, RULE_CODES, evaluate_frame
from yimen.assistance.rules.vectorised_frames import frames_from_facts, supporters_from_facts

D = Decimal
OLD = date(1950, 1, 1)


def table(test) -> list:
    """The argument rows of a test's ``parametrize`` in test_rules.py, so the boundaries
    are the very same rows, not a copy that could drift."""
    (mark,) = [m for m in test.pytestmark if m.name == "parametrize"]
    return list(mark.args[1])


def boundary_cases() -> list[tuple[str, HouseholdFacts, Params, date]]:
    deduction = replace(PARAMS, employment_cost_deduction=D("200.00"))
    cases: list[tuple[str, HouseholdFacts, Params, date]] = []
    for income, _, _ in table(t.test_dibao_income_at_the_standard):
        cases.append((f"income {income}", household(earner(income)), PARAMS, ON))
    cases.append(("3 members", household(earner("900.00"), member(), member()), PARAMS, ON))
    cases.append(("rural", household(earner("600.00"), hukou="rural"), PARAMS, ON))
    cases.append(("rural low", household(earner("499.99"), hukou="rural"), PARAMS, ON))
    for incomes, _ in table(t.test_exempt_incomes_not_counted):
        cases.append((f"exempt {incomes}", household(member(incomes=incomes)), PARAMS, ON))
    apart = earner("3000.00", living_apart=True)
    cases.append(("living apart", household(earner("300.00"), member(), apart), PARAMS, ON))
    for incomes, _ in table(t.test_employment_cost_deduction):
        cases.append((f"deduction {incomes}", household(member(incomes=incomes)), deduction, ON))
    for deposits, _ in table(t.test_deposit_limit):
        facts = household(member(), member(), member(), deposits=D(deposits))
        cases.append((f"deposits {deposits}", facts, PARAMS, ON))
    for vehicles, homes, entities, allow, code, _ in table(t.test_asset_rules):
        params = replace(PARAMS, allow_market_entity=allow)
        facts = household(vehicles=vehicles, homes=homes, market_entities=entities)
        cases.append((f"assets {code} {vehicles} {homes} {entities}", facts, params, ON))
    for birth, _, _ in table(t.test_sixtieth_birthday):
        cases.append((f"born {birth}", household(member(birth)), PARAMS, ON))
    for birth, _ in table(t.test_minor_age_edge):
        cases.append((f"minor {birth}", household(member(birth)), PARAMS, ON))
    for kind, grade, _ in table(t.test_disability_grade_edges_for_tekun):
        facts = household(member(disability_kind=kind, disability_grade=grade))
        cases.append((f"disability {kind} {grade}", facts, PARAMS, ON))
    cases.append(
        (
            "tekun care",
            household(member(OLD, self_care_failed=4), member(OLD, self_care_failed=3)),
            PARAMS,
            ON,
        )
    )
    for facts, code in table(t.test_tekun_refused_for_each_missing_condition):
        cases.append((f"tekun refused {code}", facts, PARAMS, ON))
    cases.append(("work ability none", household(member(work_ability="none")), PARAMS, ON))
    for income, _, _ in table(t.test_low_income_band):
        cases.append((f"band {income}", household(earner(income)), PARAMS, ON))
    cases.append(("band assets", household(earner("800.00"), homes=2), PARAMS, ON))
    # a parameter changing in mid-month: the same facts under the set in force each day
    before = replace(PARAMS, valid_to=date(2026, 11, 15))
    after = replace(
        PARAMS, valid_from=date(2026, 11, 16), dibao_standard_urban=D("750.00"), source="new"
    )
    two = household(earner("300.00"), member())
    cases.append(("before change", two, before, date(2026, 11, 15)))
    cases.append(("after change", two, after, date(2026, 11, 16)))
    cases.append(("nobody counted", household(member(living_apart=True)), PARAMS, ON))
    # 29 February birthdays: 60 from 1 March in a common year, on the day in a leap year
    for on in (date(2026, 2, 28), date(2026, 3, 1)):
        cases.append((f"born 1964-02-29 on {on}", household(member(date(1964, 2, 29))), PARAMS, on))
    cases.append(
        ("born 1968-02-29 leap", household(member(date(1968, 2, 29))), PARAMS, date(2028, 2, 29))
    )
    cases.append(
        ("born 1966-03-01", household(member(date(1966, 3, 1))), PARAMS, date(2026, 2, 28))
    )
    for birth, student, minor, _ in table(st.test_student_past_the_minor_age_is_unable_to_work):
        facts = household(member(birth, student=student, tekun_as_minor=minor))
        cases.append((f"student {student} {minor} born {birth}", facts, PARAMS, ON))
    for params, tier, income, _, _ in table(st.test_tier_amount_replaces_the_difference):
        facts = household(earner(income), member(), hardship_tier=tier)
        cases.append((f"tier {tier!r} {income} {bool(params.tiers)}", facts, params, ON))
    apart = household(member(), member(), member(living_apart=True), hardship_tier="2")
    cases.append(("tier living apart", apart, st.TIERED, ON))
    cases.append(("tekun not tiered", household(member(OLD), hardship_tier="1"), st.TIERED, ON))
    return cases


def assert_same(row: dict, ev: Evaluation, label: str) -> None:
    """Every figure the proposal rests on, row against evaluation."""
    got = {
        "members": row["members"],
        "standard": from_fen(row["standard_fen"]),
        "counted_income": from_fen(row["counted_income_fen"]),
        "per_capita_income": from_fen(row["per_capita_income_fen"]),
        "dibao": (row["dibao_eligible"], from_fen(row["dibao_amount_fen"])),
        "dibao_computed": from_fen(row["dibao_computed_fen"]),
        "tekun": (row["tekun_eligible"], from_fen(row["tekun_amount_fen"])),
        "tekun_computed": from_fen(row["tekun_computed_fen"]),
        "low_income": row["low_income_eligible"],
        "proposal": (row["proposed_type"], from_fen(row["proposed_amount_fen"])),
        "rules": {code: row[f"rule_{code}"] for code in RULE_CODES},
        "tier": row["tier_amount_fen"],
    }
    want = {
        "members": ev.members,
        "standard": ev.standard,
        "counted_income": ev.counted_income,
        "per_capita_income": ev.per_capita_income,
        "dibao": (ev.dibao_eligible, ev.dibao_amount),
        "dibao_computed": ev.dibao_computed,
        "tekun": (ev.tekun_eligible, ev.tekun_amount),
        "tekun_computed": ev.tekun_computed,
        "low_income": ev.low_income_eligible,
        "proposal": (ev.proposed_type, ev.proposed_amount),
        "rules": {code: ev.rule(code).passed for code in RULE_CODES},
        "tier": to_fen(ev.tier.amount_per_person) if ev.tier else None,
    }
    assert got == want, label


def test_boundary_tables_agree_with_the_engine():
    cases = boundary_cases()
    groups: dict[tuple[Params, date], list[int]] = {}
    for i, (_, _, params, on) in enumerate(cases):
        groups.setdefault((params, on), []).append(i)
    for (params, on), indexes in groups.items():
        households, members = frames_from_facts([cases[i][1] for i in indexes], indexes)
        result = evaluate_frame(households, members, params, on)
        assert result.columns == list(OUTPUT_COLUMNS)
        assert result["household_id"].to_list() == indexes
        for i, row in zip(indexes, result.iter_rows(named=True), strict=True):
            label, facts, _, _ = cases[i]
            assert_same(row, evaluate(facts, params, on), label)


@pytest.mark.parametrize(
    ("income", "proposed", "amount"),
    [
        ("699.99", "dibao", 1),  # one fen below the standard: one fen of 补差
        ("700.00", "low_income", 0),
        ("700.01", "low_income", 0),
        ("1049.99", "low_income", 0),
        ("1050.00", None, 0),
    ],
)
def test_income_edges_by_themselves(income, proposed, amount):
    """Stated outright too, so a fault shared with the engine would still show."""
    households, members = frames_from_facts([household(earner(income))])
    row = evaluate_frame(households, members, PARAMS, ON).row(0, named=True)
    assert (row["proposed_type"], row["proposed_amount_fen"]) == (proposed, amount)


def test_tekun_amount_and_sixtieth_birthday_by_themselves():
    facts = [
        household(member(OLD, self_care_failed=4), member(OLD, self_care_failed=3)),
        household(member(date(1966, 11, 15))),  # 60 today
        household(member(date(1966, 11, 16))),  # 60 tomorrow
    ]
    result = evaluate_frame(*frames_from_facts(facts), PARAMS, ON)
    assert result["proposed_type"].to_list() == ["tekun", "tekun", "dibao"]
    # 2 × 910 + 600 + 300; 910 + 100 (self-caring); 700 补差
    assert result["proposed_amount_fen"].to_list() == [272_000, 101_000, 70_000]


def test_household_without_member_rows_counts_nobody():
    households, members = frames_from_facts([household(earner("100.00"))])
    row = evaluate_frame(households, members.clear(), PARAMS, ON).row(0, named=True)
    assert (row["members"], row["proposed_type"], row["rule_household_size"]) == (0, None, False)


def test_sums_are_placed_beside_their_own_household_without_a_join():
    """Sorted frames skip the join: households without member rows in between, and
    member rows of a household not in the frame, are placed as a join would place them
    (the join path, unsorted, gives the same rows)."""
    rng = random.Random(3)
    facts = [random_household(rng, ON) for _ in range(60)]
    households, members = frames_from_facts(facts, household_ids=range(0, 120, 2))
    gaps = members.filter(pl.col("household_id") % 3 != 0)  # every third has no rows
    stray = gaps.head(2).with_columns(pl.lit(1, pl.Int64).alias("household_id"))
    members = pl.concat([gaps, stray]).sort("household_id")  # id 1 is no household's
    placed = evaluate_frame(households, members, PARAMS, ON)
    joined = evaluate_frame(households.reverse(), members.reverse(), PARAMS, ON).reverse()
    assert placed.equals(joined)
    empty = placed.filter(pl.col("household_id") % 3 == 0)
    assert empty.height == 20 and set(empty["members"]) == {0}
    assert placed.filter(pl.col("household_id") % 3 != 0)["members"].min() >= 0


def test_sub_fen_amounts_are_refused():
    with pytest.raises(ValueError):
        to_fen(D("0.005"))
    with pytest.raises(ValueError):
        frames_from_facts([household(earner("10.001"))])


def test_categorical_columns_are_read_like_strings():
    facts = [household(member(OLD, work_ability="none"), hukou="rural"), household(member())]
    households, members = frames_from_facts(facts)
    plain = evaluate_frame(households, members, PARAMS, ON)
    households = households.with_columns(pl.col("hukou_type").cast(pl.Enum(["urban", "rural"])))
    members = members.with_columns(
        pl.col("work_ability").cast(pl.Enum(["full", "partial", "none"])),
        pl.col("disability_kind").cast(pl.Categorical),
    )
    assert evaluate_frame(households, members, PARAMS, ON).equals(plain)


# --- 1,000 seeded random households ----------------------------------------------------

KINDS = ("", "visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple")
INCOME_CATEGORIES = (
    "wages",
    "business",
    "property",
    "transfer",
    "other",
    "elderly_allowance",  # counted for 低保, not for 特困 (issue 21, item 5)
    "social_insurance",
)
EXEMPT = ("x_preferential", "x_scholarship", "x_assistance", "x_basic_pension")
VEHICLES = ("car", "ebike", "motorcycle", "farm", "disabled_carriage")


def years_before(on: date, years: int) -> date:
    """The same day ``years`` earlier (28 February for a 29 February in a common year)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return date(on.year - years, 2, 28)


def random_member(rng: random.Random, on: date) -> MemberFacts:
    roll = rng.random()
    if roll < 0.15:  # the 60th birthday today, or a day either side
        birth = years_before(on, 60) + timedelta(days=rng.choice((-1, 0, 1)))
    elif roll < 0.20:  # the 18th birthday today, or a day either side
        birth = years_before(on, 18) + timedelta(days=rng.choice((-1, 0, 1)))
    else:
        birth = on - timedelta(days=rng.randint(0, 95 * 366))
    kind = rng.choice(KINDS) if rng.random() < 0.3 else ""
    incomes: dict[str, Decimal] = {}
    for category in INCOME_CATEGORIES + EXEMPT:
        if rng.random() < (0.35 if category == "wages" else 0.12):
            # whole fen: amounts at the deduction's edge, about the standard, or anything
            edge = rng.choice((0, 1, 19_999, 20_000, 20_001))
            fen = rng.choice((edge, rng.randint(50_000, 110_000), rng.randint(0, 150_000)))
            incomes[category] = D(fen) / 100
    periods: dict[str, Decimal] = {}
    for category in ("wages", "business", "other"):
        if rng.random() < 0.1:  # seasonal income over the look-back months (item 9)
            periods[category] = D(rng.choice((rng.randint(0, 1_500_000), 840_000, 839_999))) / 100
    return MemberFacts(
        birth_date=birth,
        period_incomes=periods,
        # further certificates (多重残疾) and the self-care assessment (items 7, 8)
        disabilities=tuple(
            (rng.choice(KINDS[1:]), rng.randint(1, 4)) for _ in range(rng.choice((0, 0, 0, 1, 2)))
        ),
        self_care_failed=rng.choice((None, 0, 1, 3, 4, 6)),
        disability_kind=kind,
        disability_grade=rng.choice((None, 1, 2, 3, 4)) if kind else None,
        work_ability=rng.choices(("full", "partial", "none"), (0.6, 0.2, 0.2))[0],
        living_apart=rng.random() < 0.1,
        student=rng.random() < 0.2,
        tekun_as_minor=rng.random() < 0.5,
        incomes=incomes,
    )


def random_household(rng: random.Random, on: date) -> HouseholdFacts:
    size = rng.randint(1, 6)
    return HouseholdFacts(
        hukou_type=rng.choice(("urban", "rural")),
        members=tuple(random_member(rng, on) for _ in range(size)),
        deposits=D(rng.choice((0, rng.randint(0, 12_000_000), 24 * 70_000 * size))) / 100,
        vehicles=tuple(rng.choice(VEHICLES) for _ in range(rng.choice((0, 0, 0, 1, 2)))),
        homes=rng.choices((0, 1, 2), (0.3, 0.6, 0.1))[0],
        market_entities=1 if rng.random() < 0.05 else 0,
        has_able_supporter=rng.choice((None, None, None, True, False)),
        supporters=tuple(random_supporter(rng, on) for _ in range(rng.choice((0, 0, 1, 1, 2)))),
        hardship_tier=rng.choice(("", "", "1", "2", "3", "9")),  # "9": in no parameter set
    )


def random_supporter(rng: random.Random, on: date) -> SupporterFacts:
    """A legal supporter near each edge of TK2021 Art.8 (item 6)."""
    age = rng.choice((59, 60, 69, 70, 45, 80))
    return SupporterFacts(
        birth_date=years_before(on, age) + timedelta(days=rng.choice((0, 0, 1))),
        is_tekun=rng.random() < 0.1,
        dibao_recipient=rng.random() < 0.3,
        annual_income=D(rng.choice((3_599_999, 3_600_000, rng.randint(0, 9_000_000)))) / 100,
        deposits=D(rng.choice((0, 1_680_000, 1_680_001, rng.randint(0, 3_000_000)))) / 100,
        homes=rng.choice((0, 1, 1, 2)),
        vehicles=tuple(rng.choice(VEHICLES) for _ in range(rng.choice((0, 0, 1)))),
        disability_kind=(kind := rng.choice(KINDS) if rng.random() < 0.3 else ""),
        disability_grade=rng.randint(1, 4) if kind else None,
        disabilities=tuple(
            (rng.choice(KINDS[1:]), rng.randint(1, 4)) for _ in range(rng.choice((0, 0, 1)))
        ),
        incapacitated=rng.random() < 0.1,
        missing=rng.random() < 0.05,
        imprisoned=rng.random() < 0.05,
    )


@pytest.mark.parametrize(
    ("params", "on"),
    [
        (replace(PARAMS, employment_cost_deduction=D("200.00")), ON),
        (replace(PARAMS, tekun_factor=D("1.333"), low_income_factor=D("1.55")), date(2028, 2, 29)),
        (replace(st.TIERED, employment_cost_deduction=D("200.00")), ON),
        (
            replace(
                PARAMS,
                dibao_standard_urban=D("733.33"),
                employment_cost_deduction=D("200.00"),
                tekun_deposit_months=12,
                tekun_max_homes=1,
                low_income_deposit_months=36,
                low_income_max_homes=2,
                low_income_allow_market_entity=True,
                income_lookback_months=7,
                payment_rounding="jiao",
                payment_rounding_mode="up",
                payment_minimum=D("30.00"),
            ),
            ON,
        ),
        (replace(PARAMS, payment_rounding="yuan", tekun_exempt_income=frozenset()), ON),
    ],
    ids=["deduction", "odd-factors-leap-day", "tiers", "issue-21-settings", "round-yuan"],
)
def test_random_households_agree_with_one_by_one_evaluation(params, on):
    rng = random.Random(20261129)
    facts = [random_household(rng, on) for _ in range(1000)]
    params = replace(params, disposable_income_last_year=D("36000.00"))
    result = evaluate_frame(*frames_from_facts(facts), params, on, supporters_from_facts(facts))
    assert result.height == 1000
    proposals: dict[str | None, int] = {}
    for i, row in enumerate(result.iter_rows(named=True)):
        ev = evaluate(facts[i], params, on)
        assert_same(row, ev, f"household {i}")
        proposals[ev.proposed_type] = proposals.get(ev.proposed_type, 0) + 1
    # the sample reaches every outcome, so agreement is not only on refusals
    assert all(proposals.get(k, 0) >= 25 for k in ("tekun", "dibao", "low_income", None)), proposals
    # ... and the facts of issue 21 decide some of them: seasonal income, 特困 students
    # past 18, 特困's own income and asset rules, low-income asset rules
    evs = [evaluate(f, params, on) for f in facts]
    seasonal = sum(
        1
        for f, ev in zip(facts, evs, strict=True)
        if ev.rule("dibao_income").passed and any(m.period_incomes for m in f.members)
    )
    students = sum(ev.rule("tekun_no_work_ability").values["students"] != "0" for ev in evs)
    own_tekun = sum(
        ev.rule("tekun_no_living_source").passed
        != (ev.rule("dibao_income").passed and ev.rule("tekun_assets").passed)
        for ev in evs
    )
    assets = [ev.rule(c).passed for ev in evs for c in ("tekun_assets", "low_income_assets")]
    assert seasonal >= 10 and students >= 10 and own_tekun >= 5, (seasonal, students, own_tekun)
    assert 0 < sum(assets) < len(assets)
    reasons = {c for ev in evs for c in ev.rule("tekun_no_supporter").values["reasons"].split(",")}
    assert reasons >= {"tekun", "dibao_elderly", "elderly_low_income", "disabled_low_income"}
    assert {"incapacitated", "able"} <= reasons
    assert {lv for ev in evs for lv in ev.care_levels} == {"unassessed", "full", "partial", "none"}
    if params.payment_rounding != "fen":  # payments adjusted, and both paths agree on them
        assert sum(ev.dibao_amount != ev.dibao_computed for ev in evs) >= 25
    if params.tiers:  # and both ways of setting the 低保 amount
        dibao = [evaluate(f, params, on) for f in facts]
        tiered = sum(1 for ev in dibao if ev.dibao_eligible and ev.tier is not None)
        difference = sum(1 for ev in dibao if ev.dibao_eligible and ev.tier is None)
        assert tiered >= 25 and difference >= 25, (tiered, difference)


def test_unsorted_frames_give_the_same_rows():
    """The sorted fast path and the hashed path agree; output follows ``households``."""
    rng = random.Random(7)
    facts = [random_household(rng, ON) for _ in range(200)]
    households, members = frames_from_facts(facts)
    params = replace(PARAMS, employment_cost_deduction=D("200.00"))
    expected = evaluate_frame(households, members, params, ON)
    shuffled = evaluate_frame(
        households.reverse(), members.sample(fraction=1.0, shuffle=True, seed=1), params, ON
    )
    assert shuffled["household_id"].to_list() == list(range(199, -1, -1))
    assert shuffled.reverse().equals(expected)


def test_sums_stay_exact_when_the_running_totals_wrap_around():
    """Sorted members are summed as differences of running totals, which wrap around
    Int64 past 2⁶³; each household's sum must still equal the hashed path's."""
    rng = random.Random(11)
    facts = [random_household(rng, ON) for _ in range(200)]
    households, members = frames_from_facts(facts)
    # three households of 2–3 members living together: their own sums stay below 2⁶³
    # (each member 2⁶¹), the running total over them does not
    chosen = [
        i for i, f in enumerate(facts) if 2 <= sum(not m.living_apart for m in f.members) <= 3
    ][:3]
    assert len(chosen) == 3
    huge = pl.col("household_id").is_in(chosen) & ~pl.col("living_apart")
    # without period columns incomes are summed in plain fen (scale 1)
    members = members.drop([c for c in members.columns if c.startswith("period_")])
    members = members.with_columns(
        pl.when(huge).then(pl.lit(2**61)).otherwise(pl.col("income_wages")).alias("income_wages")
    )
    assert members.filter(huge).height >= 4  # the running total passes 2⁶³
    by_running_totals = evaluate_frame(households, members, PARAMS, ON)
    hashed = evaluate_frame(households, members.reverse(), PARAMS, ON)
    assert by_running_totals.equals(hashed)
    incomes = by_running_totals.filter(pl.col("household_id").is_in(chosen))
    assert incomes["counted_income_fen"].min() >= 2**61 - 10**9


def test_tier_amounts_by_themselves():
    """Stated outright: 220 × 2 for tier 1, 补差 700 × 2 − 300 without a known tier."""
    facts = [household(earner("300.00"), member(), hardship_tier=c) for c in ("1", "", "9")]
    result = evaluate_frame(*frames_from_facts(facts), st.TIERED, ON)
    assert result["dibao_amount_fen"].to_list() == [44_000, 110_000, 110_000]
    assert result["tier_amount_fen"].to_list() == [22_000, None, None]
    untiered = evaluate_frame(*frames_from_facts(facts), PARAMS, ON)
    assert untiered["dibao_amount_fen"].to_list() == [110_000] * 3


def test_student_and_tier_columns_are_optional():
    """Frames without ``student`` / ``hardship_tier`` (older callers) read as none."""
    facts = [household(member(st.AGE_19, student=True, tekun_as_minor=True), hardship_tier="1")]
    households, members = frames_from_facts(facts)
    row = evaluate_frame(
        households.drop("hardship_tier"), members.drop("student", "tekun_as_minor"), st.TIERED, ON
    ).row(0, named=True)
    assert (row["proposed_type"], row["proposed_amount_fen"], row["tier_amount_fen"]) == (
        "dibao",
        70_000,
        None,
    )


@pytest.mark.parametrize(
    "dtype",
    [pl.Enum(["", "1", "2", "3", "9"]), pl.Enum(["", "1", "9"]), pl.Categorical],
    ids=["enum-knows-every-tier", "enum-lacks-tiers", "categorical"],
)
def test_tier_column_may_be_coded(dtype):
    """An Enum that lacks some of the tier codes must not fail the comparison."""
    facts = [household(earner("300.00"), member(), hardship_tier=c) for c in ("1", "", "9")]
    households, members = frames_from_facts(facts)
    plain = evaluate_frame(households, members, st.TIERED, ON)
    coded = households.with_columns(pl.col("hardship_tier").cast(dtype))
    assert evaluate_frame(coded, members, st.TIERED, ON).equals(plain)
    assert plain["tier_amount_fen"].to_list() == [22_000, None, None]


def test_unsorted_supporters_give_the_same_rows():
    """Supporters sorted by household take the running totals, others ``group_by``."""
    rng = random.Random(5)
    facts = [random_household(rng, ON) for _ in range(300)]
    params = replace(PARAMS, disposable_income_last_year=D("36000.00"))
    supporters = supporters_from_facts(facts)
    assert supporters.height >= 100
    households, members = frames_from_facts(facts)
    expected = evaluate_frame(households, members, params, ON, supporters)
    shuffled = supporters.sample(fraction=1.0, shuffle=True, seed=2)
    assert not shuffled["household_id"].is_sorted()
    assert evaluate_frame(households, members, params, ON, shuffled).equals(expected)

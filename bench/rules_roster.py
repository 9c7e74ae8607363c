"""Issue 4 benchmark, first part: the rules over a roster already in memory.

Builds N synthetic households (default 1,000,000; 1–6 members, about 3.5 per household)
directly as the two frames of ``rules.vectorised`` from a seeded NumPy generator, then
times (a) ``evaluate_frame`` — every rule, 低保 / 特困 / 低收入 and the proposal — and
(b) a plain NumPy computation of the 低保 formula over the same member rows (counted
income with exemptions and the employment-cost deduction, members counted, standard ×
members − income, the income and asset tests) as the reference. Prints one line: the
best of ``--repeat`` runs of each, their ratio (target ≤ 3×) and the peak RSS.

    .venv/bin/python bench/rules_roster.py [--households N] [--repeat R] [--seed S]

Issue 21's facts are generated too: 特困 minors at school, seasonal income over the
look-back (so incomes are summed × 12, exactly), further disability certificates
(多重残疾), self-care assessments, the caseworker's finding or, for most households,
legal supporters in a third frame whose Art.8 test decides. The references compute the
same formulas in NumPy. The end-to-end part (database → list of changes) is
``bench/roster_recalc.py``."""

from __future__ import annotations

import argparse
import os

# jemalloc (Polars' allocator) keeps freed pages instead of handing them back after 10 s:
# a batch that runs the rules again reuses them rather than faulting in fresh zeroed
# memory (at 2 M households the second run's system time fell from 0.37 s to 0.10 s).
# Must be set before Polars is loaded; an operator sets it the same way for batch jobs.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:-1,muzzy_decay_ms:-1")
import resource
import tempfile
import time
from dataclasses import replace
from datetime import date
from decimal import Decimal

import django
import numpy as np
import polars as pl

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yimen.settings.test")
os.environ.setdefault("YIMEN_DATA_DIR", os.path.join(tempfile.gettempdir(), "yimen-bench-var"))
django.setup()  # engine.py imports gettext_lazy

from yimen.assistance.rules.engine import TEKUN_DISABILITY_MAX_GRADE, money  # noqa: E402
from yimen.assistance.rules.fen import from_fen, to_fen  # noqa: E402
from yimen.assistance.rules.params import Params, Tier  # noqa: E402
from yimen.assistance.rules.vectorised import evaluate_frame  # noqa: E402

ON = date(2026, 11, 29)
PARAMS = Params(
    division_code="220100000000",
    valid_from=date(2020, 11, 1),
    valid_to=None,
    source="bench",
    placeholder=True,
    dibao_standard_urban=Decimal("700.00"),
    dibao_standard_rural=Decimal("500.00"),
    deposit_months=24,
    max_homes=1,
    allow_market_entity=False,
    tekun_care_full=Decimal("100.00"),
    tekun_care_partial=Decimal("300.00"),
    tekun_care_none=Decimal("600.00"),
    employment_cost_deduction=Decimal("200.00"),
    disposable_income_last_year=Decimal("36000.00"),
)
LOOKBACK = PARAMS.income_lookback_months
#: 分档 [A2021 Art.23], used with --tiers (the example amounts of policy.md §1.5)
TIERS = (
    Tier("1", "一类", Decimal("220.00")),
    Tier("2", "二类", Decimal("190.00")),
    Tier("3", "三类", Decimal("160.00")),
)
TIER_CODES = ["", "1", "2", "3"]
KINDS = ["", "visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"]
ABILITIES = ["full", "partial", "none"]
COUNTED = ["wages", "business", "transfer"]  # counted income columns generated
EXEMPT = ["x_assistance", "x_basic_pension"]  # exempt income columns generated


def years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return date(on.year - years, 2, 28)


def enum(codes: np.ndarray, categories: list[str]) -> pl.Series:
    """A Polars Enum column from integer codes (no Python strings per row)."""
    mapping = dict(enumerate(categories))
    return pl.Series(codes.astype(np.int64)).replace_strict(
        mapping, return_dtype=pl.Enum(categories)
    )


def generate(n: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(households, members) with the columns vectorised.py documents."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 7, n)  # 1–6, mean 3.5
    people = int(sizes.sum())
    hid = np.repeat(np.arange(n, dtype=np.int64), sizes)

    # ages 0–95, with 1 % born exactly 60 years before ON (the birthday is today)
    epoch = np.datetime64("1970-01-01")
    on_day = (np.datetime64(ON) - epoch).astype(np.int64)
    birth = on_day - rng.integers(0, 95 * 366, people)
    sixty = (np.datetime64(ON.replace(year=ON.year - 60)) - epoch).astype(np.int64)
    birth[rng.random(people) < 0.01] = sixty

    disabled = rng.random(people) < 0.06
    kind_code = np.where(disabled, rng.integers(1, len(KINDS), people), 0)
    grade = np.where(disabled, rng.integers(1, 5, people), 0)

    def money(p: float, high: int) -> np.ndarray:  # fen, zero for 1 − p of the people
        return np.where(rng.random(people) < p, rng.integers(0, high, people), 0)

    members = pl.DataFrame(
        {
            "household_id": hid,
            "birth_date": pl.Series(birth.astype(np.int32)).cast(pl.Date),
            "disability_kind": enum(kind_code, KINDS),
            "disability_grade": pl.Series(grade).replace(0, None),
            "work_ability": enum(rng.choice(3, people, p=[0.8, 0.12, 0.08]), ABILITIES),
            "living_apart": rng.random(people) < 0.05,
            # in compulsory education, 普通高中 or 中职: without work ability for 特困
            "student": rng.random(people) < 0.04,
            "income_wages": money(0.45, 300_000),
            "income_business": money(0.05, 200_000),
            "income_transfer": money(0.15, 80_000),
            "income_x_assistance": money(0.10, 50_000),
            "income_x_basic_pension": money(0.20, 30_000),
            # issue 21: 特困 minors still at school, seasonal income over 12 months,
            # a further certificate, the self-care assessment
            "tekun_as_minor": rng.random(people) < 0.3,
            "period_business": money(0.03, 2_400_000),
            "cert_hearing": pl.Series(
                np.where(rng.random(people) < 0.02, rng.integers(1, 5, people), 0)
            ).replace(0, None),
            "self_care_failed": pl.Series(
                np.where(rng.random(people) < 0.3, rng.integers(0, 7, people), -1)
            ).replace(-1, None),
        }
    )
    households = pl.DataFrame(
        {
            "household_id": np.arange(n, dtype=np.int64),
            "hukou_type": enum(rng.integers(0, 2, n), ["urban", "rural"]),
            "deposits_fen": np.where(rng.random(n) < 0.6, rng.integers(0, 10_000_000, n), 0),
            "homes": rng.choice(3, n, p=[0.25, 0.65, 0.10]),
            "market_entities": (rng.random(n) < 0.03).astype(np.int64),
            # the caseworker's finding for 15 %, else computed from the supporters
            "has_able_supporter": pl.Series(rng.choice(3, n, p=[0.85, 0.1, 0.05])).replace_strict(
                {0: None, 1: True, 2: False}, return_dtype=pl.Boolean
            ),
            "hardship_tier": enum(rng.choice(4, n, p=[0.5, 0.2, 0.2, 0.1]), TIER_CODES),
            "vehicle_car": (rng.random(n) < 0.06).astype(np.int64),
            "vehicle_ebike": (rng.random(n) < 0.3).astype(np.int64),
        }
    )
    return households, members, supporters_frame(n, rng)


def supporters_frame(n: int, rng: np.random.Generator) -> pl.DataFrame:
    """About 0.6 legal supporters per household, sorted by household, near each edge
    of TK2021 Art.8."""
    count = int(n * 0.6)
    hid = np.sort(rng.integers(0, n, count))
    epoch = np.datetime64("1970-01-01")
    on_day = (np.datetime64(ON) - epoch).astype(np.int64)
    birth = on_day - rng.integers(30 * 365, 90 * 366, count)
    return pl.DataFrame(
        {
            "household_id": hid.astype(np.int64),
            "birth_date": pl.Series(birth.astype(np.int32)).cast(pl.Date),
            "is_tekun": rng.random(count) < 0.05,
            "dibao_recipient": rng.random(count) < 0.15,
            "annual_income_fen": rng.integers(0, 8_000_000, count),
            "deposits_fen": np.where(rng.random(count) < 0.5, rng.integers(0, 4_000_000, count), 0),
            "homes": rng.choice(3, count, p=[0.3, 0.6, 0.1]),
            "market_entities": (rng.random(count) < 0.05).astype(np.int64),
            "vehicle_car": (rng.random(count) < 0.2).astype(np.int64),
            "disability_kind": enum(
                np.where(rng.random(count) < 0.1, rng.integers(1, len(KINDS), count), 0), KINDS
            ),
            "disability_grade": pl.Series(rng.integers(1, 5, count)),
            "incapacitated": rng.random(count) < 0.03,
            "missing": rng.random(count) < 0.01,
            "imprisoned": rng.random(count) < 0.01,
        }
    )


def scaled_income(m: dict[str, np.ndarray], exempt: frozenset[str]) -> np.ndarray:
    """engine.member_income_exact × 12 in fen: monthly × 12 + the seasonal total, the
    deduction (× 12) off the wages only."""
    deduction = to_fen(PARAMS.employment_cost_deduction) * LOOKBACK
    other = sum(m[f"income_{c}"] for c in (*COUNTED, *EXEMPT) if c != "wages" and c not in exempt)
    other = other * LOOKBACK + m["period_business"]
    wages = m["income_wages"] * LOOKBACK
    return other + np.where(wages > 0, np.maximum(wages - deduction, 0), wages)


def numpy_dibao(h: dict[str, np.ndarray], m: dict[str, np.ndarray]) -> np.ndarray:
    """The 低保 amount in fen (0 when not eligible) in plain NumPy: the reference.
    Member rows are sorted by household and every household has at least one row."""
    income = scaled_income(m, PARAMS.exempt_income)
    counted = ~m["living_apart"]
    starts = m["starts"]
    n = np.add.reduceat(counted.astype(np.int64), starts)
    household_income = np.add.reduceat(income * counted, starts)
    standard = np.where(h["rural"], to_fen(PARAMS.dibao_standard_rural), 0) + np.where(
        h["rural"], 0, to_fen(PARAMS.dibao_standard_urban)
    )
    total = standard * n
    eligible = (
        (n > 0)
        & (household_income < total * LOOKBACK)
        & (h["deposits_fen"] <= PARAMS.deposit_months * total)
        & (h["vehicle_car"] == 0)
        & (h["homes"] <= PARAMS.max_homes)
        & (h["market_entities"] == 0)
    )
    tier = h["tier_fen"]
    difference = (2 * (total * LOOKBACK - household_income) + LOOKBACK) // (2 * LOOKBACK)
    return np.where(eligible, np.where(tier >= 0, tier * n, difference), 0)


def numpy_all(h: dict[str, np.ndarray], m: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The same formulas as ``evaluate_frame`` in plain NumPy: 低保, 特困 (work ability by
    age, disability grade and ability; care by ability; no living source; no supporter),
    低收入, and the proposal (特困 before 低保 before 低收入). The fair reference for the
    ratio: it computes what the Polars pass computes, not only the 低保 amount."""
    rural = h["rural"]
    std = np.where(rural, to_fen(PARAMS.dibao_standard_rural), to_fen(PARAMS.dibao_standard_urban))
    basic = np.where(rural, m["basic_rural"], m["basic_urban"])
    income = scaled_income(m, PARAMS.exempt_income)
    tekun_income = scaled_income(m, PARAMS.tekun_exempt_income)
    counted = ~m["living_apart"]
    birth = m["birth_days"]
    kind, grade, ability = m["kind"], m["grade"], m["ability"]
    disabled = np.zeros(len(birth), dtype=bool)
    for code, max_grade in m["disability_max"]:
        disabled |= (kind == code) & (grade >= 1) & (grade <= max_grade)
    # 多重残疾: a hearing certificate besides a certificate of another kind
    hearing = m["cert_hearing"]
    primary = (kind != 0) & (grade >= 1)
    two_kinds = primary & (kind != m["hearing_code"]) & (hearing >= 1)
    most_severe = np.minimum(np.where(primary, grade, 9), np.where(hearing >= 1, hearing, 9))
    disabled |= two_kinds & (most_severe <= TEKUN_DISABILITY_MAX_GRADE["multiple"])
    unable = (
        (birth <= m["elderly_before"])
        | (birth > m["minor_after"])
        | (m["student"] & m["tekun_as_minor"])
        | disabled
        | (ability == 2)
    )
    failed = m["self_care_failed"]
    care = np.where(
        failed >= 4, m["care_none"], np.where(failed >= 1, m["care_partial"], m["care_full"])
    )
    starts = m["starts"]
    n = np.add.reduceat(counted.astype(np.int64), starts)
    inc = np.add.reduceat(income * counted, starts)
    tekun_inc = np.add.reduceat(tekun_income * counted, starts)
    unable_n = np.add.reduceat((counted & unable).astype(np.int64), starts)
    care_sum = np.add.reduceat(care * counted, starts)
    total = std * n
    has = n > 0
    assets_ok = (
        (h["deposits_fen"] <= PARAMS.deposit_months * total)
        & (h["vehicle_car"] == 0)
        & (h["homes"] <= PARAMS.max_homes)
        & (h["market_entities"] == 0)
    )
    dibao = has & (inc < total * LOOKBACK) & assets_ok
    # 特困's own income (the bench's 特困 asset limits are the 低保 ones)
    no_living = has & (tekun_inc < total * LOOKBACK) & assets_ok
    finding = h["finding"]  # -1 none, 0 no able supporter, 1 able
    able = np.where(finding >= 0, finding == 1, h["supporter_able"])
    tekun = has & (unable_n == n) & no_living & ~able
    # 1.5 × standard exactly: inc < ⌈12 × n × 3 × std / 2⌉
    low = has & ~dibao & (inc < (LOOKBACK * n * 3 * std + 1) // 2) & assets_ok
    difference = (2 * (total * LOOKBACK - inc) + LOOKBACK) // (2 * LOOKBACK)
    dibao_amount = np.where(dibao, np.where(h["tier_fen"] >= 0, h["tier_fen"] * n, difference), 0)
    tekun_amount = np.where(tekun, basic * n + care_sum, 0)
    proposed = np.where(tekun, 1, np.where(dibao, 2, np.where(low, 3, 0)))
    return {
        "dibao_amount_fen": dibao_amount,
        "tekun_amount_fen": tekun_amount,
        "low_income_eligible": low,
        "proposed": proposed,
        "proposed_amount_fen": np.where(tekun, tekun_amount, dibao_amount),
    }


def numpy_supporters_able(supporters: pl.DataFrame, rural: np.ndarray) -> np.ndarray:
    """Whether any supporter of each household can support (persons.supporter_reason),
    in NumPy; extracted outside the timing like the other arrays (not timed)."""
    epoch = date(1970, 1, 1)
    birth = supporters["birth_date"].cast(pl.Int32).to_numpy()
    sixty = (years_before(ON, 60) - epoch).days
    seventy = (years_before(ON, 70) - epoch).days
    hid = supporters["household_id"].to_numpy()
    # the household's standard (the supporter test reads the local one)
    n = len(rural)
    std = np.where(
        rural[hid], to_fen(PARAMS.dibao_standard_rural), to_fen(PARAMS.dibao_standard_urban)
    )
    kind = supporters["disability_kind"].to_physical().to_numpy()
    grade = supporters["disability_grade"].to_numpy()
    severe = (kind != 0) & (
        (grade <= 2)
        | ((grade == 3) & np.isin(kind, [KINDS.index("intellectual"), KINDS.index("mental")]))
    )
    assets_low = (
        (supporters["deposits_fen"].to_numpy() <= PARAMS.low_income_deposit_months * std)
        & (supporters["vehicle_car"].to_numpy() == 0)
        & (supporters["homes"].to_numpy() <= PARAMS.low_income_max_homes)
        & (supporters["market_entities"].to_numpy() == 0)
    )
    income_low = supporters["annual_income_fen"].to_numpy() < to_fen(
        PARAMS.disposable_income_last_year
    )
    unable = (
        supporters["is_tekun"].to_numpy()
        | (supporters["dibao_recipient"].to_numpy() & (birth <= sixty))
        | ((birth <= seventy) & income_low & assets_low)
        | (severe & income_low & assets_low)
        | (
            (
                supporters["incapacitated"].to_numpy()
                | supporters["missing"].to_numpy()
                | supporters["imprisoned"].to_numpy()
            )
            & assets_low
        )
    )
    able = np.zeros(n, dtype=bool)
    np.logical_or.at(able, hid, ~unable)
    return able


#: CPU seconds (user + sys, every thread of the process) of the best run of each timed
#: part, by name: load-independent, unlike the wall clock on a shared machine
CPU: dict[str, float] = {}
USER: dict[str, float] = {}  # of which user
SYSTEM: dict[str, float] = {}  # and system (page faults of fresh memory, mostly)


def best_of(repeat: int, fn, name: str = ""):  # type: ignore[no-untyped-def]
    """The best wall time of ``repeat`` runs and the result; the least CPU time of the
    runs goes to ``CPU[name]``."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
        result = fn()
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_SELF)
        user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
        cpu.append((user + system, user, system))
    CPU[name], USER[name], SYSTEM[name] = min(cpu)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument(
        "--tiers",
        action="store_true",
        help="parameters with 分档 tiers (half the households have one)",
    )
    args = parser.parse_args()
    params = replace(PARAMS, tiers=TIERS) if args.tiers else PARAMS

    start_cpu = time.process_time()
    households, members, supporters = generate(args.households, args.seed)
    generate_cpu = time.process_time() - start_cpu
    # the reference reads plain arrays, extracted outside its timing
    h = {c: households[c].to_numpy() for c in households.columns if c != "hukou_type"}
    h["rural"] = (households["hukou_type"] == "rural").to_numpy()
    m = {c: members[c].to_numpy() for c in members.columns if c.startswith("income_")}
    m["living_apart"] = members["living_apart"].to_numpy()
    m["student"] = members["student"].to_numpy()
    m["tekun_as_minor"] = members["tekun_as_minor"].to_numpy()
    m["period_business"] = members["period_business"].to_numpy()
    m["cert_hearing"] = members["cert_hearing"].fill_null(0).to_numpy()
    m["hearing_code"] = KINDS.index("hearing")
    m["self_care_failed"] = members["self_care_failed"].fill_null(0).to_numpy()
    sizes = np.bincount(members["household_id"].to_numpy(), minlength=households.height)
    m["starts"] = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    epoch = date(1970, 1, 1)
    m["birth_days"] = members["birth_date"].cast(pl.Int32).to_numpy()
    m["elderly_before"] = (years_before(ON, PARAMS.elderly_age) - epoch).days
    m["minor_after"] = (years_before(ON, PARAMS.minor_age) - epoch).days
    m["kind"] = members["disability_kind"].to_physical().to_numpy()
    m["grade"] = members["disability_grade"].fill_null(0).to_numpy()
    m["ability"] = members["work_ability"].to_physical().to_numpy()
    m["disability_max"] = [(KINDS.index(k), g) for k, g in TEKUN_DISABILITY_MAX_GRADE.items()]
    m["care_full"], m["care_partial"], m["care_none"] = (
        to_fen(PARAMS.tekun_care_full),
        to_fen(PARAMS.tekun_care_partial),
        to_fen(PARAMS.tekun_care_none),
    )
    for hukou in ("urban", "rural"):
        standard = from_fen(to_fen(PARAMS.standard(hukou)))
        m[f"basic_{hukou}"] = to_fen(money(PARAMS.tekun_factor * standard))
        m[f"threshold_{hukou}"] = to_fen(money(PARAMS.low_income_factor * standard))
    h["finding"] = households["has_able_supporter"].cast(pl.Int64).fill_null(-1).to_numpy()
    h["supporter_able"] = numpy_supporters_able(supporters, h["rural"])
    tier_fen = {t.code: to_fen(t.amount_per_person) for t in params.tiers}
    by_code = np.array([tier_fen.get(code, -1) for code in TIER_CODES], dtype=np.int64)
    h["tier_fen"] = by_code[households["hardship_tier"].to_physical().to_numpy()]

    frame_s, result = best_of(
        args.repeat, lambda: evaluate_frame(households, members, params, ON, supporters), "frame"
    )
    numpy_s, reference = best_of(args.repeat, lambda: numpy_dibao(h, m), "numpy")
    if not np.array_equal(result["dibao_amount_fen"].to_numpy(), reference):
        raise SystemExit("evaluate_frame and the NumPy reference disagree on the 低保 amount")
    all_s, everything = best_of(args.repeat, lambda: numpy_all(h, m), "numpy_all")
    codes = {"tekun": 1, "dibao": 2, "low_income": 3}
    proposed = result["proposed_type"].replace_strict(codes, default=0).to_numpy()
    for name, ours in (
        ("tekun_amount_fen", result["tekun_amount_fen"].to_numpy()),
        ("low_income_eligible", result["low_income_eligible"].to_numpy()),
        ("proposed_amount_fen", result["proposed_amount_fen"].to_numpy()),
        ("proposed", proposed),
    ):
        if not np.array_equal(ours, everything[name]):
            raise SystemExit(f"evaluate_frame and the NumPy reference disagree on {name}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = dict(result["proposed_type"].value_counts().iter_rows())
    print(
        f"households={households.height} people={members.height} tiers={len(params.tiers)} "
        f"evaluate_frame={frame_s:.3f}s numpy_dibao={numpy_s:.3f}s "
        f"ratio={frame_s / numpy_s:.1f}x numpy_same_formulas={all_s:.3f}s "
        f"ratio_same_formulas={frame_s / all_s:.1f}x "
        f"cpu: evaluate_frame={CPU['frame']:.3f}s (user {USER['frame']:.3f} "
        f"sys {SYSTEM['frame']:.3f}) numpy_dibao={CPU['numpy']:.3f}s "
        f"(user {USER['numpy']:.3f} sys {SYSTEM['numpy']:.3f}) "
        f"ratio={CPU['frame'] / CPU['numpy']:.1f}x numpy_same_formulas={CPU['numpy_all']:.3f}s "
        f"generate={generate_cpu:.1f}s load={os.getloadavg()[0]:.1f} peak_rss={peak_mib:.0f}MiB "
        f"threads={pl.thread_pool_size()} polars={pl.__version__} numpy={np.__version__} "
        f"proposed(dibao/tekun/low_income/none)={counts.get('dibao', 0)}/"
        f"{counts.get('tekun', 0)}/{counts.get('low_income', 0)}/{counts.get(None, 0)}"
    )


if __name__ == "__main__":
    main()

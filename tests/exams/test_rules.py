"""The pure rules: eligibility edges, clocks, papers, scoring, examiners, retakes,
validity, the review window and refusals, certificate numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from yimen.exams import rules

SPECIAL = SimpleNamespace(
    min_age=18,
    max_age=60,
    min_education="junior",
    health_check=True,
    health_check_months=12,
    training_hours=0,
)
HAZCHEM = SimpleNamespace(**{**vars(SPECIAL), "min_education": "senior"})


def check(
    category=SPECIAL,
    *,
    birth=date(2008, 12, 7),
    education="junior",
    health=date(2026, 10, 1),
    hours=0,
    on=date(2026, 12, 7),
):
    return rules.eligibility(
        birth_date=birth,
        education=education,
        health_checked_on=health,
        training_hours=hours,
        on=on,
        category=category,
    )


def test_eighteen_on_the_birthday_is_eligible_seventeen_the_day_before():
    assert check(on=date(2026, 12, 7)).ok
    verdict = check(on=date(2026, 12, 6))
    assert [r.code for r in verdict.reasons] == ["too_young"]
    assert "17" in verdict.reasons[0].message


def test_retirement_age_ends_eligibility():
    assert [r.code for r in check(birth=date(1966, 12, 7)).reasons] == ["retired"]
    assert check(birth=date(1966, 12, 8)).ok


def test_junior_school_is_enough_except_for_hazardous_chemicals():
    assert check(SPECIAL, education="junior").ok
    assert [r.code for r in check(HAZCHEM, education="junior").reasons] == ["education"]
    assert check(HAZCHEM, education="senior").ok
    assert [r.code for r in check(SPECIAL, education="primary").reasons] == ["education"]


def test_health_certificate_missing_or_old_and_training_short_all_listed():
    verdict = check(health=None, birth=date(2010, 1, 1))
    assert [r.code for r in verdict.reasons] == ["too_young", "no_health_check"]
    assert [r.code for r in check(health=date(2025, 12, 6)).reasons] == ["old_health_check"]
    assert check(health=date(2025, 12, 7)).ok
    manager = SimpleNamespace(**{**vars(SPECIAL), "training_hours": 48})
    assert [r.code for r in check(manager, hours=47).reasons] == ["training"]


def test_exam_due_sixty_calendar_days_after_application():
    assert rules.exam_due(date(2026, 12, 7)) == date(2027, 2, 5)


def test_results_due_ten_working_days_skipping_the_national_day_holiday():
    # exam on Monday 2026-09-28: 1–7 October are holidays, so ten working days end on
    # 2026-10-19 (chinese-calendar counts make-up working days too)
    from yimen.workflow.calendar import add_working_days

    assert rules.results_due(date(2026, 9, 28)) == add_working_days(date(2026, 9, 28), 10)
    assert rules.results_due(date(2026, 9, 28)) > date(2026, 10, 12)


BANK = (
    [(n, "tf", 2) for n in range(1, 61)]
    + [(n, "single", 4) for n in range(61, 141)]
    + [(n, "multiple", 4) for n in range(141, 161)]
)
BLUEPRINT = {"tf": 40, "single": 50, "multiple": 10}


def test_the_paper_follows_the_blueprint_counts():
    items = rules.draw_paper("seed", BANK, BLUEPRINT)
    kinds = {q: k for q, k, _n in BANK}
    counts = {k: sum(1 for i in items if kinds[i["q"]] == k) for k in BLUEPRINT}
    assert counts == BLUEPRINT
    assert len({i["q"] for i in items}) == 100  # no question twice


TIERED = [(q, k, n, "provincial" if q % 4 == 0 else "national", q % 3 + 1) for q, k, n in BANK]
CELLS = {
    **BLUEPRINT,
    "cells": [
        {"kind": "tf", "tier": "provincial", "count": 15},
        {"kind": "single", "tier": "provincial", "count": 10},
        {"kind": "single", "difficulty": 3, "count": 25},
        {"kind": "multiple", "tier": "provincial", "count": 5},
    ],
}  # every provincial true/false and multiple question, nearly every hard single one:
# a draw that ignored the cells would almost never meet them


def test_the_blueprint_cells_fix_counts_by_tier_and_difficulty():
    rows = {r[0]: r for r in TIERED}
    for seed in ("a", "b", "c"):
        items = rules.draw_paper(seed, TIERED, CELLS)
        drawn = [rows[i["q"]] for i in items]
        by_kind = {k: [r for r in drawn if r[1] == k] for k in ("tf", "single", "multiple")}
        assert {k: len(v) for k, v in by_kind.items()} == BLUEPRINT
        assert sum(r[3] == "provincial" for r in by_kind["tf"]) == 15
        assert sum(r[3] == "provincial" for r in by_kind["multiple"]) == 5
        assert sum(r[3] == "provincial" for r in by_kind["single"]) >= 10
        assert sum(r[4] == 3 for r in by_kind["single"]) >= 25
        assert len({r[0] for r in drawn}) == 100
    assert rules.draw_paper("a", list(reversed(TIERED)), CELLS) == rules.draw_paper(
        "a", TIERED, CELLS
    )
    # a cell the bank cannot fill is refused, naming the type
    import pytest

    hard = {**BLUEPRINT, "cells": [{"kind": "multiple", "difficulty": 3, "count": 9}]}
    with pytest.raises(ValueError, match="multiple"):
        rules.draw_paper("a", TIERED, hard)
    assert rules.blueprint_problems(CELLS) == []
    assert rules.blueprint_problems({**BLUEPRINT, "cells": [{"kind": "tf", "count": 41}]}) == ["tf"]


def test_the_same_seed_draws_the_same_paper_another_seed_another():
    first = rules.draw_paper("abc", BANK, BLUEPRINT)
    assert rules.draw_paper("abc", list(reversed(BANK)), BLUEPRINT) == first
    assert rules.draw_paper("abd", BANK, BLUEPRINT) != first
    # options are shuffled: some single-choice item is not in A-B-C-D order
    assert any(i["order"] != sorted(i["order"]) for i in first)


def test_too_small_a_bank_is_refused():
    import pytest

    with pytest.raises(ValueError):
        rules.draw_paper("x", BANK[:30], BLUEPRINT)


def test_scoring_maps_shown_options_back_and_multiple_choice_is_all_or_nothing():
    items = [{"q": 1, "order": [2, 0, 1, 3]}, {"q": 2, "order": [1, 0, 3, 2]}]
    keys = {1: [0], 2: [0, 2]}
    assert rules.score_answers(items, keys, {0: [1], 1: [1, 3]}) == Decimal("100.0")
    assert rules.score_answers(items, keys, {0: [1], 1: [1]}) == Decimal("50.0")
    assert rules.score_answers(items, keys, {}) == Decimal("0.0")


def test_pass_mark_is_eighty():
    assert rules.passed(Decimal("80")) and not rules.passed(Decimal("79.9"))


def test_two_examiners_within_the_margin_average_else_a_third_decides():
    assert rules.practical_score([Decimal(80)], 10) is None
    assert rules.practical_score([Decimal(80), Decimal(90)], 10) == 85
    assert rules.needs_third_examiner([Decimal(70), Decimal(90)], 10)
    assert rules.practical_score([Decimal(70), Decimal(90)], 10) is None
    assert rules.practical_score([Decimal(70), Decimal(90), Decimal(86)], 10) == 88


def test_one_retake_only():
    assert rules.may_retake(0) and rules.may_retake(1) and not rules.may_retake(2)


def test_a_passed_theory_part_is_valid_twelve_months():
    assert rules.theory_still_valid(date(2025, 12, 7), date(2026, 12, 7))
    assert not rules.theory_still_valid(date(2025, 12, 6), date(2026, 12, 7))
    assert not rules.theory_still_valid(None, date(2026, 12, 7))


def test_review_window_opens_sixty_days_before_the_due_date():
    due = date(2027, 3, 1)
    assert rules.review_window_opens(due) == date(2026, 12, 31)
    assert not rules.in_review_window(due, date(2026, 12, 30))
    assert rules.in_review_window(due, date(2026, 12, 31))
    assert rules.in_review_window(due, due)
    assert not rules.in_review_window(due, date(2027, 3, 2))


def test_review_refusals_each_listed():
    ok = dict(
        health_ok=True,
        violations=0,
        serious_violation=False,
        penalised=False,
        obstructed=False,
        training_hours=8,
        exam_score=Decimal(85),
    )
    assert rules.review_refusals(**ok) == []
    assert [r.code for r in rules.review_refusals(**{**ok, "violations": 2})] == ["violations"]
    assert rules.review_refusals(**{**ok, "violations": 1}) == []
    assert [r.code for r in rules.review_refusals(**{**ok, "training_hours": 7})] == ["training"]
    codes = [
        r.code
        for r in rules.review_refusals(
            **{**ok, "health_ok": False, "penalised": True, "obstructed": True, "exam_score": None}
        )
    ]
    assert codes == ["health", "penalised", "obstructed", "exam"]


def test_certificate_number_is_t_and_the_id_number_for_special_operators():
    assert rules.certificate_number("special_operator", "22010219850312001X", 7) == (
        "T22010219850312001X"
    )
    assert rules.certificate_number("principal", "22010219850312001X", 7) == "A0000000007"


def test_verification_states():
    on = date(2026, 12, 7)
    assert rules.verification_state("valid", date(2030, 1, 1), date(2027, 6, 1), on) == "valid"
    assert rules.verification_state("valid", date(2030, 1, 1), date(2027, 1, 10), on) == (
        "due_review"
    )
    assert rules.verification_state("valid", date(2030, 1, 1), date(2026, 12, 1), on) == "expired"
    assert rules.verification_state("revoked", date(2030, 1, 1), None, on) == "revoked"


def test_batch_scoring_agrees_with_paper_by_paper_scoring():
    import random

    rng = random.Random(3)
    keys = {
        q: [rng.randrange(n)] if k != "multiple" else sorted(rng.sample(range(n), 2))
        for q, k, n in BANK
    }
    papers = [rules.draw_paper(f"s{n}", BANK, BLUEPRINT) for n in range(20)]
    answers = []
    for items in papers:
        chosen = {}
        for pos, item in enumerate(items):
            if rng.random() < 0.9:
                shown = sorted(item["order"].index(k) for k in keys[item["q"]])
                chosen[pos] = shown if rng.random() < 0.7 else [0]
        answers.append(chosen)
    qids = [[i["q"] for i in items] for items in papers]
    orders = [[rules.pack_order(i["order"]) for i in items] for items in papers]
    masks = [
        [sum(1 << c for c in ch.get(pos, [])) for pos in range(len(items))]
        for items, ch in zip(papers, answers, strict=True)
    ]
    batch = rules.score_batch(qids, orders, masks, rules.key_masks(keys))
    single = [
        float(rules.score_answers(items, keys, ch))
        for items, ch in zip(papers, answers, strict=True)
    ]
    assert list(batch) == single

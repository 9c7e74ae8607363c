"""Continuity rules (医保办发〔2021〕43号): gap ≤ 3 months → back-payment, longer → waiting."""

from __future__ import annotations

from datetime import date

import pytest

from yimen.medins.rules import OutgoingFacts, continuity, transfer_out_refusals


def months(first: tuple[int, int], last: tuple[int, int]) -> list[date]:
    out, (y, m) = [], first
    while (y, m) <= last:
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def rule(paid, start, before="employee", after="employee", wait=6):
    return continuity(
        transferred=paid, start=start, type_before=before, type_after=after,
        waiting_period_months=wait,
    )  # fmt: skip


def test_no_gap_is_continuous():
    out = rule(months((2025, 1), (2026, 10)), date(2026, 11, 1))
    assert out["rule"] == "continuous" and out["gap_months"] == 0
    assert out["benefits_from"] == "2026-11-01"


@pytest.mark.parametrize("gap", [1, 2, 3])
def test_gap_up_to_three_months_allows_back_payment(gap):
    paid = months((2025, 1), (2026, 10 - gap))
    out = rule(paid, date(2026, 11, 15))
    assert out["rule"] == "back_payment" and out["gap_months"] == gap
    assert len(out["arrears_months"]) == gap
    assert out["arrears_months"][-1] == "2026-10-01"
    assert out["waiting_months"] == 0
    assert "补缴" in out["reasons"][0]["zh"] and "arrears" in out["reasons"][0]["en"]


def test_gap_of_four_months_means_a_waiting_period():
    out = rule(months((2025, 1), (2026, 6)), date(2026, 11, 1))
    assert out["rule"] == "waiting_period" and out["gap_months"] == 4
    assert out["waiting_months"] == 6 and out["benefits_from"] == "2027-05-01"
    assert out["arrears_months"] == []


def test_waiting_period_is_set_locally_but_never_above_six_months():
    paid = months((2024, 1), (2025, 1))
    assert rule(paid, date(2026, 1, 1), wait=3)["benefits_from"] == "2026-04-01"
    assert rule(paid, date(2026, 1, 1), wait=12)["waiting_months"] == 6


def test_switching_type_needs_two_years_of_cover_for_back_payment():
    two_years = months((2024, 8), (2026, 7))  # 24 months
    assert rule(two_years, date(2026, 11, 1), "employee", "resident")["rule"] == "back_payment"
    short = months((2025, 8), (2026, 7))
    out = rule(short, date(2026, 11, 1), "employee", "resident")
    assert out["rule"] == "waiting_period"
    assert out["reasons"][0]["code"] == "type_switch_short_cover"


def test_only_the_unbroken_run_counts_as_continuous_cover():
    paid = months((2020, 1), (2023, 12)) + months((2025, 1), (2026, 9))
    out = rule(paid, date(2026, 11, 1))
    assert out["continuous_months_before"] == 21


def test_no_prior_cover():
    assert rule([], date(2026, 11, 1))["rule"] == "new"


def test_outgoing_preconditions_list_every_reason():
    facts = OutgoingFacts(
        found=True, name_matches=False, status="retired", region_matches=False,
        other_transfer="hainan-1",
    )  # fmt: skip
    codes = [r["code"] for r in transfer_out_refusals(facts)]
    assert codes == ["identity_mismatch", "wrong_region", "retired", "already_transferred"]
    ok = OutgoingFacts(found=True, name_matches=True, status="stopped", region_matches=True)
    assert transfer_out_refusals(ok) == []

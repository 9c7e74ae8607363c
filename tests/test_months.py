"""The one calendar-month arithmetic every service uses (yimen.months)."""

from __future__ import annotations

from datetime import date

import pytest

from yimen.months import (
    add_months,
    month_of,
    months_between,
    next_month,
    parse_month,
    same_day_months_later,
)


def test_months_cross_the_year_both_ways():
    assert add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert next_month(date(2026, 12, 31)) == date(2027, 1, 1)
    assert month_of(date(2026, 2, 28)) == date(2026, 2, 1)


@pytest.mark.parametrize(
    ("earlier", "later", "months"),
    [
        (date(2026, 12, 31), date(2027, 1, 1), 1),
        (date(2026, 1, 1), date(2026, 1, 31), 0),
        (date(2025, 3, 15), date(2026, 7, 1), 16),
        (date(2026, 7, 1), date(2026, 3, 1), -4),
    ],
)
def test_months_between_counts_calendar_months(earlier, later, months):
    assert months_between(earlier, later) == months
    assert add_months(month_of(earlier), months) == month_of(later)


def test_same_day_months_later_keeps_the_day_or_the_month_end():
    assert same_day_months_later(date(2026, 3, 15), 6) == date(2026, 9, 15)
    assert same_day_months_later(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert same_day_months_later(date(2027, 8, 31), 6) == date(2028, 2, 29)


def test_parse_month_takes_yyyy_mm_only():
    assert parse_month(" 2026-11 ") == date(2026, 11, 1)
    assert [parse_month(t) for t in ("2026-13", "2026", "1999-12", "abc", "2026-11-01")] == [
        None
    ] * 5

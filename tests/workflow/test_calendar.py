"""Working-day arithmetic over the statutory calendar, pinned to two real holidays.

National Day 2020: 1–8 October off, make-up workdays Sunday 27 September and Saturday
10 October. Spring Festival 2021: 11–17 February off, make-up workdays Sunday 7 February
and Saturday 20 February. The expected dates are worked out by hand, not by the code.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from yimen.workflow import calendar
from yimen.workflow.calendar import (
    SHANGHAI,
    Duration,
    add_working_days,
    end_of_day,
    is_working_day,
    local_date,
    working_days_between,
)

D = date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2020, 9, 26), False),  # Saturday
        (D(2020, 9, 27), True),  # Sunday, make-up workday
        (D(2020, 9, 30), True),
        (D(2020, 10, 1), False),  # National Day
        (D(2020, 10, 5), False),  # a Monday inside the holiday
        (D(2020, 10, 8), False),  # last day of the holiday
        (D(2020, 10, 9), True),
        (D(2020, 10, 10), True),  # Saturday, make-up workday
        (D(2020, 10, 11), False),  # Sunday
        (D(2021, 2, 6), False),  # Saturday
        (D(2021, 2, 7), True),  # Sunday, make-up workday
        (D(2021, 2, 11), False),  # New Year's Eve
        (D(2021, 2, 15), False),  # a Monday inside the holiday
        (D(2021, 2, 17), False),  # last day of the holiday
        (D(2021, 2, 18), True),
        (D(2021, 2, 20), True),  # Saturday, make-up workday
        (D(2021, 2, 21), False),  # Sunday
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (D(2020, 9, 29), 0, D(2020, 9, 29)),  # zero days: the start itself
        (D(2020, 9, 25), 1, D(2020, 9, 27)),  # lands on the make-up Sunday
        (D(2020, 9, 25), 2, D(2020, 9, 28)),
        (D(2020, 9, 26), 1, D(2020, 9, 27)),  # from a Saturday off
        (D(2020, 9, 27), 1, D(2020, 9, 28)),  # from a make-up workday
        (D(2020, 9, 29), 1, D(2020, 9, 30)),
        (D(2020, 9, 29), 2, D(2020, 10, 9)),  # jumps the whole holiday
        (D(2020, 9, 30), 1, D(2020, 10, 9)),
        (D(2020, 9, 30), 2, D(2020, 10, 10)),  # lands on the make-up Saturday
        (D(2020, 9, 30), 3, D(2020, 10, 12)),
        (D(2020, 9, 30), 10, D(2020, 10, 21)),
        (D(2020, 9, 29), 20, D(2020, 11, 3)),
        (D(2020, 10, 1), 1, D(2020, 10, 9)),  # from inside the holiday
        (D(2020, 10, 8), 1, D(2020, 10, 9)),
        (D(2020, 10, 9), 1, D(2020, 10, 10)),
        (D(2020, 10, 10), 1, D(2020, 10, 12)),  # from the make-up Saturday
        (D(2021, 2, 5), 1, D(2021, 2, 7)),  # lands on the make-up Sunday
        (D(2021, 2, 7), 1, D(2021, 2, 8)),  # from it
        (D(2021, 2, 10), 1, D(2021, 2, 18)),  # jumps Spring Festival
        (D(2021, 2, 10), 2, D(2021, 2, 19)),
        (D(2021, 2, 10), 3, D(2021, 2, 20)),  # lands on the make-up Saturday
        (D(2021, 2, 10), 4, D(2021, 2, 22)),
        (D(2021, 2, 20), 1, D(2021, 2, 22)),  # from it
        (D(2021, 2, 4), 9, D(2021, 2, 22)),  # 5, 7, 8, 9, 10, 18, 19, 20, 22
        (D(2021, 2, 4), 10, D(2021, 2, 23)),
    ],
)
def test_add_working_days(start, count, expected):
    assert add_working_days(start, count) == expected


def test_add_working_days_refuses_a_negative_count():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2020, 9, 30), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2020, 9, 30), D(2020, 9, 30), 0),
        (D(2020, 9, 30), D(2020, 10, 8), 0),  # only holidays after the start
        (D(2020, 9, 30), D(2020, 10, 9), 1),
        (D(2020, 9, 30), D(2020, 10, 11), 2),  # 9 and the make-up 10th
        (D(2020, 9, 25), D(2020, 9, 27), 1),  # the make-up Sunday counts
        (D(2020, 9, 26), D(2020, 10, 12), 7),  # 27,28,29,30, 9,10,12
        (D(2020, 10, 9), D(2020, 9, 30), 0),  # end before start
        (D(2021, 2, 10), D(2021, 2, 17), 0),
        (D(2021, 2, 10), D(2021, 2, 20), 3),  # 18,19 and the make-up 20th
        (D(2021, 2, 6), D(2021, 2, 22), 8),  # 7,8,9,10, 18,19,20,22
        (D(2020, 9, 29), D(2020, 11, 3), 20),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


@given(
    start=st.dates(min_value=D(2020, 9, 1), max_value=D(2021, 3, 31)),
    count=st.integers(min_value=0, max_value=30),
)
def test_working_days_between_inverts_add_working_days(start, count):
    end = add_working_days(start, count)
    assert working_days_between(start, end) == count
    assert end == start or is_working_day(end)  # a limit always ends on a working day
    if count:
        # and it is the first day that reaches the count
        assert working_days_between(start, end - timedelta(days=1)) == count - 1


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (datetime(2020, 9, 30, 10, tzinfo=SHANGHAI), Duration(1), D(2020, 10, 9)),
        (datetime(2020, 9, 30, 10, tzinfo=SHANGHAI), Duration(2), D(2020, 10, 10)),
        (datetime(2020, 9, 30, 10, tzinfo=SHANGHAI), Duration(3), D(2020, 10, 12)),
        (datetime(2020, 9, 30, 10, tzinfo=SHANGHAI), Duration(10), D(2020, 10, 21)),
        # calendar days run straight through the holiday
        (datetime(2020, 9, 30, 10, tzinfo=SHANGHAI), Duration(1, working=False), D(2020, 10, 1)),
        (datetime(2020, 9, 30, 10, tzinfo=SHANGHAI), Duration(10, working=False), D(2020, 10, 10)),
        (datetime(2020, 9, 26, 10, tzinfo=SHANGHAI), Duration(1), D(2020, 9, 27)),
        (datetime(2020, 9, 27, 10, tzinfo=SHANGHAI), Duration(1), D(2020, 9, 28)),
        (datetime(2020, 10, 10, 18, tzinfo=SHANGHAI), Duration(1), D(2020, 10, 12)),
        (datetime(2021, 2, 10, 9, tzinfo=SHANGHAI), Duration(3), D(2021, 2, 20)),
        (datetime(2021, 2, 10, 9, tzinfo=SHANGHAI), Duration(7, working=False), D(2021, 2, 17)),
        (datetime(2021, 2, 6, 9, tzinfo=SHANGHAI), Duration(5), D(2021, 2, 18)),
        # the day is the Shanghai day of the moment, whatever zone it is given in:
        # 16:30 UTC on 29 September is 00:30 on the 30th in Shanghai
        (datetime(2020, 9, 29, 16, 30, tzinfo=UTC), Duration(1), D(2020, 10, 9)),
        (datetime(2020, 9, 29, 15, 59, tzinfo=UTC), Duration(1), D(2020, 9, 30)),
        (datetime(2021, 2, 10, 15, 59, tzinfo=UTC), Duration(1), D(2021, 2, 18)),
    ],
)
def test_duration_due_date(start, duration, expected):
    assert duration.due_date(start) == expected


def test_working_days_and_calendar_days_differ_across_a_holiday():
    start = datetime(2020, 9, 30, 10, tzinfo=SHANGHAI)
    assert Duration(8).due_date(start) == D(2020, 10, 19)
    assert Duration(8, working=False).due_date(start) == D(2020, 10, 8)


def test_due_at_is_the_last_instant_of_the_day_in_shanghai():
    moment = Duration(1).due_at(datetime(2020, 9, 29, 16, 30, tzinfo=UTC))
    assert moment == datetime(2020, 10, 9, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert moment.astimezone(UTC) == datetime(2020, 10, 9, 15, 59, 59, 999999, tzinfo=UTC)
    assert end_of_day(D(2021, 2, 20)) < datetime(2021, 2, 20, 16, tzinfo=UTC)
    assert local_date(datetime(2021, 2, 20, 16, tzinfo=UTC)) == D(2021, 2, 21)


def test_duration_label():
    with translation.override("en"):
        assert Duration(1).label() == "1 working day"
        assert Duration(3).label() == "3 working days"
        assert Duration(1, working=False).label() == "1 day"
        assert Duration(7, working=False).label() == "7 days"


@pytest.fixture
def no_statutory_calendar(monkeypatch):
    """chinese_calendar as it behaves for a year it has no schedule for."""

    def unknown(day):
        raise NotImplementedError(f"no available data for year {day.year}")

    monkeypatch.setattr(chinese_calendar, "is_workday", unknown)
    monkeypatch.setattr(calendar, "_warned_years", set())
    _forget_working_days()
    yield
    _forget_working_days()


def _forget_working_days():
    """Drop answers is_working_day may have cached from the real schedule (or the fake one)."""
    clear = getattr(calendar.is_working_day, "cache_clear", None)
    if clear:
        clear()


def test_fallback_counts_monday_to_friday(no_statutory_calendar, caplog):
    caplog.set_level(logging.WARNING, logger="yimen.workflow.calendar")
    # with no schedule, National Day is an ordinary Thursday and the make-up days are off
    assert is_working_day(D(2020, 10, 1)) is True
    assert is_working_day(D(2020, 9, 27)) is False
    assert is_working_day(D(2020, 10, 10)) is False
    assert add_working_days(D(2020, 9, 30), 1) == D(2020, 10, 1)
    assert add_working_days(D(2020, 10, 2), 1) == D(2020, 10, 5)  # Friday → Monday
    assert add_working_days(D(2020, 9, 30), 10) == D(2020, 10, 14)
    assert working_days_between(D(2020, 9, 25), D(2020, 10, 12)) == 11
    assert Duration(2).due_date(datetime(2020, 10, 1, 9, tzinfo=SHANGHAI)) == D(2020, 10, 5)
    # calendar days do not depend on the schedule at all
    assert Duration(3, working=False).due_date(datetime(2020, 10, 1, 9, tzinfo=SHANGHAI)) == (
        D(2020, 10, 4)
    )
    # the log says so once per year, not once per day counted
    warnings = [r for r in caplog.records if "2020" in r.getMessage()]
    assert len(warnings) == 1
    assert "Monday-Friday" in warnings[0].getMessage()


def test_fallback_for_a_year_the_library_does_not_ship(monkeypatch):
    monkeypatch.setattr(calendar, "_warned_years", set())
    _forget_working_days()
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2099, 1, 1))
    # 1 January 2099 is a Thursday: without a schedule it is a working day
    assert add_working_days(D(2098, 12, 31), 1) == D(2099, 1, 1)
    assert add_working_days(D(2099, 1, 1), 2) == D(2099, 1, 5)  # Fri, then Mon

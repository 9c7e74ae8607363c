"""Pure rules of straw-burning supervision: the escalation clock, the season window and
the deductions per fire point. Plain data in, plain data out, each with its source in
docs/burning.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


def escalation_target(
    *,
    now: datetime,
    arrive_due_at: datetime | None,
    arrived_at: datetime | None,
    verify_due_at: datetime | None,
    verified_at: datetime | None,
    escalate_minutes: int,
    county_level: int,
    top_level: int,
) -> tuple[int, str]:
    """How many levels up the 包保 chain an open case should be by ``now``, and why.

    Not on site by its time: one level up (the village, for a grid's case) at once, and one
    more for every further ``escalate_minutes`` overdue. Not verified by its time (24 h in
    Shandong's practice): at least up to the county. Never beyond the top of the chain."""
    level, reason = 0, ""
    if arrived_at is None and arrive_due_at is not None and now > arrive_due_at:
        overdue = (now - arrive_due_at).total_seconds() / 60
        level = 1 + int(overdue // max(escalate_minutes, 1))
        reason = "arrival"
    verify_late = verified_at is None and verify_due_at is not None and now > verify_due_at
    if verify_late and county_level > level:
        level, reason = county_level, "verification"
    return min(level, top_level), reason


@dataclass(frozen=True)
class Season:
    """The ban period and incentive window, e.g. 1 Oct – 1 May (crossing the new year)."""

    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def season_of(year: int, start_month: int, start_day: int, end_month: int, end_day: int) -> Season:
    """The season starting in ``year``; it ends the next year if its end comes earlier in
    the calendar than its start."""
    start = date(year, start_month, start_day)
    end_year = year if (end_month, end_day) >= (start_month, start_day) else year + 1
    return Season(start, date(end_year, end_month, end_day))


def season_year_for(day: date, start_month: int, start_day: int) -> int:
    """The year the season containing (or last started before) ``day`` started."""
    return day.year if (day.month, day.day) >= (start_month, start_day) else day.year - 1


def deductions(count_before: int, new_points: int, first: Decimal, later: Decimal) -> list[Decimal]:
    """The amounts for ``new_points`` further fire points of a county in a season, after
    ``count_before`` already assessed: the first point of the season costs ``first``
    (500,000 yuan in Jilin's 2018 rules), each later one ``later`` (300,000)."""
    return [first if count_before + i == 0 else later for i in range(new_points)]

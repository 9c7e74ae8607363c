"""Dated, per-division settings: the case time limits and the cycle days.

The nearest division up the tree with a setting in force on the day wins; without any,
the defaults below apply. Both defaults are local practice that policy.md marks NOT FOUND
(the seed's "about 15 days" and "twice a month"), so they are shown with their source
wherever they are used, and administrators set real values per division and date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from yimen.regions.dated import nearest_row, nearest_rows
from yimen.workflow.calendar import add_working_days, end_of_day, local_date

from .models import CaseTimeLimit, CycleSchedule, DisclosureSetting

DEFAULT_SOURCE = (
    "default: seed (城市晚报 2020-11-05) “about 15 days”, twice-monthly cycles; "
    "statutory 20 working days [TZ2022 §4(1)]"
)


@dataclass(frozen=True)
class TimeLimit:
    calendar_days: int
    statutory_working_days: int
    source: str
    division_code: str | None = None
    valid_from: date | None = None
    # a reported change of self-care is re-assessed within this many working days
    # [TK2021 Art.23]: the national figure is the default
    reassessment_working_days: int = 10


@dataclass(frozen=True)
class Deadlines:
    target: datetime  # calendar days after acceptance (the township's promise)
    statutory: datetime  # working days after acceptance (the legal hard line)


def time_limit_for(division_code: str, on: date) -> TimeLimit:
    row = nearest_row(CaseTimeLimit, division_code, on)
    if row is None:
        return TimeLimit(15, 20, DEFAULT_SOURCE)
    return TimeLimit(
        row.calendar_days,
        row.statutory_working_days,
        row.source,
        row.division_id,
        row.valid_from,
        row.reassessment_working_days,
    )


def reassessment_due(division_code: str, reported_on: date) -> tuple[date, int]:
    """(the last day to re-assess a member whose self-care change was reported on
    ``reported_on``, the working days allowed) under the division's time limit in force
    that day [TK2021 Art.23]; counted on the statutory working-day calendar."""
    days = time_limit_for(division_code, reported_on).reassessment_working_days
    return add_working_days(reported_on, days), days


@dataclass(frozen=True)
class Disclosure:
    """The disclosure (公示) settings in force for a village: the period's length and the
    supervision telephone, ``example`` when the number still awaits confirmation."""

    period_days: int
    supervision_phone: str
    example: bool
    division_code: str | None = None
    valid_from: date | None = None


# the disclose step's own limit (process.DISCLOSE: 7 calendar days); no telephone without
# a setting, rather than an invented one
DEFAULT_DISCLOSURE = Disclosure(period_days=7, supervision_phone="", example=False)


def disclosures_for(division_codes: Iterable[str], on: date) -> dict[str, Disclosure]:
    """For each division, the disclosure settings in force on ``on`` (one query)."""
    return {
        code: DEFAULT_DISCLOSURE
        if row is None
        else Disclosure(
            row.period_days, row.supervision_phone, row.example, row.division_id, row.valid_from
        )
        for code, row in nearest_rows(DisclosureSetting, division_codes, on).items()
    }


def deadlines_from(division_code: str, accepted_at: datetime) -> Deadlines:
    """The case's target and statutory due dates, counted from acceptance."""
    day = local_date(accepted_at)
    limit = time_limit_for(division_code, day)
    return Deadlines(
        target=end_of_day(day + timedelta(days=limit.calendar_days)),
        statutory=end_of_day(add_working_days(day, limit.statutory_working_days)),
    )


def cycle_days(division_code: str, on: date) -> tuple[int, ...]:
    """The days of the month on which the township's cycles run (default 1st and 16th)."""
    row = nearest_row(CycleSchedule, division_code, on)
    if row is None:
        return (1, 16)
    days = sorted(
        {int(d) for d in row.days.split(",") if d.strip().isdigit() and 1 <= int(d) <= 28}
    )
    return tuple(days) or (1, 16)


def cycle_of(division_code: str, on: date) -> tuple[date, date]:
    """The cycle that contains ``on``: (its first day, the next cycle's first day)."""
    days = cycle_days(division_code, on)
    starts = []
    for month_offset in (-1, 0, 1):
        year, month = on.year, on.month + month_offset
        year, month = (
            (year - 1, 12) if month == 0 else (year + 1, 1) if month == 13 else (year, month)
        )
        starts += [date(year, month, d) for d in days]
    starts.sort()
    current = max(s for s in starts if s <= on)
    following = min(s for s in starts if s > on)
    return current, following

"""Dated, per-division settings: the case time limits and the cycle days.

The nearest division up the tree with a setting in force on the day wins; without any,
the defaults below apply. Both defaults are local practice that policy.md marks NOT FOUND
(the seed's "about 15 days" and "twice a month"), so they are shown with their source
wherever they are used, and administrators set real values per division and date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from yimen.regions.codes import ancestor_codes
from yimen.workflow.calendar import add_working_days, end_of_day, local_date
from yimen.workflow.transitions import chunks

from .models import CaseTimeLimit, CycleSchedule

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


@dataclass(frozen=True)
class Deadlines:
    target: datetime  # calendar days after acceptance (the township's promise)
    statutory: datetime  # working days after acceptance (the legal hard line)


def nearest_rows(model, division_codes: Iterable[str], on: date) -> dict[str, Any]:
    """For each division, the row of ``model`` in force on ``on`` (its latest) of the
    nearest division up the tree that has one, or None: one query for all the divisions
    and their ancestors, however many divisions (a verification run covers hundreds)."""
    chains = {code: [code, *reversed(ancestor_codes(code))] for code in set(division_codes)}
    latest: dict[str, Any] = {}
    for part in chunks(sorted({c for chain in chains.values() for c in chain})):
        # ordered by valid_from: the dict keeps each division's latest row in force
        for row in model.objects.filter(division_id__in=part, valid_from__lte=on).order_by(
            "division_id", "valid_from"
        ):
            latest[row.division_id] = row
    return {
        code: next((latest[c] for c in chain if c in latest), None)
        for code, chain in chains.items()
    }


def _nearest(model, division_code: str, on: date):
    return nearest_rows(model, [division_code], on)[division_code]


def time_limit_for(division_code: str, on: date) -> TimeLimit:
    row = _nearest(CaseTimeLimit, division_code, on)
    if row is None:
        return TimeLimit(15, 20, DEFAULT_SOURCE)
    return TimeLimit(
        row.calendar_days, row.statutory_working_days, row.source, row.division_id, row.valid_from
    )


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
    row = _nearest(CycleSchedule, division_code, on)
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

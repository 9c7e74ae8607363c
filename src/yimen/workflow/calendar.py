"""Working days from the Chinese statutory calendar (holidays and make-up workdays).

`chinese-calendar` knows the State Council's published schedule for the years it ships.
For a year it does not know yet (the schedule is published each November), we fall back
to Monday–Friday and say so in the log, rather than guessing holidays.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
_warned_years: set[int] = set()


@lru_cache(maxsize=8192)  # pure per date; a batch asks about the same few days
def is_working_day(day: date) -> bool:
    """True on a working day: a weekday that is not a holiday, or a make-up workday."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            log.warning("No statutory calendar for %s; counting Monday-Friday", day.year)
        return day.weekday() < 5


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    days = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            days += 1
    return days


def local_date(moment: datetime) -> date:
    """The calendar date in Asia/Shanghai of an aware datetime."""
    return moment.astimezone(SHANGHAI).date()


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in Asia/Shanghai: deadlines fall due at midnight."""
    return datetime.combine(day, time.max, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Duration:
    """A statutory time limit: so many calendar days or working days."""

    days: int
    working: bool = True

    def due_date(self, start: datetime) -> date:
        """The last day of the limit, counted from the day after ``start``."""
        begin = local_date(start)
        if self.working:
            return add_working_days(begin, self.days)
        return begin + timedelta(days=self.days)

    def due_at(self, start: datetime) -> datetime:
        return end_of_day(self.due_date(start))

    def label(self) -> str:
        if self.working:
            return ngettext("%(n)d working day", "%(n)d working days", self.days) % {"n": self.days}
        return ngettext("%(n)d day", "%(n)d days", self.days) % {"n": self.days}


FALLBACK_NOTE = _("Years without a published holiday schedule count Monday to Friday.")

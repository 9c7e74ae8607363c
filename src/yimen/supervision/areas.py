"""Areas and periods for the county's aggregate pages (dashboard, statistics, sampling).

An area is a division's subtree. Division codes are 12 digits, so a subtree is a closed
range of codes — ``'220102000000' ≤ code ≤ '220102999999'`` — which a plain b-tree index
answers on SQLite and PostgreSQL alike (a LIKE prefix needs a pattern-ops index on
PostgreSQL with a non-C collation; a digits-only range never does). Children are grouped
by the first digits of the code (``Substr``), in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for
from yimen.months import add_months, next_month
from yimen.months import parse_month as month_from_text
from yimen.regions.codes import PREFIX_LENGTH, InvalidCode, Level, level_of, normalize_code
from yimen.regions.models import Division

from .errors import AreaNotFound, PeriodInvalid

CODE_LENGTH = 12
MAX_MONTHS = 36  # a dashboard or export covers at most three years at once


def area_q(code: str, field: str = "division_id") -> Q:
    """Rows whose ``field`` (a 12-digit code column) lies in the subtree of ``code``."""
    prefix = code[: PREFIX_LENGTH[level_of(code)]]
    pad = CODE_LENGTH - len(prefix)
    return Q(**{f"{field}__gte": prefix + "0" * pad, f"{field}__lte": prefix + "9" * pad})


def child_length(code: str) -> int:
    """How many leading digits name a child of ``code`` (a village's own 12 at the bottom)."""
    level = level_of(code)
    return PREFIX_LENGTH[Level(min(level + 1, Level.VILLAGE))]


def child_key(code: str, field: str = "division_id") -> Substr:
    """The database expression of a row's child of ``code`` (first digits of the code)."""
    return Substr(field, 1, child_length(code))


def children_of(code: str) -> list[Division]:
    """The child divisions shown as rows (all of them, also those without any case)."""
    return list(Division.objects.filter(parent_id=code).order_by("code"))


def key_to_code(key: str) -> str:
    return key.ljust(CODE_LENGTH, "0")


def stats_area(user, raw_code: str | None) -> Division:
    """The division ``user`` asked for, if a STATS_VIEW binding covers it (fails closed).

    Without a code: the widest division the user may read statistics of."""
    bindings = bindings_for(user, Action.STATS_VIEW)
    if not bindings:
        raise AreaNotFound()
    if not raw_code:
        code = min((b.division_code for b in bindings), key=lambda c: (level_of(c), c))
    else:
        try:
            code = normalize_code(raw_code)
        except InvalidCode:
            raise AreaNotFound() from None
        if not any(b.covers(code) for b in bindings):
            raise AreaNotFound()
    division = Division.objects.filter(pk=code).select_related("parent").first()
    if division is None:
        raise AreaNotFound()
    return division


def may_view_stats(user, code: str) -> bool:
    return any(b.covers(code) for b in bindings_for(user, Action.STATS_VIEW))


# --- periods -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole months from ``first`` to ``last`` (both the 1st of their month), inclusive."""

    first: date
    last: date

    @property
    def months(self) -> list[date]:
        found, month = [], self.first
        while month <= self.last:
            found.append(month)
            month = next_month(month)
        return found

    @property
    def start(self) -> datetime:
        """The first instant of the period (local time)."""
        return month_start(self.first)

    @property
    def end(self) -> datetime:
        """The first instant after the period (local time)."""
        return month_start(next_month(self.last))

    def label(self) -> str:
        return f"{self.first:%Y-%m} – {self.last:%Y-%m}"


def month_start(month: date) -> datetime:
    return timezone.make_aware(datetime.combine(month, time.min))


def parse_month(raw: str, field: str) -> date:
    """``YYYY-MM`` from the query string, or PeriodInvalid naming the field."""
    parsed = month_from_text(raw)
    if parsed is None:
        message = _("Give the month as YYYY-MM.")
        raise PeriodInvalid(message, fields={field: [str(message)]})
    return parsed


def period_from(raw_first: str | None, raw_last: str | None, *, default_months: int = 12) -> Period:
    """The period asked for (``YYYY-MM`` each); by default the last ``default_months``
    months up to the current one. Refuses reversed or over-long periods."""
    this_month = timezone.localdate().replace(day=1)
    last = parse_month(raw_last, "to") if raw_last else this_month
    first = parse_month(raw_first, "from") if raw_first else add_months(last, 1 - default_months)
    if first > last:
        raise PeriodInvalid(_("The first month comes after the last one."), fields={})
    if len(Period(first, last).months) > MAX_MONTHS:
        raise PeriodInvalid(_("A period covers at most %(n)d months."), n=MAX_MONTHS, fields={})
    return Period(first, last)

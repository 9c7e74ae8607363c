"""Calendar months as the first day of the month, and the arithmetic on them.

Payments, decisions, statistics periods, insurance contribution months and filing validity
all run by calendar month; this is the one place that counts them (a kernel module,
DESIGN.md), so a month after December is January of the next year everywhere."""

from __future__ import annotations

from datetime import date, timedelta


def month_of(day: date) -> date:
    """The month ``day`` falls in, as its first day."""
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    """The first day of the month ``n`` months after ``month`` (n may be negative)."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(earlier: date, later: date) -> int:
    """Calendar months from ``earlier``'s month to ``later``'s (days ignored; negative when
    ``later`` is the earlier month): 2026-12-31 → 2027-01-01 is 1."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def same_day_months_later(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day if it is shorter."""
    first = add_months(month_of(day), months)
    last_day = (add_months(first, 1) - timedelta(days=1)).day
    return first.replace(day=min(day.day, last_day))


def next_month(day: date) -> date:
    """Decisions take effect from the month after they are taken [A2021 Art.21, 32]."""
    return add_months(month_of(day), 1)


def parse_month(text: str) -> date | None:
    """'2026-11' → 2026-11-01; None for anything else (callers refuse with a message)."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 else None
    except (ValueError, TypeError):
        return None

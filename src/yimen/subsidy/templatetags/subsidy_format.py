"""How the subsidy's figures read on a page: quantities grouped like money (1,000.00 m³) and
coordinates in degrees, minutes and seconds (44°49′34″), never a raw 44.826100."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from yimen.money import format_yuan

register = template.Library()


@register.filter(is_safe=True)
def qty(value) -> str:
    """A quantity with two decimals, thousands grouped: ``1000`` → ``1,000.00``."""
    return format_yuan(value)


@register.filter(is_safe=True)
def dms(value) -> str:
    """A coordinate in degrees, minutes and whole seconds: ``44.8261`` → ``44°49′34″``."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if number < 0 else ""
    seconds = int((abs(number) * 3600).to_integral_value())
    degrees, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{degrees}°{minutes:02d}′{secs:02d}″"

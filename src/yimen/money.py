"""Money as people read it: yuan with two decimals and thousands separators.

House rules 8 and 14: amounts are ``Decimal`` yuan with two places, and every page, notice
and sentence shows them the same way (``5,190.79``), whatever the value's type on the
way (a DuckDB sum can arrive as ``5190.79000000000``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def format_yuan(value) -> str:
    """``5190.79000000000`` → ``5,190.79``: two decimals (half up, as the rolls round),
    thousands separated by commas; empty for nothing, the text itself for what is not a
    number (a page must never fail on a value)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    if not amount.is_finite():
        return str(value)
    return f"{amount:,.2f}"

"""Money as people read it: yuan with two decimals and thousands separators.

House rules 8 and 14: amounts are ``Decimal`` yuan with two places, and every page, notice
and sentence shows them the same way (``5,190.79``), whatever the value's type on the
way (a DuckDB sum can arrive as ``5190.79000000000``). Amounts kept in integer fen (分:
settlement, medical-insurance balances) read the same through ``format_fen``, and a
notice's amount in capitals (大写) comes from ``yuan_in_capitals``. This is the only place
that formats money for people (a kernel module, DESIGN.md)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import cn2an

CENT = Decimal("0.01")


def format_yuan(value, *, grouped: bool = True) -> str:
    """``5190.79000000000`` → ``5,190.79``: two decimals (half up, as the rolls round),
    thousands separated by commas; empty for nothing, the text itself for what is not a
    number (a page must never fail on a value). ``grouped=False`` gives ``5190.79``, the
    form the printed notices, roll summaries and transfer messages have always used."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    if not amount.is_finite():
        return str(value)
    return f"{amount:,.2f}" if grouped else f"{amount:.2f}"


def format_fen(fen: int, *, grouped: bool = True) -> str:
    """An amount in integer fen as ``format_yuan`` shows its yuan (``123456`` → ``1,234.56``),
    in integer arithmetic: a settlement's explanation writes some forty of these."""
    whole, cents = divmod(abs(fen), 100)
    figures = f"{whole:,}" if grouped else str(whole)
    return f"{'-' if fen < 0 else ''}{figures}.{cents:02d}"


def yuan_in_capitals(amount) -> str:
    """壹仟贰佰叁拾肆元伍角 for 1234.50: the amount in capitals that notices and forms print
    beside the figures, so neither can be altered alone."""
    return cn2an.an2cn(f"{amount:.2f}", "rmb")

"""Money in whole fen for the vectorised rules: exact conversions from and to yuan, and
the rounding ``engine`` does, as Polars expressions."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from .engine import money
from .params import PAYMENT_ROUNDING, Params


def to_fen(amount: Decimal | int) -> int:
    """Whole fen of a yuan amount; a fraction of a fen is refused, not rounded away,
    because ``engine`` would carry it into a sum before rounding."""
    value = Decimal(amount)
    if value != money(value):
        raise ValueError(f"{value} yuan is not a whole number of fen")
    return int(money(value) * 100)


def from_fen(fen: int) -> Decimal:
    """Yuan with two places, as ``engine`` returns money."""
    return money(Decimal(fen) / 100)


def rounded_fen(amount: Decimal) -> int:
    """``engine.money`` of a Decimal product, in fen."""
    return int(money(amount) * 100)


def adjusted(amount: pl.Expr, n: pl.Expr, params: Params, *, minimum: bool) -> pl.Expr:
    """``engine.adjust_payment`` on whole fen (amounts are never negative): rounding to
    the set's unit by its mode, then the minimum per member for 低保."""
    unit = PAYMENT_ROUNDING[params.payment_rounding]
    result = amount
    if unit > 1:
        mode = params.payment_rounding_mode
        offset = {"half_up": unit // 2, "up": unit - 1, "down": 0}[mode]
        result = (amount + offset) // unit * unit
    if minimum:
        floor = n * to_fen(money(params.payment_minimum))
        result = pl.when(result < floor).then(floor).otherwise(result)
    return pl.when(amount > 0).then(result).otherwise(amount)


def half_up(value: pl.Expr, divisor: int) -> pl.Expr:
    """value / divisor rounded half up (value ≥ 0), as engine.money_of."""
    return value if divisor == 1 else (2 * value + divisor) // (2 * divisor)

"""Money arithmetic of the settlement, in integer fen (分).

Why integer fen: sums and differences are then exact, so the national identities
(medfee_sumamt = fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt,
fund + personal = total, account + cash = personal) hold to the fen by construction.
Every multiplication by a ratio is rounded once, to the fen, ROUND_HALF_UP (四舍五入).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")


def mul_fen(amount_fen: int, ratio: Decimal) -> int:
    """``amount_fen × ratio`` rounded half up to a whole fen."""
    return int((Decimal(amount_fen) * ratio).to_integral_value(rounding=ROUND_HALF_UP))


def div_fen(amount_fen: int, ratio: Decimal) -> int:
    """``amount_fen ÷ ratio`` rounded half up to a whole fen (ratio > 0)."""
    return int((Decimal(amount_fen) / ratio).to_integral_value(rounding=ROUND_HALF_UP))


def yuan_to_fen(value: object) -> int:
    """Parse a yuan amount (number or text, at most 2 decimals significant) into fen.

    Raises ValueError for anything that is not a finite number. Amounts with more than two
    decimals are rounded half up, as the national interface's ``16,2`` precision implies.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(value)
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not amount.is_finite():
        raise ValueError(value)
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def fen_to_yuan(fen: int) -> Decimal:
    """Fen as a 2-place Decimal yuan."""
    return (Decimal(fen) / 100).quantize(FEN)


def pct(ratio: Decimal) -> str:
    """0.873 → '87.3%' for explanations."""
    text = f"{(ratio * 100).quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return f"{text}%"

"""Which part of each bill line is in scope, by the treatment place's catalog (就医地目录).

A line falls into four parts that add up to its amount, to the fen:
- ``fulamt_ownpay`` — 丙类 items and anything not in the catalog: fully self-paid;
- ``overlmt`` — the part of the price above the catalog's price cap (超限价自付);
- ``preselfpay`` — the 乙类 item's first self-paid share (先行自付) of what remains;
- ``inscp`` — the rest, within the policy scope (符合政策范围).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from yimen.money import format_fen

from .money import mul_fen, pct

CLASS_A, CLASS_B, CLASS_C = "A", "B", "C"
#: national chrgitm_lv codes: 01 甲类, 02 乙类, 03 丙类 (自费)
CHRGITM_LV = {CLASS_A: "01", CLASS_B: "02", CLASS_C: "03"}


@dataclass(frozen=True)
class BillLine:
    """One fee-detail line as uploaded, joined with its catalog entry (None = not listed)."""

    sn: str
    code: str
    amount_fen: int
    quantity: Decimal
    price: Decimal  # yuan per unit, as uploaded (16,6)
    item_class: str | None
    selfpay_prop: Decimal = Decimal(0)
    price_cap: Decimal | None = None  # yuan per unit


@dataclass(frozen=True)
class LineSplit:
    sn: str
    amount_fen: int
    fulamt_ownpay_fen: int
    overlmt_fen: int
    preselfpay_fen: int
    inscp_fen: int
    chrgitm_lv: str
    selfpay_prop: Decimal
    explanation_zh: str
    explanation_en: str


def split_line(line: BillLine) -> LineSplit:
    """Split one line; the four parts always sum to ``amount_fen``."""
    amount = line.amount_fen
    if line.item_class not in (CLASS_A, CLASS_B):
        unlisted = line.item_class is None
        return LineSplit(
            line.sn,
            amount,
            amount,
            0,
            0,
            0,
            "03",
            Decimal(1),
            (f"{'目录外项目' if unlisted else '丙类项目'}，全额自费 {format_fen(amount)} 元"),
            (
                f"{'Not in the catalog' if unlisted else 'Class C item'}: "
                f"fully self-paid {format_fen(amount)} yuan"
            ),
        )
    overlmt = 0
    if line.price_cap is not None and line.price > line.price_cap:
        excess_per_unit_fen = (line.price - line.price_cap) * 100
        overlmt = min(amount, mul_fen(1, excess_per_unit_fen * line.quantity))
    remaining = amount - overlmt
    prop = line.selfpay_prop if line.item_class == CLASS_B else Decimal(0)
    preselfpay = mul_fen(remaining, prop)
    inscp = remaining - preselfpay
    kind_zh = "甲类" if line.item_class == CLASS_A else f"乙类（先行自付 {pct(prop)}）"
    kind_en = "Class A" if line.item_class == CLASS_A else f"Class B (self-paid share {pct(prop)})"
    zh = f"{kind_zh}；超限价 {format_fen(overlmt)} 元；先行自付 {format_fen(preselfpay)} 元；"
    zh += f"政策范围内 {format_fen(inscp)} 元"
    en = f"{kind_en}; above the price cap {format_fen(overlmt)}; self-paid share "
    en += f"{format_fen(preselfpay)}; in scope {format_fen(inscp)} yuan"
    return LineSplit(
        line.sn, amount, 0, overlmt, preselfpay, inscp, CHRGITM_LV[line.item_class], prop, zh, en
    )

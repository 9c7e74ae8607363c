"""Money as people read it, the one formatting every service uses (yimen.money)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yimen.money import format_fen, format_yuan, yuan_in_capitals


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("5190.79000000000"), "5,190.79"),
        (Decimal("0.005"), "0.01"),  # half up, as the rolls round
        (1234567, "1,234,567.00"),
        ("-12.3", "-12.30"),
        (None, ""),
        ("n/a", "n/a"),
        (Decimal("NaN"), "NaN"),
    ],
)
def test_format_yuan(value, shown):
    assert format_yuan(value) == shown


@pytest.mark.parametrize("fen", [0, 1, -1, 99, 100, -5, 123456, -123456, 99999999999])
def test_fen_read_as_their_yuan(fen):
    assert format_fen(fen) == format_yuan(Decimal(fen) / 100)


def test_amounts_in_capitals():
    assert yuan_in_capitals(Decimal("1234.50")) == "壹仟贰佰叁拾肆元伍角"
    assert yuan_in_capitals(Decimal("700")) == "柒佰元整"


def test_a_transfer_form_shows_figures_and_capitals_the_same_way():
    from yimen.medins.paper_forms import yuan

    assert yuan(123456) == "1,234.56 元（壹仟贰佰叁拾肆元伍角陆分）"
    assert yuan(None) == "0.00 元（零元整）"


def test_ungrouped_figures_for_the_printed_documents():
    assert format_yuan(Decimal("1312.35"), grouped=False) == "1312.35"
    assert format_fen(-123456, grouped=False) == "-1234.56"
    assert format_fen(5, grouped=False) == "0.05"

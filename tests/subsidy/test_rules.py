"""The pure rules: each eligibility edge and amounts computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from yimen.subsidy.models import FeedMethod, ItemType, PitMaterial, RateUnit
from yimen.subsidy.rules import (
    ItemFacts,
    Measure,
    RateRow,
    SchemeRules,
    check_item,
    compute_amounts,
    distance_m,
    pit_volume,
)

from .conftest import feed, machine, pit

RULES = SchemeRules(
    earliest_work_date=date(2020, 10, 19),
    crop_year=2020,
    pit_materials=(PitMaterial.BRICK, PitMaterial.STONE, PitMaterial.CONCRETE),
    feed_methods=tuple(FeedMethod.values),
)
TODAY = date(2020, 11, 10)
RATES = [
    RateRow(
        ItemType.PIT,
        RateUnit.CUBIC_METRE,
        Decimal("25"),
        Decimal("100"),
        Decimal("20000"),
        Decimal("30000"),
    ),
    RateRow(
        ItemType.FEED,
        RateUnit.TONNE,
        Decimal("50"),
        Decimal("10"),
        None,
        Decimal("40000"),
        Decimal("0.700"),
    ),
    RateRow(
        ItemType.MACHINE, RateUnit.MACHINE, Decimal("3000"), Decimal("0"), None, Decimal("9000")
    ),
]


def test_a_pit_begun_on_19_october_qualifies_and_on_the_18th_does_not():
    assert check_item(pit(started_on=date(2020, 10, 19)), RULES, today=TODAY) == {}
    errors = check_item(pit(started_on=date(2020, 10, 18)), RULES, today=TODAY)
    assert list(errors) == ["started_on"]
    assert "2020-10-19" in errors["started_on"][0]


def test_a_wooden_or_earth_pit_is_refused_on_its_material():
    for material in (PitMaterial.WOOD, PitMaterial.EARTH):
        assert list(check_item(pit(material=material), RULES, today=TODAY)) == ["material"]
    assert check_item(pit(material=PitMaterial.BRICK), RULES, today=TODAY) == {}


def test_feed_of_the_2019_crop_is_refused():
    assert check_item(feed(crop_year=2020), RULES, today=TODAY) == {}
    assert list(check_item(feed(crop_year=2019), RULES, today=TODAY)) == ["crop_year"]


def test_a_machine_bought_on_the_18th_is_refused_and_on_the_19th_qualifies():
    assert check_item(machine(on=date(2020, 10, 19)), RULES, today=TODAY) == {}
    assert list(check_item(machine(on=date(2020, 10, 18)), RULES, today=TODAY)) == ["invoice_date"]


def test_a_machine_needs_its_serial_and_invoice():
    errors = check_item(
        ItemFacts(item_type=ItemType.MACHINE, model_name="x", invoice_date=TODAY),
        RULES,
        today=TODAY,
    )
    assert set(errors) == {"serial_number", "invoice_number"}


def test_distance_of_a_thousandth_of_a_degree_of_latitude_is_about_111_m():
    assert 110 < distance_m(44.826, 126.5332, 44.827, 126.5332) < 112


def amounts(*measures):
    return [a.amount for a in compute_amounts(list(measures), RATES)]


def test_pit_rate_minimum_and_cap_per_item():
    assert amounts(Measure(1, ItemType.PIT, Decimal("150"), RateUnit.CUBIC_METRE)) == [
        Decimal("3750.00")
    ]
    # 60 m³ is below the 100 m³ minimum: nothing
    assert amounts(Measure(1, ItemType.PIT, Decimal("60"), RateUnit.CUBIC_METRE)) == [Decimal("0")]
    # 1000 m³ × 25 = 25,000, capped at 20,000 per pit
    assert amounts(Measure(1, ItemType.PIT, Decimal("1000"), RateUnit.CUBIC_METRE)) == [
        Decimal("20000")
    ]


def test_cap_per_applicant_is_filled_in_the_items_order():
    # two 1000 m³ pits: 20,000 + what is left of the 30,000 cap (10,000)
    assert amounts(
        Measure(1, ItemType.PIT, Decimal("1000"), RateUnit.CUBIC_METRE),
        Measure(2, ItemType.PIT, Decimal("1000"), RateUnit.CUBIC_METRE),
    ) == [Decimal("20000"), Decimal("10000")]
    # four machines at 3,000 under a 9,000 cap: the fourth gets nothing
    four = [Measure(n, ItemType.MACHINE, Decimal("1"), RateUnit.MACHINE) for n in range(4)]
    assert amounts(*four) == [Decimal("3000.00")] * 3 + [Decimal("0")]


def test_feed_in_tonnes_and_in_cubic_metres_converted_by_the_factor():
    assert amounts(Measure(1, ItemType.FEED, Decimal("120"), RateUnit.TONNE)) == [
        Decimal("6000.00")
    ]
    # 100 m³ × 0.7 t/m³ = 70 t × 50 = 3,500
    result = compute_amounts(
        [Measure(1, ItemType.FEED, Decimal("100"), RateUnit.CUBIC_METRE)], RATES
    )
    assert result[0].quantity == Decimal("70.00")
    assert result[0].amount == Decimal("3500.00")
    assert any("0.700" in r for r in result[0].reasons)
    # 5 t is below the 10 t minimum
    assert amounts(Measure(1, ItemType.FEED, Decimal("5"), RateUnit.TONNE)) == [Decimal("0")]


def test_volume_rounds_to_the_hundredth_and_money_to_the_fen():
    volume = pit_volume(Decimal("10.33"), Decimal("4.1"), Decimal("2.9"))  # 122.8237
    assert volume == Decimal("122.82")
    assert amounts(Measure(1, ItemType.PIT, volume, RateUnit.CUBIC_METRE)) == [Decimal("3070.50")]


def test_an_item_type_without_a_rate_gets_nothing_with_the_reason():
    result = compute_amounts([Measure(1, ItemType.PIT, Decimal("150"), RateUnit.CUBIC_METRE)], [])
    assert result[0].amount == 0 and result[0].reasons

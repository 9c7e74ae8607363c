"""The vectorised amounts agree with the sequential rule, item by item, to the fen."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from yimen.subsidy.frames import compute_many, scheme_amounts
from yimen.subsidy.models import Finding, ItemType, RateUnit, Status
from yimen.subsidy.rules import Measure, RateRow, compute_amounts
from yimen.subsidy.services.review import application_decide, compute_for

from .conftest import feed, machine, pit
from .test_services import inspect

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
        Decimal("50.5"),
        Decimal("10"),
        None,
        Decimal("40000"),
        Decimal("0.733"),
    ),
    RateRow(
        ItemType.MACHINE, RateUnit.MACHINE, Decimal("3000"), Decimal("0"), None, Decimal("9000")
    ),
]


def test_random_applicants_match_the_sequential_rule():
    rng = random.Random(17)
    by_app: dict[int, list[Measure]] = {}
    key = 0
    for app in range(400):
        measures = []
        for _ in range(rng.randint(1, 6)):
            key += 1
            kind = rng.choice([ItemType.PIT, ItemType.FEED, ItemType.MACHINE])
            if kind == ItemType.PIT:
                measures.append(
                    Measure(key, kind, Decimal(rng.randint(0, 200000)) / 100, RateUnit.CUBIC_METRE)
                )
            elif kind == ItemType.FEED:
                unit = rng.choice([RateUnit.TONNE, RateUnit.CUBIC_METRE])
                measures.append(Measure(key, kind, Decimal(rng.randint(0, 150000)) / 100, unit))
            else:
                measures.append(Measure(key, kind, Decimal("1"), RateUnit.MACHINE))
        by_app[app] = measures
    fast = compute_many(by_app, RATES)
    for measures in by_app.values():
        for m, slow in zip(measures, compute_amounts(measures, RATES), strict=True):
            assert fast[m.key] == int(slow.amount * 100), (m, slow)


@pytest.mark.django_db
def test_the_schemes_amounts_equal_the_reviews(world):
    apps = [
        world.submitted(
            pit("44.8", "126.5", "20", "10", "5"), pit("44.9", "126.6", "20", "10", "5")
        ),
        world.submitted(feed("100", unit=RateUnit.CUBIC_METRE), machine("A", "B")),
        world.submitted(machine("C", "D"), feed("5")),
    ]
    inspect(
        world,
        apps[0],
        pit={"length_m": Decimal("19.5"), "width_m": Decimal("10"), "depth_m": Decimal("4.9")},
    )
    inspect(
        world, apps[1], feed={"quantity": Decimal("95.5")}, machine={"finding": Finding.NOT_FOUND}
    )
    frame = scheme_amounts(
        world.scheme, on=date(2020, 11, 10), statuses=[Status.INSPECTED, Status.SUBMITTED]
    )
    fast = dict(zip(frame["item"].to_list(), frame["amount"].to_list(), strict=True))
    assert len(fast) == 6
    for app in apps:
        for item, amount in zip(app.items.order_by("pk"), compute_for(app), strict=True):
            assert fast[item.pk] == int(amount.amount * 100)
    assert (
        application_decide(application=apps[0], actor=world.reviewer, approve=True).approved_amount
        == Decimal(sum(fast[i.pk] for i in apps[0].items.all())) / 100
    )

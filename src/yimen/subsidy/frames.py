"""The amounts of a whole scheme at once (issue 17's benchmark: 150,000 items): the same rule
as ``rules.compute_amounts``, vectorised with Polars over every item of every application,
in integer fen so that no float rounds a cent. Per item: quantity in the rate's unit (m³ → t
by the row's factor, to 0.01 half up), nothing below the minimum, quantity × rate to the fen
(half up), the cap per item; per applicant and item type the cap is filled in item order —
an item gets min(its amount, cap − the uncapped amounts of the items before it, ≥ 0), which
is what the sequential rule pays, since what was paid before it is min(cap, their sum).
A test compares the two on random data."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import polars as pl

from .models import RateUnit
from .rules import Measure, RateRow

#: no cap: larger than any amount (fen)
NO_CAP = 10**15


def _centi(value: Decimal) -> int:
    return int((Decimal(value) * 100).to_integral_value())


def _milli(value: Decimal) -> int:
    return int((Decimal(value) * 1000).to_integral_value())


def rates_frame(rates: Iterable[RateRow]) -> pl.DataFrame:
    rows = list(rates)
    return pl.DataFrame(
        {
            "item_type": [r.item_type for r in rows],
            "rate_unit": [r.unit for r in rows],
            "rate_fen": [_centi(r.rate) for r in rows],
            "min_centi": [_centi(r.min_quantity) for r in rows],
            "cap_item": [
                _centi(r.cap_per_item) if r.cap_per_item is not None else NO_CAP for r in rows
            ],
            "cap_app": [
                _centi(r.cap_per_applicant) if r.cap_per_applicant is not None else NO_CAP
                for r in rows
            ],
            "factor_milli": [_milli(r.tonnes_per_m3) for r in rows],
        },
        schema={
            "item_type": pl.String,
            "rate_unit": pl.String,
            "rate_fen": pl.Int64,
            "min_centi": pl.Int64,
            "cap_item": pl.Int64,
            "cap_app": pl.Int64,
            "factor_milli": pl.Int64,
        },
    )


def items_frame(rows: Iterable[tuple[int, int, str, Decimal, str]]) -> pl.DataFrame:
    """(application id, item id, item type, quantity, unit) rows: the measures to pay."""
    apps, ids, types, qty, units = [], [], [], [], []
    for app, item, kind, quantity, unit in rows:
        apps.append(app)
        ids.append(item)
        types.append(kind)
        qty.append(_centi(quantity))
        units.append(unit)
    return pl.DataFrame(
        {"application": apps, "item": ids, "item_type": types, "qty_centi": qty, "unit": units},
        schema={
            "application": pl.Int64,
            "item": pl.Int64,
            "item_type": pl.String,
            "qty_centi": pl.Int64,
            "unit": pl.String,
        },
    )


def _half_up(numerator: pl.Expr, divisor: int) -> pl.Expr:
    """Round a non-negative integer ratio half up (quantities and rates are never negative)."""
    return (numerator + divisor // 2) // divisor


def compute_frame(items: pl.DataFrame, rates: pl.DataFrame) -> pl.DataFrame:
    """item, application, quantity (centi-units of the rate) and amount (fen) per item."""
    m3, t = RateUnit.CUBIC_METRE.value, RateUnit.TONNE.value
    joined = items.join(rates, on="item_type", how="left")
    qty = (
        pl.when(pl.col("unit") == pl.col("rate_unit"))
        .then(pl.col("qty_centi"))
        .when((pl.col("unit") == m3) & (pl.col("rate_unit") == t))
        .then(_half_up(pl.col("qty_centi") * pl.col("factor_milli"), 1000))
        .when((pl.col("unit") == t) & (pl.col("rate_unit") == m3) & (pl.col("factor_milli") > 0))
        .then((pl.col("qty_centi") * 1000 + pl.col("factor_milli") // 2) // pl.col("factor_milli"))
        .otherwise(None)
    )
    amount = (
        pl.when(pl.col("rate_fen").is_null() | pl.col("qty").is_null())
        .then(0)
        .when(pl.col("qty") < pl.col("min_centi"))
        .then(0)
        .otherwise(
            pl.min_horizontal(_half_up(pl.col("qty") * pl.col("rate_fen"), 100), pl.col("cap_item"))
        )
    )
    out = (
        joined.with_columns(qty=qty)
        .with_columns(uncapped=amount)
        .sort(["application", "item_type", "item"])
        .with_columns(
            before=(pl.col("uncapped").cum_sum() - pl.col("uncapped")).over(
                ["application", "item_type"]
            )
        )
        .with_columns(
            amount=pl.min_horizontal(
                pl.col("uncapped"),
                pl.max_horizontal(
                    pl.col("cap_app").fill_null(NO_CAP) - pl.col("before"), pl.lit(0)
                ),
            )
        )
    )
    return out.select("application", "item", pl.col("qty").fill_null(0), "amount").sort("item")


def compute_many(
    measures_by_app: dict[int, list[Measure]], rates: Iterable[RateRow]
) -> dict[int, int]:
    """item key → amount in fen, for plain data (the test's bridge to ``compute_amounts``)."""
    frame = items_frame(
        (app, m.key, m.item_type, m.quantity, m.unit)
        for app, measures in measures_by_app.items()
        for m in measures
    )
    result = compute_frame(frame, rates_frame(rates))
    return dict(zip(result["item"].to_list(), result["amount"].to_list(), strict=True))


def scheme_amounts(scheme, *, on, statuses) -> pl.DataFrame:
    """Every item of the scheme's applications in ``statuses``, paid as the review pays it
    (the measured volume and quantity once inspected, nothing for an item not found), under
    the rate rows in force on ``on``: one read of the items, one vectorised pass."""
    from django.db.models import BigIntegerField, F
    from django.db.models.functions import Cast, Round

    from .models import Finding, Item, ItemType
    from .services.review import rates_in_force

    # the decimals come back as integer hundredths, rounded by the database: no Decimal
    # object per value (that was most of the time at 150,000 items)
    centi = {
        name: Cast(Round(F(field) * 100), BigIntegerField())
        for name, field in (
            ("l", "length_m"),
            ("w", "width_m"),
            ("d", "depth_m"),
            ("ml", "measured_length_m"),
            ("mw", "measured_width_m"),
            ("md", "measured_depth_m"),
            ("q", "quantity"),
            ("mq", "measured_quantity"),
        )
    }
    names = ["application", "item", "item_type", "finding", *centi, "q_unit"]
    rows = (
        Item.objects.filter(application__scheme=scheme, application__status__in=list(statuses))
        .annotate(**centi)
        .values_list("application_id", "pk", "item_type", "finding", *centi, "quantity_unit")
    )
    columns = list(zip(*rows, strict=True)) or [[] for _ in names]
    frame = pl.DataFrame(
        dict(zip(names, columns, strict=True)),
        schema={
            "application": pl.Int64,
            "item": pl.Int64,
            "item_type": pl.String,
            "finding": pl.String,
            **{k: pl.Int64 for k in centi},
            "q_unit": pl.String,
        },
        orient="col",
    )
    inspected = pl.col("finding") != ""
    pit = pl.col("item_type") == ItemType.PIT.value
    volume = _half_up(
        pl.when(inspected)
        .then(pl.col("ml") * pl.col("mw") * pl.col("md"))
        .otherwise(pl.col("l") * pl.col("w") * pl.col("d")),
        10_000,
    )
    quantity = (
        pl.when(pl.col("finding") == Finding.NOT_FOUND.value)
        .then(0)
        .when(pit)
        .then(volume.fill_null(0))
        .when(pl.col("item_type") == ItemType.FEED.value)
        .then(pl.when(inspected).then(pl.col("mq")).otherwise(pl.col("q")).fill_null(0))
        .otherwise(100)  # one machine
    )
    unit = (
        pl.when(pit)
        .then(pl.lit(RateUnit.CUBIC_METRE.value))
        .when(pl.col("item_type") == ItemType.FEED.value)
        .then(pl.col("q_unit"))
        .otherwise(pl.lit(RateUnit.MACHINE.value))
    )
    items = frame.select("application", "item", "item_type", qty_centi=quantity, unit=unit)
    rates = [
        RateRow(
            item_type=r.item_type,
            unit=r.unit,
            rate=r.rate,
            min_quantity=r.min_quantity,
            cap_per_item=r.cap_per_item,
            cap_per_applicant=r.cap_per_applicant,
            tonnes_per_m3=r.tonnes_per_m3,
        )
        for r in rates_in_force(scheme, on).values()
    ]
    return compute_frame(items, rates_frame(rates))

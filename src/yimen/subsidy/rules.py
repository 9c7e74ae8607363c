"""The subsidy's rules as pure functions over plain data (house rule 6): each item's
eligibility with a message on the field that fails, the distance between two places, and
the amount of an applicant's items from the rate table in force — rates, minimums, caps per
item and per applicant, the m³→t factor — with the reasons, so staff and the unit see why.

Nothing here reads the database: the services pass the scheme's parameters and the rows."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from yimen.money import format_yuan

from .models import FeedMethod, ItemType, PitMaterial, RateUnit

CENT = Decimal("0.01")
ZERO = Decimal("0")
EARTH_RADIUS_M = 6_371_000


@dataclass(frozen=True)
class SchemeRules:
    """The parameters of a scheme the checks need (models.Scheme, as plain data)."""

    earliest_work_date: date
    crop_year: int
    pit_materials: tuple[str, ...]
    feed_methods: tuple[str, ...]


@dataclass(frozen=True)
class ItemFacts:
    """What the unit declared about one item (and, after inspection, what was measured)."""

    item_type: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    material: str = ""
    length_m: Decimal | None = None
    width_m: Decimal | None = None
    depth_m: Decimal | None = None
    started_on: date | None = None
    crop_year: int | None = None
    method: str = ""
    quantity: Decimal | None = None
    quantity_unit: str = ""
    model_name: str = ""
    serial_number: str = ""
    invoice_number: str = ""
    invoice_date: date | None = None


def _positive(value) -> bool:
    return value is not None and value > 0


def check_item(facts: ItemFacts, rules: SchemeRules, *, today: date) -> dict[str, list[str]]:
    """Field → messages for every check ``facts`` fails; empty when the item qualifies."""
    errors: dict[str, list[str]] = {}

    def fail(name: str, message) -> None:
        errors.setdefault(name, []).append(str(message))

    earliest = rules.earliest_work_date.isoformat()
    if facts.item_type == ItemType.PIT:
        if facts.latitude is None or not -90 <= facts.latitude <= 90:
            fail("latitude", _("Give the pit's latitude (−90 to 90)."))
        if facts.longitude is None or not -180 <= facts.longitude <= 180:
            fail("longitude", _("Give the pit's longitude (−180 to 180)."))
        if facts.material not in PitMaterial.values:
            fail("material", _("Choose the pit's material."))
        elif facts.material not in rules.pit_materials:
            fail("material", _("Only brick, stone or concrete pits qualify."))
        for name in ("length_m", "width_m", "depth_m"):
            if not _positive(getattr(facts, name)):
                fail(name, _("Give the pit's length, width and depth in metres."))
        if facts.started_on is None:
            fail("started_on", _("Give the day construction started."))
        elif facts.started_on < rules.earliest_work_date:
            fail(
                "started_on",
                _("Construction started before %(day)s; only pits begun on or after it qualify.")
                % {"day": earliest},
            )
        elif facts.started_on > today:
            fail("started_on", _("The day construction started is in the future."))
    elif facts.item_type == ItemType.FEED:
        if facts.crop_year is None:
            fail("crop_year", _("Give the crop year of the straw."))
        elif facts.crop_year != rules.crop_year:
            fail(
                "crop_year",
                _("Only straw of the %(year)s crop qualifies.") % {"year": rules.crop_year},
            )
        if facts.method not in FeedMethod.values:
            fail("method", _("Choose how the feed is stored or processed."))
        elif facts.method not in rules.feed_methods:
            fail("method", _("This storage method is not subsidised by the scheme."))
        if not _positive(facts.quantity):
            fail("quantity", _("Give the quantity of feed."))
        if facts.quantity_unit not in (RateUnit.TONNE, RateUnit.CUBIC_METRE):
            fail("quantity_unit", _("Feed is counted in tonnes or cubic metres."))
    elif facts.item_type == ItemType.MACHINE:
        if not facts.model_name.strip():
            fail("model_name", _("Give the machine's model."))
        if not facts.serial_number.strip():
            fail("serial_number", _("Give the machine's factory serial number."))
        if not facts.invoice_number.strip():
            fail("invoice_number", _("Give the invoice number."))
        if facts.invoice_date is None:
            fail("invoice_date", _("Give the invoice date."))
        elif facts.invoice_date < rules.earliest_work_date:
            fail(
                "invoice_date",
                _("Bought before %(day)s; only machines bought on or after it qualify.")
                % {"day": earliest},
            )
        elif facts.invoice_date > today:
            fail("invoice_date", _("The invoice date is in the future."))
    else:
        fail("item_type", _("Choose a pit, straw feed or a machine."))
    return errors


def distance_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in metres (haversine): enough for tens of metres apart."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class RateRow:
    """A row of the rate table as plain data (models.Rate)."""

    item_type: str
    unit: str
    rate: Decimal
    min_quantity: Decimal = ZERO
    cap_per_item: Decimal | None = None
    cap_per_applicant: Decimal | None = None
    tonnes_per_m3: Decimal = Decimal("0.700")


@dataclass(frozen=True)
class Measure:
    """What one item is paid on: its type, its natural quantity and that quantity's unit
    (a pit's measured m³, feed in t or m³, one machine)."""

    key: int
    item_type: str
    quantity: Decimal
    unit: str


@dataclass
class Amount:
    key: int
    quantity: Decimal = ZERO  # in the rate's unit
    amount: Decimal = ZERO
    reasons: list[str] = field(default_factory=list)


def pit_volume(length, width, depth) -> Decimal:
    """L × W × D in m³, to two decimals (half up)."""
    return (Decimal(length) * Decimal(width) * Decimal(depth)).quantize(CENT, ROUND_HALF_UP)


def _convert(quantity: Decimal, unit: str, rate: RateRow) -> Decimal | None:
    if unit == rate.unit:
        return quantity
    if unit == RateUnit.CUBIC_METRE and rate.unit == RateUnit.TONNE:
        return (quantity * rate.tonnes_per_m3).quantize(CENT, ROUND_HALF_UP)
    if unit == RateUnit.TONNE and rate.unit == RateUnit.CUBIC_METRE and rate.tonnes_per_m3 > 0:
        return (quantity / rate.tonnes_per_m3).quantize(CENT, ROUND_HALF_UP)
    return None


def compute_amounts(measures: Sequence[Measure], rates: Iterable[RateRow]) -> list[Amount]:
    """The amount of each of one applicant's items, in the order given.

    Per item: quantity in the rate's unit (m³ → t by the row's factor when the rate is per
    tonne), nothing below the minimum quantity, quantity × rate rounded to the fen, then the
    cap per item. Per applicant and item type: the cap is filled in the items' order, the
    item that crosses it gets what is left, later ones nothing."""
    table = {r.item_type: r for r in rates}
    left: dict[str, Decimal | None] = {k: r.cap_per_applicant for k, r in table.items()}
    out: list[Amount] = []
    for m in measures:
        result = Amount(key=m.key)
        out.append(result)
        rate = table.get(m.item_type)
        if rate is None:
            result.reasons.append(str(_("No rate is set for this item type.")))
            continue
        qty = _convert(m.quantity, m.unit, rate)
        if qty is None:
            result.reasons.append(str(_("The quantity's unit does not fit the rate.")))
            continue
        result.quantity = qty
        unit_label = str(RateUnit(rate.unit).label)
        if m.unit != rate.unit:
            result.reasons.append(
                str(_("%(q)s %(from)s converted at %(f)s t/m³: %(r)s %(to)s."))
                % {
                    "q": format_yuan(m.quantity),
                    "from": str(RateUnit(m.unit).label),
                    "f": rate.tonnes_per_m3,
                    "r": format_yuan(qty),
                    "to": unit_label,
                }
            )
        if qty < rate.min_quantity:
            result.reasons.append(
                str(_("%(q)s %(unit)s is below the minimum of %(min)s %(unit)s: nothing is paid."))
                % {"q": format_yuan(qty), "unit": unit_label, "min": format_yuan(rate.min_quantity)}
            )
            continue
        amount = (qty * rate.rate).quantize(CENT, ROUND_HALF_UP)
        result.reasons.append(
            str(_("%(q)s %(unit)s × %(rate)s yuan = %(amount)s yuan."))
            % {
                "q": format_yuan(qty),
                "unit": unit_label,
                "rate": format_yuan(rate.rate),
                "amount": format_yuan(amount),
            }
        )
        if rate.cap_per_item is not None and amount > rate.cap_per_item:
            amount = rate.cap_per_item
            result.reasons.append(
                str(_("Capped at %(cap)s yuan per item.")) % {"cap": format_yuan(amount)}
            )
        remaining = left.get(m.item_type)
        if remaining is not None:
            if amount > remaining:
                amount = remaining
                result.reasons.append(
                    str(_("The cap per applicant leaves %(left)s yuan for this item."))
                    % {"left": format_yuan(remaining)}
                )
            left[m.item_type] = remaining - amount
        result.amount = amount
    return out

"""After submission: the field inspection by two inspectors (the measured volume is what
is paid), the review signed by a named official (谁审批、谁签字、谁负责) with the computed
amount per item and per applicant, the disclosure (公示) and the objections that reopen the
review. The county's review requests are in ``county_requests.py``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import can
from yimen.audit.events import EventType
from yimen.workflow.calendar import end_of_day, local_date

from .. import transitions
from ..errors import BadInspection, NotAllowed, ReasonNeeded
from ..models import (
    Application,
    Claim,
    Finding,
    Item,
    ItemType,
    Objection,
    Rate,
    RateUnit,
    Scheme,
    Status,
)
from ..rules import Amount, Measure, RateRow, compute_amounts, pit_volume
from .common import audit, require

ZERO = Decimal("0")


@dataclass(frozen=True)
class Measurement:
    """What the inspectors found for one item."""

    item_id: int
    finding: str
    length_m: Decimal | None = None
    width_m: Decimal | None = None
    depth_m: Decimal | None = None
    quantity: Decimal | None = None
    note: str = ""


@transaction.atomic
def inspection_record(
    *,
    application: Application,
    actor,
    second_inspector,
    inspected_on: date,
    measurements: list[Measurement],
    note: str = "",
    now: datetime | None = None,
) -> Application:
    """Record the site visit of two inspectors: every item's finding, a pit's measured
    length × width × depth, feed's measured quantity. Both must be inspectors of the area."""
    now = now or timezone.now()
    application = Application.objects.select_for_update().get(pk=application.pk)
    role = require(actor, Action.SUBSIDY_INSPECT, application.division_id)
    if (
        second_inspector is None
        or second_inspector.pk == actor.pk
        or not can(second_inspector, Action.SUBSIDY_INSPECT, application.division_id)
    ):
        raise BadInspection(
            _("Two different inspectors of the area inspect together."),
            fields={"second_inspector": [str(_("Choose the second inspector."))]},
        )
    if inspected_on > local_date(now):
        raise BadInspection(
            _("The inspection day is in the future."),
            fields={"inspected_on": [str(_("The inspection day is in the future."))]},
        )
    items = {i.pk: i for i in application.items.all()}
    given = {m.item_id: m for m in measurements}
    errors: dict[str, list[str]] = {}
    for pk, item in items.items():
        m = given.get(pk)
        if m is None or m.finding not in Finding.values:
            errors.setdefault(f"item-{pk}", []).append(str(_("Give a finding for every item.")))
            continue
        if m.finding == Finding.NOT_FOUND:
            continue
        if item.item_type == ItemType.PIT and not all(
            v is not None and v > 0 for v in (m.length_m, m.width_m, m.depth_m)
        ):
            errors.setdefault(f"item-{pk}", []).append(
                str(_("Give the measured length, width and depth of the pit."))
            )
        if item.item_type == ItemType.FEED and not (m.quantity is not None and m.quantity > 0):
            errors.setdefault(f"item-{pk}", []).append(str(_("Give the measured quantity.")))
    if errors:
        raise BadInspection(_("The inspection is incomplete."), fields=errors)
    for pk, item in items.items():
        m = given[pk]
        item.finding = m.finding
        item.finding_note = m.note[:500]
        found = m.finding != Finding.NOT_FOUND
        item.measured_length_m = m.length_m if found else None
        item.measured_width_m = m.width_m if found else None
        item.measured_depth_m = m.depth_m if found else None
        item.measured_quantity = m.quantity if found else None
        item.save(
            update_fields=[
                "finding",
                "finding_note",
                "measured_length_m",
                "measured_width_m",
                "measured_depth_m",
                "measured_quantity",
            ]
        )
    transitions.move(
        application,
        Status.INSPECTED,
        inspected_on=inspected_on,
        inspector_1=actor,
        inspector_2=second_inspector,
        inspection_note=note[:5000],
    )
    audit(
        EventType.SUBSIDY_INSPECTED,
        application,
        actor=actor,
        role=role,
        division=application.division_id,
        new={
            "inspectors": [actor.get_full_name(), second_inspector.get_full_name()],
            "on": inspected_on,
            "findings": {str(pk): given[pk].finding for pk in items},
        },
    )
    return application


def rates_in_force(scheme: Scheme, on: date) -> dict[str, Rate]:
    """Each item type's latest rate row valid on ``on``."""
    found: dict[str, Rate] = {}
    for rate in Rate.objects.filter(scheme=scheme, valid_from__lte=on).order_by("valid_from"):
        found[rate.item_type] = rate
    return found


def measure_of(item: Item) -> Measure:
    """What an item is paid on: after the inspection the measured figures (a pit's measured
    volume, not the declared one), before it the declared ones (a preview)."""
    if item.finding == Finding.NOT_FOUND:
        natural = {ItemType.PIT: RateUnit.CUBIC_METRE, ItemType.MACHINE: RateUnit.MACHINE}
        unit = natural.get(item.item_type, item.quantity_unit or RateUnit.TONNE)  # type: ignore[call-overload]
        return Measure(item.pk, item.item_type, ZERO, unit)
    if item.item_type == ItemType.PIT:
        volume = item.measured_volume if item.finding else item.declared_volume
        dims = (
            (item.measured_length_m, item.measured_width_m, item.measured_depth_m)
            if item.finding
            else (item.length_m, item.width_m, item.depth_m)
        )
        qty = pit_volume(*dims) if volume is not None else ZERO
        return Measure(item.pk, item.item_type, qty, RateUnit.CUBIC_METRE)
    if item.item_type == ItemType.FEED:
        amount = item.measured_quantity if item.finding else item.quantity
        return Measure(
            item.pk, item.item_type, amount or ZERO, item.quantity_unit or RateUnit.TONNE
        )
    return Measure(item.pk, item.item_type, Decimal("1"), RateUnit.MACHINE)


def compute_for(application: Application, items: list[Item] | None = None) -> list[Amount]:
    """The amounts of the application's items from the rate table in force on the day it
    was submitted (or today for a draft)."""
    items = items if items is not None else list(application.items.order_by("pk"))
    on = local_date(application.submitted_at) if application.submitted_at else timezone.localdate()
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
        for r in rates_in_force(application.scheme, on).values()
    ]
    amounts = compute_amounts([measure_of(i) for i in items], rates)
    for item, amount in zip(items, amounts, strict=True):
        if item.finding == Finding.NOT_FOUND:
            amount.reasons.insert(0, str(_("Not found on site: nothing is paid.")))
    return amounts


def approved_quantities(items: list[Item]) -> dict:
    """What an approval covers, from the items found on site: the measured pit volume,
    feed in tonnes and in m³ (lots measured in m³ stay m³: the factor is a rate row's), and
    machines. Stored on the application for the programme's dashboard."""
    found = [i for i in items if i.finding and i.finding != Finding.NOT_FOUND]
    cents = Decimal("0.01")
    return {
        "approved_pit_m3": sum(
            (i.measured_volume or ZERO for i in found if i.item_type == ItemType.PIT), ZERO
        ).quantize(cents),
        "approved_feed_t": sum(
            (
                i.measured_quantity or ZERO
                for i in found
                if i.item_type == ItemType.FEED and i.quantity_unit != RateUnit.CUBIC_METRE
            ),
            ZERO,
        ).quantize(cents),
        "approved_feed_m3": sum(
            (
                i.measured_quantity or ZERO
                for i in found
                if i.item_type == ItemType.FEED and i.quantity_unit == RateUnit.CUBIC_METRE
            ),
            ZERO,
        ).quantize(cents),
        "approved_machines": sum(1 for i in found if i.item_type == ItemType.MACHINE),
    }


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise BadInspection(_("Amounts are numbers in yuan.")) from None
    if amount < 0 or amount >= Decimal("100000000"):
        raise BadInspection(_("Amounts are numbers in yuan."))
    return amount


@transaction.atomic
def application_decide(
    *,
    application: Application,
    actor,
    approve: bool,
    note: str = "",
    amounts: dict[int, Decimal] | None = None,
    reasons: dict[int, str] | None = None,
) -> Application:
    """The signed review: approve with the computed amount of each item (a departure needs
    its reason on the item) or refuse with the reason. The actor is the named signer."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    role = require(actor, Action.SUBSIDY_REVIEW, application.division_id)
    note = (note or "").strip()[:5000]
    amounts = amounts or {}
    reasons = reasons or {}
    items = list(application.items.order_by("pk"))
    computed = compute_for(application, items)
    if not approve:
        if not note:
            raise ReasonNeeded("note")
        for item, c in zip(items, computed, strict=True):
            item.computed_amount, item.approved_amount, item.explanation = c.amount, ZERO, c.reasons
            item.save(update_fields=["computed_amount", "approved_amount", "explanation"])
        transitions.move(
            application,
            Status.REFUSED,
            computed_amount=sum((c.amount for c in computed), ZERO),
            approved_amount=ZERO,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=note,
        )
        # a refused claim frees its machine's serial and invoice
        Claim.objects.filter(item__application=application).delete()
    else:
        departures: dict[str, list[str]] = {}
        for item, c in zip(items, computed, strict=True):
            given = amounts.get(item.pk)
            final = c.amount if given is None else _money(given)
            why = (reasons.get(item.pk) or "").strip()[:500]
            if final != c.amount and not why:
                departures[f"reason-{item.pk}"] = [
                    str(_("The amount departs from the computed one: give the reason."))
                ]
            item.computed_amount, item.approved_amount = c.amount, final
            item.explanation, item.departure_reason = c.reasons, why if final != c.amount else ""
        if departures:
            raise BadInspection(_("Give a reason for each departure."), fields=departures)
        for item in items:
            item.save(
                update_fields=[
                    "computed_amount",
                    "approved_amount",
                    "explanation",
                    "departure_reason",
                ]
            )
        transitions.move(
            application,
            Status.APPROVED,
            **approved_quantities(items),
            computed_amount=sum((c.amount for c in computed), ZERO),
            approved_amount=sum((i.approved_amount or ZERO for i in items), ZERO),
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=note,
        )
    audit(
        EventType.SUBSIDY_DECIDED,
        application,
        actor=actor,
        role=role,
        division=application.division_id,
        new={
            "status": application.status,
            "computed": application.computed_amount,
            "approved": application.approved_amount,
            "departures": {str(i.pk): i.departure_reason for i in items if i.departure_reason},
        },
        reason=note,
        signer=actor,
    )
    return application


@transaction.atomic
def disclosure_publish(*, scheme: Scheme, actor, now: datetime | None = None) -> int:
    """Publish every approved application of the scheme in the actor's area for the
    scheme's disclosure period (to the end of the last day, Beijing time)."""
    now = now or timezone.now()
    role = require(actor, Action.SUBSIDY_REVIEW, scheme.division_id)
    ends = end_of_day(local_date(now) + timedelta(days=scheme.disclosure_days))
    count = 0
    for application in Application.objects.filter(scheme=scheme, status=Status.APPROVED):
        transitions.move(application, Status.DISCLOSED, disclosed_at=now, disclosure_ends=ends)
        count += 1
    audit(
        EventType.SUBSIDY_DISCLOSED,
        scheme,
        actor=actor,
        role=role,
        division=scheme.division_id,
        new={"applications": count, "ends": ends},
    )
    return count


@transaction.atomic
def objection_lodge(
    *, application: Application, name: str, contact: str, text: str, now: datetime | None = None
) -> Objection:
    """Anyone may object during the disclosure; the application goes back to review."""
    now = now or timezone.now()
    application = Application.objects.select_for_update().get(pk=application.pk)
    name, contact, text = name.strip()[:50], contact.strip()[:60], text.strip()[:5000]
    fields = {
        k: [str(_("This field is required."))]
        for k, v in (("name", name), ("contact", contact), ("text", text))
        if not v
    }
    if fields:
        raise BadInspection(_("Give your name, a contact and the objection."), fields=fields)
    if (
        application.status != Status.DISCLOSED
        or application.disclosure_ends is None
        or now > application.disclosure_ends
    ):
        raise NotAllowed()
    objection = Objection.objects.create(
        application=application, name=name, contact=contact, text=text
    )
    transitions.move(application, Status.INSPECTED, disclosed_at=None, disclosure_ends=None)
    audit(
        EventType.SUBSIDY_OBJECTION,
        application,
        actor=None,
        role="",
        division=application.division_id,
        old={"status": Status.DISCLOSED},
        new={"status": Status.INSPECTED, "objection": objection.pk},
        reason=text,
    )
    return objection

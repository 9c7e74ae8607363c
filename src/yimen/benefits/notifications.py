"""What the roster tells a household through ``yimen.notify``: the month's payment issued,
a payment the bank sent back (with what to do about it), and its periodic review falling
due (told by the daily ``yimen notify_due`` when the division's lead time opens)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from yimen.audit.events import EventType
from yimen.money import format_yuan
from yimen.notify.rules import Delivery, Due, NoticeRule

from .models import (
    Beneficiary,
    BeneficiaryStatus,
    PaymentLine,
    PaymentReturn,
    ReturnReason,
    ReviewOutcome,
)
from .services.policy import policy_for
from .services.roster import SUBJECT

#: the longest lead time a division may set (``ReviewPolicy.lead_days``) that we look for
_LEAD_HORIZON = 366


def payment_issued(event) -> list[Delivery]:
    """One notice per household on the roll: its total for the month and the last four
    digits of the account it goes to."""
    lines = PaymentLine.objects.filter(roll_id=event.subject_id).select_related(
        "roll", "beneficiary__application__applicant"
    )
    totals: dict[int, Decimal] = defaultdict(Decimal)
    first: dict[int, PaymentLine] = {}
    for line in lines:
        totals[line.beneficiary_id] += line.amount
        first.setdefault(line.beneficiary_id, line)
    deliveries = []
    for beneficiary_id, line in first.items():
        application = line.beneficiary.application
        deliveries.append(
            Delivery(
                user=application.applicant,
                phone=application.phone,
                params={
                    "name": line.payee_name,
                    "month": f"{line.roll.month.year}年{line.roll.month.month}月",
                    "amount": format_yuan(totals[beneficiary_id]),
                    "bank": line.bank_name,
                    "tail": line.account_number[-4:],
                },
                link=reverse("assistance:mine") if application.applicant_id else "",
            )
        )
    return deliveries


def payment_returned(event) -> list[Delivery]:
    """The household whose transfer came back: the month, the amount, the bank's reason
    and the account's last four digits, so it knows which account to put right."""
    new = event.new or {}
    found = (
        PaymentReturn.objects.filter(pk=new.get("return"))
        .select_related("roll", "beneficiary__application__applicant")
        .first()
    )
    if found is None:
        return []
    application = found.beneficiary.application
    return [
        Delivery(
            user=application.applicant,
            phone=application.phone,
            params={
                "name": found.payee_name,
                "month": f"{found.roll.month.year}年{found.roll.month.month}月",
                "amount": format_yuan(found.amount),
                "reason": ReturnReason(found.reason).label,
                "tail": found.account_number[-4:],
            },
            link=reverse("assistance:mine") if application.applicant_id else "",
        )
    ]


def reviews_due(on: date) -> Iterator[Due]:
    """Households not stopped whose review is due within their division's lead time
    (``ReviewPolicy.lead_days``, the days before the due date the review is opened)."""
    lead: dict[str, int] = {}
    households = (
        Beneficiary.objects.exclude(status=BeneficiaryStatus.STOPPED)
        .filter(next_review_on__gte=on, next_review_on__lte=on + timedelta(days=_LEAD_HORIZON))
        .values_list("pk", "division_id", "next_review_on")
    )
    for pk, division, due_on in households.iterator(chunk_size=2000):
        if division not in lead:
            lead[division] = policy_for(division, on).lead_days
        if due_on - timedelta(days=lead[division]) <= on:
            yield Due(SUBJECT, str(pk), due_on)


def _to_household(beneficiary_id: str, **params) -> list[Delivery]:
    found = (
        Beneficiary.objects.filter(pk=beneficiary_id)
        .select_related("application__applicant")
        .first()
    )
    if found is None:
        return []
    application = found.application
    return [
        Delivery(
            user=application.applicant,
            phone=application.phone,
            params={"name": found.head_name, **params},
            link=reverse("assistance:mine") if application.applicant_id else "",
        )
    ]


def review_decided(event) -> list[Delivery]:
    """The review's signed outcome and the month it takes effect (a stop or a suspension is
    a decision served on the household: not optional)."""
    new = event.new or {}
    with override("zh-hans"):
        outcome = str(ReviewOutcome(new["outcome"]).label)
    month = date.fromisoformat(str(new["from"])[:10])
    return _to_household(
        event.subject_id,
        outcome=outcome,
        month=f"{month.year}年{month.month}月",
        reason=event.reason,
    )


def review_due(event) -> list[Delivery]:
    """The household whose periodic review falls due: to its applicant's inbox and phone."""
    due_on = date.fromisoformat((event.new or {})["due"])
    return _to_household(event.subject_id, due=f"{due_on:%Y-%m-%d}")


RULES = [
    NoticeRule(
        kind="benefits.paid",
        event_type=EventType.ROLL_ISSUED,
        label=_("Payment issued"),
        title=_("Payment issued"),
        text=_(
            "The assistance of %(month)s for %(name)s, %(amount)s yuan, was issued to the "
            "%(bank)s account ending %(tail)s."
        ),
        deliveries=payment_issued,
    ),
    NoticeRule(
        kind="benefits.returned",
        event_type=EventType.PAYMENT_RETURNED,
        label=_("Payment returned by the bank"),
        title=_("Payment returned by the bank"),
        text=_(
            "The assistance of %(month)s for %(name)s, %(amount)s yuan, was returned by the "
            "bank (%(reason)s, account ending %(tail)s). Please bring a valid bank card or "
            "passbook to your township (street) office; the amount is paid again after the "
            "account is corrected."
        ),
        deliveries=payment_returned,
    ),
    NoticeRule(
        kind="benefits.review_due",
        event_type=EventType.NOTICE_DUE,
        label=_("Periodic review due"),
        title=_("Periodic review due"),
        text=_(
            "The periodic review of the assistance for the household of %(name)s is due "
            "by %(due)s. The township (street) office will check the household's income, "
            "property and members; please tell it of any change and keep the papers ready."
        ),
        deliveries=review_due,
        due=reviews_due,
    ),
    NoticeRule(
        kind="benefits.review_decided",
        event_type=EventType.REVIEW_DECIDED,
        label=_("Review decided"),
        title=_("Review decided"),
        text=_(
            "The review of the assistance for the household of %(name)s was decided: "
            "%(outcome)s, from %(month)s (%(reason)s). The written notice says how to ask "
            "for a re-examination."
        ),
        deliveries=review_decided,
        optional=False,
    ),
]

"""What the roster tells a household through ``yimen.notify``: the month's payment issued,
and a payment the bank sent back (with what to do about it)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yimen.audit.events import EventType
from yimen.money import format_yuan
from yimen.notify.rules import Delivery, NoticeRule

from .models import PaymentLine, PaymentReturn, ReturnReason


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
]

"""What the subsidy tells a unit through ``yimen.notify``: a card payment the bank sent
back, with what to do about it (the unit's own account in its inbox, its phone by SMS)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yimen.audit.events import EventType
from yimen.benefits.models import ReturnReason
from yimen.money import format_yuan
from yimen.notify.rules import Delivery, NoticeRule

from .models import PaymentReturn


def payment_returned(event) -> list[Delivery]:
    """The unit whose subsidy came back: the scheme, the amount, the bank's reason and the
    card's last four digits, so it knows which card to put right."""
    new = event.new or {}
    found = (
        PaymentReturn.objects.filter(pk=new.get("return"))
        .select_related("application__unit__account", "application__scheme")
        .first()
    )
    if found is None:
        return []
    unit = found.application.unit
    return [
        Delivery(
            user=unit.account,
            phone=unit.phone,
            params={
                "name": unit.name,
                "scheme": found.application.scheme.name,
                "amount": format_yuan(found.amount),
                "reason": ReturnReason(found.reason).label,
                "tail": found.account_number[-4:],
            },
            link=reverse("subsidy:mine") if unit.account_id else "",
        )
    ]


RULES = [
    NoticeRule(
        kind="subsidy.returned",
        event_type=EventType.SUBSIDY_PAYMENT_RETURNED,
        label=_("Subsidy payment returned by the bank"),
        title=_("Subsidy payment returned by the bank"),
        text=_(
            "The %(scheme)s subsidy for %(name)s, %(amount)s yuan, was returned by the bank "
            "(%(reason)s, card ending %(tail)s). Please bring a valid farm-subsidy card to the "
            "livestock bureau; the amount is paid again after the card is corrected."
        ),
        deliveries=payment_returned,
    ),
]

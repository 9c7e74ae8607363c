"""What an insurance transfer tells its applicant through ``yimen.notify``: completed, or
refused with the reasons (the incoming side, where the applicant asked)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yimen.audit.events import EventType
from yimen.notify.rules import Delivery, NoticeRule

from .models import Transfer


def _to_applicant(event, **params) -> list[Delivery]:
    transfer = Transfer.objects.filter(pk=event.subject_id).first()
    if transfer is None or (transfer.applicant_user_id is None and not transfer.phone):
        return []
    return [
        Delivery(
            user=transfer.applicant_user,
            phone=transfer.phone,
            params={"name": transfer.name, "number": transfer.transfer_id, **params},
            link=reverse("medins:mine") if transfer.applicant_user_id else "",
        )
    ]


def completed(event) -> list[Delivery]:
    return _to_applicant(event)


def refused(event) -> list[Delivery]:
    reasons = (event.new or {}).get("reasons") or event.reason or ""
    if isinstance(reasons, list):  # [{"code", "zh", "en"}], as the other node sent them
        reasons = "；".join(
            str(r.get("zh") or r.get("en") or r.get("code")) if isinstance(r, dict) else str(r)
            for r in reasons
        )
    return _to_applicant(event, reasons=reasons)


RULES = [
    NoticeRule(
        kind="medins.transferred_in",
        event_type=EventType.MEDINS_TRANSFERRED_IN,
        label=_("Insurance transfer completed"),
        title=_("Insurance transfer completed"),
        text=_(
            "The medical insurance of %(name)s has been transferred in (transfer "
            "%(number)s); the account balance and insured months are merged."
        ),
        deliveries=completed,
    ),
    NoticeRule(
        kind="medins.transfer_refused",
        event_type=EventType.MEDINS_TRANSFER_REFUSED,
        label=_("Insurance transfer refused"),
        title=_("Insurance transfer refused"),
        text=_("The insurance transfer %(number)s of %(name)s was refused: %(reasons)s."),
        deliveries=refused,
        optional=False,
    ),
]

"""What a filing for care away from home tells the insured person through ``yimen.notify``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yimen.audit.events import EventType
from yimen.notify.rules import Delivery, NoticeRule

from .models import Filing, PersonLink


def filed(event) -> list[Delivery]:
    filing = Filing.objects.select_related("person", "destination").filter(pk=event.subject_id)
    filing = filing.first()
    if filing is None:
        return []
    link = PersonLink.objects.select_related("user").filter(person=filing.person).first()
    user = link.user if link else None
    if user is None and not filing.phone:
        return []
    return [
        Delivery(
            user=user,
            phone=filing.phone,
            params={
                "name": filing.person.name,
                "destination": filing.destination.name,
                "start": filing.begin_date,
            },
            link=reverse("settlement:my_filings") if user else "",
        )
    ]


RULES = [
    NoticeRule(
        kind="settlement.filed",
        event_type=EventType.SETTLEMENT_FILED,
        label=_("Filing recorded"),
        title=_("Filing recorded"),
        text=_(
            "The filing of %(name)s for care in %(destination)s is recorded from "
            "%(start)s; settle directly at designated hospitals there."
        ),
        deliveries=filed,
    ),
]

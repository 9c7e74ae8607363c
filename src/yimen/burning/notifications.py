"""What straw-burning supervision tells whom through ``yimen.notify``: a fire dispatched
(to the grid's responsible person and grid head of the day, by text and inbox, and to the
township's duty staff) and a case escalated (to the people answering at the level it
reached). Both are urgent — a fire does not wait for the end of quiet hours — and not
optional: the dispatch is the duty itself. The dispatcher reads the audit events the
services write; nothing here is called by them."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.models import User
from yimen.accounts.roles import Action
from yimen.audit.events import EventType
from yimen.notify.rules import Delivery, NoticeRule

from .models import AssignmentKind, CaseStatus, FireCase, Unit
from .services.common import answerable, duty_staff


def _case(event) -> FireCase | None:
    return (
        FireCase.objects.select_related("unit", "responsible", "grid_head")
        .filter(pk=event.subject_id)
        .first()
    )


def _deliveries(case: FireCase, unit: Unit, people: list[tuple[User, str]], **params):
    link = reverse("burning:case_detail", args=[case.pk])
    seen, found = set(), []
    for user, phone in people:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        found.append(
            Delivery(
                user=user,
                phone=phone or user.phone,
                params={"number": case.number, "unit": unit.label, **params},
                link=link,
            )
        )
    return found


def _answering(unit: Unit, day) -> list[tuple[User, str]]:
    """The responsible person and grid head of ``unit`` on ``day`` with the phone given
    on their assignment."""
    found = answerable(unit, day)
    return [
        (found[kind].person, found[kind].phone)
        for kind in (AssignmentKind.RESPONSIBLE, AssignmentKind.GRID_HEAD)
        if kind in found
    ]


def dispatched(event) -> list[Delivery]:
    case = _case(event)
    if case is None or case.status == CaseStatus.PERMITTED or case.arrive_due_at is None:
        return []
    day = timezone.localtime(case.first_detected_at).date()
    people = _answering(case.unit, day)
    if case.township_code:
        staff = duty_staff(case.township_code.ljust(12, "0"), Action.BURNING_CLOSE)
        people += [(user, "") for user in User.objects.filter(pk__in=staff)]
    due = timezone.localtime(case.arrive_due_at).strftime("%H:%M")
    return _deliveries(case, case.unit, people, due=due)


def escalated(event) -> list[Delivery]:
    case = _case(event)
    code = (event.new or {}).get("unit", "")
    unit = Unit.objects.filter(code=code).first()
    if case is None or unit is None:
        return []
    day = timezone.localtime(case.first_detected_at).date()
    return _deliveries(case, unit, _answering(unit, day))


RULES = [
    NoticeRule(
        kind="burning.dispatched",
        event_type=EventType.BURNING_CASE_OPENED,
        label=_("Fire point dispatched"),
        title=_("New fire point"),
        text=_("New fire point %(number)s in %(unit)s: be on site by %(due)s."),
        deliveries=dispatched,
        optional=False,
        urgent=True,
    ),
    NoticeRule(
        kind="burning.escalated",
        event_type=EventType.BURNING_ESCALATED,
        label=_("Fire case escalated"),
        title=_("Overdue fire case"),
        text=_("Fire case %(number)s is overdue and now before %(unit)s."),
        deliveries=escalated,
        optional=False,
        urgent=True,
    ),
]

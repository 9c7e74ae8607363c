"""What assistance tells the applicant, through the one channel of ``yimen.notify``:
the application received (with its receipt code), missing materials, the decision."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from yimen.audit.events import EventType
from yimen.notify.rules import Delivery, NoticeRule
from yimen.workflow.models import CASE_SUBJECT

from .models import Application

_MINE = "assistance:mine"


def _application_of(event) -> Application | None:
    """The application an event is about (by the application or by its case)."""
    query = Application.objects.select_related("applicant").prefetch_related("members")
    if event.subject_type == "assistance.application":
        return query.filter(pk=event.subject_id).first()
    if event.subject_type == CASE_SUBJECT:
        return query.filter(case_id=event.subject_id).first()
    return None


def _to_applicant(application: Application | None, **params) -> list[Delivery]:
    if application is None:
        return []
    with override("zh-hans"):
        kind = str(application.get_assistance_type_display())
    return [
        Delivery(
            user=application.applicant,
            phone=application.phone,
            params={"name": application.head_name, "kind": kind, **params},
            link=reverse(_MINE) if application.applicant_id else "",
        )
    ]


def received(event) -> list[Delivery]:
    application = _application_of(event)
    if application is None:
        return []
    return _to_applicant(
        application,
        receipt=application.receipt_code,
        case=(event.new or {}).get("case", ""),
    )


def missing(event) -> list[Delivery]:
    items = "、".join(str(item) for item in (event.new or {}).get("items", []))
    return _to_applicant(_application_of(event), items=items)


def _decided(outcome: str):
    def deliveries(event) -> list[Delivery]:
        old, new = event.old or {}, event.new or {}
        if old.get("step") != "decide" or new.get("outcome") != outcome:
            return []
        return _to_applicant(_application_of(event), reason=event.reason)

    return deliveries


RULES = [
    NoticeRule(
        kind="assistance.received",
        event_type=EventType.APPLICATION_SUBMITTED,
        label=_("Application received"),
        title=_("Application received"),
        text=_(
            "Your application for %(kind)s (household of %(name)s) was received; "
            "receipt code %(receipt)s, case %(case)s."
        ),
        deliveries=received,
    ),
    NoticeRule(
        kind="assistance.missing",
        event_type=EventType.MISSING_ITEMS_NOTIFIED,
        label=_("Materials missing"),
        title=_("Materials missing"),
        text=_(
            "Your application for %(kind)s (household of %(name)s) lacks: %(items)s. "
            "Please bring them to the township office."
        ),
        deliveries=missing,
        optional=False,
    ),
    NoticeRule(
        kind="assistance.approved",
        event_type=EventType.TASK_COMPLETED,
        label=_("Application approved"),
        title=_("Application approved"),
        text=_(
            "The township approved %(kind)s for the household of %(name)s; the decision "
            "is now disclosed publicly in the village for 7 days, and you may see it "
            "under My applications."
        ),
        deliveries=_decided("approved"),
        optional=False,
    ),
    NoticeRule(
        kind="assistance.refused",
        event_type=EventType.TASK_COMPLETED,
        label=_("Application refused"),
        title=_("Application refused"),
        text=_(
            "The township did not approve %(kind)s for the household of %(name)s: "
            "%(reason)s. The written notice gives the reasons and how to ask for a review."
        ),
        deliveries=_decided("refused"),
        optional=False,
    ),
]

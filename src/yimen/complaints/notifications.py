"""What complaints tell whom, through the one channel of ``yimen.notify``.

The reporter learns that the report was received and when it was answered — in the
inbox of the account they reported from and by text message to the phone they gave, in
words that name neither the report's subject nor its receipt code (a text message log is
read by administrators). The handlers of the division a report is routed to find it in
their inbox. The applicant hears of the re-examination they asked for, and of its new
decision. The deliveries read the report row; the audit event carries no identity."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yimen.accounts.models import RoleBinding, User
from yimen.accounts.roles import Role
from yimen.assistance.models import Application
from yimen.audit.events import EventType
from yimen.notify.rules import Delivery, NoticeRule
from yimen.workflow.calendar import local_date
from yimen.workflow.models import CASE_SUBJECT

from .models import ReexamOutcome, Report


def _report(event) -> Report | None:
    if event.subject_type != "complaints.report":
        return None
    return Report.objects.filter(pk=event.subject_id).select_related("reporter").first()


def _to_reporter(report: Report | None) -> list[Delivery]:
    if report is None or not (report.reporter_id or report.reporter_phone):
        return []
    return [
        Delivery(
            user=report.reporter,
            phone=report.reporter_phone,
            params={"day": f"{local_date(report.received_at):%Y-%m-%d}"},
            link=reverse("complaints:follow"),
        )
    ]


def received(event) -> list[Delivery]:
    return _to_reporter(_report(event))


def answered(event) -> list[Delivery]:
    return _to_reporter(_report(event))


def to_handlers(event) -> list[Delivery]:
    report = _report(event)
    if report is None:
        return []
    handlers = User.objects.filter(
        is_active=True,
        pk__in=RoleBinding.objects.filter(
            role=Role.COMPLAINT_HANDLER, division_id=report.routed_to_id, active=True
        ).values("user_id"),
    )
    params = {"number": report.number, "due": f"{report.due_on:%Y-%m-%d}"}
    link = reverse("complaints:report", args=[report.pk])
    return [Delivery(user=user, params=params, link=link) for user in handlers]


def _application(event) -> Application | None:
    if event.subject_type != CASE_SUBJECT:
        return None
    return Application.objects.filter(case_id=event.subject_id).select_related("applicant").first()


def _to_applicant(event, **params) -> list[Delivery]:
    application = _application(event)
    if application is None or not (application.applicant_id or application.phone):
        return []
    new = event.new or {}
    return [
        Delivery(
            user=application.applicant,
            phone=application.phone,
            params={"number": new.get("reexamination", ""), **params},
            link=reverse("complaints:mine") if application.applicant_id else "",
        )
    ]


def reexam_received(event) -> list[Delivery]:
    return _to_applicant(event)


def reexam_decided(event) -> list[Delivery]:
    outcome = (event.new or {}).get("outcome", "")
    if outcome not in ReexamOutcome.values:
        return []
    # the text is rendered in the recipient's language when read; the label travels lazily
    return _to_applicant(event, outcome=ReexamOutcome(outcome).label)


RULES = [
    NoticeRule(
        kind="complaints.received",
        event_type=EventType.COMPLAINT_RECEIVED,
        label=_("Report received"),
        title=_("Report received"),
        text=_(
            "Your report of %(day)s was received and passed to the office that answers it. "
            "Follow it with your receipt code."
        ),
        deliveries=received,
    ),
    NoticeRule(
        kind="complaints.new",
        event_type=EventType.COMPLAINT_RECEIVED,
        label=_("New report to handle"),
        title=_("New report to handle"),
        text=_("Report %(number)s is waiting for a handler; answer it by %(due)s."),
        deliveries=to_handlers,
    ),
    NoticeRule(
        kind="complaints.answered",
        event_type=EventType.COMPLAINT_ANSWERED,
        label=_("Report answered"),
        title=_("Report answered"),
        text=_(
            "Your report of %(day)s has been answered. Read the answer with your receipt "
            "code on the follow-up page."
        ),
        deliveries=answered,
        optional=False,
    ),
    NoticeRule(
        kind="complaints.reexam_received",
        event_type=EventType.REEXAM_REQUESTED,
        label=_("Re-examination asked for"),
        title=_("Re-examination asked for"),
        text=_(
            "Your request for a re-examination (%(number)s) was received; an approver who "
            "did not sign the decision will decide it."
        ),
        deliveries=reexam_received,
    ),
    NoticeRule(
        kind="complaints.reexam_decided",
        event_type=EventType.REEXAM_DECIDED,
        label=_("Re-examination decided"),
        title=_("Re-examination decided"),
        text=_("Re-examination %(number)s is decided: %(outcome)s. The written decision follows."),
        deliveries=reexam_decided,
        optional=False,
    ),
]

"""What the exams tell the candidate through ``yimen.notify``: the theory result and the
certificate issued (candidates sign in; the inbox is their channel)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from yimen.audit.events import EventType
from yimen.notify.rules import Delivery, NoticeRule

from . import rules
from .models import Certificate, Paper


def _to_candidate(candidate, category, **params) -> list[Delivery]:
    if candidate.user_id is None:
        return []
    with override("zh-hans"):
        name = str(category.name)
    return [
        Delivery(
            user=candidate.user,
            params={"category": name, **params},
            link=reverse("exams:mine"),
        )
    ]


def result(event) -> list[Delivery]:
    paper = (
        Paper.objects.select_related("application__candidate__user", "application__category")
        .filter(pk=event.subject_id)
        .first()
    )
    if paper is None or paper.score is None:
        return []
    with override("zh-hans"):
        verdict = str(_("passed") if rules.passed(paper.score) else _("not passed"))
    application = paper.application
    return _to_candidate(
        application.candidate, application.category, score=paper.score, verdict=verdict
    )


def issued(event) -> list[Delivery]:
    certificate = (
        Certificate.objects.select_related("candidate__user", "application__category")
        .filter(pk=event.subject_id)
        .first()
    )
    if certificate is None:
        return []
    return _to_candidate(
        certificate.candidate,
        certificate.application.category,
        number=certificate.number,
        review=certificate.review_due_on or "",
    )


RULES = [
    NoticeRule(
        kind="exams.result",
        event_type=EventType.EXAM_SUBMITTED,
        label=_("Exam result"),
        title=_("Exam result"),
        text=_("Your theory exam for %(category)s: %(score)s points, %(verdict)s."),
        deliveries=result,
    ),
    NoticeRule(
        kind="exams.certificate",
        event_type=EventType.EXAM_CERTIFICATE_ISSUED,
        label=_("Certificate issued"),
        title=_("Certificate issued"),
        text=_(
            "Your certificate for %(category)s was issued, number %(number)s; "
            "review due by %(review)s."
        ),
        deliveries=issued,
    ),
]

"""What the exams tell the candidate through ``yimen.notify``: the theory result, the
certificate issued, and its review (复审) window opening — 60 days before the due date
(T30 Art 22), told by the daily ``yimen notify_due`` (candidates sign in; the inbox is
their channel)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from yimen.audit.events import EventType
from yimen.notify.rules import Delivery, Due, NoticeRule

from . import rules
from .models import Certificate, CertificateStatus, Paper

_CERTIFICATE = "exams.certificate"


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


def _certificate(event) -> Certificate | None:
    return (
        Certificate.objects.select_related("candidate__user", "application__category")
        .filter(pk=event.subject_id)
        .first()
    )


def issued(event) -> list[Delivery]:
    certificate = _certificate(event)
    if certificate is None:
        return []
    return _to_candidate(
        certificate.candidate,
        certificate.application.category,
        number=certificate.number,
        review=certificate.review_due_on or "",
    )


def reviews_due(on: date) -> Iterator[Due]:
    """Valid certificates of holders with an account whose review window is open on ``on``
    and who have not applied for the review yet."""
    due = Certificate.objects.filter(
        status=CertificateStatus.VALID,
        review_due_on__gte=on,
        review_due_on__lte=on + timedelta(days=rules.REVIEW_WINDOW_DAYS),
        review_requested_on__isnull=True,
        candidate__user__isnull=False,
    ).values_list("pk", "review_due_on")
    for pk, due_on in due.iterator(chunk_size=2000):
        yield Due(_CERTIFICATE, str(pk), due_on)


def review_due(event) -> list[Delivery]:
    certificate = _certificate(event)
    if certificate is None:
        return []
    due_on = date.fromisoformat((event.new or {})["due"])
    return _to_candidate(
        certificate.candidate,
        certificate.application.category,
        number=certificate.number,
        due=f"{due_on:%Y-%m-%d}",
        hours=rules.REVIEW_TRAINING_HOURS,
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
    NoticeRule(
        kind="exams.review_due",
        event_type=EventType.NOTICE_DUE,
        label=_("Certificate due for review"),
        title=_("Certificate due for review"),
        text=_(
            "Your certificate for %(category)s, number %(number)s, is due for review by "
            "%(due)s. The review window is open: after %(hours)s hours of review training, "
            "apply for the review under My exams."
        ),
        deliveries=review_due,
        due=reviews_due,
    ),
]

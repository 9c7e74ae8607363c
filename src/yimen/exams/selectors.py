"""Scoped reads of the exams (fail closed): staff see the subtree of their binding,
employers their own staff, candidates themselves; anything else is "not found"."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, division_q

from .errors import NotInScope
from .models import Application, Candidate, Certificate, Employer, ExamSession, Paper


def is_staff(user) -> bool:
    return bool(bindings_for(user, Action.EXAM_VIEW))


def employers_of(user) -> QuerySet[Employer]:
    if not bindings_for(user, Action.EXAM_ENROL):
        return Employer.objects.none()
    return Employer.objects.filter(contact=user).filter(
        division_q(user, Action.EXAM_ENROL, "division__code")
    )


def employers_administered(user) -> QuerySet[Employer]:
    return Employer.objects.filter(
        division_q(user, Action.EXAM_ADMINISTER, "division__code")
    ).order_by("name")


def candidates_visible_to(user) -> QuerySet[Candidate]:
    q = division_q(user, Action.EXAM_VIEW, "division__code")
    if bindings_for(user, Action.EXAM_ENROL):
        q |= Q(employer__in=employers_of(user))
    if bindings_for(user, Action.EXAM_SIT):
        q |= Q(user=user)
    return Candidate.objects.filter(q)


def candidate_of(user) -> Candidate | None:
    if not bindings_for(user, Action.EXAM_SIT):
        return None
    return Candidate.objects.filter(user=user).first()


def access_candidate(user, pk: int) -> Candidate:
    found = candidates_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotInScope()
    return found


def applications_visible_to(user) -> QuerySet[Application]:
    return Application.objects.filter(
        Q(division_q(user, Action.EXAM_VIEW, "division__code"))
        | Q(candidate__in=candidates_visible_to(user))
    )


def access_application(user, pk: int, action: Action = Action.EXAM_VIEW) -> Application:
    found = Application.objects.filter(division_q(user, action, "division__code"), pk=pk).first()
    if found is None:
        raise NotInScope()
    return found


def sessions_visible_to(user) -> QuerySet[ExamSession]:
    return ExamSession.objects.filter(division_q(user, Action.EXAM_VIEW, "division__code"))


def access_session(user, pk: int) -> ExamSession:
    found = sessions_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotInScope()
    return found


def access_paper(user, pk: int, action: Action = Action.EXAM_INVIGILATE) -> Paper:
    found = (
        Paper.objects.filter(division_q(user, action, "session__division__code"), pk=pk)
        .select_related("session", "application__candidate")
        .first()
    )
    if found is None:
        raise NotInScope()
    return found


def certificates_visible_to(user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(
        Q(division_q(user, Action.EXAM_VIEW, "division__code"))
        | Q(candidate__in=candidates_visible_to(user))
    )


def access_certificate(user, pk: int) -> Certificate:
    found = certificates_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotInScope()
    return found


def certificates_in_review_window(user, on):
    """Valid (or review-refused) certificates of the user's area whose review window is
    open on ``on``: due within the next 60 days (T30 Art 22)."""
    from datetime import timedelta

    from .rules import REVIEW_WINDOW_DAYS

    return certificates_visible_to(user).filter(
        status__in=["valid", "review_refused"],
        review_due_on__gte=on,
        review_due_on__lte=on + timedelta(days=REVIEW_WINDOW_DAYS),
    )

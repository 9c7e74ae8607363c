"""Scoped reads of applications: the only doors assistance pages and API use."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yimen.accounts.roles import Action
from yimen.accounts.scoping import division_q

from .errors import ApplicationNotFound
from .models import Application


def applications_visible_to(user) -> QuerySet[Application]:
    """Applications in the user's case-reading area, drafts filed by the user, and the
    user's own applications."""
    q = division_q(user, Action.CASE_VIEW) | division_q(user, Action.CASE_REPORT)
    if getattr(user, "is_authenticated", False):
        q |= Q(applicant=user)
    return Application.objects.filter(q).select_related("division", "case")


def access_application_by_id(user, application_id) -> Application:
    try:
        pk = int(application_id)
    except (TypeError, ValueError):
        raise ApplicationNotFound() from None
    application = applications_visible_to(user).filter(pk=pk).first()
    if application is None:
        raise ApplicationNotFound()
    return application


def applications_of_applicant(user, *, limit: int = 50) -> list[Application]:
    """The user's own applications (filed as the applicant), newest first, with their case;
    none for anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Application.objects.filter(applicant=user)
        .select_related("case", "division", "decision")
        .order_by("-created_at", "-pk")[:limit]
    )

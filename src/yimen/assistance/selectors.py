"""Scoped reads of applications: the only doors assistance pages and API use."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yimen.accounts.roles import Action
from yimen.accounts.scoping import division_q

from .errors import ApplicationNotFound
from .models import Application, Member, SelfCareChange


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


def case_ids_matching(text: str, *, assistance_type: str = "") -> QuerySet:
    """Ids of the cases whose household matches ``text``, as caseworkers type it: an ID
    number (whole: it is encrypted and found by its blind index, issue 23), pinyin
    initials (zjm for 张建明, the head's) or a member's name (or part of it); optionally
    only those applying for ``assistance_type``.
    A subquery for a scoped case list: it reads no scope of its own."""
    applications = Application.objects.exclude(case=None)
    text = "".join(text.split())
    if text:
        if text.isascii() and text.isalpha():
            applications = applications.filter(head_initials__startswith=text.lower())
        elif text[:1].isdigit():
            applications = applications.filter(members__id_number=text)
        else:
            applications = applications.filter(members__name__contains=text)
    if assistance_type:
        applications = applications.filter(assistance_type=assistance_type)
    return applications.values("case_id")


def case_heads(case_ids: list[int]) -> QuerySet:
    """(case id, head's name, head's ID number, assistance type) of the households behind
    ``case_ids``: the generic case list's rows (workflow/case_facts.py)."""
    return Member.objects.filter(
        application__case_id__in=case_ids, relationship="head"
    ).values_list("application__case_id", "name", "id_number", "application__assistance_type")


def reassessments_open(user, *, application: Application | None = None) -> QuerySet:
    """Reported changes of self-care still awaiting their re-assessment [TK2021 Art.23]
    in the user's area (or of one application), earliest due first."""
    visible = applications_visible_to(user)
    if application is not None:
        visible = visible.filter(pk=application.pk)
    return (
        SelfCareChange.objects.filter(cleared_by=None, member__application__in=visible.values("pk"))
        .select_related("member", "member__application")
        .order_by("due_on", "pk")
    )


def reassessment_rows(changes, today) -> list[dict]:
    """Each open change with whether its re-assessment is overdue (past ``due_on``)."""
    return [{"change": c, "overdue": c.due_on < today} for c in changes]

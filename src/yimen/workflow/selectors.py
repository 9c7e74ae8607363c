"""Scoped reads of cases and tasks: the only doors pages and API use (house rule 4)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_of, can, division_q

from .errors import CaseNotFound, TaskNotFound
from .models import Case, Notification, Task
from .states import TaskStatus


def cases_visible_to(user) -> QuerySet[Case]:
    """Cases in the subtrees of the user's case-reading bindings, plus their own applications."""
    q = division_q(user, Action.CASE_VIEW)
    if any(can(user, Action.CASE_VIEW_OWN, b.division_code) for b in bindings_of(user)):
        q |= Q(applicant=user)
    return Case.objects.filter(q).select_related("division")


def access_case_by_id(user, case_id) -> Case:
    """The case if ``user`` may see it; otherwise CaseNotFound (404, so nothing leaks)."""
    try:
        pk = int(case_id)
    except (TypeError, ValueError):
        raise CaseNotFound() from None
    case = cases_visible_to(user).filter(pk=pk).first()
    if case is None:
        raise CaseNotFound()
    return case


def tasks_visible_to(user) -> QuerySet[Task]:
    """Tasks of the cases ``user`` may see."""
    return Task.objects.filter(case__in=cases_visible_to(user).values("pk"))


def access_task_by_id(user, task_id) -> Task:
    try:
        pk = int(task_id)
    except (TypeError, ValueError):
        raise TaskNotFound() from None
    task = tasks_visible_to(user).select_related("case", "division").filter(pk=pk).first()
    if task is None:
        raise TaskNotFound()
    return task


def my_tasks(user) -> QuerySet[Task]:
    """Open tasks the user can take: a role they hold, in the exact division of the binding.

    One query, earliest deadline first."""
    q = Q()
    bindings = bindings_of(user)
    for b in bindings:
        q |= Q(division_id=b.division_code, roles__contains=f"|{b.role}|")
    if not bindings:
        return Task.objects.none()
    return (
        Task.objects.filter(q, status=TaskStatus.OPEN, case__status="active")
        .select_related("case", "division")
        .order_by("due_at", "id")
    )


def unread_notifications(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, read_at__isnull=True)

"""Scoped reads of cases and tasks: the only doors pages and API use (house rule 4)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_of, can, division_q

from .errors import CaseNotFound, TaskNotFound
from .models import Case, Notification, Task
from .states import CaseStatus, TaskStatus


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


def cases_filtered(
    cases: QuerySet[Case],
    *,
    status: str = "",
    process: str = "",
    step: str = "",
    division_code: str = "",
    overdue_at: datetime | None = None,
) -> QuerySet[Case]:
    """Narrow a scoped case list: by status, by the step a case waits at (an open task of
    ``process``'s ``step``), by the division the case sits in, and to the cases overdue at
    ``overdue_at`` — an open step past its due date, or the case past its own."""
    if status:
        cases = cases.filter(status=status)
    if process:
        cases = cases.filter(process=process)
    if step:
        waiting = Task.objects.filter(case=OuterRef("pk"), step=step, status=TaskStatus.OPEN)
        cases = cases.filter(Exists(waiting))
    if division_code:
        cases = cases.filter(division_id=division_code)
    if overdue_at is not None:
        late = Task.objects.filter(
            case=OuterRef("pk"), status=TaskStatus.OPEN, due_at__lt=overdue_at
        )
        cases = cases.filter(status=CaseStatus.ACTIVE).filter(
            Exists(late) | Q(due_at__lt=overdue_at)
        )
    return cases


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

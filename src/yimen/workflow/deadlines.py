"""Deadline reminders: overdue and due-soon tasks become in-app notifications.

`yimen deadlines` runs this from cron (say hourly); it is safe to rerun, since a
recipient gets at most one reminder per task, kind and day (a unique constraint)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from yimen.accounts.models import RoleBinding
from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, record_events
from yimen.id_sets import chunks

from .calendar import add_working_days, end_of_day, local_date
from .errors import UnknownProcess
from .models import Notification, Task
from .registry import get_process
from .services import CASE_SUBJECT
from .states import CaseStatus, TaskStatus


def due_soon_cutoff(now: datetime) -> datetime:
    """Tasks due by the end of the N-th working day after today (N = the setting
    YIMEN_DUE_SOON_WORKING_DAYS) are "due soon"."""
    return end_of_day(add_working_days(local_date(now), settings.YIMEN_DUE_SOON_WORKING_DAYS))


@dataclass(frozen=True)
class ReminderRun:
    overdue_tasks: int
    due_soon_tasks: int
    notifications: int


def _step_label(task: Task) -> str:
    # A retired process or step must not stop the reminders of every other task.
    try:
        return str(get_process(task.case.process).step(task.step).label)
    except (UnknownProcess, KeyError):
        return task.step


@transaction.atomic
def send_reminders(*, now: datetime | None = None) -> ReminderRun:
    """Notify everyone who can take an overdue or due-soon task; returns what it did.

    The recipients are the users bound, with one of the task's roles, to exactly the task's
    division: the people whose work list shows it (`selectors.my_tasks`)."""
    now = now or timezone.now()
    today = local_date(now)
    tasks = list(
        Task.objects.filter(
            status=TaskStatus.OPEN,
            case__status=CaseStatus.ACTIVE,
            due_at__isnull=False,
            due_at__lte=due_soon_cutoff(now),
        ).select_related("case")
    )
    if not tasks:
        return ReminderRun(0, 0, 0)
    # everyone bound in the tasks' divisions, in one query per chunk of divisions
    by_division: dict[str, list[tuple[int, str]]] = {}
    for part in chunks(sorted({t.division_id for t in tasks})):
        for user_id, role, division in RoleBinding.objects.filter(
            active=True, user__is_active=True, division_id__in=part
        ).values_list("user_id", "role", "division_id"):
            by_division.setdefault(division, []).append((user_id, role))
    existing: set[tuple[int, int, str]] = set()
    for part in chunks([t.pk for t in tasks]):
        existing.update(
            Notification.objects.filter(task_id__in=part, day=today).values_list(
                "recipient_id", "task_id", "kind"
            )
        )
    new: list[Notification] = []
    reminded: dict[int, Task] = {}
    overdue = soon = 0
    with override(settings.LANGUAGE_CODE):
        for task in tasks:
            due_at = task.due_at
            if due_at is None:  # excluded by the query; keeps the type checker honest
                continue
            if due_at < now:
                kind = Notification.Kind.OVERDUE
                template = _("%(case)s: “%(step)s” is overdue (due %(due)s)")
                overdue += 1
            else:
                kind = Notification.Kind.DUE_SOON
                template = _("%(case)s: “%(step)s” is due on %(due)s")
                soon += 1
            text = template % {
                "case": task.case.number,
                "step": _step_label(task),
                "due": f"{local_date(due_at):%Y-%m-%d}",
            }
            for user_id, role in by_division.get(task.division_id, []):
                if f"|{role}|" in task.roles and (user_id, task.pk, kind) not in existing:
                    new.append(
                        Notification(
                            recipient_id=user_id,
                            task=task,
                            kind=kind,
                            day=today,
                            message=text[:300],
                        )
                    )
                    reminded[task.pk] = task
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    if reminded:
        record_events(
            [
                EventDraft(
                    event_type=EventType.REMINDER_SENT,
                    subject_type=CASE_SUBJECT,
                    subject_id=str(t.case_id),
                    new={"step": t.step, "due_at": t.due_at},
                )
                for t in reminded.values()
            ]
        )
    return ReminderRun(overdue, soon, len(new))


def notifications_mark_read(*, user) -> int:
    """Mark every unread notification of ``user`` as read; returns how many."""
    from .selectors import unread_notifications

    return unread_notifications(user).update(read_at=timezone.now())

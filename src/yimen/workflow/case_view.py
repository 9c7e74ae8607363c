"""What the case page shows: tasks, what the user may do now, the timeline, the diagram."""

from __future__ import annotations

from django.utils.safestring import mark_safe

from yimen.audit.selectors import events_for_subject
from yimen.workflow.diagram import process_svg
from yimen.workflow.registry import get_process, subject_page

from .models import Case
from .services import CASE_SUBJECT, performer_binding


def case_page_context(user, case: Case) -> dict:
    process = get_process(case.process)
    tasks = list(case.tasks.select_related("completed_by").order_by("stage", "id"))
    actionable = []
    for task in tasks:
        step = process.step(task.step)
        if task.is_open and case.is_active and performer_binding(user, step, task.division_id):
            actionable.append({"task": task, "step": step})
    statuses = {t.step: t.status for t in tasks}
    rows = [{"task": t, "step": process.step(t.step)} for t in tasks]
    timeline = list(
        events_for_subject((CASE_SUBJECT, str(case.pk))).select_related("actor", "signer")
    )
    return {
        "case": case,
        "process": process,
        "rows": rows,
        "actionable": actionable,
        "subject_page": subject_page(case.subject_type, case.subject_id),
        "timeline": timeline,
        "diagram": mark_safe(process_svg(process, statuses)),  # noqa: S308 — built from escaped parts
    }


def task_rows(tasks, now) -> list[dict]:
    """Tasks with their step declaration and deadline flags, for lists of tasks."""
    from .deadlines import due_soon_cutoff

    soon = due_soon_cutoff(now)
    rows = []
    for task in tasks:
        step = get_process(task.case.process).step(task.step)
        overdue = task.due_at is not None and task.due_at < now
        rows.append(
            {
                "task": task,
                "step": step,
                "overdue": overdue,
                "due_soon": not overdue and task.due_at is not None and task.due_at <= soon,
            }
        )
    return rows

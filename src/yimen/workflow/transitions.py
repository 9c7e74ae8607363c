"""The only code that assigns Case.status and Task.status (house rule 3).

Every change is a guarded, conditional UPDATE (``WHERE status = <source>``): when two
users act at once, the database lets exactly one of them match, and the caller turns a
miss into a conflict message. Bulk variants take lists of ids, so a batch decision is a
handful of set-based statements, not one transaction per case.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import connection
from django.db.models import F

from yimen.bulk_rows import insert_rows
from yimen.id_sets import IdSet, chunks, id_text

from .errors import TransitionRefused
from .models import Case, Task
from .states import CASE_TRANSITIONS, TASK_TRANSITIONS, CaseStatus, TaskStatus


def _check(table: dict[str, frozenset[str]], source: str, target: str) -> None:
    if target not in table.get(source, frozenset()):
        raise TransitionRefused(f"{source} → {target}")


#: ids per statement with the ``any_of`` lookup (one parameter however many ids)
ID_BATCH = 50_000


def claim_task(*, task: Task, outcome: str, actor, note: str, now: datetime) -> bool:
    """OPEN → DONE for one task; False when someone else finished or cancelled it first."""
    _check(TASK_TRANSITIONS, TaskStatus.OPEN, TaskStatus.DONE)
    won = (
        Task.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(
            status=TaskStatus.DONE,
            outcome=outcome,
            note=note,
            completed_at=now,
            completed_by=actor,
        )
        == 1
    )
    if won:
        task.status, task.outcome, task.note = TaskStatus.DONE, outcome, note
        task.completed_at, task.completed_by = now, actor
    return won


def claim_tasks(*, task_ids: list[int], outcome: str, actor, note: str, now: datetime) -> int:
    """OPEN → DONE for many tasks; returns how many were still open and are now done."""
    _check(TASK_TRANSITIONS, TaskStatus.OPEN, TaskStatus.DONE)
    return _close_open_tasks(task_ids, outcome=outcome, note=note, now=now, completed_by=actor)


def _close_open_tasks(task_ids: list[int], *, outcome: str, note: str, now: datetime, **by) -> int:
    """The guarded OPEN → DONE update of ``task_ids``, ``ID_BATCH`` at a time; ``by`` names
    the performer (``completed_by`` or ``completed_by_id``). Returns how many changed."""
    done = 0
    for part in chunks(task_ids, ID_BATCH):
        done += Task.objects.filter(pk__any_of=IdSet(part), status=TaskStatus.OPEN).update(
            status=TaskStatus.DONE, outcome=outcome, note=note, completed_at=now, **by
        )
    return done


def claim_tasks_for(
    *, done_by: list[tuple[int, int]], outcome: str, note: str, now: datetime
) -> int:
    """OPEN → DONE for many tasks, each for its own performer: ``done_by`` holds (task id,
    user id) pairs. PostgreSQL: one guarded UPDATE … FROM the pairs per ID_BATCH tasks;
    SQLite: one guarded UPDATE per performer. Returns how many were open and are now done."""
    _check(TASK_TRANSITIONS, TaskStatus.OPEN, TaskStatus.DONE)
    quote = connection.ops.quote_name
    table = quote(Task._meta.db_table)
    sets = (
        f"{quote('status')} = %s, {quote('outcome')} = %s, {quote('note')} = %s, "
        f"{quote('completed_at')} = %s, {quote('completed_by_id')} = pairs.user_id"
    )
    if connection.vendor != "postgresql":
        # SQLite without statistics may plan UPDATE … FROM with the table outside and the
        # list inside (quadratic): one guarded UPDATE by primary key per performer instead
        by_user: dict[int, list[int]] = {}
        for task_id, user_id in done_by:
            by_user.setdefault(user_id, []).append(task_id)
        return sum(
            _close_open_tasks(ids, outcome=outcome, note=note, now=now, completed_by_id=user_id)
            for user_id, ids in by_user.items()
        )
    pairs = "unnest(CAST(%s AS bigint[]), CAST(%s AS bigint[])) AS pairs(task_id, user_id)"
    sql = (
        f"UPDATE {table} SET {sets} FROM {pairs} "  # noqa: S608 (model metadata)
        f"WHERE {table}.{quote('id')} = pairs.task_id AND {table}.{quote('status')} = %s"
    )
    done = 0
    with connection.cursor() as cursor:
        for part in chunks(done_by, ID_BATCH):
            tasks, users = [t for t, _ in part], [u for _, u in part]
            cursor.execute(
                sql,
                [
                    TaskStatus.DONE,
                    outcome,
                    note,
                    now,
                    id_text(tasks, "postgresql"),
                    id_text(users, "postgresql"),
                    TaskStatus.OPEN,
                ],
            )
            done += cursor.rowcount
    return done


def cancel_open_tasks(*, case_ids: list[int], now: datetime) -> int:
    """OPEN → CANCELLED for what is left of cases that just closed."""
    _check(TASK_TRANSITIONS, TaskStatus.OPEN, TaskStatus.CANCELLED)
    cancelled = 0
    for part in chunks(case_ids, ID_BATCH):
        cancelled += Task.objects.filter(
            case_id__any_of=IdSet(part), status=TaskStatus.OPEN
        ).update(status=TaskStatus.CANCELLED, completed_at=now)
    return cancelled


def new_task(*, skipped: bool = False, **fields) -> Task:
    """A task row as it is born: OPEN, or SKIPPED when its condition did not hold."""
    task = Task(**fields)
    task.status = TaskStatus.SKIPPED if skipped else TaskStatus.OPEN
    return task


NEW_TASK_COLUMNS = ("case_id", "step", "stage", "roles", "division_id", "opened_at", "due_at")


def insert_new_tasks(rows: Iterable[tuple[tuple, bool]]) -> int:
    """Insert task rows as they are born (``new_task`` for many): each row is the values of
    NEW_TASK_COLUMNS and whether its condition did not hold (SKIPPED, else OPEN)."""
    columns = (*NEW_TASK_COLUMNS, "status", "outcome", "note")
    open_, skipped = TaskStatus.OPEN.value, TaskStatus.SKIPPED.value
    return insert_rows(
        Task, columns, ((*row, skipped if skip else open_, "", "") for row, skip in rows)
    )


def close_cases(*, case_ids: list[int], target: CaseStatus, now: datetime) -> int:
    """ACTIVE → a closed state, guarded; returns how many cases it closed."""
    _check(CASE_TRANSITIONS, CaseStatus.ACTIVE, target)
    closed = 0
    for part in chunks(case_ids, ID_BATCH):
        closed += Case.objects.filter(pk__any_of=IdSet(part), status=CaseStatus.ACTIVE).update(
            status=target, closed_at=now, version=F("version") + 1
        )
    return closed


def overturn_refusal(*, case_id: int, now: datetime) -> bool:
    """REJECTED → COMPLETED, guarded: the refusal was replaced by a signed approval.
    False when the case is not (or no longer) refused."""
    _check(CASE_TRANSITIONS, CaseStatus.REJECTED, CaseStatus.COMPLETED)
    return bool(
        Case.objects.filter(pk=case_id, status=CaseStatus.REJECTED).update(
            status=CaseStatus.COMPLETED, closed_at=now, version=F("version") + 1
        )
    )


def move_cases_to_stage(*, case_ids: list[int], stage: int) -> int:
    """Record that active cases entered ``stage``."""
    moved = 0
    for part in chunks(case_ids, ID_BATCH):
        moved += Case.objects.filter(pk__any_of=IdSet(part), status=CaseStatus.ACTIVE).update(
            stage=stage, version=F("version") + 1
        )
    return moved

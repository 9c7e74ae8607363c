"""Moving cases on once a step is decided: shared by one task's completion (services.py)
and a batch decision (bulk.py), so neither imports the other's internals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from django.db.models import Max

from yimen.id_sets import IdSet, chunks

from . import transitions
from .errors import ReasonRequired, UnknownOutcome
from .models import Task
from .planning import (
    CaseLike,
    flags_key,
    not_before,
    plan_from,
    plan_summary,
    task_division,
    task_rows,
)
from .process import Outcome, Process, Step
from .states import CaseStatus, TaskStatus


def outcome_of(step: Step, code: str, reason: str) -> Outcome:
    """The outcome ``code`` of ``step``; refused if unknown or if it needs a reason not given."""
    outcome = step.outcome(code)
    if outcome is None:
        raise UnknownOutcome(code, ", ".join(o.code for o in step.outcomes))
    if outcome.needs_reason and not reason.strip():
        raise ReasonRequired()
    return outcome


def after_steps(
    process: Process, cases: Sequence[CaseLike], outcome: Outcome, now: datetime
) -> dict[int, dict]:
    """Move cases on after one of their tasks finished; returns each case's new state.

    Set-based for any number of cases: one query finds the cases still waiting for a
    sibling in their stage, the rest are grouped by where they land; the next stage's
    tasks are inserted as plain rows (their deadlines computed once per step). The state
    dicts are shared by the cases of a group (the audit log normalises each once)."""
    ids = [c.pk for c in cases]
    result: dict[int, dict] = {}
    if outcome.closes_as:
        transitions.cancel_open_tasks(case_ids=ids, now=now)
        transitions.close_cases(case_ids=ids, target=CaseStatus(outcome.closes_as), now=now)
        closed = {"status": outcome.closes_as}
        return dict.fromkeys(ids, closed)
    waiting: set[int] = set()
    for part in chunks(ids, transitions.ID_BATCH):
        # order_by(): the default ordering would add due_at and id to the DISTINCT
        waiting.update(
            Task.objects.filter(case_id__any_of=IdSet(part), status=TaskStatus.OPEN)
            .order_by()
            .values_list("case_id", flat=True)
            .distinct()
        )
    groups: dict[tuple, list[CaseLike]] = defaultdict(list)
    still: dict[int, dict] = {}
    for case in cases:
        if case.pk in waiting:
            if case.stage not in still:
                still[case.stage] = {
                    "status": CaseStatus.ACTIVE,
                    "stage": case.stage,
                    "waiting": True,
                }
            result[case.pk] = still[case.stage]
        else:
            groups[(case.stage, flags_key(process, case.flags))].append(case)
    new_tasks: list[tuple[tuple, bool]] = []
    where: dict[tuple[str, int], str] = {}  # (case division, level) -> the task's division
    floors = latest_due([c.pk for members in groups.values() for c in members])
    for (stage, _key), members in groups.items():
        plan = plan_from(process, stage + 1, members[0].flags)
        member_ids = [c.pk for c in members]
        rows = task_rows(plan, now)
        for case in members:
            for step, at, roles, level, due, skip in rows:
                key = (case.division_id, level)
                if key not in where:
                    where[key] = task_division(case.division_id, level)
                due = not_before(due, floors.get(case.pk))
                new_tasks.append(((case.pk, step, at, roles, where[key], now, due), skip))
        if plan.stage is None:
            transitions.close_cases(case_ids=member_ids, target=CaseStatus.COMPLETED, now=now)
            summary = {"status": CaseStatus.COMPLETED, **plan_summary(plan)}
        else:
            transitions.move_cases_to_stage(case_ids=member_ids, stage=plan.stage)
            summary = {"status": CaseStatus.ACTIVE, **plan_summary(plan)}
        result.update(dict.fromkeys(member_ids, summary))
    transitions.insert_new_tasks(new_tasks)
    return result


def latest_due(case_ids: list[int]) -> dict[int, datetime]:
    """The latest deadline among each case's tasks so far (one query per id batch)."""
    latest: dict[int, datetime] = {}
    for part in chunks(case_ids, transitions.ID_BATCH):
        latest.update(
            Task.objects.filter(case_id__any_of=IdSet(part), due_at__isnull=False)
            .order_by()
            .values("case_id")
            .annotate(latest=Max("due_at"))
            .values_list("case_id", "latest")
        )
    return latest

"""Planning a case's next stage: pure functions of the process declaration and the case's
flags (no database), shared by single transitions and batch decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from yimen.regions.codes import code_at_level, level_of

from . import transitions
from .models import Task
from .process import Process, Step


@dataclass(frozen=True)
class StagePlan:
    """What happens when a case moves on from a stage: the stage it lands in (None when the
    process is finished), the steps that start there, and conditional steps passed over."""

    stage: int | None
    runnable: tuple[Step, ...]
    skipped: tuple[tuple[int, Step], ...]


def plan_from(process: Process, start: int, flags: dict) -> StagePlan:
    """The first stage at or after ``start`` that has a step whose condition holds."""
    skipped: list[tuple[int, Step]] = []
    for index in range(start, len(process.stages)):
        steps = process.stages[index].steps
        runnable = tuple(s for s in steps if s.condition is None or flags.get(s.condition.flag))
        skipped += [(index, s) for s in steps if s not in runnable]
        if runnable:
            return StagePlan(index, runnable, tuple(skipped))
    return StagePlan(None, (), tuple(skipped))


def flags_key(process: Process, flags: dict) -> tuple:
    """The part of a case's flags that the process's conditions read (for grouping)."""
    names = sorted({s.condition.flag for s in process.all_steps() if s.condition})
    return tuple(bool(flags.get(n)) for n in names)


class CaseLike(Protocol):
    """What moving a case on reads of it (a Case, or a row read with values_list)."""

    pk: int
    stage: int
    flags: dict
    division_id: str


def task_division(case_division: str, step_or_level: Step | int) -> str:
    """The division whose staff perform a step (or work at ``level``): the case's ancestor
    at the step's level (or the case's own division when the case sits higher)."""
    level = step_or_level if isinstance(step_or_level, int) else step_or_level.level
    return code_at_level(case_division, min(level, level_of(case_division)))


def task_rows(plan: StagePlan, now: datetime) -> list[tuple]:
    """The tasks a plan starts, per case the same: (step, stage, roles, level, due_at,
    skipped); the deadline is computed once here, not once per case."""
    rows: list[tuple] = [
        (step.code, index, _roles_key(step), step.level, None, True) for index, step in plan.skipped
    ]
    rows += [
        (
            step.code,
            plan.stage,
            _roles_key(step),
            step.level,
            step.deadline.due_at(now) if step.deadline else None,
            False,
        )
        for step in plan.runnable
    ]
    return rows


def tasks_for(case_id: int, case_division: str, plan: StagePlan, now: datetime) -> list[Task]:
    tasks = []
    for index, step in plan.skipped:
        tasks.append(
            transitions.new_task(
                skipped=True,
                case_id=case_id,
                step=step.code,
                stage=index,
                roles=_roles_key(step),
                division_id=task_division(case_division, step),
                opened_at=now,
            )
        )
    for step in plan.runnable:
        tasks.append(
            transitions.new_task(
                case_id=case_id,
                step=step.code,
                stage=plan.stage,
                roles=_roles_key(step),
                division_id=task_division(case_division, step),
                opened_at=now,
                due_at=step.deadline.due_at(now) if step.deadline else None,
            )
        )
    return tasks


def not_before(due: datetime | None, floor: datetime | None) -> datetime | None:
    """A step's deadline, moved no earlier than ``floor``, the latest deadline of the
    case's earlier steps. A step that opens when its predecessors finished early would
    otherwise be due before them (verification due in 10 working days, done on the first,
    then the approval due 3 working days later): the case page would show the later step
    due first, and the earlier step's allowance would be lost to the case."""
    if due is None or floor is None:
        return due
    return max(due, floor)


def _roles_key(step: Step) -> str:
    return "|" + "|".join(step.roles) + "|"


def plan_summary(plan: StagePlan) -> dict:
    return {
        "stage": plan.stage,
        "opened": [s.code for s in plan.runnable],
        "skipped": [s.code for _, s in plan.skipped],
    }

"""Batch decisions: one step decided for many cases at once, set-based, all or nothing."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone

from yimen.accounts.roles import role_allows
from yimen.accounts.scoping import Binding, bindings_of
from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, append_events
from yimen.id_sets import IdSet, chunks

from . import transitions
from .advance import after_steps, outcome_of
from .errors import (
    BatchConflict,
    EmptyBatch,
    NotYourTask,
    StepHasOwnForm,
    TaskAlreadyDone,
    UnknownStep,
)
from .models import CASE_SUBJECT, Case, Task
from .registry import get_process
from .states import CaseStatus, TaskStatus


@dataclass(frozen=True)
class BatchResult:
    """What a batch decision did."""

    batch_id: str
    decided: int
    completed: int
    advanced: int
    closed: int


class CaseRow(NamedTuple):
    """A locked case as a batch reads it (no model instance)."""

    pk: int
    stage: int
    flags: dict
    division_id: str


def _performing(user, step) -> dict[str, Binding]:
    """The user's bindings that may perform ``step``, by division."""
    return {
        b.division_code: b
        for b in bindings_of(user)
        if b.role in step.roles and role_allows(b.role, step.action)
    }


@transaction.atomic
def tasks_bulk_complete(
    *,
    process_code: str,
    step_code: str,
    case_ids: list[int],
    actor,
    outcome: str = "done",
    reason: str = "",
    via_service: bool = False,
    actors: Mapping[int, Any] | None = None,
) -> BatchResult:
    """Decide one step for many cases at once, all or nothing.

    The same guards as one task (scope, role, division, state, outcome, reason) are applied
    to the whole set with a few set-based statements per chunk of ids; every case gets its
    audit event and the batch one more. If any selected case is not waiting at this step in
    the actor's divisions, nothing is written. A service-only step is refused unless the
    service that stores each case's own record calls with ``via_service=True``.

    ``actors`` (case id → user) lets one call complete cases on behalf of several people —
    the verification run completes each case's task for the caseworker who asked: each
    case is then guarded, claimed and audited as that person's, and ``actor`` (who may be
    None: the system) is named on the batch event only."""
    process = get_process(process_code)
    try:
        step = process.step(step_code)
    except KeyError:
        raise UnknownStep(step_code) from None
    # each case of a service-only step needs its own record (a decision, a visit…)
    if step.service_only and not via_service:
        raise StepHasOwnForm(step.label)
    ids = sorted({int(i) for i in case_ids})
    if not ids:
        raise EmptyBatch()
    chosen = outcome_of(step, outcome, reason)
    if actors is None:
        if actor is None:
            raise NotYourTask(step.label)
        actors = dict.fromkeys(ids, actor)
    elif set(ids) - set(actors):
        raise ValueError("every case needs its actor")
    people = {id(u): u for u in actors.values()}
    performing = {key: _performing(user, step) for key, user in people.items()}
    if not any(performing.values()):
        raise NotYourTask(step.label)
    now = timezone.now()
    tasks: dict[int, tuple[int, str]] = {}  # case id -> (task id, division)
    cases: list[CaseRow] = []
    for part in chunks(ids, transitions.ID_BATCH):
        cases += [
            CaseRow(*row)
            # locked in id order, as every batch locks them: two batches over the same cases
            # queue behind each other instead of deadlocking
            for row in Case.objects.select_for_update()
            .filter(pk__any_of=IdSet(part), process=process.code, status=CaseStatus.ACTIVE)
            .order_by("pk")
            .values_list("id", "stage", "flags", "division_id")
        ]
        for task_id, case_id, division in Task.objects.filter(
            case_id__any_of=IdSet(part), step=step.code, status=TaskStatus.OPEN
        ).values_list("id", "case_id", "division_id"):
            # the task counts only where the case's own actor performs the step
            if division in performing[id(actors[case_id])]:
                tasks[case_id] = (task_id, division)
    found = set(tasks) & {c.pk for c in cases}
    missing = [i for i in ids if i not in found]
    if missing:
        raise BatchConflict(len(missing), ", ".join(map(str, missing[:5])))
    claimed = transitions.claim_tasks_for(
        done_by=[(tasks[c.pk][0], actors[c.pk].pk) for c in cases],
        outcome=chosen.code,
        note=reason,
        now=now,
    )
    if claimed != len(tasks):
        raise TaskAlreadyDone()
    states = after_steps(process, cases, chosen, now)
    batch_id = uuid.uuid4().hex
    # the same old/new objects for the cases that share them: the log normalises each once
    olds: dict[int, dict] = {}
    news: dict[int, dict] = {}
    drafts = []
    for case in cases:
        if case.stage not in olds:
            olds[case.stage] = {"status": CaseStatus.ACTIVE, "stage": case.stage, "step": step.code}
        state = states[case.pk]
        if id(state) not in news:
            news[id(state)] = {"outcome": chosen.code, "batch": batch_id, **state}
        user = actors[case.pk]
        binding = performing[id(user)][tasks[case.pk][1]]
        drafts.append(
            EventDraft(
                event_type=EventType.TASK_COMPLETED,
                subject_type=CASE_SUBJECT,
                subject_id=str(case.pk),
                actor=user,
                role=binding.role,
                division_code=binding.division_code,
                reason=reason,
                signer=user if step.signed else None,
                old=olds[case.stage],
                new=news[id(state)],
                occurred_at=now,
            )
        )
    first = next(iter(_performing(actor, step).values()), None) if actor is not None else None
    drafts.append(
        EventDraft(
            event_type=EventType.BULK_DECISION,
            subject_type="workflow.batch",
            subject_id=batch_id,
            actor=actor,
            role=first.role if first else "",
            division_code=first.division_code if first else "",
            reason=reason,
            new={
                "process": process.code,
                "step": step.code,
                "outcome": chosen.code,
                "cases": len(cases),
            },
            occurred_at=now,
            signer=actor if step.signed else None,
        )
    )
    append_events(drafts)
    closed = sum(1 for s in states.values() if s["status"] != CaseStatus.ACTIVE)
    advanced = sum(1 for s in states.values() if s.get("opened"))
    return BatchResult(
        batch_id=batch_id,
        decided=len(cases),
        completed=len(tasks),
        advanced=advanced,
        closed=closed,
    )

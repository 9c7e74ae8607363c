"""Batch decisions: one step decided for many cases at once, set-based, all or nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from yimen.accounts.roles import role_allows
from yimen.accounts.scoping import bindings_of
from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, record_events

from . import transitions
from .errors import (
    BatchConflict,
    EmptyBatch,
    NotYourTask,
    StepHasOwnForm,
    TaskAlreadyDone,
    UnknownStep,
)
from .models import Case, Task
from .registry import get_process, step_done
from .services import _after_steps, _draft, _outcome
from .states import CaseStatus, TaskStatus


@dataclass(frozen=True)
class BatchResult:
    """What a batch decision did."""

    batch_id: str
    decided: int
    completed: int
    advanced: int
    closed: int


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
) -> BatchResult:
    """Decide one step for many cases at once, all or nothing.

    The same guards as one task (scope, role, division, state, outcome, reason) are applied
    to the whole set with a few set-based statements per chunk of ids; every case gets its
    audit event and the batch one more. If any selected case is not waiting at this step in
    the actor's divisions, nothing is written. A service-only step is refused unless the
    service that stores each case's own record calls with ``via_service=True``."""
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
    chosen = _outcome(step, outcome, reason)
    divisions = {
        b.division_code: b
        for b in bindings_of(actor)
        if b.role in step.roles and role_allows(b.role, step.action)
    }
    if not divisions:
        raise NotYourTask(step.label)
    now = timezone.now()
    tasks: list[tuple[int, int, str]] = []
    cases: list[Case] = []
    for part in transitions.chunks(ids):
        cases += list(
            # locked in id order, as every batch locks them: two batches over the same cases
            # queue behind each other instead of deadlocking
            Case.objects.select_for_update()
            .filter(pk__in=part, process=process.code, status=CaseStatus.ACTIVE)
            .order_by("pk")
            .only("id", "stage", "flags", "division_id")
        )
        tasks += list(
            Task.objects.filter(
                case_id__in=part,
                step=step.code,
                status=TaskStatus.OPEN,
                division_id__in=list(divisions),
            ).values_list("id", "case_id", "division_id")
        )
    found = {case_id for _, case_id, _ in tasks} & {c.pk for c in cases}
    missing = [i for i in ids if i not in found]
    if missing:
        raise BatchConflict(len(missing), ", ".join(map(str, missing[:5])))
    claimed = transitions.claim_tasks(
        task_ids=[t[0] for t in tasks], outcome=chosen.code, actor=actor, note=reason, now=now
    )
    if claimed != len(tasks):
        raise TaskAlreadyDone()
    states = _after_steps(process, cases, chosen, now)
    step_done(process.code, step.code, [c.pk for c in cases], chosen.code, actor)
    batch_id = uuid.uuid4().hex
    division_of = {case_id: division for _, case_id, division in tasks}
    drafts = [
        _draft(
            case,
            EventType.TASK_COMPLETED,
            actor,
            divisions[division_of[case.pk]],
            now=now,
            reason=reason,
            signer=actor if step.signed else None,
            old={"status": CaseStatus.ACTIVE, "stage": case.stage, "step": step.code},
            new={"outcome": chosen.code, "batch": batch_id, **states[case.pk]},
        )
        for case in cases
    ]
    first = next(iter(divisions.values()))
    drafts.append(
        EventDraft(
            event_type=EventType.BULK_DECISION,
            subject_type="workflow.batch",
            subject_id=batch_id,
            actor=actor,
            role=first.role,
            division_code=first.division_code,
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
    record_events(drafts)
    closed = sum(1 for s in states.values() if s["status"] != CaseStatus.ACTIVE)
    advanced = sum(1 for s in states.values() if s.get("opened"))
    return BatchResult(
        batch_id=batch_id,
        decided=len(cases),
        completed=len(tasks),
        advanced=advanced,
        closed=closed,
    )

"""Use cases of the workflow engine: open a case, complete a task, set a condition,
withdraw, and decide a batch. Each is atomic, checks permission, changes state only through
`transitions`, and writes its audit events in the same transaction (house rules 1, 3, 5).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from yimen.accounts.roles import Action, Role, role_allows
from yimen.accounts.scoping import Binding, bindings_of, can
from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, record_events
from yimen.regions.models import Division

from . import transitions
from .advance import after_steps, outcome_of

# the batch decision lives in bulk.py; imported here so callers keep one door for workflow
# use cases
from .bulk import BatchResult, tasks_bulk_complete  # noqa: F401
from .calendar import local_date
from .errors import (
    CaseClosed,
    NotAllowed,
    NotYourTask,
    ReasonRequired,
    StepHasOwnForm,
    StepSkipped,
    TaskAlreadyDone,
    UnknownFlag,
)
from .models import CASE_SUBJECT, Case, Task
from .planning import plan_from, plan_summary, tasks_for
from .process import Process, Step
from .registry import get_process
from .selectors import access_case_by_id, access_task_by_id
from .states import CaseStatus, TaskStatus

# --- who acts ----------------------------------------------------------------------------


def performer_binding(actor, step: Step, division_code: str) -> Binding | None:
    """The actor's binding that may perform ``step`` in exactly ``division_code``."""
    for b in bindings_of(actor):
        if (
            b.role in step.roles
            and b.division_code == division_code
            and role_allows(b.role, step.action)
        ):
            return b
    return None


def _binding_for(actor, action: Action, division_code: str) -> Binding:
    """The actor's binding that allows ``action`` at ``division_code``, or NotAllowed."""
    for b in bindings_of(actor):
        if b.covers(division_code) and role_allows(b.role, action):
            return b
    raise NotAllowed(action.label)


def _draft(
    case: Case,
    event_type: EventType,
    actor,
    binding: Binding | None,
    *,
    old=None,
    new=None,
    reason="",
    signer=None,
    now=None,
) -> EventDraft:
    return EventDraft(
        event_type=event_type,
        subject_type=CASE_SUBJECT,
        subject_id=str(case.pk),
        actor=actor,
        role=binding.role if binding else "",
        division_code=binding.division_code if binding else "",
        old=old,
        new=new,
        reason=reason,
        signer=signer,
        occurred_at=now,
    )


# --- use cases ---------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    process_code: str,
    division: Division,
    actor,
    title: str,
    subject: tuple[str, str] | None = None,
    applicant=None,
    flags: dict | None = None,
    reason: str = "",
    on_behalf_of_public: bool = False,
) -> Case:
    """Open a case of ``process_code`` in ``division`` and start its first stage.

    ``on_behalf_of_public`` is for services acting on a public submission (an objection
    lodged on the disclosure page): no staff actor exists, so no permission is checked,
    and the audit event names no actor and must carry the reason. Views never pass it."""
    process = get_process(process_code)
    binding = None
    if on_behalf_of_public:
        if actor is not None or not reason.strip():
            raise ValueError("a public submission has no actor and needs a reason")
    else:
        for action in process.open_actions:
            if can(actor, action, division.code):
                binding = _binding_for(actor, action, division.code)
                break
        if binding is None:
            raise NotAllowed(process.open_actions[0].label)
    now = timezone.now()
    flags = dict(flags or {})
    _check_flags(process, flags)
    case = Case(
        number=f"tmp-{uuid.uuid4().hex}",
        process=process.code,
        title=title.strip()[:200],
        subject_type=subject[0] if subject else "",
        subject_id=subject[1] if subject else "",
        division=division,
        applicant=applicant,
        flags=flags,
        opened_at=now,
        due_at=process.deadline.due_at(now) if process.deadline else None,
    )
    case.save()
    case.number = f"{process.code.upper()}-{local_date(now):%Y%m%d}-{case.pk:06d}"
    plan = plan_from(process, 0, flags)
    Task.objects.bulk_create(tasks_for(case.pk, division.code, plan, now))
    Case.objects.filter(pk=case.pk).update(number=case.number, stage=plan.stage or 0)
    case.stage = plan.stage or 0
    if plan.stage is None:
        # every step was conditional and none applies: nothing is left to do, and an active
        # case without an open task would wait forever
        transitions.close_cases(case_ids=[case.pk], target=CaseStatus.COMPLETED, now=now)
        case.refresh_from_db()
    record_events(
        [
            _draft(
                case,
                EventType.CASE_OPENED,
                actor,
                binding,
                now=now,
                reason=reason,
                new={
                    "number": case.number,
                    "process": process.code,
                    "division": division.code,
                    "flags": flags,
                    "status": case.status,
                    **plan_summary(plan),
                },
            )
        ]
    )
    return case


def _check_flags(process: Process, flags: dict) -> None:
    known = {c.flag for c in process.flags} | {
        s.condition.flag for s in process.all_steps() if s.condition
    }
    for flag in flags:
        if flag not in known:
            raise UnknownFlag(flag)


@transaction.atomic
def task_complete(
    *, task_id: int, actor, outcome: str = "done", reason: str = "", via_service: bool = False
) -> Task:
    """Finish a task with an outcome; the case moves on when its stage is complete.

    Two users completing the same task at once: the case row is locked, the task re-read
    under the lock and claimed with a guarded UPDATE, so exactly one wins and the other gets
    TaskAlreadyDone (also when the winner's outcome closed the case). A task of a closed
    case is refused with CaseClosed, a passed-over conditional step with StepSkipped."""
    task = access_task_by_id(actor, task_id)  # 404 outside the actor's scope
    case = Case.objects.select_for_update().get(pk=task.case_id)
    process = get_process(case.process)
    step = process.step(task.step)
    binding = performer_binding(actor, step, task.division_id)
    if binding is None:
        raise NotYourTask(step.label)
    if step.service_only and not via_service:
        raise StepHasOwnForm(step.label)
    chosen = outcome_of(step, outcome, reason)
    # Read under the case lock, so whoever held it before us has committed: the loser of a
    # race learns that the task was done, even when the winner's decision closed the case.
    status = Task.objects.filter(pk=task.pk).values_list("status", flat=True).get()
    if status == TaskStatus.DONE:
        raise TaskAlreadyDone()
    if case.status != CaseStatus.ACTIVE:
        raise CaseClosed()
    if status == TaskStatus.SKIPPED:
        raise StepSkipped()
    now = timezone.now()
    if not transitions.claim_task(
        task=task, outcome=chosen.code, actor=actor, note=reason, now=now
    ):
        raise TaskAlreadyDone()
    new = after_steps(process, [case], chosen, now)[case.pk]
    record_events(
        [
            _draft(
                case,
                EventType.TASK_COMPLETED,
                actor,
                binding,
                now=now,
                reason=reason,
                signer=actor if step.signed else None,
                old={"status": CaseStatus.ACTIVE, "stage": case.stage, "step": step.code},
                new={"outcome": chosen.code, **new},
            )
        ]
    )
    return task


@transaction.atomic
def case_set_flag(*, case_id: int, actor, flag: str, value: bool, reason: str) -> Case:
    """Set a condition of the case (e.g. disputed), read when later stages begin."""
    case = access_case_by_id(actor, case_id)
    case = Case.objects.select_for_update().get(pk=case.pk)
    process = get_process(case.process)
    _check_flags(process, {flag: value})
    binding = _binding_for(actor, Action.CASE_FLAG, case.division_id)
    if not reason.strip():
        raise ReasonRequired()
    if case.status != CaseStatus.ACTIVE:
        raise CaseClosed()
    old = bool(case.flags.get(flag))
    case.flags = {**case.flags, flag: bool(value)}
    Case.objects.filter(pk=case.pk).update(flags=case.flags)
    record_events(
        [
            _draft(
                case,
                EventType.CASE_FLAGGED,
                actor,
                binding,
                reason=reason,
                old={flag: old},
                new={flag: bool(value)},
            )
        ]
    )
    return case


@transaction.atomic
def case_withdraw(*, case_id: int, actor, reason: str) -> Case:
    """Close an active case as withdrawn, cancelling its open tasks."""
    case = access_case_by_id(actor, case_id)
    if case.applicant_id and case.applicant_id == getattr(actor, "pk", None):
        binding = None  # applicants withdraw their own applications
    else:
        binding = _binding_for(actor, Action.CASE_WITHDRAW, case.division_id)
    return _withdraw(case.pk, actor=actor, binding=binding, reason=reason, new={})


@transaction.atomic
def case_withdraw_by_applicant(*, case_id: int, reason: str, via: str) -> Case:
    """Withdrawal by an applicant without an account, whose identity the calling service
    has already proven (``via`` says how, e.g. the case number, an ID number of the
    household and the receipt code). Audited with no actor and role "applicant"."""
    return _withdraw(
        case_id, actor=None, binding=Binding(Role.APPLICANT, ""), reason=reason, new={"via": via}
    )


def _withdraw(case_id: int, *, actor, binding: Binding | None, reason: str, new: dict) -> Case:
    case = Case.objects.select_for_update().get(pk=case_id)
    if not reason.strip():
        raise ReasonRequired()
    if case.status != CaseStatus.ACTIVE:
        raise CaseClosed()
    now = timezone.now()
    transitions.cancel_open_tasks(case_ids=[case.pk], now=now)
    transitions.close_cases(case_ids=[case.pk], target=CaseStatus.WITHDRAWN, now=now)
    record_events(
        [
            _draft(
                case,
                EventType.CASE_WITHDRAWN,
                actor,
                binding,
                reason=reason,
                now=now,
                old={"status": CaseStatus.ACTIVE},
                new={"status": CaseStatus.WITHDRAWN, **new},
            )
        ]
    )
    case.refresh_from_db()
    return case


@transaction.atomic
def case_set_deadlines(
    *, case_id: int, due_at: datetime, limit_at: datetime | None, reason: str, actor=None
) -> Case:
    """Start a case's clock later than its opening (e.g. at acceptance): the target
    ``due_at`` and the statutory hard line ``limit_at``. Called by services, audited."""
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.status != CaseStatus.ACTIVE:
        raise CaseClosed()
    old = {"due_at": case.due_at, "limit_at": case.limit_at}
    Case.objects.filter(pk=case.pk).update(due_at=due_at, limit_at=limit_at)
    case.due_at, case.limit_at = due_at, limit_at
    record_events(
        [
            _draft(
                case,
                EventType.DEADLINES_SET,
                actor,
                None,
                reason=reason,
                old=old,
                new={"due_at": due_at, "limit_at": limit_at},
            )
        ]
    )
    return case


def case_open_by_system(
    *,
    process_code: str,
    division: Division,
    title: str,
    subject: tuple[str, str] | None,
    reason: str,
    flags: dict | None = None,
) -> Case:
    """Open a case for a public submission (no staff actor); see case_open."""
    return case_open(
        process_code=process_code,
        division=division,
        actor=None,
        title=title,
        subject=subject,
        flags=flags,
        reason=reason,
        on_behalf_of_public=True,
    )

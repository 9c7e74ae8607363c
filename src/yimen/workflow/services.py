"""Use cases of the workflow engine: open a case, complete a task, set a condition,
withdraw, and decide a batch. Each is atomic, checks permission, changes state only through
`transitions`, and writes its audit events in the same transaction (house rules 1, 3, 5).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from yimen.accounts.roles import Action, Role, role_allows
from yimen.accounts.scoping import Binding, bindings_of, can
from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, record_events
from yimen.id_sets import IdSet, chunks
from yimen.regions.models import Division

from . import transitions
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
    UnknownOutcome,
)
from .models import Case, Task
from .planning import (
    CaseLike,
    _plan_summary,
    _task_rows,
    _tasks_for,
    flags_key,
    not_before,
    plan_from,
    task_division,
)
from .process import Outcome, Process, Step
from .registry import get_process, step_done
from .selectors import access_case_by_id, access_task_by_id
from .states import CaseStatus, TaskStatus

CASE_SUBJECT = "workflow.case"


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
    Task.objects.bulk_create(_tasks_for(case.pk, division.code, plan, now))
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
                    **_plan_summary(plan),
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


def _outcome(step: Step, code: str, reason: str) -> Outcome:
    outcome = step.outcome(code)
    if outcome is None:
        raise UnknownOutcome(code, ", ".join(o.code for o in step.outcomes))
    if outcome.needs_reason and not reason.strip():
        raise ReasonRequired()
    return outcome


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
    chosen = _outcome(step, outcome, reason)
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
    new = _after_steps(process, [case], chosen, now)[case.pk]
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
    step_done(process.code, step.code, [case.pk], chosen.code, actor)
    return task


def _after_steps(
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
    floors = _latest_due([c.pk for members in groups.values() for c in members])
    for (stage, _key), members in groups.items():
        plan = plan_from(process, stage + 1, members[0].flags)
        member_ids = [c.pk for c in members]
        rows = _task_rows(plan, now)
        for case in members:
            for step, at, roles, level, due, skip in rows:
                key = (case.division_id, level)
                if key not in where:
                    where[key] = task_division(case.division_id, level)
                due = not_before(due, floors.get(case.pk))
                new_tasks.append(((case.pk, step, at, roles, where[key], now, due), skip))
        if plan.stage is None:
            transitions.close_cases(case_ids=member_ids, target=CaseStatus.COMPLETED, now=now)
            summary = {"status": CaseStatus.COMPLETED, **_plan_summary(plan)}
        else:
            transitions.move_cases_to_stage(case_ids=member_ids, stage=plan.stage)
            summary = {"status": CaseStatus.ACTIVE, **_plan_summary(plan)}
        result.update(dict.fromkeys(member_ids, summary))
    transitions.insert_new_tasks(new_tasks)
    return result


def _latest_due(case_ids: list[int]) -> dict[int, datetime]:
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


# the batch decision lives in bulk.py (it builds on the helpers above); re-exported here so
# callers keep one door for workflow use cases
from .bulk import BatchResult, tasks_bulk_complete  # noqa: E402, F401

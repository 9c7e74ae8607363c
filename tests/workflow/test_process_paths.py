"""Every path through a process with a parallel pair, conditional steps and closing outcomes,
and every refusal on the way (house rules 1, 3, 4, 5)."""

from __future__ import annotations

import pytest

from tests.factories import HUAYANG, NANLING
from yimen.accounts.roles import Action, Role, role_allows
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.audit.verify import verify_chain
from yimen.errors import Conflict, Forbidden, Invalid, NotFound
from yimen.regions.codes import Level
from yimen.workflow import registry, services
from yimen.workflow.errors import (
    CaseClosed,
    NotAllowed,
    NotYourTask,
    ReasonRequired,
    StepSkipped,
    TaskAlreadyDone,
    TaskNotFound,
    UnknownFlag,
    UnknownOutcome,
    UnknownProcess,
)
from yimen.workflow.models import Case, Task
from yimen.workflow.process import Process, Stage, Step
from yimen.workflow.selectors import access_case_by_id, access_task_by_id, my_tasks
from yimen.workflow.states import CaseStatus, TaskStatus

from .helpers import (
    DISPUTED,
    case_events,
    complete,
    due,
    make_process,
    open_case,
    registered,
    statuses,
    task_of,
)

CODE = "wf_paths"
ONLY_IF = "wf_paths_only_if"
OPEN, DONE, SKIPPED, CANCELLED = (
    TaskStatus.OPEN,
    TaskStatus.DONE,
    TaskStatus.SKIPPED,
    TaskStatus.CANCELLED,
)


def _only_conditional(code: str) -> Process:
    """A process whose single stage holds a single conditional step."""
    appraise = Step(
        "appraise",
        "Appraisal",
        (Role.VILLAGE_STAFF,),
        Level.VILLAGE,
        Action.CASE_APPRAISE,
        condition=DISPUTED,
    )
    return Process(
        code=code, label="Only a conditional step", stages=(Stage((appraise,)),), flags=(DISPUTED,)
    )


@pytest.fixture(scope="module", autouse=True)
def _processes():
    with registered(make_process(CODE), _only_conditional(ONLY_IF)):
        yield


def _open(people, **kwargs) -> Case:
    return open_case(CODE, people.caseworker, HUAYANG, **kwargs)


def _to_stage_one(people, clock=None) -> Case:
    case = _open(people)
    if clock:
        clock.set(2020, 9, 30)
    complete(case, "accept", people.caseworker, "accepted")
    return case


def _refresh(case: Case) -> Case:
    case.refresh_from_db()
    return case


def _unchanged(case: Case):
    """A snapshot of everything a refused call must leave alone."""
    case = _refresh(case)
    return (case.status, case.stage, case.version, statuses(case), AuditEvent.objects.count())


# --- opening and deadlines ---------------------------------------------------------------


@pytest.mark.django_db
def test_open_starts_the_first_stage_with_deadlines_from_the_declaration(clock, people):
    case = _open(people)  # Tuesday 29 September 2020, 10:00
    assert case.status == CaseStatus.ACTIVE and case.stage == 0
    assert case.number == f"{CODE.upper()}-20200929-{case.pk:06d}"
    assert statuses(case) == {"accept": OPEN}
    accept = task_of(case, "accept")
    assert accept.division_id == NANLING  # a township step of a village's case
    assert accept.roles == "|township_caseworker|"
    # 3 working days: 30 Sep, (holiday 1–8 Oct), 9 Oct, and the make-up Saturday 10 Oct
    assert accept.due_at == due(2020, 10, 10)
    # 20 working days for the whole case: 3 November
    assert _refresh(case).due_at == due(2020, 11, 3)
    [opened] = case_events(case, EventType.CASE_OPENED)
    assert opened.actor_id == people.caseworker.pk
    assert opened.role == "township_caseworker" and opened.division_code == NANLING
    assert opened.new["opened"] == ["accept"] and opened.new["skipped"] == []
    assert [t.step for t in my_tasks(people.caseworker)] == ["accept"]


@pytest.mark.django_db
def test_deadlines_of_later_stages_count_from_when_the_stage_began(clock, people):
    case = _to_stage_one(people, clock)  # accepted on Wednesday 30 September
    verify, visit = task_of(case, "verify"), task_of(case, "visit")
    assert verify.due_at == due(2020, 10, 21)  # 10 working days, across the holiday
    # 5 calendar days (5 Oct, inside the holiday), but not before the acceptance's 10 Oct
    assert visit.due_at == due(2020, 10, 10)
    assert verify.opened_at == clock.now
    clock.set(2020, 10, 9)
    complete(case, "verify", people.caseworker)
    complete(case, "visit", people.social)
    # 3 working days from Friday 9 October would be Tuesday the 13th, before the
    # verification's own deadline: a later step is never due before an earlier one
    assert task_of(case, "decide").due_at == due(2020, 10, 21)
    assert _refresh(case).due_at == due(2020, 11, 3)  # the case's limit does not move


# --- parallel steps ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("order", [("verify", "visit"), ("visit", "verify")])
def test_parallel_steps_finish_in_either_order_and_the_stage_waits_for_both(clock, people, order):
    case = _to_stage_one(people, clock)
    assert _refresh(case).stage == 1
    assert statuses(case) == {"accept": DONE, "verify": OPEN, "visit": OPEN}
    first, second = order
    complete(case, first, people.caseworker)
    case = _refresh(case)
    assert case.stage == 1 and case.status == CaseStatus.ACTIVE
    assert statuses(case)[second] == OPEN
    assert "decide" not in statuses(case)  # the next stage has not begun
    waiting = case_events(case, EventType.TASK_COMPLETED)[-1]
    assert waiting.old["step"] == first and waiting.new["waiting"] is True

    complete(case, second, people.social if second == "visit" else people.caseworker)
    case = _refresh(case)
    assert case.stage == 3  # the appraisal stage is passed over (not disputed)
    assert statuses(case) == {
        "accept": DONE,
        "verify": DONE,
        "visit": DONE,
        "appraise": SKIPPED,
        "decide": OPEN,
        "recheck": SKIPPED,
    }
    moved = case_events(case, EventType.TASK_COMPLETED)[-1]
    assert moved.old["step"] == second
    assert moved.new["opened"] == ["decide"] and moved.new["stage"] == 3
    assert verify_chain().ok


# --- conditional steps -------------------------------------------------------------------


@pytest.mark.django_db
def test_conditional_step_runs_when_its_flag_is_set_before_its_stage(clock, people):
    case = _to_stage_one(people, clock)
    services.case_set_flag(
        case_id=case.pk,
        actor=people.caseworker,
        flag="disputed",
        value=True,
        reason="邻居反映有车辆",
    )
    [flagged] = case_events(case, EventType.CASE_FLAGGED)
    assert flagged.old == {"disputed": False} and flagged.new == {"disputed": True}
    assert flagged.reason == "邻居反映有车辆"
    complete(case, "verify", people.caseworker)
    complete(case, "visit", people.caseworker)
    case = _refresh(case)
    assert case.stage == 2
    appraise = task_of(case, "appraise")
    assert appraise.status == OPEN
    assert appraise.division_id == HUAYANG  # a village step stays in the village
    # 5 working days from 30 Sep (9, 10, 12, 13, 14), but not before verify's 21 Oct
    assert appraise.due_at == due(2020, 10, 21)
    assert "decide" not in statuses(case)
    # staff of another community cannot even see it; the township's village role is no match
    with pytest.raises(TaskNotFound):
        complete(case, "appraise", people.other_village)
    with pytest.raises(NotYourTask):
        complete(case, "appraise", people.township_village)
    assert [t.step for t in my_tasks(people.village)] == ["appraise"]
    complete(case, "appraise", people.village)
    case = _refresh(case)
    assert case.stage == 3
    assert statuses(case)["decide"] == OPEN and statuses(case)["recheck"] == SKIPPED


@pytest.mark.django_db
def test_flag_given_at_opening_is_read_when_the_stage_begins(clock, people):
    case = _open(people, flags={"disputed": True})
    assert _refresh(case).flags == {"disputed": True}
    complete(case, "accept", people.caseworker, "accepted")
    complete(case, "verify", people.caseworker)
    complete(case, "visit", people.caseworker)
    assert _refresh(case).stage == 2 and statuses(case)["appraise"] == OPEN


@pytest.mark.django_db
def test_conditional_step_is_skipped_and_audited_when_its_flag_is_not_set(clock, people):
    case = _to_stage_one(people, clock)
    complete(case, "verify", people.caseworker)
    complete(case, "visit", people.caseworker)
    skipped = task_of(case, "appraise")
    assert skipped.status == SKIPPED
    assert skipped.stage == 2 and skipped.due_at is None and skipped.completed_by is None
    assert skipped.division_id == HUAYANG
    event = case_events(case, EventType.TASK_COMPLETED)[-1]
    assert event.new["skipped"] == ["appraise", "recheck"]
    assert event.new["opened"] == ["decide"]
    assert verify_chain().ok


@pytest.mark.django_db
def test_stage_whose_only_step_is_conditional_is_passed_over(clock, people):
    case = _to_stage_one(people, clock)
    stages_seen = {_refresh(case).stage}
    complete(case, "verify", people.caseworker)
    stages_seen.add(_refresh(case).stage)
    complete(case, "visit", people.caseworker)
    stages_seen.add(_refresh(case).stage)
    assert stages_seen == {1, 3}  # never 2
    assert not Task.objects.filter(case=case, stage=2, status=OPEN).exists()
    assert [t.step for t in my_tasks(people.village)] == []
    assert [t.step for t in my_tasks(people.approver)] == ["decide"]


@pytest.mark.django_db
def test_conditional_step_beside_an_unconditional_one_runs_in_parallel(clock, people):
    case = _open(people, flags={"recheck": True})
    complete(case, "accept", people.caseworker, "accepted")
    complete(case, "verify", people.caseworker)
    complete(case, "visit", people.caseworker)
    case = _refresh(case)
    assert case.stage == 3
    assert statuses(case)["decide"] == OPEN and statuses(case)["recheck"] == OPEN
    complete(case, "decide", people.approver, "approved")
    case = _refresh(case)
    assert case.stage == 3 and "disclose" not in statuses(case)  # waits for the recheck
    complete(case, "recheck", people.caseworker)
    assert _refresh(case).stage == 4
    complete(case, "disclose", people.village)
    case = _refresh(case)
    assert case.status == CaseStatus.COMPLETED and case.closed_at == clock.now
    assert set(statuses(case).values()) == {DONE, SKIPPED}
    assert my_tasks(people.caseworker).count() == 0
    assert verify_chain().ok


@pytest.mark.django_db
def test_flag_set_after_its_stage_was_passed_has_no_effect(clock, people):
    case = _to_stage_one(people, clock)
    complete(case, "verify", people.caseworker)
    complete(case, "visit", people.caseworker)
    assert statuses(case)["appraise"] == SKIPPED
    services.case_set_flag(
        case_id=case.pk, actor=people.caseworker, flag="disputed", value=True, reason="事后有争议"
    )
    case = _refresh(case)
    assert case.flags["disputed"] is True and case.stage == 3
    assert statuses(case)["appraise"] == SKIPPED
    # the passed-over step cannot be done now either
    with pytest.raises(StepSkipped) as refused:
        complete(case, "appraise", people.village)
    assert isinstance(refused.value, Conflict)
    complete(case, "decide", people.approver, "approved")
    complete(case, "disclose", people.village)
    case = _refresh(case)
    assert case.status == CaseStatus.COMPLETED
    assert statuses(case)["appraise"] == SKIPPED


@pytest.mark.django_db
def test_case_whose_every_step_is_conditional_and_off_completes_at_once(people):
    case = open_case(ONLY_IF, people.caseworker, HUAYANG)
    assert case.status == CaseStatus.COMPLETED and case.closed_at is not None
    assert statuses(case) == {"appraise": SKIPPED}
    [opened] = case_events(case, EventType.CASE_OPENED)
    assert opened.new["status"] == CaseStatus.COMPLETED and opened.new["skipped"] == ["appraise"]

    other = open_case(ONLY_IF, people.caseworker, HUAYANG, flags={"disputed": True})
    assert other.status == CaseStatus.ACTIVE and statuses(other) == {"appraise": OPEN}


# --- closing outcomes --------------------------------------------------------------------


@pytest.mark.django_db
def test_rejecting_outcome_closes_the_case_and_cancels_the_open_sibling(clock, people):
    case = _to_stage_one(people, clock)
    clock.set(2020, 10, 9)
    complete(case, "verify", people.caseworker, "ineligible", reason="存款超标")
    case = _refresh(case)
    assert case.status == CaseStatus.REJECTED and case.closed_at == clock.now
    assert statuses(case) == {"accept": DONE, "verify": DONE, "visit": CANCELLED}
    visit = task_of(case, "visit")
    assert visit.completed_at == clock.now and visit.completed_by is None
    assert task_of(case, "verify").outcome == "ineligible"
    assert task_of(case, "verify").note == "存款超标"
    event = case_events(case, EventType.TASK_COMPLETED)[-1]
    assert event.new == {"outcome": "ineligible", "status": "rejected"}
    assert event.reason == "存款超标"
    assert my_tasks(people.social).count() == 0

    before = _unchanged(case)
    with pytest.raises(CaseClosed):
        complete(case, "visit", people.social)
    assert _unchanged(case) == before
    assert verify_chain().ok


@pytest.mark.django_db
def test_returning_at_acceptance_closes_as_returned(clock, people):
    case = _open(people)
    complete(case, "accept", people.caseworker, "returned", reason="缺户口簿复印件")
    case = _refresh(case)
    assert case.status == CaseStatus.RETURNED
    assert statuses(case) == {"accept": DONE}


@pytest.mark.django_db
def test_refusal_at_decision_is_signed_by_the_approver(clock, people):
    case = _to_stage_one(people, clock)
    complete(case, "verify", people.caseworker)
    complete(case, "visit", people.caseworker)
    complete(case, "decide", people.approver, "refused", reason="收入超过标准")
    case = _refresh(case)
    assert case.status == CaseStatus.REJECTED
    event = case_events(case, EventType.TASK_COMPLETED)[-1]
    assert event.signer_id == people.approver.pk and event.role == "township_approver"
    # the earlier, unsigned steps carry no signer
    assert all(e.signer_id is None for e in case_events(case, EventType.TASK_COMPLETED)[:-1])
    assert "disclose" not in statuses(case)


@pytest.mark.django_db
def test_withdrawal_cancels_open_tasks(clock, people):
    case = _to_stage_one(people, clock)
    with pytest.raises(ReasonRequired):
        services.case_withdraw(case_id=case.pk, actor=people.caseworker, reason=" ")
    services.case_withdraw(case_id=case.pk, actor=people.caseworker, reason="申请人撤回")
    case = _refresh(case)
    assert case.status == CaseStatus.WITHDRAWN
    assert statuses(case) == {"accept": DONE, "verify": CANCELLED, "visit": CANCELLED}
    with pytest.raises(CaseClosed):
        complete(case, "verify", people.caseworker)
    with pytest.raises(CaseClosed):
        services.case_withdraw(case_id=case.pk, actor=people.caseworker, reason="again")
    with pytest.raises(CaseClosed):
        services.case_set_flag(
            case_id=case.pk, actor=people.caseworker, flag="disputed", value=True, reason="too late"
        )


# --- refusals ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_completing_a_finished_task_again_is_a_conflict(people):
    case = _open(people)
    complete(case, "accept", people.caseworker, "accepted")
    before = _unchanged(case)
    with pytest.raises(TaskAlreadyDone):
        complete(case, "accept", people.caseworker, "accepted")
    assert _unchanged(case) == before


@pytest.mark.django_db
def test_unknown_outcome_is_refused_before_anything_is_written(people):
    case = _open(people)
    before = _unchanged(case)
    with pytest.raises(UnknownOutcome) as refused:
        complete(case, "accept", people.caseworker, "approved")  # an outcome of another step
    assert isinstance(refused.value, Invalid)
    assert "accepted, returned" in refused.value.render("en")
    assert _unchanged(case) == before


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_outcome_that_needs_a_reason_is_refused_without_one(people, reason):
    case = _open(people)
    before = _unchanged(case)
    with pytest.raises(ReasonRequired):
        complete(case, "accept", people.caseworker, "returned", reason=reason)
    assert _unchanged(case) == before
    assert task_of(case, "accept").status == OPEN


@pytest.mark.django_db
def test_a_role_not_named_by_the_step_is_refused(people):
    case = _open(people)
    before = _unchanged(case)
    # the approver carries the accept permission, but the step names caseworkers only
    for user in (people.approver, people.social, people.township_village):
        with pytest.raises(NotYourTask) as refused:
            complete(case, "accept", user, "accepted")
        assert isinstance(refused.value, Forbidden)
    assert _unchanged(case) == before


@pytest.mark.django_db
def test_the_right_role_in_another_township_cannot_touch_the_task(people):
    case = _open(people)
    task = task_of(case, "accept")
    before = _unchanged(case)
    # outside its scope the task does not exist (404, nothing leaks)
    with pytest.raises(TaskNotFound) as refused:
        complete(case, "accept", people.other_caseworker, "accepted")
    assert isinstance(refused.value, NotFound)
    with pytest.raises(TaskNotFound):
        access_task_by_id(people.other_caseworker, task.pk)
    assert my_tasks(people.other_caseworker).count() == 0
    # bound higher up, it sees the case but the task belongs to the township's own staff
    assert access_task_by_id(people.county_caseworker, task.pk) == task
    with pytest.raises(NotYourTask):
        complete(case, "accept", people.county_caseworker, "accepted")
    assert my_tasks(people.county_caseworker).count() == 0
    assert _unchanged(case) == before


@pytest.mark.django_db
def test_village_staff_can_never_complete_a_decision(clock, people):
    case = _to_stage_one(people, clock)
    complete(case, "verify", people.caseworker)
    complete(case, "visit", people.caseworker)
    before = _unchanged(case)
    for user in (people.village, people.township_village, people.caseworker):
        with pytest.raises(NotYourTask):
            complete(case, "decide", user, "approved")
    with pytest.raises(TaskNotFound):
        complete(case, "decide", people.other_approver, "approved")
    assert _unchanged(case) == before
    assert [t.step for t in my_tasks(people.approver)] == ["decide"]


@pytest.mark.django_db
def test_county_supervisor_sees_but_cannot_act(clock, people):
    case = _to_stage_one(people, clock)
    complete(case, "verify", people.caseworker)
    complete(case, "visit", people.caseworker)
    before = _unchanged(case)
    assert access_case_by_id(people.supervisor, case.pk) == case
    decide = task_of(case, "decide")
    assert access_task_by_id(people.supervisor, decide.pk) == decide
    assert my_tasks(people.supervisor).count() == 0
    with pytest.raises(NotYourTask):
        complete(case, "decide", people.supervisor, "approved")
    with pytest.raises(NotYourTask):
        services.tasks_bulk_complete(
            process_code=CODE,
            step_code="decide",
            case_ids=[case.pk],
            actor=people.supervisor,
            outcome="approved",
        )
    with pytest.raises(NotAllowed):
        services.case_set_flag(
            case_id=case.pk, actor=people.supervisor, flag="disputed", value=True, reason="抽查发现"
        )
    with pytest.raises(NotAllowed):
        services.case_withdraw(case_id=case.pk, actor=people.supervisor, reason="抽查发现")
    assert _unchanged(case) == before


@pytest.mark.django_db
def test_opening_needs_the_right_and_the_scope(people):
    with pytest.raises(NotAllowed):
        _open_as(people.supervisor)
    with pytest.raises(NotAllowed):
        _open_as(people.other_caseworker)
    with pytest.raises(NotAllowed):
        _open_as(people.social)
    assert not Case.objects.exists() and not AuditEvent.objects.exists()


def _open_as(user) -> Case:
    return open_case(CODE, user, HUAYANG)


@pytest.mark.django_db
def test_unknown_flags_are_refused(people):
    with pytest.raises(UnknownFlag):
        _open(people, flags={"rich": True})
    assert not Case.objects.exists()
    case = _open(people)
    before = _unchanged(case)
    with pytest.raises(UnknownFlag):
        services.case_set_flag(
            case_id=case.pk, actor=people.caseworker, flag="rich", value=True, reason="x"
        )
    with pytest.raises(ReasonRequired):
        services.case_set_flag(
            case_id=case.pk, actor=people.caseworker, flag="disputed", value=True, reason=""
        )
    assert _unchanged(case) == before


@pytest.mark.django_db
def test_outside_scope_case_is_not_found_for_every_use_case(people):
    case = _open(people)
    with pytest.raises(NotFound):
        services.case_set_flag(
            case_id=case.pk, actor=people.other_caseworker, flag="disputed", value=True, reason="x"
        )
    with pytest.raises(NotFound):
        services.case_withdraw(case_id=case.pk, actor=people.other_caseworker, reason="x")
    with pytest.raises(TaskNotFound):
        services.task_complete(task_id="not-a-number", actor=people.caseworker)
    with pytest.raises(TaskNotFound):
        services.task_complete(task_id=10**9, actor=people.caseworker)


# --- declarations ------------------------------------------------------------------------


def test_unknown_process_is_refused():
    with pytest.raises(UnknownProcess):
        registry.get_process("no_such_process")


def test_a_process_is_registered_once_and_step_codes_are_unique():
    process = make_process(CODE)
    with pytest.raises(ValueError, match="twice"):
        registry.register(process)  # another object under a code in use
    step = process.step("accept")
    with pytest.raises(ValueError, match="duplicate"):
        Process(code="dup", label="dup", stages=(Stage((step,)), Stage((step,))))
    with pytest.raises(ValueError, match="no stages"):
        Process(code="empty", label="empty", stages=())


@pytest.mark.parametrize(
    "process", [*registry.all_processes(), make_process(CODE)], ids=lambda p: p.code
)
def test_every_declared_step_can_be_performed_by_its_roles(process):
    """A step whose roles lack its action would sit in someone's list and never move."""
    for step in process.all_steps():
        assert step.roles, step.code
        for role in step.roles:
            assert role_allows(role, step.action), (process.code, step.code, role)
        for outcome in step.outcomes:
            if outcome.closes_as:
                assert CaseStatus(outcome.closes_as) != CaseStatus.ACTIVE, outcome
        if step.condition:
            assert step.condition.flag in {c.flag for c in process.flags}, step.code

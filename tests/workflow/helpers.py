"""A test-only process and small helpers shared by the workflow tests.

The process has every shape the engine supports: a closing outcome at the first stage, a
parallel pair (one of them with a closing outcome), a stage whose only step is conditional,
a stage mixing an unconditional and a conditional step, and a last step counted in calendar
days. Its step codes repeat those of the assistance process on purpose, so a batch that
mixes the two processes must be refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from yimen.accounts.roles import Action, Role
from yimen.audit.models import AuditEvent
from yimen.regions.codes import Level
from yimen.regions.models import Division
from yimen.workflow import registry, services
from yimen.workflow.calendar import SHANGHAI, Duration, end_of_day
from yimen.workflow.models import Case, Task
from yimen.workflow.process import DONE, Condition, Outcome, Process, Stage, Step

HENGAN = "220102001002"  # a second community of 南岭街道
DISPUTED = Condition("disputed", "the case is disputed")
RECHECK = Condition("recheck", "a recheck was ordered")

CW = Role.TOWNSHIP_CASEWORKER


def make_process(code: str) -> Process:
    """The test process under ``code`` (one code per test module)."""
    accept = Step(
        "accept",
        "Acceptance",
        (CW,),
        Level.TOWNSHIP,
        Action.CASE_ACCEPT,
        deadline=Duration(3),
        outcomes=(
            Outcome("accepted", "Accept"),
            Outcome("returned", "Return", closes_as="returned", needs_reason=True),
        ),
    )
    verify = Step(
        "verify",
        "Verification",
        (CW,),
        Level.TOWNSHIP,
        Action.CASE_VERIFY,
        deadline=Duration(10),
        outcomes=(
            DONE,
            Outcome("ineligible", "Ineligible", closes_as="rejected", needs_reason=True),
        ),
    )
    visit = Step(
        "visit",
        "Visit",
        (CW, Role.SOCIAL_WORKER),
        Level.TOWNSHIP,
        Action.CASE_INVESTIGATE,
        deadline=Duration(5, working=False),
    )
    appraise = Step(
        "appraise",
        "Appraisal",
        (Role.VILLAGE_STAFF,),
        Level.VILLAGE,
        Action.CASE_APPRAISE,
        deadline=Duration(5),
        condition=DISPUTED,
    )
    decide = Step(
        "decide",
        "Decision",
        (Role.TOWNSHIP_APPROVER,),
        Level.TOWNSHIP,
        Action.CASE_DECIDE,
        deadline=Duration(3),
        signed=True,
        outcomes=(
            Outcome("approved", "Approve"),
            Outcome("refused", "Refuse", closes_as="rejected", needs_reason=True),
        ),
    )
    recheck = Step(
        "recheck",
        "Recheck",
        (CW,),
        Level.TOWNSHIP,
        Action.CASE_VERIFY,
        deadline=Duration(2),
        condition=RECHECK,
    )
    disclose = Step(
        "disclose",
        "Disclosure",
        (Role.VILLAGE_STAFF,),
        Level.VILLAGE,
        Action.CASE_DISCLOSE,
        deadline=Duration(7, working=False),
    )
    return Process(
        code=code,
        label=f"Test process {code}",
        stages=(
            Stage((accept,)),
            Stage((verify, visit)),
            Stage((appraise,)),
            Stage((decide, recheck)),
            Stage((disclose,)),
        ),
        deadline=Duration(20),
        flags=(DISPUTED, RECHECK),
    )


@contextmanager
def registered(*processes: Process) -> Iterator[None]:
    """Register test processes for a while, and forget them afterwards."""
    for process in processes:
        registry.register(process)
    try:
        yield
    finally:
        for process in processes:
            registry._PROCESSES.pop(process.code, None)


def open_case(
    process: str,
    actor,
    division: str,
    *,
    flags: dict | None = None,
    title: str = "测试家庭 低保申请",
) -> Case:
    return services.case_open(
        process_code=process,
        division=Division.objects.get(pk=division),
        actor=actor,
        title=title,
        flags=flags,
    )


def task_of(case: Case, step: str) -> Task:
    return Task.objects.get(case=case, step=step)


def complete(case: Case, step: str, actor, outcome: str = "done", reason: str = "") -> Task:
    return services.task_complete(
        task_id=task_of(case, step).pk, actor=actor, outcome=outcome, reason=reason
    )


def statuses(case: Case) -> dict[str, str]:
    """Step code → task status for every task row of the case."""
    return dict(Task.objects.filter(case=case).values_list("step", "status"))


def case_events(case: Case, event_type: str | None = None) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(subject_type="workflow.case", subject_id=str(case.pk))
    if event_type:
        events = events.filter(event_type=event_type)
    return list(events.order_by("seq"))


def shanghai(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def due(y: int, m: int, d: int) -> datetime:
    """A deadline as the engine stores it: the end of that day in Asia/Shanghai."""
    return end_of_day(date(y, m, d))


class Clock:
    """A settable stand-in for django.utils.timezone.now."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> None:
        self.now = shanghai(y, m, d, hh, mm)

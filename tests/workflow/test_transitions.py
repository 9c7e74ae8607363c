"""The state machine itself: guarded, set-based transitions, and nothing else assigns status."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import HUAYANG
from yimen.workflow import transitions
from yimen.workflow.models import Case, Task
from yimen.workflow.states import (
    CASE_TRANSITIONS,
    CLOSED_CASE_STATES,
    TASK_TRANSITIONS,
    CaseStatus,
    TaskStatus,
)

from .helpers import complete, make_process, open_case, registered, task_of

CODE = "wf_transitions"
WORKFLOW = Path(transitions.__file__).parent


@pytest.fixture(scope="module", autouse=True)
def _process():
    with registered(make_process(CODE)):
        yield


def test_closed_and_finished_states_are_final():
    # but one: a refusal overturned on re-examination or reconsideration is approved
    assert CASE_TRANSITIONS[CaseStatus.REJECTED] == {CaseStatus.COMPLETED}
    for state in CLOSED_CASE_STATES - {CaseStatus.REJECTED}:
        assert not CASE_TRANSITIONS.get(state)
    assert set(CASE_TRANSITIONS) == {CaseStatus.ACTIVE, CaseStatus.REJECTED}
    assert set(TASK_TRANSITIONS) == {TaskStatus.OPEN}
    assert TaskStatus.SKIPPED not in TASK_TRANSITIONS[TaskStatus.OPEN]  # born skipped only
    assert CaseStatus.ACTIVE not in CASE_TRANSITIONS[CaseStatus.ACTIVE]


def test_a_transition_not_declared_is_refused(monkeypatch):
    monkeypatch.setitem(CASE_TRANSITIONS, CaseStatus.ACTIVE, frozenset({CaseStatus.COMPLETED}))
    with pytest.raises(transitions.TransitionRefused):
        transitions.close_cases(case_ids=[1], target=CaseStatus.REJECTED, now=timezone.now())
    monkeypatch.setitem(TASK_TRANSITIONS, TaskStatus.OPEN, frozenset())
    with pytest.raises(transitions.TransitionRefused):
        transitions.claim_tasks(
            task_ids=[1], outcome="done", actor=None, note="", now=timezone.now()
        )


@pytest.mark.django_db
def test_claiming_is_guarded_by_the_current_status(people):
    case = open_case(CODE, people.caseworker, HUAYANG)
    task = task_of(case, "accept")
    now = timezone.now()
    assert transitions.claim_task(
        task=task, outcome="accepted", actor=people.caseworker, note="", now=now
    )
    assert task.status == TaskStatus.DONE
    stale = Task.objects.get(pk=task.pk)
    stale.status = TaskStatus.OPEN  # what a second user's copy would still say
    assert not transitions.claim_task(
        task=stale, outcome="returned", actor=people.approver, note="late", now=now
    )
    task.refresh_from_db()
    assert (task.outcome, task.completed_by_id, task.note) == ("accepted", people.caseworker.pk, "")
    assert (
        transitions.claim_tasks(task_ids=[task.pk], outcome="x", actor=None, note="", now=now) == 0
    )


@pytest.mark.django_db
def test_cancelling_and_closing_touch_only_open_tasks_and_active_cases(people):
    case = open_case(CODE, people.caseworker, HUAYANG)
    complete(case, "accept", people.caseworker, "accepted")
    now = timezone.now()
    assert transitions.cancel_open_tasks(case_ids=[case.pk], now=now) == 2
    assert task_of(case, "accept").status == TaskStatus.DONE
    assert transitions.close_cases(case_ids=[case.pk], target=CaseStatus.WITHDRAWN, now=now) == 1
    assert transitions.close_cases(case_ids=[case.pk], target=CaseStatus.REJECTED, now=now) == 0
    assert transitions.move_cases_to_stage(case_ids=[case.pk], stage=4) == 0
    case.refresh_from_db()
    assert (case.status, case.stage) == (CaseStatus.WITHDRAWN, 1)


def _status_writes(source: str) -> list[int]:
    """Lines that set a ``status``: an attribute assignment, ``.update(status=…)``, or a
    model built with ``status=…``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for element in ast.walk(target):
                    if isinstance(element, ast.Attribute) and element.attr == "status":
                        lines.append(node.lineno)
        elif isinstance(node, ast.Call) and any(k.arg == "status" for k in node.keywords):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in {"update", "Case", "Task", "create", "bulk_create", "update_or_create"}:
                lines.append(node.lineno)
    return lines


def test_the_status_detector_finds_writes():
    assert _status_writes("task.status = 'done'") == [1]
    assert _status_writes("a.status, b = 1, 2") == [1]
    assert _status_writes("Task.objects.filter(pk=1).update(\n    status='done')") == [1]
    assert _status_writes("Case(status='active')") == [1]
    assert _status_writes("Task.objects.filter(status='open')") == []
    assert _status_writes("x = task.status == 'open'") == []


def test_status_is_assigned_in_transitions_only():
    """House rule 3: no other module of the engine writes Case.status or Task.status."""
    offenders = [
        f"{path.name}:{line}"
        for path in sorted(WORKFLOW.rglob("*.py"))
        if path.name != "transitions.py" and "migrations" not in path.parts
        for line in _status_writes(path.read_text("utf-8"))
    ]
    assert offenders == []
    assert _status_writes((WORKFLOW / "transitions.py").read_text("utf-8"))  # it does, there
    assert Case._meta.get_field("status").editable is False
    assert Task._meta.get_field("status").editable is False

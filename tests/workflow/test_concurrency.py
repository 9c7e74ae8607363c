"""Two people act on the same case at the same moment: exactly one wins.

These tests commit for real (transaction=True) and race two threads, each with its own
database connection, through `services.task_complete`. On PostgreSQL the case row is locked
(SELECT … FOR UPDATE) and the task claimed with a guarded UPDATE; on SQLite every write
transaction starts with BEGIN IMMEDIATE (settings), so the two serialise. Either way the
loser must get a clean conflict, and the log must hold one event per decision.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections

from tests.factories import HUAYANG, NANLING, build_tree, user_with
from yimen.accounts.roles import Role
from yimen.audit.events import EventType
from yimen.audit.verify import verify_chain
from yimen.errors import Conflict
from yimen.workflow import services
from yimen.workflow.errors import BatchConflict, TaskAlreadyDone
from yimen.workflow.models import Case, Task
from yimen.workflow.states import CaseStatus, TaskStatus

from .helpers import case_events, make_process, open_case, registered, statuses, task_of

CODE = "wf_race"
ROUNDS = 10

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module", autouse=True)
def _process():
    with registered(make_process(CODE)):
        yield


@pytest.fixture
def staff():
    build_tree()
    return {
        "cw": [user_with(Role.TOWNSHIP_CASEWORKER, NANLING) for _ in range(2)],
        "approver": [user_with(Role.TOWNSHIP_APPROVER, NANLING) for _ in range(2)],
    }


class Overlap:
    """Counts rounds in which both threads had read the task before either had finished:
    the proof that they really raced, rather than ran one after the other."""

    def __init__(self):
        self.reads: list[float] = []
        self.rounds = 0

    def spy(self, real):
        def access(user, task_id):
            task = real(user, task_id)
            self.reads.append(time.perf_counter())
            return task

        return access

    def record(self, ended: list[float]) -> None:
        if len(self.reads) == 2 and max(self.reads) < min(ended):
            self.rounds += 1
        self.reads.clear()


@pytest.fixture
def overlap(monkeypatch):
    probe = Overlap()
    monkeypatch.setattr(services, "access_task_by_id", probe.spy(services.access_task_by_id))
    return probe


def race(*calls: Callable[[], object], ended: list[float] | None = None) -> list[object]:
    """Run ``calls`` in threads released together; each result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as exc:
            results[index] = exc
        finally:
            if ended is not None:
                ended.append(time.perf_counter())
            connections.close_all()  # this thread's connection, not the test's

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    return results


def _complete(task_id: int, user, outcome: str = "done", reason: str = "") -> Callable:
    return lambda: services.task_complete(
        task_id=task_id, actor=user, outcome=outcome, reason=reason
    )


def _batch(user, case_ids: list[int]) -> Callable:
    return lambda: services.tasks_bulk_complete(
        process_code=CODE, step_code="accept", case_ids=case_ids, actor=user, outcome="accepted"
    )


def _one_winner(results: list[object]) -> int:
    """The index of the single winner; the other must have been told it lost."""
    wins = [i for i, r in enumerate(results) if isinstance(r, Task)]
    losses = [r for r in results if not isinstance(r, Task)]
    assert len(wins) == 1, results
    assert len(losses) == 1 and isinstance(losses[0], TaskAlreadyDone), results
    assert isinstance(losses[0], Conflict)
    return wins[0]


def _completions(case: Case, step: str) -> list:
    return [e for e in case_events(case, EventType.TASK_COMPLETED) if e.old["step"] == step]


@pytest.mark.parametrize(
    ("step", "outcome", "reason", "final"),
    [
        ("accept", "accepted", "", CaseStatus.ACTIVE),  # the winner opens the next stage
        ("accept", "returned", "缺材料", CaseStatus.RETURNED),  # the winner closes the case
    ],
)
def test_same_task_completed_twice_at_once(staff, overlap, step, outcome, reason, final):
    a, b = staff["cw"]
    for _ in range(ROUNDS):
        case = open_case(CODE, a, HUAYANG)
        task = task_of(case, step)
        ended: list[float] = []
        results = race(
            _complete(task.pk, a, outcome, reason),
            _complete(task.pk, b, outcome, reason),
            ended=ended,
        )
        overlap.record(ended)
        winner = (a, b)[_one_winner(results)]
        task.refresh_from_db()
        case.refresh_from_db()
        assert task.status == TaskStatus.DONE and task.completed_by_id == winner.pk
        assert case.status == final
        [event] = _completions(case, step)
        assert event.actor_id == winner.pk
        if final == CaseStatus.ACTIVE:
            # the next stage was opened once, not twice
            assert statuses(case) == {"accept": "done", "verify": "open", "visit": "open"}
            assert case.stage == 1
    assert verify_chain().ok
    if connection.vendor == "postgresql":
        # row locks, not a global write lock: the loser got in before the winner committed
        # (on SQLite, BEGIN IMMEDIATE makes the second transaction wait at its start)
        assert overlap.rounds >= 1


def test_same_decision_taken_twice_at_once_by_two_approvers(staff):
    a, b = staff["approver"]
    cw = staff["cw"][0]
    for i in range(ROUNDS):
        case = open_case(CODE, cw, HUAYANG)
        for step, outcome in (("accept", "accepted"), ("verify", "done"), ("visit", "done")):
            services.task_complete(task_id=task_of(case, step).pk, actor=cw, outcome=outcome)
        task = task_of(case, "decide")
        # one approves while the other refuses: whichever lands first decides the case
        results = race(
            _complete(task.pk, a, "approved"), _complete(task.pk, b, "refused", "收入超标")
        )
        won = _one_winner(results)
        case.refresh_from_db()
        assert case.status == (CaseStatus.ACTIVE, CaseStatus.REJECTED)[won], i
        [event] = _completions(case, "decide")
        assert event.signer_id == (a, b)[won].pk
    assert verify_chain().ok


def test_parallel_siblings_completed_at_once_advance_the_case_exactly_once(staff):
    a, b = staff["cw"]
    for _ in range(ROUNDS):
        case = open_case(CODE, a, HUAYANG)
        services.task_complete(task_id=task_of(case, "accept").pk, actor=a, outcome="accepted")
        results = race(
            _complete(task_of(case, "verify").pk, a), _complete(task_of(case, "visit").pk, b)
        )
        assert all(isinstance(r, Task) for r in results), results
        case.refresh_from_db()
        assert case.stage == 3
        assert Task.objects.filter(case=case, step="decide", status=TaskStatus.OPEN).count() == 1
        # exactly one of the two saw the stage complete and moved the case on
        moved = [e for e in case_events(case, EventType.TASK_COMPLETED) if "opened" in e.new]
        waited = [e for e in case_events(case, EventType.TASK_COMPLETED) if e.new.get("waiting")]
        assert len(moved) == 2 and len(waited) == 1  # accept, then one of the pair
    assert verify_chain().ok


def test_two_batches_over_the_same_cases_at_once(staff):
    a, b = staff["cw"]
    for _ in range(3):
        cases = [open_case(CODE, a, HUAYANG) for _ in range(40)]
        ids = [c.pk for c in cases]

        results = race(_batch(a, ids), _batch(b, ids[::-1]))
        won = [r for r in results if isinstance(r, services.BatchResult)]
        lost = [r for r in results if not isinstance(r, services.BatchResult)]
        assert len(won) == 1 and won[0].decided == 40, results
        assert len(lost) == 1 and isinstance(lost[0], BatchConflict), results
        accepted = Task.objects.filter(case_id__in=ids, step="accept", status=TaskStatus.DONE)
        assert accepted.count() == 40 and len(set(accepted.values_list("completed_by"))) == 1
        assert Task.objects.filter(case_id__in=ids, step="verify").count() == 40
        events = [e for c in cases for e in _completions(c, "accept")]
        assert len(events) == 40
    assert verify_chain().ok


def test_a_batch_and_a_single_completion_at_once(staff):
    a, b = staff["cw"]
    for _ in range(ROUNDS):
        cases = [open_case(CODE, a, HUAYANG) for _ in range(5)]
        single = task_of(cases[2], "accept")
        results = race(_batch(a, [c.pk for c in cases]), _complete(single.pk, b, "accepted"))
        batch_won = isinstance(results[0], services.BatchResult)
        if batch_won:
            assert isinstance(results[1], TaskAlreadyDone), results
            expected_done = 5
        else:
            assert isinstance(results[1], Task) and isinstance(results[0], BatchConflict), results
            expected_done = 1
        assert (
            Task.objects.filter(case__in=cases, step="accept", status=TaskStatus.DONE).count()
            == expected_done
        )
        assert len(_completions(cases[2], "accept")) == 1
    assert verify_chain().ok


def test_a_race_runs_on_separate_connections():
    """Guard of the harness: if the threads shared one connection the tests would prove
    nothing. Both connections are held open at once, so their identities cannot repeat."""
    both_connected = threading.Barrier(2)

    def connection_identity() -> int:
        connection.ensure_connection()
        both_connected.wait(timeout=30)
        return id(connection.connection)

    first, second = race(connection_identity, connection_identity)
    assert isinstance(first, int) and isinstance(second, int)
    assert first != second

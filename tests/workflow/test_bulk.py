"""Batch decisions: one step for many cases, set-based and all or nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import HUAYANG, NANLING, ZIQIANG, user_with
from yimen.accounts.roles import Role
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.audit.verify import verify_chain
from yimen.workflow import services
from yimen.workflow.errors import (
    BatchConflict,
    EmptyBatch,
    NotYourTask,
    ReasonRequired,
    UnknownOutcome,
    UnknownProcess,
    UnknownStep,
)
from yimen.workflow.models import Case, Task
from yimen.workflow.states import CaseStatus, TaskStatus

from .helpers import HENGAN, complete, make_process, open_case, registered, statuses

CODE = "wf_bulk"
ZIQIANG_VILLAGE = "220102002001"  # 北安社区

#: Queries a batch may take whatever its size, on SQLite (999 bound parameters per statement,
#: so ~900 ids per chunk and ~60-80 rows per INSERT). A loop over cases would need thousands.
MAX_QUERIES_300 = 60


@pytest.fixture(scope="module", autouse=True)
def _process():
    with registered(make_process(CODE)):
        yield


def bulk(step: str, cases, actor, outcome: str = "done", reason: str = ""):
    return services.tasks_bulk_complete(
        process_code=CODE,
        step_code=step,
        case_ids=[c.pk for c in cases],
        actor=actor,
        outcome=outcome,
        reason=reason,
    )


def many(people, n: int, division: str = HUAYANG, **kwargs) -> list[Case]:
    return [
        open_case(CODE, people.caseworker, division, title=f"批量 {i}", **kwargs) for i in range(n)
    ]


def snapshot() -> tuple:
    """Every task and case state and the size of the log: a refused batch changes none."""
    return (
        sorted(Task.objects.values_list("id", "status", "outcome")),
        sorted(Case.objects.values_list("id", "status", "stage", "version")),
        AuditEvent.objects.count(),
    )


@pytest.mark.django_db
def test_batch_of_300_advances_every_case_with_a_bounded_number_of_queries(
    people, django_assert_max_num_queries
):
    cases = many(people, 300)
    before = AuditEvent.objects.count()
    with django_assert_max_num_queries(MAX_QUERIES_300):
        result = bulk("accept", cases, people.caseworker, "accepted", reason="批量受理")
    assert (result.decided, result.completed, result.advanced, result.closed) == (300, 300, 300, 0)
    ids = {c.pk for c in cases}
    assert (
        set(
            Case.objects.filter(pk__in=ids, stage=1, status=CaseStatus.ACTIVE).values_list(
                "id", flat=True
            )
        )
        == ids
    )
    accepted = Task.objects.filter(case_id__in=ids, step="accept")
    assert (
        accepted.filter(
            status=TaskStatus.DONE,
            outcome="accepted",
            completed_by=people.caseworker,
            note="批量受理",
        ).count()
        == 300
    )
    for step in ("verify", "visit"):
        assert (
            Task.objects.filter(case_id__in=ids, step=step, status=TaskStatus.OPEN).count() == 300
        )
    # one event per case, and one for the batch, all in the chain
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert len(events) == 301
    per_case = [e for e in events if e.event_type == EventType.TASK_COMPLETED]
    assert sorted(int(e.subject_id) for e in per_case) == sorted(ids)
    assert {e.new["batch"] for e in per_case} == {result.batch_id}
    assert all(e.new["opened"] == ["verify", "visit"] and e.reason == "批量受理" for e in per_case)
    [batch] = [e for e in events if e.event_type == EventType.BULK_DECISION]
    assert batch.subject_id == result.batch_id
    assert batch.new == {"process": CODE, "step": "accept", "outcome": "accepted", "cases": 300}
    assert batch.actor_id == people.caseworker.pk
    assert verify_chain().ok


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_number_of_cases(people):
    small, large = many(people, 10), many(people, 300)
    with CaptureQueriesContext(connection) as q_small:
        bulk("accept", small, people.caseworker, "accepted")
    with CaptureQueriesContext(connection) as q_large:
        bulk("accept", large, people.caseworker, "accepted")
    # 30 times the cases: only the batched INSERTs of new tasks and audit rows may add up
    # (at most ~600/80 + 300/60 on SQLite); a per-case query would add 290 or more
    assert len(q_large) - len(q_small) <= 15, (len(q_small), len(q_large))


@pytest.mark.django_db
def test_cases_whose_parallel_sibling_is_open_wait(people):
    cases = many(people, 20)
    bulk("accept", cases, people.caseworker, "accepted")
    # half of them had their visit done one by one already
    for case in cases[:10]:
        complete(case, "visit", people.social)
    result = bulk("verify", cases, people.caseworker)
    assert (result.decided, result.advanced, result.closed) == (20, 10, 0)
    for case in cases[:10]:
        case.refresh_from_db()
        assert case.stage == 3 and statuses(case)["decide"] == TaskStatus.OPEN
        assert statuses(case)["appraise"] == TaskStatus.SKIPPED
    for case in cases[10:]:
        case.refresh_from_db()
        assert case.stage == 1 and "decide" not in statuses(case)
        assert statuses(case)["visit"] == TaskStatus.OPEN
    waiting = AuditEvent.objects.filter(
        event_type=EventType.TASK_COMPLETED,
        subject_id__in=[str(c.pk) for c in cases[10:]],
        new__waiting=True,
    )
    assert waiting.count() == 10
    # the social worker may take the visit in a batch too: the rest move on
    result = bulk("visit", cases[10:], people.social)
    assert (result.decided, result.advanced) == (10, 10)
    assert Task.objects.filter(case__in=cases, step="decide", status=TaskStatus.OPEN).count() == 20
    assert verify_chain().ok


@pytest.mark.django_db
def test_each_case_lands_where_its_own_flags_lead(people):
    plain = many(people, 6)
    disputed = many(people, 4, flags={"disputed": True})
    both = plain + disputed
    bulk("accept", both, people.caseworker, "accepted")
    bulk("visit", both, people.caseworker)
    result = bulk("verify", both, people.caseworker)
    assert result.advanced == 10
    for case in plain:
        case.refresh_from_db()
        assert case.stage == 3 and statuses(case)["appraise"] == TaskStatus.SKIPPED
    for case in disputed:
        case.refresh_from_db()
        assert case.stage == 2 and statuses(case)["appraise"] == TaskStatus.OPEN
        assert "decide" not in statuses(case)


@pytest.mark.django_db
def test_a_closing_outcome_closes_every_case_and_cancels_open_siblings(people):
    cases = many(people, 12)
    bulk("accept", cases, people.caseworker, "accepted")
    result = bulk("verify", cases, people.caseworker, "ineligible", reason="存款超标")
    assert (result.decided, result.closed, result.advanced) == (12, 12, 0)
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("status", flat=True)
    ) == {CaseStatus.REJECTED}
    assert set(
        Task.objects.filter(case__in=cases, step="visit").values_list("status", flat=True)
    ) == {TaskStatus.CANCELLED}
    assert not Task.objects.filter(case__in=cases, status=TaskStatus.OPEN).exists()
    assert verify_chain().ok


@pytest.mark.django_db
def test_signed_batch_decision_names_the_signer_on_every_event(people):
    cases = many(people, 5)
    bulk("accept", cases, people.caseworker, "accepted")
    bulk("verify", cases, people.caseworker)
    bulk("visit", cases, people.caseworker)
    before = AuditEvent.objects.count()
    result = bulk("decide", cases, people.approver, "approved")
    assert result.advanced == 5
    events = AuditEvent.objects.filter(seq__gt=before)
    assert events.count() == 6
    assert set(events.values_list("signer_id", flat=True)) == {people.approver.pk}
    assert set(events.values_list("role", flat=True)) == {"township_approver"}


# --- all or nothing ----------------------------------------------------------------------


def _refused(cases, actor, step="accept", outcome="accepted", reason=""):
    before = snapshot()
    with pytest.raises(BatchConflict) as refused:
        bulk(step, cases, actor, outcome, reason)
    assert snapshot() == before
    return refused.value


@pytest.mark.django_db
def test_a_case_already_past_the_step_refuses_the_whole_batch(people):
    cases = many(people, 8)
    complete(cases[3], "accept", people.caseworker, "accepted")
    error = _refused(cases, people.caseworker)
    assert error.params == {"count": 1, "sample": str(cases[3].pk)}
    assert Task.objects.filter(case__in=cases, step="accept", status=TaskStatus.OPEN).count() == 7


@pytest.mark.django_db
def test_a_case_of_another_township_refuses_the_whole_batch(people):
    cases = many(people, 5)
    elsewhere = open_case(CODE, people.other_caseworker, ZIQIANG_VILLAGE)
    _refused([*cases, elsewhere], people.caseworker)
    # and the other township's caseworker cannot take ours in with theirs
    _refused([elsewhere, cases[0]], people.other_caseworker)


@pytest.mark.django_db
def test_a_case_of_another_process_refuses_the_whole_batch(people):
    cases = many(people, 5)
    # the assistance process has an "accept" step too, in the same township
    assist = open_case("assist", people.caseworker, HUAYANG)
    assert statuses(assist) == {"accept": TaskStatus.OPEN}
    _refused([*cases, assist], people.caseworker)


@pytest.mark.django_db
def test_a_closed_or_unknown_case_refuses_the_whole_batch(people):
    cases = many(people, 4)
    services.case_withdraw(case_id=cases[0].pk, actor=people.caseworker, reason="撤回")
    _refused(cases, people.caseworker)
    ghost = Case(pk=10**9)
    error = _refused([*cases[1:], ghost], people.caseworker)
    assert error.params["count"] == 1


@pytest.mark.django_db
def test_a_case_in_another_village_of_the_township_is_in_the_batch(people):
    """Township steps of every village's cases belong to the township's staff."""
    cases = many(people, 3) + many(people, 3, division=HENGAN)
    result = bulk("accept", cases, people.caseworker, "accepted")
    assert result.decided == 6


@pytest.mark.django_db
def test_a_role_without_the_step_is_refused(people):
    cases = many(people, 3)
    before = snapshot()
    for user in (people.social, people.approver, people.village, people.supervisor):
        with pytest.raises(NotYourTask):
            bulk("accept", cases, user, "accepted")
    bulk("accept", cases, people.caseworker, "accepted")
    bulk("verify", cases, people.caseworker)
    bulk("visit", cases, people.caseworker)
    middle = snapshot()
    for user in (people.village, people.township_village, people.caseworker, people.supervisor):
        with pytest.raises(NotYourTask):
            bulk("decide", cases, user, "approved")
    assert snapshot() == middle != before


@pytest.mark.django_db
def test_bad_input_is_refused_before_anything_is_written(people):
    cases = many(people, 3)
    before = snapshot()
    with pytest.raises(EmptyBatch):
        bulk("accept", [], people.caseworker, "accepted")
    with pytest.raises(UnknownStep):
        bulk("approve", cases, people.caseworker, "accepted")
    with pytest.raises(UnknownOutcome):
        bulk("accept", cases, people.caseworker, "approved")
    with pytest.raises(ReasonRequired):
        bulk("accept", cases, people.caseworker, "returned", reason=" ")
    with pytest.raises(UnknownProcess):
        services.tasks_bulk_complete(
            process_code="nope",
            step_code="accept",
            case_ids=[c.pk for c in cases],
            actor=people.caseworker,
        )
    assert snapshot() == before


@pytest.mark.django_db
def test_repeated_ids_count_once(people):
    cases = many(people, 3)
    result = services.tasks_bulk_complete(
        process_code=CODE,
        step_code="accept",
        case_ids=[c.pk for c in cases * 3],
        actor=people.caseworker,
        outcome="accepted",
    )
    assert result.decided == 3
    assert AuditEvent.objects.filter(event_type=EventType.TASK_COMPLETED).count() == 3


@pytest.mark.django_db
def test_a_township_caseworker_may_act_for_two_townships(tree):
    """Bound to two townships, each case's event names the binding that covers it."""
    both = user_with(Role.TOWNSHIP_CASEWORKER, NANLING)
    from yimen.accounts.models import RoleBinding

    RoleBinding.objects.create(user=both, role=Role.TOWNSHIP_CASEWORKER, division_id=ZIQIANG)
    ours = open_case(CODE, both, HUAYANG)
    theirs = open_case(CODE, both, ZIQIANG_VILLAGE)
    services.tasks_bulk_complete(
        process_code=CODE,
        step_code="accept",
        case_ids=[ours.pk, theirs.pk],
        actor=both,
        outcome="accepted",
    )
    events = {
        e.subject_id: e.division_code
        for e in AuditEvent.objects.filter(event_type=EventType.TASK_COMPLETED)
    }
    assert events == {str(ours.pk): NANLING, str(theirs.pk): ZIQIANG}

"""Deadline reminders and the work list they point to."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from tests.factories import HUAYANG, NANLING, user_with
from yimen.accounts.models import RoleBinding
from yimen.accounts.roles import Role
from yimen.accounts.scoping import bindings_of
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.workflow.case_view import task_rows
from yimen.workflow.deadlines import ReminderRun, due_soon_cutoff, send_reminders
from yimen.workflow.models import Notification
from yimen.workflow.selectors import my_tasks, unread_notifications

from .helpers import complete, due, make_process, open_case, registered, shanghai, task_of

CODE = "wf_deadlines"
BEIAN = "220102002001"  # a community of 自强街道


@pytest.fixture(scope="module", autouse=True)
def _process():
    with registered(make_process(CODE)):
        yield


@pytest.fixture
def world(clock, people):
    """Cases at several points on Tuesday 29 and Wednesday 30 September 2020."""
    a = open_case(CODE, people.caseworker, HUAYANG)  # accept due Sat 10 Oct (make-up day)
    c = open_case(CODE, people.other_caseworker, BEIAN)  # the same, in 自强街道
    d = open_case(CODE, people.caseworker, HUAYANG)
    complete(d, "accept", people.caseworker, "returned", reason="材料不全")  # closed
    clock.set(2020, 9, 30)
    b = open_case(CODE, people.caseworker, HUAYANG)
    # verify due 21 Oct; visit 5 calendar days (5 Oct) but never before the acceptance's
    # own deadline, 12 Oct: a later step is not due before an earlier one
    complete(b, "accept", people.caseworker, "accepted")
    # people who must never be reminded of these tasks
    idle = user_with(Role.TOWNSHIP_CASEWORKER, NANLING)
    idle.is_active = False
    idle.save()
    revoked = user_with(Role.TOWNSHIP_CASEWORKER, NANLING)
    RoleBinding.objects.filter(user=revoked).update(active=False)
    return {"a": a, "b": b, "c": c, "d": d}


def _sent() -> set[tuple[int, int, str]]:
    return set(Notification.objects.values_list("recipient_id", "task_id", "kind"))


def test_due_soon_is_counted_in_working_days(settings):
    settings.YIMEN_DUE_SOON_WORKING_DAYS = 2
    assert due_soon_cutoff(shanghai(2020, 9, 30)) == due(2020, 10, 10)  # 9th and make-up 10th
    assert due_soon_cutoff(shanghai(2021, 2, 10)) == due(2021, 2, 19)
    settings.YIMEN_DUE_SOON_WORKING_DAYS = 0
    assert due_soon_cutoff(shanghai(2020, 10, 1)) == due(2020, 10, 1)


@pytest.mark.django_db
def test_reminders_go_to_the_tasks_roles_in_the_tasks_division_only(clock, people, world, settings):
    settings.YIMEN_DUE_SOON_WORKING_DAYS = 2
    a, b, c = world["a"], world["b"], world["c"]
    clock.set(2020, 10, 9)  # due soon: up to the end of Monday 12 October
    events_before = AuditEvent.objects.count()
    run = send_reminders(now=clock.now)
    assert run == ReminderRun(overdue_tasks=0, due_soon_tasks=3, notifications=4)
    accept_a, visit_b, accept_c = task_of(a, "accept"), task_of(b, "visit"), task_of(c, "accept")
    assert _sent() == {
        (people.caseworker.pk, accept_a.pk, "due_soon"),
        (people.caseworker.pk, visit_b.pk, "due_soon"),  # not before the acceptance's 12 Oct
        (people.social.pk, visit_b.pk, "due_soon"),  # the visit names social workers too
        (people.other_caseworker.pk, accept_c.pk, "due_soon"),
    }
    # not the approver (other role), the county (ancestor), the idle or revoked caseworker
    note = Notification.objects.get(recipient=people.caseworker, task=accept_a)
    assert note.day.isoformat() == "2020-10-09"
    assert a.number in note.message and "2020-10-10" in note.message
    soon = Notification.objects.get(recipient=people.social, task=visit_b)
    assert b.number in soon.message and "2020-10-12" in soon.message
    assert unread_notifications(people.caseworker).count() == 2
    # one audit event per reminded task
    sent = AuditEvent.objects.filter(seq__gt=events_before)
    assert sent.count() == 3
    assert set(sent.values_list("event_type", flat=True)) == {EventType.REMINDER_SENT}
    assert set(sent.values_list("subject_id", flat=True)) == {str(a.pk), str(b.pk), str(c.pk)}


@pytest.mark.django_db
def test_rerun_on_the_same_day_sends_nothing_new(clock, people, world):
    clock.set(2020, 10, 9, 8)
    first = send_reminders(now=clock.now)
    assert first.notifications > 0
    sent, events = _sent(), AuditEvent.objects.count()
    clock.set(2020, 10, 9, 17)
    again = send_reminders(now=clock.now)
    assert again.notifications == 0
    assert (again.overdue_tasks, again.due_soon_tasks) == (
        first.overdue_tasks,
        first.due_soon_tasks,
    )
    assert _sent() == sent and AuditEvent.objects.count() == events
    # the next day is a new day: one more reminder each, and a due task turns overdue
    clock.set(2020, 10, 11)  # Sunday: accept (due Saturday the 10th) is now overdue
    later = send_reminders(now=clock.now)
    accept_a = task_of(world["a"], "accept")
    assert (people.caseworker.pk, accept_a.pk, "overdue") in _sent()
    assert later.notifications == first.notifications
    assert Notification.objects.filter(task=accept_a, recipient=people.caseworker).count() == 2


@pytest.mark.django_db
def test_closed_cases_and_finished_tasks_are_not_reminded(clock, people, world):
    clock.set(2020, 11, 30)  # everything open is long overdue
    send_reminders(now=clock.now)
    reminded = set(Notification.objects.values_list("task__case_id", "task__step"))
    assert (world["d"].pk, "accept") not in reminded  # closed case
    assert (world["b"].pk, "accept") not in reminded  # done
    assert (world["b"].pk, "verify") in reminded


@pytest.mark.django_db
def test_nothing_due_sends_nothing(clock, people):
    open_case(CODE, people.caseworker, HUAYANG)
    assert send_reminders(now=clock.now) == ReminderRun(0, 0, 0)
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_the_deadlines_command_runs_the_reminders(clock, people, world):
    clock.set(2020, 10, 9)
    out = StringIO()
    call_command("deadlines", stdout=out)
    assert "overdue tasks: 0" in out.getvalue()
    assert "notifications sent: 4" in out.getvalue()
    assert Notification.objects.count() == 4
    out = StringIO()
    call_command("deadlines", stdout=out)
    assert "notifications sent: 0" in out.getvalue()
    assert Notification.objects.count() == 4


# --- the work list -----------------------------------------------------------------------


@pytest.mark.django_db
def test_my_tasks_is_one_query(clock, people, world, django_assert_num_queries):
    bindings_of(people.caseworker)  # cached on the user, as on a request
    with django_assert_num_queries(1):
        rows = list(my_tasks(people.caseworker))
        labels = [(t.case.number, t.division.name, t.step) for t in rows]
    assert len(labels) == 3


@pytest.mark.django_db
def test_my_tasks_lists_open_tasks_of_my_roles_in_my_divisions_earliest_first(clock, people, world):
    a, b = world["a"], world["b"]
    assert [(t.case_id, t.step) for t in my_tasks(people.caseworker)] == [
        (a.pk, "accept"),  # due 10 Oct
        (b.pk, "visit"),  # due 12 Oct (not before b's acceptance, opened on 30 Sep)
        (b.pk, "verify"),  # due 21 Oct
    ]
    assert [(t.case_id, t.step) for t in my_tasks(people.social)] == [(b.pk, "visit")]
    assert [t.case_id for t in my_tasks(people.other_caseworker)] == [world["c"].pk]
    for nobody in (
        people.approver,
        people.county_caseworker,
        people.supervisor,
        people.village,
        AnonymousUser(),
    ):
        assert list(my_tasks(nobody)) == []
    # a caseworker bound to both townships sees both
    both = user_with(Role.TOWNSHIP_CASEWORKER, NANLING)
    RoleBinding.objects.create(user=both, role=Role.TOWNSHIP_CASEWORKER, division_id="220102002000")
    assert {t.case_id for t in my_tasks(both)} == {a.pk, b.pk, world["c"].pk}


@pytest.mark.django_db
def test_task_rows_flag_overdue_and_due_soon(clock, people, world, settings):
    settings.YIMEN_DUE_SOON_WORKING_DAYS = 2
    clock.set(2020, 10, 9)
    rows = {r["task"].step: r for r in task_rows(my_tasks(people.caseworker), clock.now)}
    assert (rows["visit"]["overdue"], rows["visit"]["due_soon"]) == (False, True)
    assert (rows["accept"]["overdue"], rows["accept"]["due_soon"]) == (False, True)
    assert (rows["verify"]["overdue"], rows["verify"]["due_soon"]) == (False, False)
    assert str(rows["verify"]["step"].label) == "Verification"

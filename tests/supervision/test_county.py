"""County supervision: read-only and scoped, requests for township review and their
answers, and never a decision."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.assistance.test_case_paths import investigate
from tests.assistance.test_public import approved, submitted, use_public_urls
from tests.factories import ZIQIANG, user_with
from yimen.accounts.roles import Role
from yimen.assistance.models import Decision
from yimen.assistance.services import steps
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.errors import Invalid
from yimen.supervision import errors
from yimen.supervision.models import SupervisionFlag
from yimen.supervision.services import flags as supervision
from yimen.workflow import services as workflow
from yimen.workflow.errors import NotYourTask, StepHasOwnForm
from yimen.workflow.models import Notification, Task
from yimen.workflow.states import TaskStatus

KUANCHENG = "220103000000"  # another county
BEIAN = "220102002001"  # a community of 自强街道


@pytest.fixture
def public_urls(settings, tmp_path):
    use_public_urls(settings, tmp_path)


@pytest.fixture
def cases(staff, public_urls):
    """One case in each township of 南关区."""
    nanling = submitted(staff, head="张建明", serial="01")
    ziqiang = submitted(
        staff, head="赵德胜", serial="02", division=BEIAN, clerk=staff.other_caseworker
    )
    return nanling, ziqiang


def numbers(response) -> str:
    return response.content.decode().split('id="county-cases"')[1]


def test_supervisor_lists_the_county_cases_read_only(client, staff, cases):
    nanling, ziqiang = cases
    client.force_login(staff.supervisor)
    response = client.get("/county/cases/")
    assert response.status_code == 200
    table = numbers(response)
    assert nanling.case.number in table and ziqiang.case.number in table
    assert "task_complete" not in response.content.decode() and "/tasks/" not in table


def test_a_household_without_a_case_is_not_listed(client, staff, cases):
    """A roster household taken over from before the system has a submitted application
    but no case (benefits.demo.historical_household): the list answered 500 on it."""
    from stdnum.cn import ric

    from yimen.benefits.demo import historical_household

    body = "22010219500110300"
    old = historical_household(
        staff.caseworker,
        name="曲凤兰",
        id_number=body + ric.calc_check_digit(body + "0"),
        village=cases[0].division_id,
        kind="dibao",
        amount=Decimal("500.00"),
        start=timezone.localdate().replace(day=1),
        account="",
    )
    client.force_login(staff.supervisor)
    for query in ("", "?overdue=1", "?status=active"):
        response = client.get("/county/cases/" + query)
        assert response.status_code == 200, query
        assert "曲凤兰" not in response.content.decode()
    assert "张建明" in client.get("/county/cases/").content.decode()
    assert client.get(f"/county/cases/{old.application_id}/").status_code == 404


def test_filters_by_township_and_status(client, staff, cases):
    nanling, ziqiang = cases
    client.force_login(staff.supervisor)
    table = numbers(client.get("/county/cases/", {"township": ZIQIANG}))
    assert ziqiang.case.number in table and nanling.case.number not in table
    workflow.case_withdraw(case_id=nanling.case_id, actor=staff.caseworker, reason="撤回")
    table = numbers(client.get("/county/cases/", {"status": "withdrawn"}))
    assert nanling.case.number in table and ziqiang.case.number not in table
    # a township outside the supervisor's county is ignored, not an error
    table = numbers(client.get("/county/cases/", {"township": "220103001000"}))
    assert nanling.case.number in table


def test_overdue_cases_are_flagged_and_filterable(client, staff, cases):
    nanling, ziqiang = cases
    Task.objects.filter(case=nanling.case, step="visit").update(
        due_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(staff.supervisor)
    response = client.get("/county/cases/")
    rows = {r["application"].pk: r["overdue"] for r in response.context["rows"]}
    assert rows == {nanling.pk: True, ziqiang.pk: False}
    table = numbers(client.get("/county/cases/", {"overdue": "1"}))
    assert nanling.case.number in table and ziqiang.case.number not in table


def test_another_county_sees_nothing(client, staff, cases):
    nanling, _ = cases
    other = user_with(Role.COUNTY_SUPERVISOR, KUANCHENG)
    client.force_login(other)
    assert nanling.case.number not in numbers(client.get("/county/cases/"))
    assert client.get(f"/county/cases/{nanling.pk}/").status_code == 404
    with pytest.raises(errors.SupervisionNotAllowed):
        supervision.supervision_flag_raise(actor=other, application=nanling, comment="抽查")


def test_the_list_is_for_supervisors_only(client, staff, cases):
    client.force_login(staff.caseworker)
    assert client.get("/county/cases/").status_code == 403
    client.logout()
    assert client.get("/county/cases/").status_code == 302  # to the login page


def test_case_page_is_scoped(client, staff, cases):
    nanling, _ = cases
    client.force_login(staff.supervisor)
    page = client.get(f"/county/cases/{nanling.pk}/")
    assert page.status_code == 200 and 'id="flag-raise"' in page.content.decode()
    assert nanling.head.id_number not in page.content.decode()  # ID numbers masked
    client.force_login(staff.other_caseworker)  # 自强街道: another township
    assert client.get(f"/county/cases/{nanling.pk}/").status_code == 404
    client.force_login(staff.caseworker)  # its own township reads it, without the flag form
    page = client.get(f"/county/cases/{nanling.pk}/")
    assert page.status_code == 200 and 'id="flag-raise"' not in page.content.decode()


def test_raise_a_flag_through_the_page(client, staff, cases):
    nanling, _ = cases
    client.force_login(staff.supervisor)
    response = client.post(f"/county/cases/{nanling.pk}/flag/", {"comment": "请核实该户车辆情况"})
    assert response.status_code == 302
    flag = SupervisionFlag.objects.get()
    assert flag.raised_by == staff.supervisor and flag.comment == "请核实该户车辆情况"
    event = AuditEvent.objects.get(event_type=EventType.SUPERVISION_FLAGGED)
    assert event.actor_id == staff.supervisor.pk and event.role == Role.COUNTY_SUPERVISOR
    assert event.subject_id == str(nanling.case_id) and event.reason == flag.comment
    notified = set(Notification.objects.filter(kind="info").values_list("recipient", flat=True))
    assert notified == {staff.caseworker.pk, staff.caseworker_b.pk}
    assert "请核实该户车辆情况" in Notification.objects.first().message


def test_flag_needs_a_comment_and_the_supervise_permission(client, staff, cases):
    nanling, _ = cases
    with pytest.raises(Invalid):
        supervision.supervision_flag_raise(
            actor=staff.supervisor, application=nanling, comment="  "
        )
    with pytest.raises(Invalid):
        supervision.supervision_flag_raise(
            actor=staff.supervisor, application=nanling, comment="x" * 2001
        )
    for actor in (staff.caseworker, staff.approver, staff.village):
        with pytest.raises(errors.SupervisionNotAllowed):
            supervision.supervision_flag_raise(actor=actor, application=nanling, comment="抽查")
    client.force_login(staff.caseworker)
    client.post(f"/county/cases/{nanling.pk}/flag/", {"comment": "抽查"})
    assert not SupervisionFlag.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.SUPERVISION_FLAGGED).exists()


def test_township_answers_the_flag(client, staff, cases):
    nanling, _ = cases
    flag = supervision.supervision_flag_raise(
        actor=staff.supervisor, application=nanling, comment="请核实"
    )
    client.force_login(staff.caseworker)
    listed = client.get("/county/flags/").content.decode()
    assert nanling.case.number in listed
    response = client.post(f"/county/flags/{flag.pk}/answer/", {"answer": "已入户复核，情况属实"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.answer == "已入户复核，情况属实" and flag.answered_at is not None
    answered = AuditEvent.objects.filter(subject_id=str(nanling.case_id), new__answered=True).get()
    assert answered.actor_id == staff.caseworker.pk and answered.reason == flag.answer
    assert Notification.objects.filter(recipient=staff.supervisor, kind="info").exists()
    assert nanling.case.number not in client.get("/county/flags/").content.decode()
    with pytest.raises(errors.FlagAlreadyAnswered):
        supervision.supervision_flag_answer(actor=staff.caseworker_b, flag=flag, answer="再答")


def test_only_the_case_township_answers(client, staff, cases):
    nanling, _ = cases
    flag = supervision.supervision_flag_raise(
        actor=staff.supervisor, application=nanling, comment="请核实"
    )
    for actor in (staff.supervisor, staff.other_caseworker, staff.village):
        with pytest.raises(errors.AnswerNotAllowed):
            supervision.supervision_flag_answer(actor=actor, flag=flag, answer="答复")
    with pytest.raises(Invalid):
        supervision.supervision_flag_answer(actor=staff.caseworker, flag=flag, answer="")
    client.force_login(staff.other_caseworker)
    assert client.post(f"/county/flags/{flag.pk}/answer/", {"answer": "答复"}).status_code == 404
    assert client.get("/county/flags/").context["flags"].count() == 0
    flag.refresh_from_db()
    assert flag.answered_at is None


# --- the county never decides ------------------------------------------------------------


@pytest.fixture
def awaiting_decision(staff, cases):
    nanling, _ = cases
    investigate(staff, nanling)
    return nanling


def test_supervisor_cannot_decide_through_the_services(staff, awaiting_decision):
    application = awaiting_decision
    task = application.case.tasks.get(step="decide")
    with pytest.raises(NotYourTask):
        steps.case_decide(
            actor=staff.supervisor,
            application=application,
            approve=True,
            assistance_type="dibao",
            monthly_amount=Decimal("500"),
            reasons="",
        )
    with pytest.raises(NotYourTask):
        workflow.task_complete(task_id=task.pk, actor=staff.supervisor, outcome="approved")
    with pytest.raises(StepHasOwnForm):  # a decision is never taken in a batch
        workflow.tasks_bulk_complete(
            process_code="assist",
            step_code="decide",
            case_ids=[application.case_id],
            actor=staff.supervisor,
            outcome="approved",
        )
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and not Decision.objects.exists()


def test_supervisor_cannot_decide_over_http(client, staff, awaiting_decision):
    application = awaiting_decision
    task = application.case.tasks.get(step="decide")
    client.force_login(staff.supervisor)
    client.post(f"/tasks/{task.pk}/complete/", {"outcome": "approved", "reason": "同意"})
    client.post(f"/tasks/{task.pk}/complete/", {"outcome": "refused", "reason": "不同意"})
    assert (
        client.post(
            f"/county/cases/{application.pk}/", {"approve": "1", "monthly_amount": "500"}
        ).status_code
        == 405
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and not Decision.objects.exists()
    assert not AuditEvent.objects.filter(
        event_type=EventType.TASK_COMPLETED, actor=staff.supervisor
    ).exists()


def test_approved_case_page_shows_the_decision_read_only(client, staff, public_urls):
    application = approved(staff)
    client.force_login(staff.supervisor)
    page = client.get(f"/county/cases/{application.pk}/").content.decode()
    assert "1,234.50" in page and "刘洋" in page
    assert "/tasks/" not in page

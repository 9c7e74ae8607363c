"""Scoping through the API: outside one's area is 404 (existence never leaks); inside
but not one's step is 403; citizens see their own applications only."""

from __future__ import annotations

import pytest

from tests.api.helpers import api_client, post_json, problem
from yimen.audit.models import AuditEvent
from yimen.workflow.states import CaseStatus, TaskStatus

pytestmark = pytest.mark.django_db


def numbers(response) -> set[str]:
    assert response.status_code == 200
    return {c["number"] for c in response.json()["results"]}


def test_another_townships_caseworker_gets_404_for_every_door(world):
    api = api_client(world.other_caseworker)
    case, task = world.case, world.task(world.case)
    events_before = AuditEvent.objects.count()

    problem(api.get(f"/api/cases/{case.pk}/"), 404, "workflow.case_not_found")
    problem(api.get(f"/api/cases/{case.pk}/timeline/"), 404, "workflow.case_not_found")
    problem(
        post_json(
            api,
            f"/api/cases/{case.pk}/flags/",
            {"flag": "disputed", "value": True, "reason": "有人举报"},
        ),
        404,
        "workflow.case_not_found",
    )
    problem(
        post_json(api, f"/api/cases/{case.pk}/withdraw/", {"reason": "撤回"}),
        404,
        "workflow.case_not_found",
    )
    problem(
        post_json(api, f"/api/tasks/{task.pk}/complete/", {"outcome": "accepted"}),
        404,
        "workflow.task_not_found",
    )

    assert world.case.number not in numbers(api.get("/api/cases/"))
    assert world.other_case.number in numbers(api.get("/api/cases/"))
    assert case.pk not in {t["case_id"] for t in api.get("/api/tasks/").json()["results"]}

    case.refresh_from_db()
    task.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE and case.flags == {}
    assert task.status == TaskStatus.OPEN
    assert AuditEvent.objects.count() == events_before


def test_hidden_and_absent_cases_answer_alike(world):
    api = api_client(world.other_caseworker)
    hidden = api.get(f"/api/cases/{world.case.pk}/").json()
    absent = api.get(f"/api/cases/{world.case.pk + 10_000}/").json()
    assert hidden == absent


def test_county_supervisor_sees_both_townships_but_may_not_complete(world):
    api = api_client(world.supervisor)
    seen = numbers(api.get("/api/cases/"))
    assert {world.case.number, world.other_case.number, world.neighbour_case.number} <= seen
    assert api.get(f"/api/cases/{world.other_case.pk}/").status_code == 200
    assert api.get(f"/api/cases/{world.case.pk}/timeline/").status_code == 200

    task = world.task(world.case)
    body = problem(
        post_json(api, f"/api/tasks/{task.pk}/complete/", {"outcome": "accepted"}),
        403,
        "workflow.not_your_task",
    )
    assert "Acceptance" in body["detail_en"]  # names the step, in both languages
    assert body["detail_zh"] != body["detail_en"]
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    # nor may the county withdraw or flag a township's case
    problem(
        post_json(api, f"/api/cases/{world.case.pk}/withdraw/", {"reason": "抽查"}),
        403,
        "workflow.not_allowed",
    )
    problem(
        post_json(
            api,
            f"/api/cases/{world.case.pk}/flags/",
            {"flag": "disputed", "value": True, "reason": "抽查"},
        ),
        403,
        "workflow.not_allowed",
    )


def test_a_citizen_sees_only_their_own_application(world):
    api = api_client(world.citizen)
    assert numbers(api.get("/api/cases/")) == {world.case.number}
    assert api.get(f"/api/cases/{world.case.pk}/").json()["number"] == world.case.number
    problem(api.get(f"/api/cases/{world.neighbour_case.pk}/"), 404, "workflow.case_not_found")
    problem(api.get(f"/api/cases/{world.other_case.pk}/timeline/"), 404)
    assert api.get("/api/tasks/").json()["results"] == []
    task = world.task(world.case)
    problem(
        post_json(api, f"/api/tasks/{task.pk}/complete/", {"outcome": "accepted"}),
        403,
        "workflow.not_your_task",
    )


def test_a_citizen_may_withdraw_their_own_application(world):
    api = api_client(world.citizen)
    response = post_json(api, f"/api/cases/{world.case.pk}/withdraw/", {"reason": "已找到工作"})
    assert response.status_code == 200
    assert response.json()["status"] == CaseStatus.WITHDRAWN
    assert world.task(world.case).status == TaskStatus.CANCELLED
    problem(post_json(api, f"/api/cases/{world.neighbour_case.pk}/withdraw/", {"reason": "x"}), 404)


def test_my_tasks_are_those_of_my_role_in_my_division(world):
    mine = api_client(world.caseworker).get("/api/tasks/").json()["results"]
    assert {t["case_number"] for t in mine} == {world.case.number, world.neighbour_case.number}
    assert all(t["step"] == "accept" and t["due_at"] for t in mine)
    theirs = api_client(world.other_caseworker).get("/api/tasks/").json()["results"]
    assert [t["case_number"] for t in theirs] == [world.other_case.number]
    assert api_client(world.approver).get("/api/tasks/").json()["results"] == []

"""The case and task API through HTTP (workflow/api.py): reading, completing tasks, flags,
batch decisions, and bad input that must come back as a 4xx problem, never a 500."""

from __future__ import annotations

import pytest

from tests.api.helpers import api_client, post_json, problem
from tests.factories import GENERIC_ASSIST, HUAYANG
from tests.web.world import ACCEPT_CHOICES, NEEDS_REASON
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.audit.verify import verify_chain
from yimen.workflow import services
from yimen.workflow.states import CaseStatus, TaskStatus

pytestmark = pytest.mark.django_db


# --- reading and acting ----------------------------------------------------------------------


def test_case_detail_and_timeline(world):
    api = api_client(world.caseworker)
    detail = api.get(f"/api/cases/{world.case.pk}/").json()
    assert detail["number"] == world.case.number
    assert detail["division_code"] == "220102001001"
    assert [t["step"] for t in detail["tasks"]] == ["accept"]
    timeline = api.get(f"/api/cases/{world.case.pk}/timeline/").json()
    assert [e["event_type"] for e in timeline] == [EventType.CASE_OPENED]
    assert timeline[0]["actor_name"] == "张丽" and len(timeline[0]["hash"]) == 64


def test_completing_a_task_moves_the_case(world):
    api = api_client(world.caseworker)
    task = world.task(world.case)
    response = post_json(api, f"/api/tasks/{task.pk}/complete/", {"outcome": "accepted"})
    assert response.status_code == 200
    assert response.json()["status"] == TaskStatus.DONE
    detail = api.get(f"/api/cases/{world.case.pk}/").json()
    assert detail["stage"] == 1
    assert {t["step"] for t in detail["tasks"] if t["status"] == "open"} == {"verify", "visit"}
    # a second completion of the same task is a conflict
    problem(
        post_json(api, f"/api/tasks/{task.pk}/complete/", {"outcome": "accepted"}),
        409,
        "workflow.task_already_done",
    )


def test_flag_and_withdraw(world):
    api = api_client(world.caseworker)
    url = f"/api/cases/{world.case.pk}/"
    flagged = post_json(
        api, url + "flags/", {"flag": "disputed", "value": True, "reason": "邻居反映有车"}
    )
    assert flagged.status_code == 200 and flagged.json()["flags"] == {"disputed": True}
    withdrawn = post_json(api, url + "withdraw/", {"reason": "申请人书面撤回"})
    assert withdrawn.json()["status"] == CaseStatus.WITHDRAWN
    problem(post_json(api, url + "withdraw/", {"reason": "again"}), 409, "workflow.case_closed")
    problem(
        post_json(api, url + "flags/", {"flag": "disputed", "value": False, "reason": "x"}),
        409,
        "workflow.case_closed",
    )
    task = world.task(world.case)
    problem(
        post_json(api, f"/api/tasks/{task.pk}/complete/", {"outcome": "accepted"}),
        409,
        "workflow.case_closed",
    )


# --- bad input: 4xx problem, never 500 ---------------------------------------------------------


@pytest.mark.parametrize(
    "body,status,code",
    [
        ({"outcome": "approved"}, 400, "workflow.unknown_outcome"),
        ({}, 400, "workflow.unknown_outcome"),  # the default "done" is not an outcome of accept
        ({"outcome": NEEDS_REASON}, 400, "workflow.reason_required"),
        ({"outcome": NEEDS_REASON, "reason": "   "}, 400, "workflow.reason_required"),
        ({"outcome": "x" * 41}, 400, "invalid"),
        ({"outcome": ["accepted"]}, 400, "invalid"),
        ({"outcome": {"a": 1}}, 400, "invalid"),
        ({"outcome": None}, 400, "invalid"),
        ({"outcome": "accepted", "reason": "x" * 2001}, 400, "invalid"),
        ([1, 2], 400, "invalid"),
        ("accepted", 400, "invalid"),
        (None, 400, "invalid"),
    ],
)
def test_bad_completion_bodies(world, body, status, code):
    task = world.task(world.case)
    response = post_json(api_client(world.caseworker), f"/api/tasks/{task.pk}/complete/", body)
    problem(response, status, code)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_unknown_outcome_names_the_choices(world):
    task = world.task(world.case)
    body = problem(
        post_json(
            api_client(world.caseworker), f"/api/tasks/{task.pk}/complete/", {"outcome": "approved"}
        ),
        400,
    )
    assert ACCEPT_CHOICES in body["detail_en"]
    assert ACCEPT_CHOICES in body["detail_zh"]


@pytest.mark.parametrize(
    "raw,content_type,status,code",
    [
        ("{not json", "application/json", 400, "invalid.parse"),
        ('{"outcome": "accepted"', "application/json", 400, "invalid.parse"),
        ("\xff\xfe", "application/json", 400, "invalid.parse"),
        ('{"outcome": NaN}', "application/json", 400, None),
        ("outcome=accepted", "text/plain", 415, "unsupported_media_type"),
        ("<xml/>", "application/xml", 415, "unsupported_media_type"),
    ],
)
def test_unreadable_bodies(world, raw, content_type, status, code):
    task = world.task(world.case)
    api = api_client(world.caseworker)
    response = api.post(f"/api/tasks/{task.pk}/complete/", raw, content_type=content_type)
    problem(response, status, code)


def test_form_encoded_bodies_are_accepted_too(world):
    task = world.task(world.case)
    response = api_client(world.caseworker).post(
        f"/api/tasks/{task.pk}/complete/", {"outcome": "accepted"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body,code",
    [
        ({"flag": "rich", "value": True, "reason": "x"}, "workflow.unknown_flag"),
        ({"flag": "disputed", "value": "maybe", "reason": "x"}, "invalid"),
        ({"flag": "disputed", "value": True}, "invalid"),
        ({"flag": "disputed", "value": True, "reason": ""}, "invalid"),
        ({"flag": "disputed", "value": True, "reason": "   "}, "invalid"),
        ({"flag": ["disputed"], "value": True, "reason": "x"}, "invalid"),
    ],
)
def test_bad_flag_bodies(world, body, code):
    problem(
        post_json(api_client(world.caseworker), f"/api/cases/{world.case.pk}/flags/", body),
        400,
        code,
    )
    world.case.refresh_from_db()
    assert world.case.flags == {}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reason": ""},
        {"reason": "  "},
        {"reason": None},
        {"reason": ["a"]},
        {"reason": {"a": 1}},
    ],
)
def test_bad_withdraw_bodies(world, body):
    problem(
        post_json(api_client(world.caseworker), f"/api/cases/{world.case.pk}/withdraw/", body), 400
    )
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.ACTIVE


@pytest.mark.parametrize(
    "case_id",
    [
        "abc",
        "-1",
        "0",
        "1.5",
        "1e3",
        "%20",
        "99999999999999999999999999",
        "9223372036854775808",
        "%EF%BC%91",
        "%D9%A1",
        "1_0",
        "0x1",
    ],
)
def test_odd_case_ids_are_404_problems(world, case_id):
    api = api_client(world.caseworker)
    for suffix in ["", "timeline/"]:
        problem(api.get(f"/api/cases/{case_id}/{suffix}"), 404, "workflow.case_not_found")
    problem(
        post_json(api, f"/api/cases/{case_id}/withdraw/", {"reason": "x"}),
        404,
        "workflow.case_not_found",
    )
    problem(
        post_json(
            api, f"/api/cases/{case_id}/flags/", {"flag": "disputed", "value": True, "reason": "x"}
        ),
        404,
    )
    problem(
        post_json(api, f"/api/tasks/{case_id}/complete/", {"outcome": "accepted"}),
        404,
        "workflow.task_not_found",
    )


def test_wrong_methods_are_405_problems(world):
    api = api_client(world.caseworker)
    body = problem(
        api.get(f"/api/tasks/{world.task(world.case).pk}/complete/"), 405, "method_not_allowed"
    )
    assert body["detail_en"]
    problem(api.delete(f"/api/cases/{world.case.pk}/"), 405)
    problem(post_json(api, "/api/cases/", {}), 405)


@pytest.mark.parametrize(
    "query",
    [
        "limit=abc",
        "offset=-5",
        "limit=0",
        "status=bogus",
        "status=",
        "stauts=active",  # a misspelt name would otherwise answer every case
        "status=active&status=completed",
    ],
)
def test_list_parameters_that_make_no_sense_are_refused(world, query):
    api = api_client(world.caseworker)
    body = problem(api.get(f"/api/cases/?{query}"), 400, "invalid.query")
    assert body["errors"] and body["detail_zh"] != body["detail_en"]


def test_list_limits_beyond_the_caps_are_capped(world):
    api = api_client(world.caseworker)
    for query in ["limit=99999999999999999999", "offset=99999999999999999999"]:
        assert api.get(f"/api/cases/?{query}").status_code == 200, query
    assert api.get("/api/cases/?status=completed").json()["results"] == []
    one = api.get("/api/cases/?limit=1").json()
    assert one["count"] == 2 and len(one["results"]) == 1
    assert len(api.get("/api/tasks/?limit=99999999999999999999").json()["results"]) == 2


# --- batch decision ------------------------------------------------------------------------


def batch(api, **body):
    return post_json(
        api,
        "/api/cases/batch-decision/",
        {"process": GENERIC_ASSIST, "step": "accept", "outcome": "accepted", **body},
    )


def test_batch_decision_moves_every_case_and_audits_each(world):
    ids = [world.case.pk, world.neighbour_case.pk]
    response = batch(api_client(world.caseworker), case_ids=ids, reason="集中受理")
    assert response.status_code == 200
    result = response.json()
    assert result["decided"] == 2 and result["completed"] == 2 and result["advanced"] == 2
    assert result["closed"] == 0 and len(result["batch_id"]) == 32
    for case in (world.case, world.neighbour_case):
        case.refresh_from_db()
        assert case.stage == 1
        assert world.task(case).status == TaskStatus.DONE
    events = AuditEvent.objects.filter(new__batch=result["batch_id"])
    assert events.count() == 2
    assert (
        AuditEvent.objects.filter(
            event_type=EventType.BULK_DECISION, subject_id=result["batch_id"]
        ).count()
        == 1
    )
    assert verify_chain().ok


def test_batch_is_all_or_nothing(world):
    before = AuditEvent.objects.count()
    body = problem(
        batch(api_client(world.caseworker), case_ids=[world.case.pk, world.other_case.pk]),
        409,
        "workflow.batch_conflict",
    )
    assert str(world.other_case.pk) in body["detail_en"]
    assert world.task(world.case).status == TaskStatus.OPEN
    assert AuditEvent.objects.count() == before


def test_batch_by_someone_whose_step_it_is_not(world):
    problem(
        batch(api_client(world.supervisor), case_ids=[world.case.pk]), 403, "workflow.not_your_task"
    )
    problem(
        batch(api_client(world.approver), case_ids=[world.case.pk]), 403, "workflow.not_your_task"
    )


@pytest.mark.parametrize(
    "override,code",
    [
        ({"case_ids": []}, "invalid"),
        ({"case_ids": ["x"]}, "invalid"),
        ({"case_ids": [0]}, "invalid"),
        ({"case_ids": [2**63]}, "invalid"),
        ({"case_ids": "1,2"}, "invalid"),
        ({"case_ids": None}, "invalid"),
        ({"process": "nope", "case_ids": [1]}, "workflow.unknown_process"),
        ({"step": "nope", "case_ids": [1]}, "workflow.unknown_step"),
        ({"outcome": "approved", "case_ids": [1]}, "workflow.unknown_outcome"),
        ({"outcome": NEEDS_REASON, "case_ids": [1]}, "workflow.reason_required"),
        ({"process": None, "case_ids": [1]}, "invalid"),
    ],
)
def test_bad_batch_bodies(world, override, code):
    problem(batch(api_client(world.caseworker), **override), 400, code)
    assert world.task(world.case).status == TaskStatus.OPEN


def test_batch_of_unknown_ids_changes_nothing(world):
    problem(
        batch(api_client(world.caseworker), case_ids=[world.case.pk, 10**17]),
        409,
        "workflow.batch_conflict",
    )
    assert world.task(world.case).status == TaskStatus.OPEN


def test_batch_after_the_cases_moved_on(world):
    services.task_complete(
        task_id=world.task(world.case).pk, actor=world.caseworker, outcome="accepted"
    )
    problem(
        batch(api_client(world.caseworker), case_ids=[world.case.pk]),
        409,
        "workflow.batch_conflict",
    )


def test_real_assistance_steps_are_refused_by_the_generic_endpoints(world):
    """Acceptance, decisions… of the real process carry their own records, so neither one
    task nor a batch of them can be completed through the generic API."""
    from yimen.regions.models import Division

    case = services.case_open(
        process_code="assist",
        division=Division.objects.get(pk=HUAYANG),
        actor=world.caseworker,
        title="真实流程",
    )
    task = case.tasks.get(step="accept")
    api = api_client(world.caseworker)
    problem(
        post_json(api, f"/api/tasks/{task.pk}/complete/", {"outcome": "accepted"}),
        403,
        "workflow.step_has_own_form",
    )
    problem(
        post_json(
            api,
            "/api/cases/batch-decision/",
            {"process": "assist", "step": "accept", "outcome": "accepted", "case_ids": [case.pk]},
        ),
        403,
        "workflow.step_has_own_form",
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN

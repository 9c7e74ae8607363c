"""The assistance API through HTTP: the full path of a case with the notice read back from
the PDF, errors keyed by item, scoping (404 outside one's township on every address), the
wrong role refused, and bad input answered with a 4xx problem, never a 500."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from tests.api.helpers import PROBLEM, api_client, post_json, problem
from tests.assistance.conftest import household_input
from tests.web.world import _fast_password_hashing  # noqa: F401  (autouse fixture)
from yimen.assistance.models import Application, ApplicationStatus, Decision, HouseholdVisit
from yimen.audit.models import AuditEvent
from yimen.workflow.states import CaseStatus, TaskStatus

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.assistance.urls_for_tests")]

BASE = "/api/assistance/applications/"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64
STEPS = (
    "accept",
    "verification",
    "visit",
    "dispute",
    "appraisal",
    "decision",
    "disclosure",
    "submit",
    "discard",
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def body_of(data) -> dict:
    """An ApplicationInput as the JSON an integration would send."""
    members = [
        {
            "name": m.name,
            "id_number": m.id_number,
            "relationship": m.relationship,
            "disability_kind": m.disability_kind,
            "disability_grade": m.disability_grade,
            "serious_illness": m.serious_illness,
            "work_ability": m.work_ability,
            "student": m.student,
            "living_apart": m.living_apart,
            "incomes": [
                {"category": i.category, "monthly_amount": str(i.monthly_amount)} for i in m.incomes
            ],
            "promise_signed_on": m.promise_signed_on and m.promise_signed_on.isoformat(),
            "authorisation_signed_on": (
                m.authorisation_signed_on and m.authorisation_signed_on.isoformat()
            ),
        }
        for m in data.members
    ]
    assets = [
        {
            "kind": a.kind,
            "value": str(a.value),
            "quantity": a.quantity,
            "vehicle_kind": a.vehicle_kind,
        }
        for a in data.assets
    ]
    return {
        "division_code": data.division_code,
        "address": data.address,
        "hukou_type": data.hukou_type,
        "assistance_type": data.assistance_type,
        "channel": data.channel,
        "members": members,
        "assets": assets,
        "discovery_note": data.discovery_note,
    }


def create(user, **overrides) -> dict:
    response = post_json(api_client(user), BASE, body_of(household_input(**overrides)))
    assert response.status_code == 201, response.content.decode()
    return response.json()


def upload(user, pk, kind, content=PNG, name="scan.png"):
    return api_client(user).post(
        f"{BASE}{pk}/attachments/",
        {"kind": kind, "file": SimpleUploadedFile(name, content, "image/png")},
    )


def accepted(staff) -> dict:
    app = create(staff.caseworker)
    for kind in ("id_card", "hukou", "disability"):
        assert upload(staff.caseworker, app["id"], kind).status_code == 201
    response = api_client(staff.caseworker).post(f"{BASE}{app['id']}/accept/")
    assert response.status_code == 200 and response.json()["missing_items"] == []
    return response.json()["application"]


def step(user, pk, name, body=None):
    return post_json(api_client(user), f"{BASE}{pk}/{name}/", body or {})


def investigate(staff, pk):
    response = step(
        staff.caseworker,
        pk,
        "verification",
        {
            "verified_monthly_income": "950.00",
            "verified_deposits": "3000.00",
            "contradicts_declaration": False,
            "findings": "与申报一致",
        },
    )
    assert response.status_code == 200, response.content
    response = step(
        staff.caseworker_b,
        pk,
        "visit",
        {
            "visited_on": timezone.localdate().isoformat(),
            "investigator_ids": [staff.caseworker_b.pk, staff.social_worker.pk],
            "findings": "家中陈设简陋",
            "investigators_signed": True,
            "family_signed": True,
        },
    )
    assert response.status_code == 200, response.content
    return response.json()


def pdf_text(content: bytes) -> str:
    """The notice's text with its line breaks removed (long lines are wrapped)."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return text.replace("\n", "")


# --- the whole path ----------------------------------------------------------------------


def test_full_path_create_accept_investigate_decide_disclose_and_read_the_notice(staff):
    app = create(staff.caseworker)
    assert app["status"] == ApplicationStatus.SUBMITTED and app["case_number"]
    head = next(m for m in app["members"] if m["relationship"] == "head")
    assert (head["birth_date"], head["sex"]) == ("1970-03-12", "M")
    assert {(i["category"], i["counted"]) for i in head["incomes"]} == {
        ("wages", True),
        ("x_assistance", False),
    }
    assert len(app["missing_items"]) == 3

    # accepting before the materials: one notice with every missing item, the task waits
    response = api_client(staff.caseworker).post(f"{BASE}{app['id']}/accept/")
    assert response.status_code == 200 and len(response.json()["missing_items"]) == 3
    assert response.json()["application"]["notices"][0]["items"] == app["missing_items"]
    for kind in ("id_card", "hukou", "disability"):
        response = upload(staff.caseworker, app["id"], kind)
        assert response.status_code == 201 and response.json()["content_type"] == "image/png"
    response = api_client(staff.caseworker).post(f"{BASE}{app['id']}/accept/")
    assert response.json()["missing_items"] == []
    tasks = {t["step"]: t["status"] for t in response.json()["application"]["tasks"]}
    assert tasks["accept"] == TaskStatus.DONE and tasks["verify"] == TaskStatus.OPEN

    after = investigate(staff, app["id"])
    assert after["visit"]["investigators"] == ["王芳", "陈静"]
    assert {t["step"]: t["status"] for t in after["tasks"]}["appraise"] == TaskStatus.SKIPPED
    response = step(
        staff.approver,
        app["id"],
        "decision",
        {
            "approve": True,
            "assistance_type": "dibao",
            "monthly_amount": "1234.50",
            "reasons": "人均收入低于保障标准",
        },
    )
    assert response.status_code == 200, response.content
    decision = response.json()["decision"]
    assert decision["approved"] and decision["monthly_amount"] == "1234.50"
    assert decision["signer_name"] == "刘洋"

    response = api_client(staff.caseworker).get(f"{BASE}{app['id']}/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "确认通知书" in text and app["case_number"] in text, text
    assert "1234.50" in text and "壹仟贰佰叁拾肆元伍角" in text
    assert "刘洋" in text and "张建明" in text

    response = step(staff.village, app["id"], "disclosure")
    assert response.status_code == 200
    assert response.json()["case_status"] == CaseStatus.COMPLETED


def test_refusal_path_gives_a_refusal_notice_with_the_reasons(staff):
    app = accepted(staff)
    investigate(staff, app["id"])
    response = step(staff.approver, app["id"], "decision", {"approve": False, "reasons": ""})
    body = problem(response, 400)
    assert "reasons" in body["errors"]
    response = step(
        staff.approver, app["id"], "decision", {"approve": False, "reasons": "家庭存款超过规定"}
    )
    assert response.status_code == 200
    assert response.json()["case_status"] == CaseStatus.REJECTED
    assert response.json()["decision"]["notice_due"]
    text = pdf_text(api_client(staff.approver).get(f"{BASE}{app['id']}/notice.pdf").content)
    assert "不予确认" in text and "家庭存款超过规定" in text


def test_disputed_case_requires_the_appraisal_before_the_decision(staff):
    app = accepted(staff)
    response = step(staff.caseworker, app["id"], "dispute", {"reason": "邻居反映有经营收入"})
    assert response.status_code == 200 and response.json()["disputed"] is True
    investigate(staff, app["id"])
    problem(
        step(
            staff.approver,
            app["id"],
            "decision",
            {"approve": True, "assistance_type": "dibao", "monthly_amount": "100"},
        ),
        409,
        "assistance.wrong_step",
    )
    response = step(
        staff.village,
        app["id"],
        "appraisal",
        {
            "held_on": date.today().isoformat(),
            "participants": 11,
            "votes_for": 9,
            "votes_against": 1,
            "abstentions": 1,
            "opinion": "多数同意",
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["appraisal"]["votes_for"] == 9
    assert (
        step(
            staff.approver,
            app["id"],
            "decision",
            {"approve": True, "assistance_type": "dibao", "monthly_amount": "100"},
        ).status_code
        == 200
    )


def test_discovery_report_is_a_draft_until_the_township_submits(staff):
    draft = create(staff.village, channel="discovery", discovery_note="独居老人生活困难")
    assert draft["status"] == ApplicationStatus.DRAFT and draft["case_id"] is None
    listed = api_client(staff.caseworker).get(BASE, {"status": "draft"}).json()
    assert [a["id"] for a in listed["results"]] == [draft["id"]]
    problem(step(staff.caseworker, draft["id"], "accept"), 409, "assistance.wrong_step")
    response = step(staff.caseworker, draft["id"], "submit")
    assert response.status_code == 200 and response.json()["case_number"]
    problem(step(staff.caseworker, draft["id"], "submit"), 409, "assistance.not_a_draft")


def test_discarding_a_draft(staff):
    draft = create(staff.village, channel="discovery", discovery_note="独居老人生活困难")
    problem(step(staff.caseworker, draft["id"], "discard", {}), 400)
    problem(
        step(staff.village, draft["id"], "discard", {"reason": "x"}), 403, "assistance.cannot_apply"
    )
    response = step(staff.caseworker, draft["id"], "discard", {"reason": "已迁出"})
    assert response.status_code == 200 and response.json()["status"] == "discarded"


# --- invalid input -----------------------------------------------------------------------


def test_invalid_application_answers_every_error_by_item_and_writes_nothing(staff):
    body = body_of(household_input())
    number = body["members"][1]["id_number"]
    body["members"][1]["id_number"] = number[:-1] + ("0" if number[-1] != "0" else "1")
    body["members"][2]["relationship"] = "head"
    body["address"] = " "
    events = AuditEvent.objects.count()
    response = post_json(api_client(staff.caseworker), BASE, body)
    errors = problem(response, 400, "assistance.application_invalid")["errors"]
    assert {"members[1].id_number", "members", "address"} <= set(errors)
    assert Application.objects.count() == 0 and AuditEvent.objects.count() == events


def test_wrong_types_are_reported_by_item(staff):
    body = body_of(household_input())
    body["members"][0]["incomes"][0]["monthly_amount"] = "lots"
    body["members"][1]["student"] = "perhaps"
    body["members"][2]["promise_signed_on"] = "2026-02-30"
    body["assets"][0]["kind"] = "gold"
    body["relative_of_staff"] = [1]
    errors = problem(
        post_json(api_client(staff.caseworker), BASE, body), 400, "assistance.application_invalid"
    )["errors"]
    assert {
        "members[0].incomes[0].monthly_amount",
        "members[1].student",
        "members[2].promise_signed_on",
        "assets[0].kind",
        "relative_of_staff",
    } <= set(errors)
    for members in ("many", [], [None], [[1]], {"a": 1}):
        body = body_of(household_input())
        body["members"] = members
        errors = problem(post_json(api_client(staff.caseworker), BASE, body), 400)["errors"]
        assert any(key.startswith("members") for key in errors), members
    assert Application.objects.count() == 0


@pytest.mark.parametrize("raw", ['{"division_code": ', "[]", '"text"', "null", "1e999999"])
def test_malformed_bodies_are_4xx_problems(staff, raw):
    client = api_client(staff.caseworker)
    response = client.post(BASE, raw, content_type="application/json")
    problem(response, 400)
    app = accepted(staff) if raw == "null" else None
    if app:
        for name in STEPS:
            assert (
                400
                <= client.post(
                    f"{BASE}{app['id']}/{name}/", raw, content_type="application/json"
                ).status_code
                < 500
            )


def test_out_of_range_values_are_refused_not_crashed(staff):
    app = accepted(staff)
    pk = app["id"]
    for name, body in (
        (
            "verification",
            {
                "verified_monthly_income": "1e20",
                "verified_deposits": "NaN",
                "contradicts_declaration": False,
                "findings": "x",
            },
        ),
        (
            "verification",
            {
                "verified_monthly_income": "-1",
                "verified_deposits": "0",
                "contradicts_declaration": False,
                "findings": "x",
            },
        ),
        (
            "visit",
            {
                "visited_on": "2026-01-01",
                "investigator_ids": [2**70, -1],
                "findings": "x",
                "investigators_signed": True,
                "family_signed": True,
            },
        ),
        (
            "visit",
            {
                "visited_on": "1900-01-01",
                "investigator_ids": [staff.caseworker.pk, staff.social_worker.pk],
                "findings": "x",
                "investigators_signed": True,
                "family_signed": True,
            },
        ),
        (
            "appraisal",
            {
                "held_on": "2026-01-01",
                "participants": 2**40,
                "votes_for": -1,
                "votes_against": 0,
                "opinion": "x",
            },
        ),
        (
            "decision",
            {"approve": True, "assistance_type": "dibao", "monthly_amount": "99999999999999"},
        ),
        ("decision", {"approve": "yes please"}),
    ):
        response = step(staff.caseworker, pk, name, body)
        assert 400 <= response.status_code < 500, (name, response.content)
        assert response["Content-Type"].startswith(PROBLEM)
    assert HouseholdVisit.objects.count() == 0 and Decision.objects.count() == 0


@pytest.mark.parametrize("raw", ["0", "9" * 19, "9" * 40, "１", "abc", "-1", "1.5"])
def test_odd_ids_are_404_problems_everywhere(staff, raw):
    client = api_client(staff.caseworker)
    problem(client.get(f"{BASE}{raw}/"), 404, "assistance.application_not_found")
    problem(client.get(f"{BASE}{raw}/notice.pdf"), 404, "assistance.application_not_found")
    for name in STEPS:
        problem(
            post_json(client, f"{BASE}{raw}/{name}/", {}), 404, "assistance.application_not_found"
        )


def test_uploads_are_checked(staff):
    app = create(staff.caseworker)
    body = problem(
        upload(staff.caseworker, app["id"], "id_card", b"hello", "x.txt"),
        400,
        "assistance.upload_type",
    )
    assert body["detail_en"]
    problem(upload(staff.caseworker, app["id"], "passport"), 400)
    response = api_client(staff.caseworker).post(
        f"{BASE}{app['id']}/attachments/",
        json.dumps({"kind": "id_card"}),
        content_type="application/json",
    )
    problem(response, 415)


# --- scoping and roles -------------------------------------------------------------------


def test_another_townships_caseworker_gets_404_on_every_address(staff):
    app = accepted(staff)
    investigate(staff, app["id"])
    step(
        staff.approver,
        app["id"],
        "decision",
        {"approve": True, "assistance_type": "dibao", "monthly_amount": "500"},
    )
    other = api_client(staff.other_caseworker)
    problem(other.get(f"{BASE}{app['id']}/"), 404, "assistance.application_not_found")
    problem(other.get(f"{BASE}{app['id']}/notice.pdf"), 404)
    for name in STEPS:
        problem(
            post_json(other, f"{BASE}{app['id']}/{name}/", {"reason": "x"}),
            404,
            "assistance.application_not_found",
        )
    problem(
        other.post(
            f"{BASE}{app['id']}/attachments/",
            {"kind": "id_card", "file": SimpleUploadedFile("a.png", PNG, "image/png")},
        ),
        404,
    )
    assert other.get(BASE).json()["results"] == []
    assert [a["id"] for a in api_client(staff.supervisor).get(BASE).json()["results"]] == [
        app["id"]
    ]


def test_the_wrong_role_is_refused_for_every_step(staff):
    app = create(staff.caseworker)
    for kind in ("id_card", "hukou", "disability"):
        upload(staff.caseworker, app["id"], kind)
    problem(step(staff.village, app["id"], "accept"), 403, "workflow.not_your_task")
    problem(step(staff.supervisor, app["id"], "accept"), 403, "workflow.not_your_task")
    step(staff.caseworker, app["id"], "accept")
    problem(
        step(
            staff.village,
            app["id"],
            "verification",
            {
                "verified_monthly_income": "1",
                "verified_deposits": "1",
                "contradicts_declaration": False,
                "findings": "x",
            },
        ),
        403,
        "workflow.not_your_task",
    )
    problem(
        step(
            staff.approver,
            app["id"],
            "visit",
            {
                "visited_on": timezone.localdate().isoformat(),
                "investigator_ids": [staff.caseworker.pk, staff.social_worker.pk],
                "findings": "x",
                "investigators_signed": True,
                "family_signed": True,
            },
        ),
        403,
        "workflow.not_your_task",
    )
    problem(step(staff.supervisor, app["id"], "dispute", {"reason": "抽查"}), 403)
    investigate(staff, app["id"])
    decision = {"approve": True, "assistance_type": "dibao", "monthly_amount": "100"}
    problem(step(staff.caseworker, app["id"], "decision", decision), 403, "workflow.not_your_task")
    problem(step(staff.supervisor, app["id"], "decision", decision), 403)
    assert Decision.objects.count() == 0
    problem(step(staff.approver, app["id"], "disclosure"), 409, "assistance.wrong_step")
    assert step(staff.approver, app["id"], "decision", decision).status_code == 200
    problem(step(staff.approver, app["id"], "disclosure"), 403, "workflow.not_your_task")


def test_notice_before_the_decision_is_a_404_problem_even_when_asking_for_pdf(staff):
    app = create(staff.caseworker)
    response = api_client(staff.caseworker).get(
        f"{BASE}{app['id']}/notice.pdf", HTTP_ACCEPT="application/pdf"
    )
    problem(response, 404, "assistance.no_notice")


def test_the_schema_documents_every_assistance_operation(client, staff):
    client.force_login(staff.caseworker)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "post" in paths["/api/assistance/applications/"]
    for name in (*STEPS, "attachments"):
        assert "post" in paths[f"/api/assistance/applications/{{application_id}}/{name}/"], name
    notice = paths["/api/assistance/applications/{application_id}/notice.pdf"]["get"]
    assert "application/pdf" in notice["responses"]["200"]["content"]


# --- service guards found while building the pages ---------------------------------------


def test_applications_are_filed_for_a_village_only(staff):
    body = body_of(household_input(division_code="220102001000"))
    errors = problem(post_json(api_client(staff.caseworker), BASE, body), 400)["errors"]
    assert "division_code" in errors


def test_the_decision_cannot_bypass_the_decision_service(staff):
    from yimen.workflow.models import Task

    app = accepted(staff)
    investigate(staff, app["id"])
    task = Task.objects.get(case_id=app["case_id"], step="decide")
    response = post_json(
        api_client(staff.approver), f"/api/tasks/{task.pk}/complete/", {"outcome": "approved"}
    )
    assert 400 <= response.status_code < 500

"""The workbench pages through HTTP: my tasks, the case page, completing a step, scoping
(404, never 403, outside one's area), bad input, notifications. The language switch is
the shell's: tests/web/test_language.py."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from tests.web.world import ACCEPT_CHOICES, NEEDS_REASON
from yimen.assistance.process import ACCEPT
from yimen.audit.events import EventType
from yimen.workflow.errors import NotYourTask, ReasonRequired, UnknownOutcome
from yimen.workflow.states import CaseStatus, TaskStatus

pytestmark = pytest.mark.django_db


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def case_url(case):
    return reverse("web:case_detail", args=[case.pk])


def diagram_url(case):
    return reverse("web:case_diagram", args=[case.pk])


def complete_url(task):
    return reverse("web:task_complete", args=[task.pk])


def zh(text) -> str:
    """A label as the default (Chinese) page shows it."""
    with translation.override("zh-hans"):
        return str(text)


def my_tasks_table(html: str) -> str:
    match = re.search(r'<table class="grid" id="my-tasks">(.*?)</table>', html, re.S)
    assert match, "no #my-tasks table"
    return match.group(1)


# --- my tasks and the case page ----------------------------------------------------------


def test_home_lists_my_tasks_with_their_due_dates(client, world):
    html = page(client, world.caseworker, "/").content.decode()
    table = my_tasks_table(html)
    for case in (world.case, world.neighbour_case):
        task = world.task(case)
        assert case.number in table
        assert reverse("web:case_detail", args=[case.pk]) in table
        assert timezone.localtime(task.due_at).strftime("%Y-%m-%d") in table
    assert world.other_case.number not in html


def test_home_of_someone_without_tasks_says_so(client, world):
    html = page(client, world.supervisor, "/").content.decode()
    assert 'id="my-tasks"' not in html
    assert world.case.number not in html


def test_pages_need_a_login(client, world):
    for url in ["/", case_url(world.case), diagram_url(world.case), "/cases/", "/notifications/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_case_page_shows_the_timeline_the_diagram_and_my_step(client, world):
    html = page(client, world.caseworker, case_url(world.case)).content.decode()
    assert world.case.number in html and world.case.title in html
    timeline = re.search(r'<ol class="timeline" id="timeline">(.*?)</ol>', html, re.S).group(1)
    assert zh(EventType.CASE_OPENED.label) in timeline
    assert "张丽" in timeline  # who opened it
    assert "<svg" in html and "</svg>" in html
    assert 'id="act-accept"' in html  # the caseworker may accept it now
    assert f'action="{complete_url(world.task(world.case))}"' in html


def test_case_diagram_is_an_svg_with_the_current_step_highlighted(client, world):
    response = page(client, world.caseworker, diagram_url(world.case))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.lstrip().startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "#fff4ce" in svg  # the open step's fill


def test_process_diagram_is_public_and_unknown_processes_are_404(client, world):
    assert client.get("/processes/assist/diagram.svg").status_code == 200
    assert client.get("/processes/nope/diagram.svg").status_code == 404


def test_completing_a_task_through_the_page_moves_the_case(client, world):
    client.force_login(world.caseworker)
    task = world.task(world.case)
    response = client.post(complete_url(task), {"outcome": "accepted", "reason": ""})
    assert response.status_code == 302
    assert response["Location"] == case_url(world.case)
    task.refresh_from_db()
    world.case.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_by == world.caseworker
    assert world.case.stage == 1
    assert set(world.case.tasks.filter(status=TaskStatus.OPEN).values_list("step", flat=True)) == {
        "verify",
        "visit",
    }
    html = client.get(response["Location"]).content.decode()
    assert 'class="success"' in html
    assert zh(EventType.TASK_COMPLETED.label) in html
    assert 'id="act-verify"' in html and 'id="act-visit"' in html


def test_the_approver_signs_the_decision_through_the_page(client, world):
    from yimen.workflow import services

    for step, outcome in [("accept", "accepted"), ("verify", "done"), ("visit", "done")]:
        services.task_complete(
            task_id=world.task(world.case, step).pk, actor=world.caseworker, outcome=outcome
        )
    client.force_login(world.approver)
    html = client.get(case_url(world.case)).content.decode()
    assert 'id="act-decide"' in html and 'class="signer"' in html
    client.post(
        complete_url(world.task(world.case, "decide")),
        {"outcome": "refused", "reason": "家庭收入超过标准"},
    )
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.REJECTED
    html = client.get(case_url(world.case)).content.decode()
    assert "刘洋" in html and "家庭收入超过标准" in html
    assert 'id="act-' not in html  # nothing left to do on a closed case


@pytest.mark.parametrize(
    "data,error",
    [
        ({"outcome": "approved"}, UnknownOutcome("approved", ACCEPT_CHOICES)),
        ({"outcome": NEEDS_REASON, "reason": "   "}, ReasonRequired()),
        ({"outcome": "x" * 5000}, UnknownOutcome("x" * 40, ACCEPT_CHOICES)),
    ],
)
def test_bad_input_on_the_page_is_refused_with_a_message(client, world, data, error):
    client.force_login(world.caseworker)
    task = world.task(world.case)
    response = client.post(complete_url(task), data, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<li class="error" role="status">{escape(error.render("zh-hans"))}</li>' in html
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_task_completion_needs_post(client, world):
    response = page(client, world.caseworker, complete_url(world.task(world.case)))
    assert response.status_code == 405


def test_reading_pages_refuse_writes(client, world):
    client.force_login(world.caseworker)
    for url in ["/", "/cases/", case_url(world.case), diagram_url(world.case)]:
        assert client.post(url).status_code == 405
        assert client.head(url).status_code == 200
    assert client.put("/notifications/").status_code == 405


def test_case_list_filters_and_searches(client, world):
    client.force_login(world.caseworker)
    html = client.get("/cases/").content.decode()
    assert world.case.number in html and world.neighbour_case.number in html
    html = client.get("/cases/", {"q": "王秀英"}).content.decode()
    assert world.case.number in html and world.neighbour_case.number not in html
    html = client.get("/cases/", {"status": "completed"}).content.decode()
    assert world.case.number not in html
    for junk in [
        {"page": "abc"},
        {"page": "99999999999999999999"},
        {"status": "'; drop"},
        {"q": "%" * 500},
    ]:
        assert client.get("/cases/", junk).status_code == 200


# --- scoping through the pages -------------------------------------------------------------


def test_another_townships_caseworker_gets_404_everywhere(client, world):
    client.force_login(world.other_caseworker)
    task = world.task(world.case)
    assert client.get(case_url(world.case)).status_code == 404
    assert client.get(diagram_url(world.case)).status_code == 404
    response = client.post(complete_url(task), {"outcome": "accepted"})
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    html = client.get("/cases/").content.decode()
    assert world.case.number not in html and world.other_case.number in html
    assert world.case.number not in client.get("/").content.decode()


def test_404_looks_the_same_for_absent_and_hidden_cases(client, world):
    client.force_login(world.other_caseworker)
    hidden = client.get(case_url(world.case))
    absent = client.get(reverse("web:case_detail", args=[world.case.pk + 1000]))
    assert hidden.status_code == absent.status_code == 404
    assert world.case.title not in hidden.content.decode()
    strip = re.compile(r"csrfmiddlewaretoken\" value=\"[^\"]+\"|/cases/\d+/")
    assert strip.sub("", hidden.content.decode()) == strip.sub("", absent.content.decode())


def test_county_supervisor_sees_both_townships_but_cannot_complete(client, world):
    client.force_login(world.supervisor)
    html = client.get("/cases/").content.decode()
    assert world.case.number in html and world.other_case.number in html
    assert client.get(case_url(world.other_case)).status_code == 200
    case_page = client.get(case_url(world.case)).content.decode()
    assert 'id="act-' not in case_page  # no form to act
    task = world.task(world.case)
    response = client.post(complete_url(task), {"outcome": "accepted"}, follow=True)
    assert response.status_code == 200
    refusal = NotYourTask(zh(ACCEPT.label)).render("zh-hans")
    assert escape(refusal) in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_a_citizen_sees_only_their_own_application(client, world):
    client.force_login(world.citizen)
    html = client.get("/cases/").content.decode()
    assert world.case.number in html
    assert world.neighbour_case.number not in html and world.other_case.number not in html
    assert client.get(case_url(world.case)).status_code == 200
    assert client.get(case_url(world.neighbour_case)).status_code == 404
    task = world.task(world.case)
    client.post(complete_url(task), {"outcome": "accepted"})
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN  # seeing one's case is not deciding it


@pytest.mark.parametrize(
    "path",
    [
        "/cases/abc/",
        "/cases/-1/",
        "/cases/0/",
        "/cases/1.5/",
        "/cases/1e3/",
        "/cases/99999999999999999999999999/",
        "/cases/9223372036854775808/",
        "/cases/%EF%BC%91/",  # a full-width digit one
        "/cases/abc/diagram.svg",
        "/cases/99999999999999999999999999/diagram.svg",
    ],
)
def test_odd_case_ids_are_404_not_500(client, world, path):
    client.force_login(world.caseworker)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("task_id", ["abc", "-1", "99999999999999999999999999", "١"])
def test_odd_task_ids_are_404_not_500(client, world, task_id):
    client.force_login(world.caseworker)
    response = client.post(f"/tasks/{task_id}/complete/", {"outcome": "accepted"})
    assert response.status_code == 404


def test_notifications_page_and_marking_read(client, world):
    from yimen.workflow.models import Notification

    Notification.objects.create(
        recipient=world.caseworker,
        task=world.task(world.case),
        kind=Notification.Kind.DUE_SOON,
        day=timezone.localdate(),
        message="即将到期",
    )
    client.force_login(world.caseworker)
    assert '<span class="badge">1</span>' in client.get("/").content.decode()
    assert "即将到期" in client.get("/notifications/").content.decode()
    assert client.post("/notifications/").status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()

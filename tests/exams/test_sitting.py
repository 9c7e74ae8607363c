"""The computer-based exam through HTTP: a browser that dies half-way and a new one that
resumes the same paper with the server's time left, automatic submission at time, and the
answer key absent from every response the candidate's browser receives."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from yimen.exams.models import Paper, Question

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def sign_in(client: Client, paper: Paper):
    return client.post(
        "/exams/sit/", {"id_number": paper.application.candidate.id_number, "ticket": paper.ticket}
    )


def save(client: Client, position: int, chosen: list[int]):
    return client.post(
        "/exams/sit/answer/",
        json.dumps({"position": position, "chosen": chosen}),
        content_type="application/json",
    )


@pytest.fixture
def paper(exam_world):
    return exam_world.seated(starts_at=timezone.now() - timedelta(minutes=5))


def test_a_crashed_browser_resumes_on_a_new_one_with_answers_and_the_time_left(paper):
    first = Client()
    assert sign_in(first, paper).status_code == 302
    page = first.get("/exams/sit/paper/")
    assert page.status_code == 200 and page.content.decode().count("<fieldset") == 100
    for position in range(30):
        assert save(first, position, [0]).json()["saved"] is True
    paper.refresh_from_db()
    left_then = int((paper.ends_at - timezone.now()).total_seconds())
    del first  # the browser is gone; nothing was handed in
    with time_machine.travel(timezone.now() + timedelta(minutes=40)):
        second = Client()
        assert second.get("/exams/sit/paper/").status_code == 302  # not signed in here
        assert sign_in(second, paper).status_code == 302
        page = second.get("/exams/sit/paper/")
        html = page.content.decode()
        assert html.count(" checked>") == 30  # every saved answer is back
        paper.refresh_from_db()
        assert paper.status == "sitting"
        left_now = int((paper.ends_at - timezone.now()).total_seconds())
        assert left_then - 2400 - 5 <= left_now <= left_then - 2400 + 5
        shown = int(html.split('data-left="')[1].split('"')[0])
        assert abs(shown - left_now) <= 5  # the page shows the server's time left
        assert save(second, 30, [1]).json()["saved"] is True
    assert paper.answers.count() == 31


def test_the_paper_is_submitted_at_time_and_later_answers_are_refused(paper):
    client = Client()
    sign_in(client, paper)
    save(client, 0, [0])
    with time_machine.travel(timezone.now() + timedelta(minutes=121)):
        late = save(client, 1, [0])
        assert late.status_code == 409 and late.json()["closed"] is True
        paper.refresh_from_db()
        assert paper.status == "submitted" and paper.score is not None
        assert paper.answers.count() == 1
        done = client.get("/exams/sit/paper/")
        assert 'id="score"' in done.content.decode()
        # signing in again cannot reopen it
        again = sign_in(Client(), paper)
        assert again.status_code == 400


def test_the_answer_key_never_reaches_the_browser(paper):
    client = Client()
    bodies = [sign_in(client, paper), client.get("/exams/sit/paper/")]
    paper.refresh_from_db()
    for position in range(5):
        bodies.append(save(client, position, [0]))
    bodies.append(client.post("/exams/sit/submit/"))
    bodies.append(client.get("/exams/sit/paper/"))
    text = "".join(b.content.decode() for b in bodies)
    assert 'answer"' not in text.replace('"/exams/sit/answer/"', "")
    assert "correct" not in text.lower()
    # each answer response says only whether it was saved and the time left
    assert all(set(b.json()) == {"saved", "left"} for b in bodies[2:7])
    # the page shows options in the paper's shuffled order, indexed 0..n-1 only: the
    # original index (which the key refers to) is not on the page
    keys = dict(
        Question.objects.filter(pk__in=[i["q"] for i in paper.items]).values_list("pk", "answer")
    )
    assert keys  # the key exists, on the server
    page = bodies[1].content.decode()
    assert "data-q=" not in page and "data-key" not in page


def test_a_wrong_ticket_or_an_unknown_paper_is_refused(paper):
    client = Client()
    response = client.post(
        "/exams/sit/", {"id_number": paper.application.candidate.id_number, "ticket": "FFFFFFFF"}
    )
    assert response.status_code == 400
    assert save(client, 0, [0]).status_code == 404


def test_bad_answers_are_refused_without_a_500(paper):
    client = Client()
    sign_in(client, paper)
    assert save(client, 999, [0]).status_code == 400
    assert save(client, 0, [7]).status_code == 400
    assert (
        client.post("/exams/sit/answer/", "nonsense", content_type="application/json").status_code
        == 400
    )


def test_the_invigilator_extends_time_and_ends_a_paper_for_misconduct(exam_world, paper):
    client = Client()
    sign_in(client, paper)
    paper.refresh_from_db()
    ends = paper.ends_at
    staff = Client()
    staff.force_login(exam_world.staff)
    staff.post(
        f"/exams/papers/{paper.pk}/event/",
        {"kind": "extra_time", "minutes": 10, "reason": "电脑故障"},
    )
    paper.refresh_from_db()
    assert paper.ends_at == ends + timedelta(minutes=10)
    staff.post(f"/exams/papers/{paper.pk}/event/", {"kind": "misconduct", "reason": ""})
    paper.refresh_from_db()
    assert paper.status == "sitting"  # a reason is needed
    staff.post(f"/exams/papers/{paper.pk}/event/", {"kind": "misconduct", "reason": "夹带"})
    paper.refresh_from_db()
    assert paper.status == "voided" and paper.note == "夹带"
    assert save(client, 0, [0]).status_code == 409
    console = staff.get(f"/exams/sessions/{paper.session_id}/").content.decode()
    assert "夹带" in console and "电脑故障" in console


def test_closing_the_room_submits_at_time_records_absence_and_stops_late_starts(exam_world):
    from yimen.audit.models import AuditEvent
    from yimen.exams.models import Application

    room_start = timezone.now() - timedelta(minutes=5)
    writing = exam_world.seated(starts_at=room_start)
    room = writing.session
    never = exam_world.seated(session=room, name="未到")
    client = Client()
    sign_in(client, writing)
    save(client, 0, [0])
    staff = Client()
    staff.force_login(exam_world.staff)
    # while a candidate still has time the room stays open
    staff.post(f"/exams/sessions/{room.pk}/close/")
    room.refresh_from_db()
    assert room.status == "open"
    page = staff.get(f"/exams/sessions/{room.pk}/").content.decode()
    assert "正在作答" in page
    # another area's administrator cannot close it
    other = Client()
    other.force_login(exam_world.yushu_admin)
    assert other.post(f"/exams/sessions/{room.pk}/close/").status_code == 404
    with time_machine.travel(timezone.now() + timedelta(minutes=121), tick=False):
        staff.post(f"/exams/sessions/{room.pk}/close/")
        room.refresh_from_db()
        writing.refresh_from_db()
        never.refresh_from_db()
        assert room.status == "closed"
        assert writing.status == "submitted" and writing.score is not None
        assert never.status == "absent"
        assert Application.objects.get(pk=never.application_id).status == "applied"
        # the candidate who never came cannot start the paper afterwards
        late = Client().post(
            "/exams/sit/",
            {"id_number": never.application.candidate.id_number, "ticket": never.ticket},
        )
        assert late.status_code == 400
        console = staff.get(f"/exams/sessions/{room.pk}/").content.decode()
        assert "考场已关闭：到时交卷 1 份，缺考 1 人" in console
        assert 'id="close-room"' not in console
    assert AuditEvent.objects.filter(event_type="exams.session_closed").count() == 1

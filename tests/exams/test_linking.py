"""An employer-registered candidate links the record to their own account with a one-time code
from the employer or the exam office: then the person's page shows their applications. Typing
the ID number alone never takes a record over; wrong codes are limited; codes expire."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import user_with
from yimen.accounts.roles import Role
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.exams import errors
from yimen.exams.models import Candidate
from yimen.exams.services.linking import (
    WRONG_ATTEMPTS_PER_HOUR,
    candidate_link,
    link_code_issue,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_employer_issues_a_code_and_the_person_links_the_record(exam_world):
    person = exam_world.candidate()  # registered by the office for the employer: no account
    assert person.user_id is None
    now = timezone.now()
    code = link_code_issue(candidate=person, actor=exam_world.employer_user, now=now)
    person.refresh_from_db()
    assert len(code) == 8 and code not in person.link_code_hash  # only the keyed hash is kept
    linked = candidate_link(
        user=exam_world.candidate_user, id_number=person.id_number, code=code.lower(), now=now
    )
    assert linked.pk == person.pk and linked.user_id == exam_world.candidate_user.pk
    assert linked.link_code_hash == "" and linked.link_code_expires_at is None
    types = list(AuditEvent.objects.values_list("event_type", flat=True))
    assert EventType.EXAM_LINK_CODE_ISSUED in types and EventType.EXAM_CANDIDATE_LINKED in types
    # the code is spent: nobody else can use it again
    other = user_with(Role.EXAM_CANDIDATE, exam_world.nanguan.pk, full_name="冒名")
    with pytest.raises(errors.LinkCodeRefused):
        candidate_link(user=other, id_number=person.id_number, code=code, now=now)


def test_wrong_expired_and_replaced_codes_read_the_same(exam_world):
    person = exam_world.candidate()
    now = timezone.now()
    first = link_code_issue(candidate=person, actor=exam_world.admin, now=now)
    second = link_code_issue(candidate=person, actor=exam_world.admin, now=now)
    user = exam_world.candidate_user
    for number, code, at in (
        (person.id_number, first, now),  # replaced by the second
        (person.id_number, "ZZZZZZZZ", now),  # wrong
        ("110101199003070000", second, now),  # malformed ID number
        (person.id_number, second, now + timedelta(days=15)),  # expired (14 days)
    ):
        with pytest.raises(errors.LinkCodeRefused) as refused:
            candidate_link(user=user, id_number=number, code=code, now=at)
        assert refused.value.code == "exams.link_code_refused"
    assert Candidate.objects.get(pk=person.pk).user_id is None


def test_wrong_codes_are_limited_per_account(exam_world):
    person = exam_world.candidate()
    now = timezone.now()
    code = link_code_issue(candidate=person, actor=exam_world.admin, now=now)
    user = exam_world.candidate_user
    for _ in range(WRONG_ATTEMPTS_PER_HOUR):
        with pytest.raises(errors.LinkCodeRefused):
            candidate_link(user=user, id_number=person.id_number, code="WRONG234", now=now)
    with pytest.raises(errors.TooManyLinkAttempts):  # even the right code, for an hour
        candidate_link(user=user, id_number=person.id_number, code=code, now=now)


def test_who_may_issue_and_who_may_link(exam_world):
    person = exam_world.candidate()
    now = timezone.now()
    with pytest.raises(errors.NotAllowed):  # another county's office
        link_code_issue(candidate=person, actor=exam_world.yushu_admin, now=now)
    with pytest.raises(errors.NotAllowed):  # the candidate themself
        link_code_issue(candidate=person, actor=exam_world.candidate_user, now=now)
    code = link_code_issue(candidate=person, actor=exam_world.admin, now=now)
    with pytest.raises(errors.NotAllowed):  # staff hold no candidate role
        candidate_link(user=exam_world.staff, id_number=person.id_number, code=code, now=now)
    own = exam_world.candidate(name="韩志刚", user=None)
    Candidate.objects.filter(pk=own.pk).update(user=exam_world.candidate_user)
    with pytest.raises(errors.AccountHasRecord):  # one account, one record
        candidate_link(
            user=exam_world.candidate_user, id_number=person.id_number, code=code, now=now
        )
    Candidate.objects.filter(pk=own.pk).update(user=None)
    candidate_link(user=exam_world.candidate_user, id_number=person.id_number, code=code, now=now)
    with pytest.raises(errors.AlreadyLinked):
        link_code_issue(candidate=person, actor=exam_world.admin, now=now)


def test_pages_issue_the_code_once_and_link_the_record(exam_world):
    person = exam_world.candidate()
    staff_page = as_user(exam_world.admin).get(f"/exams/candidates/{person.pk}/")
    assert "/link-code/" in staff_page.content.decode()
    shown = as_user(exam_world.admin).post(f"/exams/candidates/{person.pk}/link-code/")
    assert shown.status_code == 200
    code = shown.content.decode().split('id="the-code">')[1][:8]
    mine = as_user(exam_world.candidate_user)
    assert 'action="/exams/mine/link/"' in mine.get("/exams/mine/").content.decode()
    wrong = mine.post(
        "/exams/mine/link/",
        {"link-id_number": person.id_number, "link-code": "WRONG234"},
        follow=True,
    )
    assert "没有与该身份证号和绑定码相符的未绑定考生记录" in wrong.content.decode()
    done = mine.post(
        "/exams/mine/link/", {"link-id_number": person.id_number, "link-code": code}, follow=True
    )
    assert done.status_code == 200
    assert Candidate.objects.get(pk=person.pk).user_id == exam_world.candidate_user.pk
    assert person.name in done.content.decode()  # the page now shows the record
    # out of scope: another county's office gets a 404, and a GET is not allowed
    assert as_user(exam_world.yushu_admin).post(
        f"/exams/candidates/{person.pk}/link-code/"
    ).status_code in (403, 404)
    issue_page = f"/exams/candidates/{person.pk}/link-code/"
    assert as_user(exam_world.admin).get(issue_page).status_code == 405

"""The certificate review (复审) through the pages: the holder applies inside the window
(once; not before it opens; not for someone else's certificate), the certificate officer
records it — refused with every reason, or passed with the next due date — and people
outside the area or without the certify permission cannot."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from tests.exams.conftest import TODAY
from tests.exams.test_flow import at, sit
from tests.factories import NANGUAN, user_with
from yimen.accounts.roles import Role
from yimen.audit.models import AuditEvent
from yimen.exams import errors
from yimen.exams.models import Application, Certificate
from yimen.exams.rules import add_years
from yimen.exams.services import certificates as certs
from yimen.exams.services.marking import practical_mark
from yimen.privacy.models import AccessEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def issued(exam_world, *, due_in_days: int) -> Certificate:
    """A certificate of the demo candidate account whose review is due ``due_in_days``
    after the pinned today (the date set directly: the review clock is under test here,
    not the six years before it)."""
    day = TODAY - timedelta(days=20)
    paper = exam_world.seated(starts_at=at(day), user=exam_world.candidate_user)
    sit(paper, right=95, when=at(day))
    app = Application.objects.get(pk=paper.application_id)
    practical_mark(application=app, score=Decimal(90), actor=exam_world.staff, day=day)
    practical_mark(application=app, score=Decimal(92), actor=exam_world.admin, day=day)
    cert = Certificate.objects.get(application=app)
    certs.certificate_accept(certificate=cert, missing=[], actor=exam_world.certifier, day=day)
    cert = certs.certificate_issue(certificate=cert, actor=exam_world.certifier, day=day)
    Certificate.objects.filter(pk=cert.pk).update(review_due_on=TODAY + timedelta(days=due_in_days))
    cert.refresh_from_db()
    return cert


def test_the_holder_applies_inside_the_window_once(exam_world):
    early = issued(exam_world, due_in_days=61)
    page = as_user(exam_world.candidate_user).get("/exams/mine/").content.decode()
    assert "复审窗口" in page and "申请复审" not in page  # opens tomorrow, no button yet
    with pytest.raises(errors.OutsideReviewWindow):
        certs.certificate_review_request(
            certificate=early, actor=exam_world.candidate_user, day=TODAY, training_hours=8
        )
    Certificate.objects.filter(pk=early.pk).update(review_due_on=TODAY + timedelta(days=60))
    holder = as_user(exam_world.candidate_user)
    assert "申请复审" in holder.get("/exams/mine/").content.decode()
    holder.post(f"/exams/certificates/{early.pk}/review/apply/", {"training_hours": 8})
    early.refresh_from_db()
    assert early.review_requested_on == TODAY and early.review_training_hours == 8
    event = AuditEvent.objects.get(event_type="exams.review_requested")
    assert event.actor_id == exam_world.candidate_user.pk
    page = holder.get("/exams/mine/").content.decode()
    assert "已申请复审" in page
    with pytest.raises(errors.ReviewAlreadyRequested):
        certs.certificate_review_request(
            certificate=early, actor=exam_world.candidate_user, day=TODAY, training_hours=9
        )
    # bad input: a message, nothing written, no 500
    response = holder.post(f"/exams/certificates/{early.pk}/review/apply/", {"training_hours": "x"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event_type="exams.review_requested").count() == 1


def test_only_the_holder_may_apply(exam_world):
    cert = issued(exam_world, due_in_days=30)
    other = user_with(Role.EXAM_CANDIDATE, NANGUAN, full_name="别人")
    with pytest.raises(errors.NotAllowed):
        certs.certificate_review_request(certificate=cert, actor=other, day=TODAY, training_hours=8)
    # the other candidate cannot even see it
    response = as_user(other).post(
        f"/exams/certificates/{cert.pk}/review/apply/", {"training_hours": 8}
    )
    assert response.status_code == 404
    with pytest.raises(errors.NotAllowed):
        certs.certificate_review_request(
            certificate=cert, actor=exam_world.certifier, day=TODAY, training_hours=8
        )
    cert.refresh_from_db()
    assert cert.review_requested_on is None


def test_the_officer_refuses_with_every_reason_then_passes(exam_world):
    cert = issued(exam_world, due_in_days=30)
    certs.certificate_review_request(
        certificate=cert, actor=exam_world.candidate_user, day=TODAY, training_hours=6
    )
    officer = as_user(exam_world.certifier)
    page = officer.get(f"/exams/certificates/{cert.pk}/review/").content.decode()
    assert cert.number in page and "已开放" in page
    assert 'name="training_hours" value="6"' in page  # the holder's stated hours
    refused = officer.post(
        f"/exams/certificates/{cert.pk}/review/",
        {"training_hours": 6, "violations": 2, "years_in_trade": 0, "exam_score": "70"},
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    for reason in ("体检不合格", "复审培训不足8学时", "复审考试不合格", "严重或两次以上违章"):
        assert reason in text
    cert.refresh_from_db()
    assert cert.status == "review_refused" and cert.review_requested_on is None
    page = as_user(exam_world.candidate_user).get("/exams/mine/").content.decode()
    assert "复审不予通过" in page and "体检不合格" in page

    # a refused review may be redone inside the window (T30 Art 26: re-review)
    passed = officer.post(
        f"/exams/certificates/{cert.pk}/review/",
        {"health_ok": "on", "training_hours": 8, "violations": 0, "years_in_trade": 3,
         "exam_score": "85"},
    )  # fmt: skip
    assert passed.status_code == 302
    cert.refresh_from_db()
    assert cert.status == "valid" and cert.reason == ""
    assert cert.review_due_on == add_years(TODAY + timedelta(days=30), 3)
    assert AuditEvent.objects.filter(event_type="exams.certificate_reviewed").count() == 2


def test_review_page_scoping_and_permission(exam_world):
    cert = issued(exam_world, due_in_days=30)
    form = {"health_ok": "on", "training_hours": 8, "violations": 0, "years_in_trade": 0,
            "exam_score": "90"}  # fmt: skip
    # staff may read the page, not record the review
    staff = as_user(exam_world.staff)
    page = staff.get(f"/exams/certificates/{cert.pk}/review/")
    assert page.status_code == 200 and 'id="review-form"' not in page.content.decode()
    # the holder's record was shown in full: one entry on the access log (issue 23)
    look = AccessEntry.objects.get()
    assert (look.kind, look.record_type, look.record_id, look.actor) == (
        "full_record",
        "exams.candidate",
        str(cert.candidate_id),
        exam_world.staff,
    )
    staff.post(f"/exams/certificates/{cert.pk}/review/", form)
    cert.refresh_from_db()
    assert cert.review_due_on == TODAY + timedelta(days=30)
    # another area's administrator, the employer, the candidate: not found
    for user in (exam_world.yushu_admin, exam_world.employer_user, exam_world.candidate_user):
        assert as_user(user).get(f"/exams/certificates/{cert.pk}/review/").status_code == 404
    assert AccessEntry.objects.filter(kind="full_record").count() == 1  # no look, no entry
    assert Client().get(f"/exams/certificates/{cert.pk}/review/").status_code == 302
    # the list links to the page
    listing = as_user(exam_world.certifier).get("/exams/certificates/").content.decode()
    assert f"/exams/certificates/{cert.pk}/review/" in listing


def test_the_overview_counts_and_the_list_filters_certificates_in_their_window(exam_world):
    inside = issued(exam_world, due_in_days=30)
    officer = as_user(exam_world.certifier)
    index = officer.get("/exams/").content.decode()
    assert "复审窗口内的证书 1 份" in index
    listing = officer.get("/exams/certificates/", {"review": "1"}).content.decode()
    assert f'id="certificate-{inside.pk}"' in listing
    Certificate.objects.filter(pk=inside.pk).update(review_due_on=TODAY + timedelta(days=61))
    listing = officer.get("/exams/certificates/", {"review": "1"}).content.decode()
    assert f'id="certificate-{inside.pk}"' not in listing
    assert "复审窗口内的证书 0 份" in officer.get("/exams/").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/exams/certificates/{n}/review/",
        "/exams/candidates/{n}/photo.jpg",
        "/exams/candidates/{n}/",
        "/exams/sessions/{n}/",
        "/exams/papers/{n}/ticket.pdf",
    ],
)
def test_an_id_past_the_databases_integers_is_not_found_not_a_500(exam_world, path):
    officer = as_user(exam_world.admin)
    for n in ("9" * 19, "9" * 40, "１"):
        assert officer.get(path.format(n=n)).status_code == 404

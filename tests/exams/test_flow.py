"""Use cases end to end with the clock pinned: application and eligibility, the 60-day
exam date, capacity, green channel order, results clock, retakes, practicals,
certificates (acceptance, issue, review window and refusals, revocation and its bar)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.exams.conftest import TODAY
from tests.factories import NANGUAN, user_with
from yimen.accounts.roles import Role
from yimen.audit.models import AuditEvent
from yimen.exams import errors
from yimen.exams.models import Application, Certificate, Paper, Question
from yimen.exams.services import certificates as certs
from yimen.exams.services.marking import practical_mark
from yimen.exams.services.scheduling import (
    application_schedule,
    application_submit,
    green_channel_approve,
    schedule_waiting,
)
from yimen.exams.services.sitting import answer_save, paper_sign_in, paper_submit
from yimen.workflow.calendar import add_working_days

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]
TZ = ZoneInfo("Asia/Shanghai")


def at(day: date, hour=9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def sit(paper: Paper, right: int, when: datetime) -> Paper:
    paper = paper_sign_in(
        id_number=paper.application.candidate.id_number, ticket=paper.ticket, now=when
    )
    keys = dict(
        Question.objects.filter(pk__in=[i["q"] for i in paper.items]).values_list("pk", "answer")
    )
    for pos, item in enumerate(paper.items):
        shown = sorted(item["order"].index(k) for k in keys[item["q"]])
        if pos >= right:
            shown = [(shown[0] + 1) % len(item["order"])]
        answer_save(paper_id=paper.pk, position=pos, chosen=shown, now=when)
    paper.refresh_from_db()
    return paper_submit(paper=paper, now=when + timedelta(minutes=30))


def test_an_ineligible_application_is_kept_with_its_reasons(exam_world):
    person = exam_world.candidate(education="junior")
    app = application_submit(
        candidate=person, category_code="T-HC-AU", actor=exam_world.admin, on=TODAY
    )
    assert app.status == "refused"
    assert [r["code"] for r in app.refusal] == ["education"]
    assert AuditEvent.objects.filter(event_type="exams.applied").exists()


def test_the_category_in_force_on_the_day_of_application_decides(exam_world):
    person = exam_world.candidate()
    before = application_submit(
        candidate=person, category_code="T-EL-LV", actor=exam_world.admin, on=date(2026, 5, 31)
    )
    after = application_submit(
        candidate=person, category_code="T-EL-LV", actor=exam_world.admin, on=date(2026, 6, 1)
    )
    assert before.category.valid_from == date(2010, 7, 1)
    assert after.category.valid_from == date(2026, 6, 1) and after.category.placeholder


def test_the_exam_must_be_held_within_sixty_days(exam_world):
    person = exam_world.candidate()
    app = application_submit(
        candidate=person, category_code="T-EL-LV", actor=exam_world.admin, on=TODAY
    )
    assert app.exam_due_on == TODAY + timedelta(days=60)
    late = exam_world.session(starts_at=at(TODAY + timedelta(days=61)))
    with pytest.raises(errors.TooLate):
        application_schedule(application=app, session=late, actor=exam_world.admin)
    in_time = exam_world.session(starts_at=at(TODAY + timedelta(days=60)))
    paper = application_schedule(application=app, session=in_time, actor=exam_world.admin)
    assert paper.seat == 1 and app.status == "scheduled"


def test_a_full_session_refuses_and_the_green_channel_goes_first(exam_world):
    room = exam_world.session(starts_at=at(TODAY + timedelta(days=10)), capacity=1)
    plain = exam_world.candidate(employer=None, name="甲")
    green = exam_world.candidate(name="乙")
    a = application_submit(
        candidate=plain,
        category_code="T-EL-LV",
        actor=exam_world.admin,
        on=TODAY - timedelta(days=3),
    )
    green_channel_approve(
        employer=exam_world.employer,
        reason="复工复产",
        valid_until=TODAY + timedelta(days=30),
        actor=exam_world.admin,
    )
    b = application_submit(
        candidate=green, category_code="T-EL-LV", actor=exam_world.admin, on=TODAY
    )
    assert b.green_channel and not a.green_channel
    seated = schedule_waiting(session=room, actor=exam_world.admin)
    assert [p.application_id for p in seated] == [b.pk]
    with pytest.raises(errors.SessionFull):
        application_schedule(application=a, session=room, actor=exam_world.admin)


def test_theory_only_pass_sets_the_results_clock_and_asks_for_a_certificate(exam_world):
    day = TODAY + timedelta(days=7)
    paper = exam_world.seated(code="PL-HAZ", starts_at=at(day))
    sit(paper, right=85, when=at(day))
    app = Application.objects.get(pk=paper.application_id)
    assert app.status == "passed" and app.theory_score == Decimal("85.0")
    assert app.results_due_on == add_working_days(day, 10)
    cert = Certificate.objects.get(application=app)
    assert cert.status == "pending" and cert.accept_due_on == add_working_days(day, 5)


def test_one_retake_then_retraining(exam_world):
    day = TODAY + timedelta(days=7)
    paper = exam_world.seated(starts_at=at(day))
    sit(paper, right=79, when=at(day))
    app = Application.objects.get(pk=paper.application_id)
    assert app.status == "applied" and app.theory_attempts == 1
    second = application_schedule(
        application=app,
        session=exam_world.session(starts_at=at(day + timedelta(days=70))),
        actor=exam_world.admin,
    )  # a retake may be late
    sit(second, right=50, when=at(day + timedelta(days=70)))
    app.refresh_from_db()
    assert app.status == "failed" and app.theory_attempts == 2
    with pytest.raises(errors.RetakesUsed):
        application_schedule(
            application=app,
            session=exam_world.session(starts_at=at(day + timedelta(days=80))),
            actor=exam_world.admin,
        )


def test_practical_two_examiners_a_third_when_apart_and_twelve_months_validity(exam_world):
    day = TODAY + timedelta(days=7)
    paper = exam_world.seated(starts_at=at(day))
    sit(paper, right=90, when=at(day))
    app = Application.objects.get(pk=paper.application_id)
    assert app.status == "theory_passed" and app.theory_passed_on == day
    assert (
        practical_mark(application=app, score=Decimal(70), actor=exam_world.staff, day=day) is None
    )
    with pytest.raises(errors.SameExaminer):
        practical_mark(application=app, score=Decimal(75), actor=exam_world.staff, day=day)
    assert (
        practical_mark(application=app, score=Decimal(90), actor=exam_world.admin, day=day) is None
    )  # 20 apart: a third examiner
    third = user_with(Role.EXAM_STAFF, NANGUAN, full_name="第三考评员")
    final = practical_mark(application=app, score=Decimal(86), actor=third, day=day)
    assert final == Decimal(88)  # the third and the nearer of the two
    app.refresh_from_db()
    assert app.status == "passed" and app.practical_score == Decimal(88)

    other = exam_world.seated(starts_at=at(day), name="丙")
    sit(other, right=90, when=at(day))
    late = Application.objects.get(pk=other.application_id)
    with pytest.raises(errors.TheoryExpired):
        practical_mark(
            application=late,
            score=Decimal(90),
            actor=exam_world.staff,
            day=day + timedelta(days=366),
        )


def _certified(exam_world, day):
    paper = exam_world.seated(code="T-EL-LV", starts_at=at(day))
    sit(paper, right=95, when=at(day))
    app = Application.objects.get(pk=paper.application_id)
    practical_mark(application=app, score=Decimal(90), actor=exam_world.staff, day=day)
    practical_mark(application=app, score=Decimal(92), actor=exam_world.admin, day=day)
    cert = Certificate.objects.get(application=app)
    return cert


def test_acceptance_lists_missing_items_at_once_then_issue_with_t_number(exam_world):
    day = TODAY + timedelta(days=7)
    cert = _certified(exam_world, day)
    cert = certs.certificate_accept(
        certificate=cert, missing=["健康证明", "学历证明", ""], actor=exam_world.certifier, day=day
    )
    assert cert.status == "missing" and cert.missing_items == ["健康证明", "学历证明"]
    cert = certs.certificate_accept(
        certificate=cert, missing=[], actor=exam_world.certifier, day=day
    )
    assert cert.issue_due_on == add_working_days(day, 20)
    with pytest.raises(errors.NotAllowed):
        certs.certificate_issue(certificate=cert, actor=exam_world.staff, day=day)
    cert = certs.certificate_issue(certificate=cert, actor=exam_world.certifier, day=day)
    assert cert.number == "T" + cert.candidate.id_number
    assert cert.valid_until == date(2032, 12, 14) and cert.review_due_on == date(2029, 12, 14)
    assert cert.application.status == "certified"
    event = AuditEvent.objects.get(event_type="exams.certificate_issued")
    assert event.signer_id == exam_world.certifier.pk


def test_review_only_in_its_window_refused_with_reasons_or_extended(exam_world):
    day = TODAY + timedelta(days=7)
    cert = _certified(exam_world, day)
    certs.certificate_accept(certificate=cert, missing=[], actor=exam_world.certifier, day=day)
    cert = certs.certificate_issue(certificate=cert, actor=exam_world.certifier, day=day)
    due = cert.review_due_on
    review = dict(health_ok=True, training_hours=8, exam_score=Decimal(85))
    with pytest.raises(errors.OutsideReviewWindow):
        certs.certificate_review(
            certificate=cert, actor=exam_world.certifier, day=due - timedelta(days=61), **review
        )
    refused = certs.certificate_review(
        certificate=cert,
        actor=exam_world.certifier,
        day=due - timedelta(days=60),
        **{**review, "training_hours": 4, "violations": 2},
    )
    assert [r.code for r in refused] == ["violations", "training"]
    cert.refresh_from_db()
    assert cert.status == "review_refused"
    assert (
        certs.certificate_review(
            certificate=cert, actor=exam_world.certifier, day=due, years_in_trade=12, **review
        )
        == []
    )
    cert.refresh_from_db()
    assert cert.status == "valid" and cert.review_due_on == date(2035, 12, 14)


def test_revocation_bars_new_applications_for_three_years(exam_world):
    day = TODAY + timedelta(days=7)
    cert = _certified(exam_world, day)
    certs.certificate_accept(certificate=cert, missing=[], actor=exam_world.certifier, day=day)
    certs.certificate_issue(certificate=cert, actor=exam_world.certifier, day=day)
    with pytest.raises(errors.ReasonNeeded):
        certs.certificate_revoke(certificate=cert, reason=" ", actor=exam_world.certifier, day=day)
    certs.certificate_revoke(
        certificate=cert, reason="伪造材料", actor=exam_world.certifier, day=day
    )
    with pytest.raises(errors.RevocationBar):
        application_submit(
            candidate=cert.candidate,
            category_code="T-EL-LV",
            actor=exam_world.admin,
            on=day + timedelta(days=365 * 3 - 2),
        )
    with time_machine.travel(at(day + timedelta(days=365 * 3 + 1)), tick=False):
        app = application_submit(
            candidate=cert.candidate,
            category_code="T-EL-LV",
            actor=exam_world.admin,
            on=day + timedelta(days=365 * 3 + 1),
        )
    # the bar is over; only the health certificate has aged meanwhile
    assert [r["code"] for r in app.refusal] == ["old_health_check"]


def _issued_to_holder(exam_world):
    """A certificate issued a week from today to a candidate with an account."""
    day = TODAY + timedelta(days=7)
    cert = _certified(exam_world, day)
    cert.candidate.user = exam_world.candidate_user
    cert.candidate.save()
    certs.certificate_accept(certificate=cert, missing=[], actor=exam_world.certifier, day=day)
    return certs.certificate_issue(certificate=cert, actor=exam_world.certifier, day=day)


def test_holders_are_reminded_once_when_the_review_window_opens(exam_world):
    """Issue 22: the certificate due for review reaches the holder's inbox once, through
    the notification channel, when the 60-day window opens (T30 Art 22)."""
    from yimen.exams.services.certificates import review_reminders
    from yimen.notify.dispatch import dispatch_all
    from yimen.notify.models import Notice

    cert = _issued_to_holder(exam_world)
    due = cert.review_due_on
    assert review_reminders(on=due - timedelta(days=61)) == 0
    assert review_reminders(on=due - timedelta(days=60)) == 1
    assert review_reminders(on=due - timedelta(days=30)) == 0  # once per window
    dispatch_all()
    note = Notice.objects.get(recipient=exam_world.candidate_user, kind="exams.review_due")
    assert note.params["number"] == cert.number and note.params["due"] == f"{due:%Y-%m-%d}"
    client = Client()
    client.force_login(exam_world.candidate_user)
    page = client.get("/inbox/").content.decode()
    assert "证书复审到期" in page and cert.number in page


def test_a_holder_who_applied_for_the_review_is_not_reminded(exam_world):
    from yimen.exams.services.certificates import review_reminders

    cert = _issued_to_holder(exam_world)
    due = cert.review_due_on
    certs.certificate_review_request(
        certificate=cert,
        actor=exam_world.candidate_user,
        day=due - timedelta(days=60),
        training_hours=8,
    )
    assert review_reminders(on=due - timedelta(days=59)) == 0


def test_the_candidate_is_told_the_result_and_the_certificate(exam_world):
    """Issue 22: the theory result and the issued certificate reach the candidate's inbox."""
    from yimen.notify.dispatch import dispatch_all
    from yimen.notify.models import Notice

    day = TODAY + timedelta(days=7)
    cert = _certified(exam_world, day)
    cert = certs.certificate_accept(
        certificate=cert, missing=[], actor=exam_world.certifier, day=day
    )
    cert = certs.certificate_issue(certificate=cert, actor=exam_world.certifier, day=day)
    candidate = cert.candidate
    candidate.user = exam_world.candidate_user
    candidate.save(update_fields=["user"])
    dispatch_all()
    notices = {n.kind: n.params for n in Notice.objects.filter(recipient=exam_world.candidate_user)}
    assert set(notices) == {"exams.result", "exams.certificate"}
    assert notices["exams.certificate"]["number"] == cert.number
    assert notices["exams.result"]["verdict"] == "合格"

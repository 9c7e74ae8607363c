"""Every path of an assistance case through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.assistance.conftest import household_input
from yimen.assistance.errors import AlreadyAssisted, ApplicationInvalid, SeparationOfDuties
from yimen.assistance.models import ApplicationStatus
from yimen.assistance.services import intake, steps
from yimen.workflow.states import CaseStatus, TaskStatus

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def attach_basics(actor, application):
    for kind in ("id_card", "hukou", "disability"):
        intake.attachment_add(
            actor=actor,
            application=application,
            kind=kind,
            upload=SimpleUploadedFile(f"{kind}.png", PNG, "image/png"),
        )


def investigate(staff, application, *, contradicts=False):
    steps.verification_record(
        actor=staff.caseworker,
        application=application,
        verified_monthly_income=Decimal("950.00"),
        verified_deposits=Decimal("3000.00"),
        contradicts_declaration=contradicts,
        findings="与申报一致",
    )
    steps.visit_record(
        actor=staff.caseworker_b,
        application=application,
        visited_on=date.today(),
        investigator_ids=[staff.caseworker_b.pk, staff.social_worker.pk],
        findings="家中陈设简陋，配偶肢体二级残疾",
        investigators_signed=True,
        family_signed=True,
    )


@pytest.fixture
def accepted(staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = intake.application_create(actor=staff.caseworker, data=household_input())
    attach_basics(staff.caseworker, application)
    assert steps.case_accept(actor=staff.caseworker, application=application) == []
    return application


def test_approve_path_skips_appraisal_and_disclosure_closes(staff, accepted):
    investigate(staff, accepted)
    case = accepted.case
    case.refresh_from_db()
    assert case.tasks.get(step="appraise").status == TaskStatus.SKIPPED
    decision = steps.case_decide(
        actor=staff.approver,
        application=accepted,
        approve=True,
        assistance_type="dibao",
        monthly_amount=Decimal("1234.50"),
        reasons="人均收入低于保障标准",
    )
    assert decision.signer_name == "刘洋"
    steps.disclosure_publish(actor=staff.village, application=accepted)
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED


def test_refusal_needs_reasons_and_sets_notice_due(staff, accepted):
    investigate(staff, accepted)
    with pytest.raises(Exception, match="reasons"):
        steps.case_decide(actor=staff.approver, application=accepted, approve=False, reasons="")
    decision = steps.case_decide(
        actor=staff.approver, application=accepted, approve=False, reasons="家庭存款超过规定"
    )
    accepted.case.refresh_from_db()
    assert accepted.case.status == CaseStatus.REJECTED
    assert decision.notice_due is not None


def test_incomplete_application_gets_one_notice_then_is_accepted(staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = intake.application_create(
        actor=staff.caseworker, data=household_input(signed=False)
    )
    items = steps.case_accept(actor=staff.caseworker, application=application)
    assert len(items) == 7  # two cards + 2 adults × (promise, authorisation) + disability
    assert application.case.tasks.get(step="accept").status == TaskStatus.OPEN
    attach_basics(staff.caseworker, application)
    for member in application.members.all():
        if member.is_adult_on(date.today()):
            member.consents.create(kind="promise", signed_on=date.today())
            member.consents.create(kind="authorisation", signed_on=date.today())
    assert steps.case_accept(actor=staff.caseworker, application=application) == []
    assert application.case.tasks.get(step="accept").outcome == "accepted"


def test_disputed_case_goes_through_appraisal(staff, accepted):
    investigate(staff, accepted, contradicts=True)
    task = accepted.case.tasks.get(step="appraise")
    assert task.status == TaskStatus.OPEN
    steps.appraisal_record(
        actor=staff.village,
        application=accepted,
        held_on=date.today(),
        participants=11,
        votes_for=9,
        votes_against=1,
        abstentions=1,
        opinion="多数同意",
    )
    assert accepted.case.tasks.get(step="decide").status == TaskStatus.OPEN


def test_investigator_may_not_decide(staff, accepted):
    investigate(staff, accepted)
    from yimen.accounts.models import RoleBinding
    from yimen.accounts.scoping import forget_bindings

    RoleBinding.objects.create(
        user=staff.caseworker_b,
        role="township_approver",
        division_id=staff.approver.bindings.first().division_id,
    )
    forget_bindings(staff.caseworker_b)
    with pytest.raises(SeparationOfDuties):
        steps.case_decide(
            actor=staff.caseworker_b,
            application=accepted,
            approve=True,
            assistance_type="dibao",
            monthly_amount=Decimal("100"),
            reasons="",
        )


def test_person_in_an_open_case_cannot_apply_again(staff, accepted):
    with pytest.raises(AlreadyAssisted):
        intake.application_create(actor=staff.caseworker, data=household_input())


def test_invalid_input_writes_nothing(staff):
    from yimen.assistance.models import Application

    data = household_input()
    data.members[1].id_number = data.members[1].id_number[:-1] + "0"
    with pytest.raises(ApplicationInvalid) as caught:
        intake.application_create(actor=staff.caseworker, data=data)
    assert "members[1].id_number" in caught.value.fields
    assert Application.objects.count() == 0


def test_discovery_report_is_a_draft_until_the_township_submits(staff):
    data = household_input(channel="discovery", discovery_note="网格走访发现独居老人生活困难")
    draft = intake.application_create(actor=staff.village, data=data)
    assert draft.status == ApplicationStatus.DRAFT and draft.case is None
    intake.application_submit(actor=staff.caseworker, application=draft)
    assert draft.status == ApplicationStatus.SUBMITTED and draft.case is not None


def test_the_clock_starts_at_acceptance_with_target_and_statutory_line(staff, settings, tmp_path):
    from yimen.assistance.limits import deadlines_from

    settings.MEDIA_ROOT = tmp_path
    application = intake.application_create(actor=staff.caseworker, data=household_input())
    assert application.case.due_at is None  # not before acceptance
    attach_basics(staff.caseworker, application)
    steps.case_accept(actor=staff.caseworker, application=application)
    application.case.refresh_from_db()
    expected = deadlines_from(
        application.division_id, application.case.tasks.get(step="accept").completed_at
    )
    assert application.case.due_at == expected.target
    assert application.case.limit_at == expected.statutory
    assert application.case.limit_at > application.case.due_at  # 20 working > 15 days here


def test_relative_of_staff_needs_a_county_visit_before_the_decision(staff, settings, tmp_path):
    """近亲属 are registered separately and visited by the county [A2021 Art.11, Art.20]."""
    from yimen.workflow.services import task_complete

    settings.MEDIA_ROOT = tmp_path
    data = household_input(relative_of_staff=True, relative_note="南岭街道经办人王芳之兄")
    application = intake.application_create(actor=staff.caseworker, data=data)
    attach_basics(staff.caseworker, application)
    steps.case_accept(actor=staff.caseworker, application=application)
    county = application.case.tasks.get(step="county_visit")
    assert county.status == TaskStatus.OPEN and county.division_id == "220102000000"
    investigate(staff, application)
    assert not application.case.tasks.filter(step="decide").exists()  # waits for the county
    task_complete(task_id=county.pk, actor=staff.supervisor, reason="县级入户核查，情况属实")
    assert application.case.tasks.get(step="decide").status == TaskStatus.OPEN


def test_undisputed_relative_free_case_has_no_county_visit(staff, accepted):
    assert accepted.case.tasks.get(step="county_visit").status == TaskStatus.SKIPPED

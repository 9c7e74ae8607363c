"""The assistance case page through HTTP, step by step: each step's form shown only to
those who may perform it, each step by its role, refusals for the wrong role with nothing
written, and 404 for another township on every address."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.assistance.conftest import household_input
from tests.assistance.test_pages_staff import (
    PNG,
    _media,  # noqa: F401  (autouse fixture)
    as_user,
    attach,
    enter,
    errors_of,
    section,
    url,
)
from tests.web.pdfcheck import assert_readable
from tests.web.world import _fast_password_hashing  # noqa: F401  (autouse fixture)
from yimen.assistance.models import Attachment, Decision, HouseholdVisit, VerificationRecord
from yimen.assistance.services import intake
from yimen.audit.models import AuditEvent
from yimen.workflow.states import CaseStatus, TaskStatus

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.assistance.urls_for_tests")]


def actions_on_page(client, user, application) -> set[str]:
    html = as_user(client, user).get(url("application", application)).content.decode()
    return set(re.findall(r'<section class="card action" id="act-(\w+)"', html))


def test_full_path_through_the_pages_each_step_by_its_role(client, staff):
    application = enter(client, staff)
    assert actions_on_page(client, staff.caseworker, application) == {"accept"}
    for other in (staff.approver, staff.village, staff.social_worker, staff.supervisor):
        assert actions_on_page(client, other, application) == set()

    # acceptance with materials missing: one notice lists them all, the task stays open
    response = as_user(client, staff.caseworker).post(url("accept", application))
    assert response.status_code == 302
    html = client.get(url("application", application)).content.decode()
    assert section(html, "notices") is not None
    assert len(re.findall("<li>", section(html, "notices"))) == 3  # 2 cards + disability
    attach(client, staff.caseworker, application)
    assert 'id="complete"' in client.get(url("application", application)).content.decode()
    assert client.post(url("accept", application)).status_code == 302
    assert application.case.tasks.get(step="accept").outcome == "accepted"

    assert actions_on_page(client, staff.caseworker, application) == {"verify", "visit"}
    assert actions_on_page(client, staff.social_worker, application) == {"visit"}
    response = as_user(client, staff.caseworker).post(
        url("verification", application),
        {
            "verified_monthly_income": "950.00",
            "verified_deposits": "3000",
            "findings": "与申报一致",
        },
    )
    assert response.status_code == 302
    response = as_user(client, staff.caseworker_b).post(
        url("visit", application),
        {
            "visited_on": timezone.localdate().isoformat(),
            "investigators": [staff.caseworker_b.pk, staff.social_worker.pk],
            "findings": "家中陈设简陋",
            "investigators_signed": "on",
            "family_signed": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert application.case.tasks.get(step="appraise").status == TaskStatus.SKIPPED

    html = as_user(client, staff.approver).get(url("application", application)).content.decode()
    assert 'id="act-decide"' in html
    assert "刘洋" in re.search(r'<p class="signer" id="signer">(.*?)</p>', html, re.S).group(1)
    response = client.post(
        url("decision", application),
        {
            "decision": "approve",
            "assistance_type": "dibao",
            "monthly_amount": "1234.50",
            "reasons": "人均收入低于保障标准",
        },
    )
    assert response.status_code == 302
    html = client.get(url("application", application)).content.decode()
    assert 'id="notice-link"' in html and "1,234.50" in section(html, "records")
    pdf = client.get(url("notice", application))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert_readable(pdf.content, lines=("1234.50元",))

    assert actions_on_page(client, staff.village, application) == {"disclose"}
    assert client.post(url("disclosure", application)).status_code == 302
    application.case.refresh_from_db()
    assert application.case.status == CaseStatus.COMPLETED


def accepted_application(client, staff):
    application = enter(client, staff)
    attach(client, staff.caseworker, application)
    assert client.post(url("accept", application)).status_code == 302
    return application


def test_disputed_case_goes_to_the_village_for_appraisal(client, staff):
    application = accepted_application(client, staff)
    html = as_user(client, staff.caseworker).get(url("application", application)).content.decode()
    assert 'id="dispute-form"' in html
    assert (
        'id="dispute-form"'
        not in as_user(client, staff.village).get(url("application", application)).content.decode()
    )
    response = as_user(client, staff.caseworker).post(url("dispute", application), {"reason": ""})
    assert response.status_code == 400
    response = client.post(url("dispute", application), {"reason": "邻居反映有经营收入"})
    assert response.status_code == 302
    html = client.get(url("application", application)).content.decode()
    assert 'id="disputed-flag"' in html and 'id="dispute-form"' not in html
    client.post(
        url("verification", application),
        {"verified_monthly_income": "950", "verified_deposits": "3000", "findings": "一致"},
    )
    as_user(client, staff.caseworker_b).post(
        url("visit", application),
        {
            "visited_on": timezone.localdate().isoformat(),
            "investigators": [staff.caseworker_b.pk, staff.social_worker.pk],
            "findings": "属实",
            "investigators_signed": "on",
            "family_signed": "on",
        },
    )
    assert actions_on_page(client, staff.village, application) == {"appraise"}
    response = client.post(
        url("appraisal", application),
        {
            "held_on": timezone.localdate().isoformat(),
            "participants": 5,
            "votes_for": 5,
            "votes_against": 1,
            "abstentions": 0,
            "opinion": "同意",
        },
    )
    assert response.status_code == 400  # more votes than participants, from the service
    errors_of(response.content.decode(), "id_participants")
    response = client.post(
        url("appraisal", application),
        {
            "held_on": timezone.localdate().isoformat(),
            "participants": 11,
            "votes_for": 9,
            "votes_against": 1,
            "abstentions": 1,
            "opinion": "多数同意",
        },
    )
    assert response.status_code == 302
    assert actions_on_page(client, staff.approver, application) == {"decide"}


def test_service_refusals_keep_the_entries_and_write_nothing(client, staff):
    application = accepted_application(client, staff)
    as_user(client, staff.caseworker_b)
    response = client.post(
        url("visit", application),
        {
            "visited_on": timezone.localdate().isoformat(),
            "investigators": [staff.caseworker_b.pk],
            "findings": "只有一人",
            "investigators_signed": "on",
            "family_signed": "on",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    errors_of(html, "id_investigators")
    assert "只有一人" in html
    assert HouseholdVisit.objects.count() == 0
    # the recorder must be one of the investigators
    response = client.post(
        url("visit", application),
        {
            "visited_on": timezone.localdate().isoformat(),
            "investigators": [staff.caseworker.pk, staff.social_worker.pk],
            "findings": "x",
            "investigators_signed": "on",
            "family_signed": "on",
        },
    )
    assert response.status_code == 400 and HouseholdVisit.objects.count() == 0
    # someone from another township is not a choice at all
    response = client.post(
        url("visit", application),
        {
            "visited_on": timezone.localdate().isoformat(),
            "investigators": [staff.caseworker_b.pk, staff.other_caseworker.pk],
            "findings": "x",
            "investigators_signed": "on",
            "family_signed": "on",
        },
    )
    assert response.status_code == 400 and HouseholdVisit.objects.count() == 0


def investigate_by_pages(client, staff, application):
    as_user(client, staff.caseworker).post(
        url("verification", application),
        {"verified_monthly_income": "950", "verified_deposits": "3000", "findings": "一致"},
    )
    response = as_user(client, staff.caseworker_b).post(
        url("visit", application),
        {
            "visited_on": timezone.localdate().isoformat(),
            "investigators": [staff.caseworker_b.pk, staff.social_worker.pk],
            "findings": "属实",
            "investigators_signed": "on",
            "family_signed": "on",
        },
    )
    assert response.status_code == 302


def test_refusal_needs_reasons_and_gives_a_refusal_notice(client, staff):
    application = accepted_application(client, staff)
    investigate_by_pages(client, staff, application)
    as_user(client, staff.approver)
    response = client.post(url("decision", application), {"decision": "refuse", "reasons": ""})
    assert response.status_code == 400
    errors_of(response.content.decode(), "id_reasons")
    assert Decision.objects.count() == 0
    response = client.post(
        url("decision", application),
        {"decision": "approve", "assistance_type": "dibao", "monthly_amount": "0"},
    )
    assert response.status_code == 400
    errors_of(response.content.decode(), "id_monthly_amount")
    response = client.post(
        url("decision", application), {"decision": "refuse", "reasons": "家庭存款超过规定"}
    )
    assert response.status_code == 302
    application.case.refresh_from_db()
    assert application.case.status == CaseStatus.REJECTED
    assert client.get(url("notice", application))["Content-Type"] == "application/pdf"


def test_an_investigator_may_not_decide(client, staff):
    from yimen.accounts.models import RoleBinding

    application = accepted_application(client, staff)
    RoleBinding.objects.create(
        user=staff.caseworker_b, role="township_approver", division_id="220102001000"
    )
    investigate_by_pages(client, staff, application)
    response = as_user(client, staff.caseworker_b).post(
        url("decision", application),
        {"decision": "approve", "assistance_type": "dibao", "monthly_amount": "500"},
    )
    assert response.status_code == 403
    assert Decision.objects.count() == 0


def test_the_wrong_role_is_refused_and_nothing_is_written(client, staff):
    application = enter(client, staff)
    attach(client, staff.caseworker, application)
    events = AuditEvent.objects.count()
    assert as_user(client, staff.village).post(url("accept", application)).status_code == 403
    assert as_user(client, staff.approver).post(url("disclosure", application)).status_code == 409
    assert application.case.tasks.get(step="accept").status == TaskStatus.OPEN
    assert AuditEvent.objects.count() == events
    assert as_user(client, staff.caseworker).post(url("accept", application)).status_code == 302
    response = as_user(client, staff.village).post(
        url("verification", application),
        {"verified_monthly_income": "1", "verified_deposits": "1", "findings": "x"},
    )
    assert response.status_code == 403
    response = as_user(client, staff.supervisor).post(
        url("dispute", application), {"reason": "抽查"}
    )
    assert response.status_code == 403
    response = as_user(client, staff.caseworker).post(
        url("decision", application),
        {"decision": "approve", "assistance_type": "dibao", "monthly_amount": "100"},
    )
    assert response.status_code == 409  # not waiting for the decision yet
    assert VerificationRecord.objects.count() == 0 and Decision.objects.count() == 0


def test_another_townships_caseworker_gets_404_everywhere(client, staff):
    application = accepted_application(client, staff)
    as_user(client, staff.other_caseworker)
    assert client.get(url("application", application)).status_code == 404
    assert client.get(url("notice", application)).status_code == 404
    for name in (
        "accept",
        "verification",
        "visit",
        "dispute",
        "appraisal",
        "decision",
        "disclosure",
        "attachment_upload",
        "submit",
        "discard",
    ):
        assert client.post(url(name, application), {"reason": "x"}).status_code == 404, name
    attachment = Attachment.objects.first()
    assert client.get(url("attachment", application, attachment.pk)).status_code == 404
    assert client.get("/assistance/applications/999999999999999999/").status_code == 404
    assert client.get("/assistance/applications/9999999999999999999/").status_code == 404


def test_materials_are_checked_and_downloadable_in_scope_only(client, staff):
    application = enter(client, staff)
    as_user(client, staff.caseworker)
    response = client.post(
        url("attachment_upload", application),
        {"kind": "id_card", "file": SimpleUploadedFile("x.txt", b"hello", "text/plain")},
    )
    assert response.status_code == 400 and Attachment.objects.count() == 0
    response = client.post(url("attachment_upload", application), {"kind": "id_card"})
    assert response.status_code == 400
    attach(client, staff.caseworker, application, kinds=("id_card",))
    attachment = Attachment.objects.get()
    download = client.get(url("attachment", application, attachment.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert client.get(url("attachment", application, attachment.pk + 1)).status_code == 404


def test_no_notice_before_the_decision(client, staff):
    application = enter(client, staff)
    assert client.get(url("notice", application)).status_code == 404


def test_case_page_of_a_draft_offers_submit_to_the_township(client, staff):
    draft = intake.application_create(
        actor=staff.village, data=household_input(channel="discovery", discovery_note="独居老人")
    )
    html = as_user(client, staff.caseworker).get(url("application", draft)).content.decode()
    assert 'id="draft-actions"' in html and 'id="act-' not in html
    html = as_user(client, staff.village).get(url("application", draft)).content.decode()
    assert 'id="draft-actions"' not in html and 'id="upload-form"' in html
    assert as_user(client, staff.other_caseworker).get(url("application", draft)).status_code == 404

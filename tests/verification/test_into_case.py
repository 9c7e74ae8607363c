"""The batch's report reaches the assistance case as a staff-recorded verification does:
the case's VerificationRecord (who, what, contradiction), the decision card showing the
report's differences next to the rules' proposal, the county supervisor's case page with
the full report, and the separation of duties (whoever verified may not decide)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from yimen.assistance.models import VerificationRecord
from yimen.assistance.services import steps
from yimen.verification.casework import RECORD_SOURCE
from yimen.verification.models import VerificationReport
from yimen.verification.runs import run_execute, run_start
from yimen.workflow.states import TaskStatus

from .conftest import import_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(staff, requested, tmp_path):
    batches = import_fixture(tmp_path)
    run = run_execute(run_start(actor=staff.caseworker).pk, today=date(2026, 11, 16))
    return run, VerificationReport.objects.get(), batches


def page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def to_decision(staff, application):
    """The visit and, the case being disputed, the appraisal: the decide task opens."""
    steps.visit_record(
        actor=staff.caseworker_b,
        application=application,
        visited_on=date.today(),
        investigator_ids=[staff.caseworker_b.pk, staff.social_worker.pk],
        findings="家中陈设简陋",
        investigators_signed=True,
        family_signed=True,
    )
    steps.appraisal_record(
        actor=staff.village,
        application=application,
        held_on=date.today(),
        participants=11,
        votes_for=9,
        votes_against=1,
        abstentions=1,
        opinion="多数同意",
    )
    assert application.case.tasks.get(step="decide").status == TaskStatus.OPEN


def test_the_run_stores_the_cases_verification_record(staff, requested, reported):
    run, report, _ = reported
    record = VerificationRecord.objects.get(application=requested)
    assert record.source == RECORD_SOURCE
    assert record.recorded_by == staff.caseworker  # on behalf of who asked
    assert record.verified_deposits == report.deposits == Decimal("4500.50")
    assert record.verified_monthly_income == report.monthly_income
    assert record.contradicts_declaration is True and report.disputed
    assert f"#{run.pk}" in record.findings or str(run.pk) in record.findings
    # whoever verified the household may not decide it, as with a staff verification
    assert staff.caseworker.pk in steps.investigated_by(requested)


def test_a_verification_recorded_by_staff_is_kept(staff, requested, tmp_path):
    steps.verification_record(
        actor=staff.caseworker,
        application=requested,
        verified_monthly_income=Decimal("900"),
        verified_deposits=Decimal("3000"),
        contradicts_declaration=False,
        findings="人工核对",
    )
    import_fixture(tmp_path)
    run_execute(run_start(actor=staff.caseworker).pk, today=date(2026, 11, 16))
    record = VerificationRecord.objects.get(application=requested)
    assert (record.source, record.findings) == ("staff", "人工核对")


def test_the_decision_card_shows_the_differences_next_to_the_proposal(
    client, staff, requested, reported
):
    to_decision(staff, requested)
    html = page(client, staff.approver, f"/assistance/applications/{requested.pk}/")
    card = html.split('id="act-decide"')[1].split("</section>")[0]
    assert 'id="proposal"' in card
    differences = card.split('id="decide-verification"')[1]
    # deposits: declared 3000.00, found 4500.50, 1500.50 more (as yuan)
    assert "3,000.00" in differences and "4,500.50" in differences and "1,500.50" in differences
    assert 'class="warn"' in differences  # over the threshold
    records = html.split('id="verification-record"')[1].split("</dd>")[0]
    assert 'id="verification-from-run"' in records and "4,500.50" in records


def test_the_county_supervisor_reads_the_full_report(client, staff, requested, reported):
    _, _, batches = reported
    html = page(client, staff.supervisor, f"/county/cases/{requested.pk}/")
    section = html.split('id="verification-report"')[1].split("</section>")[0]
    assert f"{batches['bank_deposits'].pk}:1, {batches['bank_deposits'].pk}:3" in section
    assert 'id="report-totals"' in section
    assert 'id="verification-record"' in html


def test_the_findings_are_stored_in_chinese_whatever_language_started_the_run(
    staff, requested, tmp_path
):
    """Issue 14, item 3: a run started from an English page stored English findings, which
    the Chinese case page then showed."""
    import_fixture(tmp_path)
    with translation.override("en"):
        run = run_execute(run_start(actor=staff.caseworker).pk, today=date(2026, 11, 16))
    findings = VerificationRecord.objects.get(application=requested).findings
    assert findings.startswith(f"第 {run.pk} 批核对报告") and "Verification" not in findings

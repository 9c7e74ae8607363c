"""The demo's verification data: partner batches imported from the seeded generator's
files and one completed run whose reports show on the pages (one household disputed)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from yimen.accounts.demo import load_demo_users
from yimen.assistance.demo import load_assistance_demo
from yimen.assistance.models import VerificationRecord
from yimen.audit.verify import verify_chain
from yimen.verification import demo
from yimen.verification.models import ImportBatch, RunStatus, VerificationReport, VerificationRun
from yimen.workflow.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(settings, tmp_path, data_dir):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_divisions", verbosity=0)
    load_demo_users()
    load_assistance_demo()
    return demo.load()


def test_demo_imports_batches_and_completes_a_run_with_one_dispute(loaded):
    batches = ImportBatch.objects.filter(partner__startswith=demo.PARTNER)
    assert batches.count() == len(demo.FILES)
    assert batches.filter(source="bank_deposits").count() == 2  # two banks
    assert all(b.full_path.exists() and b.row_count > 0 for b in batches)
    run = VerificationRun.objects.get()
    assert run.status == RunStatus.DONE
    assert run.reports == run.completed == len(demo.HOUSEHOLDS)
    reports = VerificationReport.objects.filter(run=run)
    disputed = reports.filter(disputed=True)
    assert disputed.count() == 1
    assert disputed.get().application.address.startswith("核对演示")
    # the household that declared a little less has a difference under the thresholds
    assert reports.filter(disputed=False).exclude(differences=[]).exists()
    # each report completed its case's verify task and left the staff's record on the case
    cases = [r.application.case_id for r in reports]
    assert Task.objects.filter(case_id__in=cases, step="verify", status="done").count() == len(
        cases
    )
    assert VerificationRecord.objects.filter(source="verification_run").count() == len(cases)
    assert "disputed" in disputed.get().application.case.flags
    assert verify_chain().ok
    assert demo.load() == "already loaded / 已加载"  # rerunning changes nothing
    assert VerificationRun.objects.count() == 1


def test_the_demo_pages_show_the_reports(client, loaded):
    from yimen.accounts.models import User

    report = VerificationReport.objects.get(disputed=True)
    client.force_login(User.objects.get(username="caseworker"))
    assert (
        "verification-report" in client.get(f"/verification/reports/{report.pk}/").content.decode()
    )
    html = client.get(f"/assistance/applications/{report.application_id}/").content.decode()
    assert 'id="verification-report"' in html and 'id="report-disputed"' in html

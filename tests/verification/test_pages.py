"""The staff pages (who may see what), starting a run from a page, and the report on the
case pages: in full for caseworkers and the county supervisor, a summary for the applicant."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache

from tests.factories import HUAYANG, NANLING, user_with
from yimen.accounts.roles import Role
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.privacy.models import AccessEntry
from yimen.verification.models import RunStatus, VerificationReport, VerificationRun
from yimen.verification.runs import run_execute, run_start

from .conftest import import_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(staff, requested, tmp_path):
    batches = import_fixture(tmp_path)
    run_execute(run_start(actor=staff.caseworker).pk, today=date(2026, 11, 16))
    return VerificationReport.objects.get(), batches


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("caseworker", 200),
        ("approver", 200),
        ("supervisor", 200),
        ("other_caseworker", 200),  # another township: the page, but none of 南岭's rows
        ("village", 403),
        ("social_worker", 403),
    ],
)
@pytest.mark.parametrize(
    "url", ["/verification/", "/verification/requests/", "/verification/imports/"]
)
def test_pages_need_the_verification_view_permission(client, staff, reported, who, status, url):
    assert get(client, getattr(staff, who), url).status_code == status


def test_anonymous_and_citizens_are_kept_out(client, staff, reported):
    assert client.get("/verification/requests/").status_code == 302  # to the login page
    citizen = user_with(Role.APPLICANT, HUAYANG, full_name="市民")
    assert get(client, citizen, "/verification/requests/").status_code == 403


def test_requests_are_scoped_to_the_readers_divisions(client, staff, reported):
    report, _ = reported
    case_number = report.request.case.number
    for who in ("caseworker", "approver", "supervisor"):
        html = get(client, getattr(staff, who), "/verification/requests/").content.decode()
        assert case_number in html, who
    html = get(client, staff.other_caseworker, "/verification/requests/").content.decode()
    assert case_number not in html
    url = f"/verification/reports/{report.pk}/"
    before = AccessEntry.objects.count()
    assert get(client, staff.supervisor, url).status_code == 200
    assert get(client, staff.other_caseworker, url).status_code == 404
    # the household's verified incomes were shown once: one entry, for the supervisor
    look = AccessEntry.objects.order_by("-pk")[0]
    assert AccessEntry.objects.count() == before + 1 and look.actor == staff.supervisor
    assert (look.record_type, look.record_id) == (
        "assistance.application",
        str(report.application_id),
    )


def test_import_history_lists_every_batch_in_chinese(client, staff, reported):
    _, batches = reported
    html = get(client, staff.caseworker, "/verification/imports/").content.decode()
    assert "合作数据导入" in html  # the page title, in Chinese first
    for batch in batches.values():
        assert f'id="batch-{batch.pk}"' in html
    assert "银行存款" in html and "不动产登记" in html
    only = get(client, staff.caseworker, "/verification/imports/?source=tax").content.decode()
    assert f'id="batch-{batches["tax"].pk}"' in only
    assert f'id="batch-{batches["vehicles"].pk}"' not in only


def test_starting_a_run_from_the_page(client, staff, requested, tmp_path, settings):
    settings.JOBS_INPROCESS = "inline"
    import_fixture(tmp_path)
    client.force_login(staff.caseworker)
    response = client.post("/verification/runs/new/")
    run = VerificationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/verification/runs/{run.pk}/"
    assert run.status == RunStatus.DONE and run.reports == 1
    assert run.division_prefix == NANLING[:9]  # the starter's township
    assert AuditEvent.objects.filter(
        event_type=EventType.VERIFICATION_RUN_STARTED, actor=staff.caseworker
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert 'id="run-reports">1<' in page
    # the county supervisor reads but may not start runs
    client.force_login(staff.supervisor)
    assert client.post("/verification/runs/new/").status_code == 403
    assert VerificationRun.objects.count() == 1


def test_the_staff_case_page_shows_the_full_report(client, staff, reported):
    report, batches = reported
    url = f"/assistance/applications/{report.application_id}/"
    for who in ("caseworker", "supervisor"):
        html = get(client, getattr(staff, who), url).content.decode()
        section = html.split('id="verification-report"')[1].split("</section>")[0]
        assert "4,500.50" in section and "1,500.17" in section
        assert f"{batches['bank_deposits'].pk}:1, {batches['bank_deposits'].pk}:3" in section
        assert "多于一处住房" in section  # a flag, in Chinese
    html = get(client, staff.village, url).content.decode()
    assert 'id="verification-report"' not in html  # village staff see the case, not the report


def test_the_applicant_sees_a_summary_without_record_references(client, staff, reported):
    report, batches = reported
    application = report.application
    cache.clear()
    member = application.members.order_by("pk")[1]
    client.post(
        "/public/status/",
        {
            "case_number": application.case.number,
            "id_number": member.id_number,
            "receipt_code": application.receipt_code,
        },
        REMOTE_ADDR="10.1.1.9",
    )
    html = client.get("/public/status/case/").content.decode()
    section = html.split('id="verification-report"')[1].split("</section>")[0]
    assert "1,500.50" in section  # the deposits' difference, as yuan
    assert f"{batches['bank_deposits'].pk}:1" not in section  # no partner references
    assert "report-per-capita" not in section

"""Every page of complaints for the roles that use it (and "not found" for the others), in
Chinese and in English, with labels rather than codes; the settings page for the clocks."""

from __future__ import annotations

from datetime import date

import pytest

from tests.complaints.conftest import lodge
from tests.factories import NANGUAN, user_with
from yimen.accounts.roles import Role
from yimen.audit.models import AuditEvent
from yimen.complaints.models import ComplaintSetting
from yimen.complaints.services import reports as service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("handler", "/complaints/", 200),
        ("supervisor", "/complaints/", 200),
        ("county_handler", "/complaints/", 200),
        ("caseworker", "/complaints/", 404),
        ("citizen", "/complaints/", 404),
        ("caseworker", "/complaints/reexaminations/", 200),
        ("approver", "/complaints/reexaminations/", 200),
        ("supervisor", "/complaints/reexaminations/", 200),
        ("citizen", "/complaints/reexaminations/", 404),
        ("caseworker", "/complaints/reexaminations/counter/", 200),
        ("supervisor", "/complaints/reexaminations/counter/", 404),
        ("caseworker", "/complaints/remedies/new/", 200),
        ("citizen", "/complaints/mine/", 200),
        ("citizen", "/complaints/settings/", 404),
    ],
)
def test_who_sees_which_page(people, client, who, path, status):
    client.force_login(getattr(people, who))
    assert client.get(path).status_code == status


def test_a_report_page_in_both_languages(people, client):
    report = lodge(kind="misconduct", level="village")
    service.report_take(actor=people.handler, report=report)
    client.force_login(people.handler)
    zh = client.get(f"/complaints/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = zh.content.decode()
    assert "办理中" in html and "工作人员违纪违规" in html
    client.cookies["django_language"] = "en"
    en = client.get(f"/complaints/reports/{report.pk}/").content.decode()
    assert "Being handled" in en and "Anonymous/confidential" in en


def test_anonymous_visitors_are_sent_to_log_in_for_staff_pages(client, tree):
    for path in ("/complaints/", "/complaints/mine/", "/complaints/reexaminations/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_clocks_are_set_dated_and_audited(people, client):
    admin = user_with(Role.SYSTEM_ADMIN, NANGUAN)
    client.force_login(admin)
    page = client.get("/complaints/settings/").content.decode()
    assert "示例参数" in page  # nothing set: the example values, labelled
    bad = client.post(
        "/complaints/settings/",
        {
            "division_code": NANGUAN,
            "valid_from": "2026-12-01",
            "answer_working_days": "0",
            "reexam_request_days": "30",
            "source": "通知",
        },
    )
    assert bad.status_code == 400 and not ComplaintSetting.objects.exists()
    good = client.post(
        "/complaints/settings/",
        {
            "division_code": NANGUAN,
            "valid_from": "2026-12-08",
            "answer_working_days": "10",
            "reexam_request_days": "30",
            "source": "南关区民政局通知",
        },
    )
    assert good.status_code == 302
    row = ComplaintSetting.objects.get()
    assert (row.answer_working_days, row.valid_from, row.example) == (10, date(2026, 12, 8), False)
    assert AuditEvent.objects.filter(event_type="complaints.setting_set", actor=admin).exists()
    outside = client.post(
        "/complaints/settings/",
        {
            "division_code": "220103000000",
            "valid_from": "2026-12-08",
            "answer_working_days": "10",
            "reexam_request_days": "30",
            "source": "x",
        },
    )
    assert outside.status_code == 403

"""The township overview flags overdue cases; the case page shows both deadlines."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.assistance.conftest import household_input
from tests.assistance.test_case_paths import attach_basics
from yimen.assistance.services import intake, steps
from yimen.workflow.models import Case


def accepted_case(staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = intake.application_create(actor=staff.caseworker, data=household_input())
    attach_basics(staff.caseworker, application)
    steps.case_accept(actor=staff.caseworker, application=application)
    application.case.refresh_from_db()
    return application


def test_overdue_and_past_limit_cases_are_flagged(client, staff, settings, tmp_path):
    application = accepted_case(staff, settings, tmp_path)
    client.force_login(staff.caseworker)
    page = client.get("/assistance/overview/")
    assert page.status_code == 200
    assert (page.context["overdue"], page.context["past_limit"]) == (0, 0)
    assert application.case.number in page.content.decode()

    # sixteen days later the 15-day target has passed, the 20-working-day limit not yet
    Case.objects.filter(pk=application.case_id).update(due_at=timezone.now() - timedelta(days=1))
    page = client.get("/assistance/overview/")
    assert (page.context["overdue"], page.context["past_limit"]) == (1, 0)
    Case.objects.filter(pk=application.case_id).update(limit_at=timezone.now() - timedelta(hours=1))
    page = client.get("/assistance/overview/")
    assert (page.context["overdue"], page.context["past_limit"]) == (1, 1)
    assert page.content.decode().count('class="tag danger"') == 2


def test_overview_is_scoped(client, staff, settings, tmp_path):
    application = accepted_case(staff, settings, tmp_path)
    client.force_login(staff.other_caseworker)
    page = client.get("/assistance/overview/")
    assert application.case.number not in page.content.decode()


def test_case_pages_show_target_and_statutory_limit(client, staff, settings, tmp_path):
    application = accepted_case(staff, settings, tmp_path)
    client.force_login(staff.caseworker)
    case = application.case
    body = client.get(f"/assistance/applications/{application.pk}/").content.decode()
    assert f"{timezone.localtime(case.due_at):%Y-%m-%d}" in body
    assert f"{timezone.localtime(case.limit_at):%Y-%m-%d}" in body
    generic = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="case-limit"' in generic

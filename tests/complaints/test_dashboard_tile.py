"""The county dashboard counts the complaint reports open past their last day, for those
who read reports, and links to the overdue list (issue 22 item 2)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from tests.complaints.conftest import lodge
from tests.factories import HUAYANG, NANGUAN, NANLING, user_with
from yimen.accounts.roles import Role
from yimen.complaints.models import Report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]
TILE = re.compile(r'id="kpi-overdue-reports" href="([^"]+)">(\d+)<')


def _tile(user, code):
    client = Client()
    client.force_login(user)
    page = client.get(f"/county/dashboard/{code}/")
    assert page.status_code == 200
    found = TILE.search(page.content.decode())
    return (found.group(1), int(found.group(2))) if found else None


def test_the_county_sees_its_overdue_reports_and_each_township_its_own(people):
    supervisor = user_with(Role.COUNTY_SUPERVISOR, NANGUAN)
    late_here = lodge(where=HUAYANG)
    late_there = lodge(where="220102002001")  # 自强街道
    lodge(where=HUAYANG)  # still inside its clock
    answered_late = lodge(where=HUAYANG)
    yesterday = late_here.received_at.date() - timedelta(days=1)
    Report.objects.filter(pk__in=[late_here.pk, late_there.pk, answered_late.pk]).update(
        due_on=yesterday
    )
    Report.objects.filter(pk=answered_late.pk).update(status="answered")

    assert _tile(supervisor, NANGUAN) == ("/complaints/?overdue=1", 2)
    assert _tile(supervisor, NANLING) == ("/complaints/?overdue=1", 1)
    # the linked list shows the same number
    client = Client()
    client.force_login(supervisor)
    listing = client.get("/complaints/?overdue=1").content.decode()
    assert listing.count("TS2026") == 2


def test_who_reads_no_reports_sees_no_tile(people):
    late = lodge(where=HUAYANG)
    Report.objects.filter(pk=late.pk).update(due_on=late.received_at.date() - timedelta(days=1))
    assert _tile(user_with(Role.CITY_VIEWER, NANGUAN), NANGUAN) is None

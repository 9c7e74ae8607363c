"""The access log through HTTP: each kind of look is logged by the page that shows it (a
household's full record, an export, an unmasked display), and the log is read by the
county (its own county only) and by the auditor (every division under its binding)."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from tests.factories import NANLING
from tests.privacy.conftest import login, quick_household
from yimen.assistance.services import intake
from yimen.privacy import recordsets
from yimen.privacy.access_verify import verify_access_log
from yimen.privacy.models import AccessEntry, AccessKind

from .conftest import household_input

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def test_opening_a_household_logs_a_full_record_view(client, people):
    application = intake.application_create(actor=people.caseworker, data=household_input())
    login(client, people.caseworker)
    assert client.get(f"/assistance/applications/{application.pk}/").status_code == 200
    entry = AccessEntry.objects.get()
    assert (entry.kind, entry.record_type, entry.record_id) == (
        AccessKind.FULL_RECORD,
        "assistance.application",
        str(application.pk),
    )
    assert entry.actor == people.caseworker and entry.division_code == application.division_id
    # a caseworker of another township gets a 404 and nothing is logged
    client.logout()
    login(client, people.other_caseworker)
    assert client.get(f"/assistance/applications/{application.pk}/").status_code == 404
    assert AccessEntry.objects.count() == 1


def test_the_roster_household_page_logs_a_view(client, people):
    home = quick_household(people.caseworker)
    login(client, people.caseworker)
    assert client.get(f"/benefits/households/{home.pk}/").status_code == 200
    assert AccessEntry.objects.filter(
        record_type="benefits.beneficiary", record_id=str(home.pk)
    ).exists()


def test_a_roster_export_needs_a_purpose_and_is_one_entry(client, people):
    homes = [quick_household(people.caseworker, name=n) for n in ("张三丰", "李四", "王五")]
    login(client, people.caseworker)
    refused = client.get("/benefits/?format=xlsx", follow=True)
    assert refused.status_code == 200 and "purpose" not in refused.request["QUERY_STRING"]
    assert "用途" in refused.content.decode()  # the refusal, in Chinese
    assert not AccessEntry.objects.exists()
    answer = client.get("/benefits/", {"format": "xlsx", "purpose": "review"})
    rows = list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert len(rows) == 4
    entry = AccessEntry.objects.get()
    assert (entry.kind, entry.purpose, entry.record_count) == (AccessKind.EXPORT, "review", 3)
    assert recordsets.unpack(bytes(entry.record_set)) == sorted(h.pk for h in homes)


def test_the_bank_file_is_logged_with_its_own_purpose(client, people):
    from django.utils import timezone

    from yimen.benefits.models import PaymentRoll
    from yimen.months import month_of

    home = quick_household(people.caseworker)
    month = month_of(timezone.localdate())
    login(client, people.approver)
    client.post("/benefits/rolls/issue/", {"township": NANLING, "month": f"{month:%Y-%m}"})
    roll = PaymentRoll.objects.get()
    assert client.get(f"/benefits/rolls/{roll.pk}/file.csv").status_code == 200
    entry = AccessEntry.objects.get()
    assert (entry.kind, entry.purpose, entry.record_type, entry.record_id) == (
        AccessKind.EXPORT,
        "payment",
        "benefits.beneficiary",
        str(home.pk),
    )


def test_the_county_unmasks_with_a_purpose_and_it_is_logged(client, people, approved):
    application = approved()
    head = application.members.get(relationship="head")
    login(client, people.supervisor)
    page = client.get(f"/county/cases/{application.pk}/").content.decode()
    assert head.id_number not in page and "unmask-form" in page
    refused = client.post(f"/county/cases/{application.pk}/unmask/", {"purpose": ""})
    assert refused.status_code == 400 and head.id_number not in refused.content.decode()
    assert not AccessEntry.objects.filter(kind=AccessKind.UNMASK).exists()
    shown = client.post(f"/county/cases/{application.pk}/unmask/", {"purpose": "supervision"})
    assert shown.status_code == 200 and head.id_number in shown.content.decode()
    entry = AccessEntry.objects.get(kind=AccessKind.UNMASK)
    assert (entry.actor, entry.purpose, entry.record_id) == (
        people.supervisor,
        "supervision",
        str(application.pk),
    )
    assert verify_access_log().ok


def test_the_case_list_export_needs_a_purpose(client, people):
    intake.application_create(actor=people.caseworker, data=household_input())
    login(client, people.caseworker)
    refused = client.get("/cases/", {"export": "xlsx"})
    assert refused.status_code == 302 and not AccessEntry.objects.exists()
    done = client.get("/cases/", {"export": "xlsx", "purpose": "case_handling"})
    assert done.status_code == 200
    assert AccessEntry.objects.get().record_type == "workflow.case"


def test_the_log_is_read_by_the_county_and_the_auditor_only(client, people):
    application = intake.application_create(actor=people.caseworker, data=household_input())
    login(client, people.caseworker)
    client.get(f"/assistance/applications/{application.pk}/")
    assert client.get("/privacy/access/").status_code == 403  # staff do not read the log
    client.logout()
    for reader in (people.supervisor, people.auditor):
        login(client, reader)
        page = client.get("/privacy/access/")
        assert page.status_code == 200 and people.caseworker.full_name in page.content.decode()
        client.logout()
    login(client, people.other_supervisor)  # another district's county
    page = client.get("/privacy/access/")
    assert page.status_code == 200 and people.caseworker.full_name not in page.content.decode()


def test_the_log_finds_a_household_inside_an_export(client, people):
    homes = [quick_household(people.caseworker, name=n) for n in ("张三丰", "李四")]
    login(client, people.caseworker)
    client.get("/benefits/", {"format": "xlsx", "purpose": "review"})
    client.get(f"/benefits/households/{homes[0].pk}/")
    client.logout()
    login(client, people.auditor)
    found = client.get(
        "/privacy/access/", {"type": "benefits.beneficiary", "record": str(homes[1].pk)}
    )
    body = found.content.decode()
    assert found.status_code == 200
    assert len(re.findall(r'id="access-\d+"', body)) == 1 and "花名册导出" in body
    junk = client.get("/privacy/access/", {"record": "x" * 40, "from": "2026-13-45", "kind": "?"})
    assert junk.status_code == 200

"""The subsidy pages through HTTP: each role sees its work, scoping fails closed (another
county, another unit, roles without the action), and the forms reach the services."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from openpyxl import Workbook, load_workbook

from yimen.privacy.models import AccessEntry
from yimen.subsidy.models import Application, Finding, ItemType, PaymentBatch, Status, Survey
from yimen.subsidy.services import payments
from yimen.subsidy.services.review import (
    Measurement,
    application_decide,
    disclosure_publish,
    inspection_record,
)
from yimen.subsidy.services.survey import IMPORT_COLUMNS

from .conftest import BJ, NOV, VILLAGE, feed, id_for, pit

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(NOV, tick=False):
        yield NOV


def login(client, user):
    client.force_login(user)
    return client


def test_every_staff_role_opens_the_overview_and_the_outsider_gets_nothing(world, client):
    for user in (world.surveyor, world.inspector, world.reviewer, world.finance, world.supervisor):
        page = login(client, user).get("/subsidy/")
        assert page.status_code == 200, user
        assert "榆树市秸秆变肉试点" in page.content.decode()
    # a surveyor of another county sees no scheme of Yushu
    page = login(client, world.outsider).get("/subsidy/")
    assert "榆树市秸秆变肉试点" not in page.content.decode()
    assert login(client, world.unit_user).get("/subsidy/").status_code == 302


def test_the_scheme_page_labels_placeholder_rates(world, client):
    page = login(client, world.reviewer).get(f"/subsidy/schemes/{world.scheme.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "示例参数，待确认" in text and "25.00" in text


def test_an_application_is_visible_in_scope_only(world, client):
    app = world.submitted(pit())
    url = f"/subsidy/applications/{app.pk}/"
    assert login(client, world.reviewer).get(url).status_code == 200
    assert login(client, world.inspector).get(url).status_code == 200
    assert login(client, world.outsider).get(url).status_code == 404
    assert login(client, world.unit_user).get(url).status_code == 404  # not its unit
    assert login(client, world.viewer).get(url).status_code == 404  # statistics only


def test_the_unit_sees_its_own_application_only(world, client):
    survey = world.unit(account=world.unit_user)
    other = world.submitted(feed())
    with time_machine.travel(NOV, tick=False):
        login(client, world.unit_user)
        page = client.get("/subsidy/mine/")
        assert page.status_code == 200
        response = client.post("/subsidy/applications/new/", {"survey": survey.pk})
    app = Application.objects.get(unit=survey.unit)
    assert response.url == f"/subsidy/applications/{app.pk}/"
    assert app.channel == "online"
    login(client, world.unit_user)  # the session made in 2020 has expired by now
    assert client.get(f"/subsidy/applications/{other.pk}/").status_code == 404
    assert client.get("/subsidy/applications/").status_code == 404
    assert client.get("/subsidy/payments/").status_code == 404


def test_the_counter_enters_and_submits_an_application_with_field_errors(world, client, clock):
    survey = world.unit()
    login(client, world.surveyor)
    response = client.post("/subsidy/applications/new/", {"survey": survey.pk})
    app = Application.objects.get(unit=survey.unit)
    url = f"/subsidy/applications/{app.pk}/"
    assert response.url == url
    bad = {
        "item_type": "pit",
        "latitude": "44.8261",
        "longitude": "126.5332",
        "material": "wood",
        "length_m": "10",
        "width_m": "5",
        "depth_m": "3",
        "started_on": "2020-10-18",
    }
    page = client.post(f"{url}items/", bad, follow=True).content.decode()
    assert "只有砖石混凝土结构的贮窖符合条件" in page
    assert "2020-10-19" in page
    assert app.items.count() == 0
    good = {**bad, "material": "concrete", "started_on": "2020-10-19"}
    client.post(f"{url}items/", good)
    assert app.items.count() == 1
    page = client.get(url).content.decode()
    assert "3,750.00" in page  # the preview: 150 m³ × 25
    client.post(f"{url}submit/")
    assert Application.objects.get(pk=app.pk).status == Status.SUBMITTED


def test_after_the_deadline_the_page_refuses_with_the_rule(world, client):
    survey = world.unit()
    from yimen.subsidy.services.applications import application_start, item_add

    app = application_start(scheme=world.scheme, unit=survey.unit, actor=world.surveyor, now=NOV)
    item_add(application=app, facts=pit(), actor=world.surveyor, now=NOV)
    with time_machine.travel(datetime(2020, 12, 1, 0, 0, 0, tzinfo=BJ), tick=False):
        page = login(client, world.surveyor).post(
            f"/subsidy/applications/{app.pk}/submit/", follow=True
        )
    assert "逾期未申报，视为自动放弃" in page.content.decode()
    assert Application.objects.get(pk=app.pk).status == Status.DRAFT


def sheet(rows) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(IMPORT_COLUMNS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_survey_import_page_lists_bad_rows_and_imports_nothing(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = [
        ["草食畜养殖场户", "王大山", id_for(), VILLAGE, "", "", "", "", 1, 0],
        ["草食畜养殖场户", "错号", "220182197001010010", VILLAGE, "", "", "", "", 1, 0],
    ]
    upload = SimpleUploadedFile("survey.xlsx", sheet(rows))
    page = login(client, world.surveyor).post(
        "/subsidy/units/", {"scheme": world.scheme.pk, "file": upload}, follow=True
    )
    assert "3: " in page.content.decode()
    assert Survey.objects.count() == 0
    # the inspector may read the list but not import
    upload = SimpleUploadedFile("survey.xlsx", sheet(rows[:1]))
    login(client, world.inspector).post(
        "/subsidy/units/", {"scheme": world.scheme.pk, "file": upload}
    )
    assert Survey.objects.count() == 0
    upload = SimpleUploadedFile("survey.xlsx", sheet(rows[:1]))
    login(client, world.surveyor).post(
        "/subsidy/units/", {"scheme": world.scheme.pk, "file": upload}
    )
    assert Survey.objects.count() == 1


def test_vetting_through_the_page_is_the_reviewers(world, client):
    survey = world.unit(vet=False)
    login(client, world.surveyor).post(f"/subsidy/units/{survey.pk}/vet/", {"qualified": "1"})
    assert Survey.objects.get(pk=survey.pk).status == "surveyed"
    login(client, world.reviewer).post(f"/subsidy/units/{survey.pk}/vet/", {"qualified": "1"})
    assert Survey.objects.get(pk=survey.pk).status == "vetted"
    assert (
        login(client, world.outsider)
        .post(f"/subsidy/units/{survey.pk}/vet/", {"qualified": "1"})
        .status_code
        == 404
    )


def test_inspection_and_signed_decision_through_the_pages(world, client):
    app = world.submitted(pit())
    item = app.items.get()
    url = f"/subsidy/applications/{app.pk}/"
    with time_machine.travel(datetime(2020, 12, 5, 10, tzinfo=BJ), tick=False):
        page = login(client, world.inspector).get(url).content.decode()
        assert 'id="inspect-form"' in page
        client.post(
            f"{url}inspect/",
            {
                "second_inspector": world.inspector2.pk,
                "inspected_on": "2020-12-05",
                f"item-{item.pk}-finding": Finding.DIFFERS,
                f"item-{item.pk}-length_m": "9.5",
                f"item-{item.pk}-width_m": "5",
                f"item-{item.pk}-depth_m": "2.8",
            },
        )
    assert Application.objects.get(pk=app.pk).status == Status.INSPECTED
    # the inspector cannot decide; the reviewer signs
    login(client, world.inspector).post(f"{url}decide/", {"approve": "1"})
    assert Application.objects.get(pk=app.pk).status == Status.INSPECTED
    page = login(client, world.reviewer).get(url).content.decode()
    assert "3,325.00" in page  # the measured 133 m³, not the declared 150
    client.post(f"{url}decide/", {"approve": "1", "note": "属实"})
    done = Application.objects.get(pk=app.pk)
    assert (done.status, done.approved_amount, done.decided_by) == (
        Status.APPROVED,
        Decimal("3325.00"),
        world.reviewer,
    )
    assert "孙立军" in client.get(url).content.decode()


def _disclosed(world, *items):
    app = world.submitted(*items)
    inspection_record(
        application=app,
        actor=world.inspector,
        second_inspector=world.inspector2,
        inspected_on=date(2020, 12, 5),
        measurements=[
            Measurement(i.pk, Finding.AS_DECLARED, i.length_m, i.width_m, i.depth_m, i.quantity)
            for i in app.items.all()
        ],
        now=datetime(2020, 12, 5, 12, tzinfo=BJ),
    )
    application_decide(application=app, actor=world.reviewer, approve=True)
    disclosure_publish(
        scheme=world.scheme, actor=world.reviewer, now=datetime(2020, 12, 7, tzinfo=BJ)
    )
    return app


def test_the_public_disclosure_masks_households_and_takes_objections(world, client):
    household = _disclosed(world, pit())
    coop = world.unit(kind="cooperative", name="丰收草食畜养殖合作社")
    app2 = world.submitted(feed(), survey=coop)
    inspection_record(
        application=app2,
        actor=world.inspector,
        second_inspector=world.inspector2,
        inspected_on=date(2020, 12, 5),
        measurements=[
            Measurement(i.pk, Finding.AS_DECLARED, quantity=i.quantity) for i in app2.items.all()
        ],
        now=datetime(2020, 12, 5, 12, tzinfo=BJ),
    )
    application_decide(application=app2, actor=world.reviewer, approve=True)
    disclosure_publish(
        scheme=world.scheme, actor=world.reviewer, now=datetime(2020, 12, 7, tzinfo=BJ)
    )
    with time_machine.travel(datetime(2020, 12, 8, 10, tzinfo=BJ), tick=False):
        page = client.get("/subsidy/public/").content.decode()
        assert "张*国" in page and "张建国" not in page
        assert "丰收草食畜养殖合作社" in page
        client.post(
            "/subsidy/public/",
            {"number": household.number, "name": "邻居", "contact": "139", "text": "贮窖未建成"},
        )
    assert Application.objects.get(pk=household.pk).status == Status.INSPECTED


def test_payment_pages_issue_once_and_the_bank_file_adds_up(world, client):
    _disclosed(world, feed("120"))
    with time_machine.travel(datetime(2020, 12, 20, 10, tzinfo=BJ), tick=False):
        login(client, world.reviewer).post("/subsidy/payments/", {"scheme": world.scheme.pk})
        assert PaymentBatch.objects.count() == 0  # the reviewer does not pay
        login(client, world.finance).post("/subsidy/payments/", {"scheme": world.scheme.pk})
    batch = PaymentBatch.objects.get()
    assert batch.total_amount == Decimal("6000.00")
    page = login(client, world.finance).get("/subsidy/payments/").content.decode()
    assert "核对一致" in page
    book = load_workbook(io.BytesIO(client.get(f"/subsidy/payments/{batch.pk}/bank.xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[-1][4] == 6000.0 and len(rows) == 3
    # the names and card numbers left the system: one export entry, for the payment
    export = AccessEntry.objects.get(kind="export")
    assert (export.purpose, export.record_type, export.record_count) == (
        "payment",
        "subsidy.unit",
        1,
    )
    assert (
        login(client, world.outsider).get(f"/subsidy/payments/{batch.pk}/bank.csv").status_code
        == 404
    )
    assert payments.reconcile(world.scheme) == []


def test_progress_for_the_county_and_the_city_with_excel(world, client):
    _disclosed(world, pit(), feed("120"))
    for user in (world.reviewer, world.viewer, world.supervisor):
        page = login(client, user).get("/subsidy/progress/")
        assert page.status_code == 200
        assert "150.00" in page.content.decode()  # pit volume
    book = load_workbook(io.BytesIO(client.get("/subsidy/progress/?format=xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][0] == "榆树市" and rows[1][5] == 1  # approved
    assert login(client, world.inspector).get("/subsidy/progress/").status_code == 404
    # a surveyor of another county reads its own county's figures: none of Yushu's
    assert "榆树市" not in login(client, world.outsider).get("/subsidy/progress/").content.decode()


def test_the_county_supervisor_cannot_decide_and_the_bureau_answers_its_request(world, client):
    from yimen.subsidy.services.county_requests import review_request_raise

    app = world.submitted(feed())
    login(client, world.supervisor)
    client.post(f"/subsidy/applications/{app.pk}/decide/", {"approve": "1"})
    assert Application.objects.get(pk=app.pk).status == Status.SUBMITTED
    request = review_request_raise(application=app, actor=world.supervisor, comment="请核实")
    # the supervisor cannot answer its own request; the reviewer answers on the page
    client.post(f"/subsidy/review-requests/{request.pk}/answer/", {"text": "自答"})
    request.refresh_from_db()
    assert request.answered_at is None
    page = login(client, world.reviewer).get(f"/subsidy/applications/{app.pk}/").content.decode()
    assert "请核实" in page and f"/subsidy/review-requests/{request.pk}/answer/" in page
    client.post(f"/subsidy/review-requests/{request.pk}/answer/", {"text": "已核实"})
    request.refresh_from_db()
    assert request.answer == "已核实" and request.answered_by == world.reviewer
    # the old county page now lives in county supervision
    assert client.get("/subsidy/county/")["Location"] == "/county/subsidy/"


def test_the_printed_application_lists_every_item(world, client):
    from pypdf import PdfReader

    app = world.submitted(pit(), feed())
    response = login(client, world.reviewer).get(f"/subsidy/applications/{app.pk}.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "贮窖" in text and "秸秆饲料" in text and app.number in text
    assert (
        login(client, world.outsider).get(f"/subsidy/applications/{app.pk}.pdf").status_code == 404
    )


def test_item_types_have_labels_not_codes(world, client):
    app = world.submitted(pit())
    page = login(client, world.reviewer).get(f"/subsidy/applications/{app.pk}/").content.decode()
    assert "贮窖" in page and ">pit<" not in page
    assert ItemType.PIT.label


def test_progress_of_an_area_without_subsidy_still_downloads(world, client):
    page = login(client, world.outsider).get("/subsidy/progress/?format=xlsx")
    assert page.status_code == 200
    rows = list(load_workbook(io.BytesIO(page.content)).active.iter_rows(values_only=True))
    assert rows[-1][1] == 0  # the totals row, all zero


def test_a_second_county_scheme_is_configured_in_the_admin_without_code(world, client):
    from tests.factories import user_with
    from yimen.accounts.roles import Role
    from yimen.subsidy.models import Scheme

    admin = user_with(Role.SYSTEM_ADMIN, "220000000000", is_staff=True, is_superuser=True)
    login(client, admin)
    assert client.get("/admin/subsidy/scheme/").status_code == 200
    page = client.get(f"/admin/subsidy/scheme/{world.scheme.pk}/change/")
    assert page.status_code == 200 and "rates-0-rate" in page.content.decode()
    assert Scheme.objects.count() == 1

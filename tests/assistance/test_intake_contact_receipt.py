"""Intake records a phone number, the reasons and the payment account (validated), and
hands over a 受理回执 with the case number, the receipt code, the next steps and dates."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from tests.assistance.conftest import household_input
from tests.assistance.test_pages_staff import as_user, errors_of, form_data, url
from tests.web.world import _fast_password_hashing  # noqa: F401  (autouse fixture)
from yimen.assistance.errors import ApplicationInvalid
from yimen.assistance.models import Application
from yimen.assistance.services import intake, steps
from yimen.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.assistance.urls_for_tests")]

SH = ZoneInfo("Asia/Shanghai")
CARD = "6222020200112233446"  # 19 digits, Luhn check digit right
MISTYPED_CARD = "6222020200112233447"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_entry_records_phone_reasons_and_account(client, staff):
    data = household_input(
        phone="139 1234 5678",
        payment_account_kind="card",
        payment_bank="中国工商银行长春南关支行",
        payment_account="6222 0202 0011 2233 446",
    )
    response = as_user(client, staff.caseworker).post(url("application_new"), form_data(data))
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get()
    assert application.phone == "13912345678"
    assert application.payment_account == CARD
    assert application.reason.startswith("丈夫打零工")
    assert application.head_initials == "zjm"
    created = AuditEvent.objects.get(event_type="assistance.application_created")
    assert created.new["phone"] == "13912345678" and created.new["payment_account"] == CARD
    page = client.get(url("application", application)).content.decode()
    assert 'id="receipt-link"' in page and "13912345678" in page


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("phone", {"phone": "12345"}),
        ("phone", {"phone": ""}),
        ("reason", {"reason": "  "}),
        (
            "payment_account",
            {
                "payment_account_kind": "card",
                "payment_bank": "农行",
                "payment_account": MISTYPED_CARD,
            },
        ),
        (
            "payment_account",
            {"payment_account_kind": "card", "payment_bank": "农行", "payment_account": "62220202"},
        ),
        (
            "payment_account",
            {
                "payment_account_kind": "yikatong",
                "payment_bank": "农信社",
                "payment_account": "12AB5678",
            },
        ),
        ("payment_bank", {"payment_account_kind": "yikatong", "payment_account": "123456789012"}),
        ("payment_account_kind", {"payment_bank": "农行", "payment_account": CARD}),
    ],
)
def test_a_wrong_contact_or_account_is_refused_next_to_its_field(client, staff, field, overrides):
    with translation.override("zh-hans"):
        response = as_user(client, staff.caseworker).post(
            url("application_new"), form_data(household_input(**overrides))
        )
    assert response.status_code == 400
    assert errors_of(response.content.decode(), f"id_{field}").strip()
    assert not Application.objects.exists()


def test_the_service_refuses_a_mistyped_card_in_both_languages(staff):
    data = household_input(
        payment_account_kind="card", payment_bank="农行", payment_account=MISTYPED_CARD
    )
    with pytest.raises(ApplicationInvalid) as refused:
        intake.application_create(actor=staff.caseworker, data=data)
    assert "payment_account" in refused.value.fields
    assert not Application.objects.exists()


def test_a_discovery_report_needs_no_phone(client, staff):
    post = form_data(
        household_input(channel="discovery", discovery_note="网格走访发现", phone="", reason="")
    )
    response = as_user(client, staff.village).post(url("application_new"), post)
    assert response.status_code == 302


def test_the_receipt_names_the_case_the_code_the_steps_and_the_dates(client, staff):
    # Friday 2026-11-13: acceptance within 3 working days is Wednesday the 18th
    with time_machine.travel(datetime(2026, 11, 13, 9, 30, tzinfo=SH), tick=False):
        application = intake.application_create(actor=staff.caseworker, data=household_input())
        with translation.override("zh-hans"):
            page = as_user(client, staff.caseworker).get(url("receipt", application))
    assert page.status_code == 200
    body = page.content.decode()
    assert application.case.number in re.search(r'id="receipt-number">([^<]*)', body).group(1)
    assert application.receipt_code and f"<strong>{application.receipt_code}</strong>" in body
    assert "2026-11-13" in re.search(r'id="receipt-received">([^<]*)', body).group(1)
    deadlines = re.search(r'id="receipt-deadlines">(.*?)</ul>', body, re.S).group(1)
    assert "2026-11-18" in deadlines  # acceptance
    assert "15" in deadlines and "20" in deadlines  # the decision, counted from acceptance
    assert (
        len(re.findall(r"<li>", re.search(r'id="receipt-steps">(.*?)</ol>', body, re.S).group(1)))
        == 4
    )
    assert "139****5678" in body and "13912345678" not in body
    assert "受理回执" in body


def test_after_acceptance_the_receipt_gives_the_decision_dates(client, staff, settings):
    from tests.assistance.test_case_paths import attach_basics

    with time_machine.travel(datetime(2026, 11, 13, 9, 30, tzinfo=SH), tick=False):
        application = intake.application_create(actor=staff.caseworker, data=household_input())
        attach_basics(staff.caseworker, application)
        steps.case_accept(actor=staff.caseworker, application=application)
        body = as_user(client, staff.caseworker).get(url("receipt", application)).content.decode()
    application.case.refresh_from_db()
    deadlines = re.search(r'id="receipt-deadlines">(.*?)</ul>', body, re.S).group(1)
    assert application.case.due_at.astimezone(SH).date() == date(2026, 11, 28)
    assert "2026-11-28" in deadlines
    assert application.case.limit_at.astimezone(SH).date().isoformat() in deadlines


def test_a_draft_has_no_receipt_and_another_township_sees_none(client, staff):
    draft = intake.application_create(
        actor=staff.village,
        data=household_input(channel="discovery", discovery_note="网格走访发现"),
    )
    response = as_user(client, staff.caseworker).get(url("receipt", draft))
    assert response.status_code == 302 and response["Location"] == url("application", draft)
    submitted = intake.application_create(actor=staff.caseworker, data=household_input())
    assert as_user(client, staff.other_caseworker).get(url("receipt", submitted)).status_code == 404


def test_the_intake_account_is_where_the_roster_pays(staff):
    from tests.assistance.test_case_paths import attach_basics, investigate
    from yimen.benefits.services.roster import enrol

    data = household_input(payment_account_kind="card", payment_bank="农行", payment_account=CARD)
    application = intake.application_create(actor=staff.caseworker, data=data)
    attach_basics(staff.caseworker, application)
    steps.case_accept(actor=staff.caseworker, application=application)
    investigate(staff, application)
    steps.case_decide(
        actor=staff.approver,
        application=application,
        approve=True,
        reasons="低于保障标准",
        assistance_type="dibao",
        monthly_amount=Decimal("500.00"),
    )
    application.refresh_from_db()
    beneficiary = enrol(application, staff.approver)
    assert (beneficiary.bank_name, beneficiary.account_number) == ("农行", CARD)


def test_the_api_takes_the_contact_and_refuses_a_mistyped_card(staff):
    from tests.api.helpers import api_client, post_json
    from tests.assistance.test_api import BASE, body_of

    body = {
        **body_of(household_input()),
        "phone": "0431-88886666",
        "reason": "生活困难",
        "payment_account_kind": "card",
        "payment_bank": "农行",
        "payment_account": MISTYPED_CARD,
    }
    refused = post_json(api_client(staff.caseworker), BASE, body)
    assert refused.status_code == 400
    assert "payment_account" in refused.json()["errors"]
    assert not Application.objects.exists()
    made = post_json(api_client(staff.caseworker), BASE, {**body, "payment_account": CARD})
    assert made.status_code == 201, made.content.decode()
    application = Application.objects.get()
    assert (application.phone, application.payment_account) == ("0431-88886666", CARD)

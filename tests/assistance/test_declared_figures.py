"""The verification entry and the decision show the declared figures beside the verified
ones: the counted monthly income and the deposits."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.assistance.conftest import household_input
from tests.assistance.test_case_paths import attach_basics, investigate
from tests.assistance.test_pages_staff import as_user, url
from tests.web.world import _fast_password_hashing  # noqa: F401  (autouse fixture)
from yimen.assistance.declared import declared_and_verified
from yimen.assistance.services import intake, steps

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.assistance.urls_for_tests")]


@pytest.fixture
def accepted(staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = intake.application_create(actor=staff.caseworker, data=household_input())
    attach_basics(staff.caseworker, application)
    steps.case_accept(actor=staff.caseworker, application=application)
    return application


def _row(body: str, row_id: str) -> list[str]:
    match = re.search(rf'<tr id="{row_id}">(.*?)</tr>', body, re.S)
    assert match, f"no row {row_id}"
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    ]


def test_declared_figures_count_only_counted_income_and_financial_assets(accepted):
    income, deposits = declared_and_verified(accepted, None)
    # wages 900 counted; 50 of government assistance is exempt; the e-bike is no deposit
    assert (income.declared, deposits.declared) == (Decimal("900.00"), Decimal("3000.00"))
    assert income.verified is None and income.difference is None


def test_the_verification_entry_shows_the_declared_figures(client, staff, accepted):
    body = as_user(client, staff.caseworker).get(url("application", accepted)).content.decode()
    cells = _row(body, "figure-verify-verified_monthly_income")
    assert cells[1] == "900.00" and cells[3] == "—"
    assert _row(body, "figure-verify-verified_deposits")[1] == "3,000.00"


def test_the_decision_shows_declared_beside_verified(client, staff, accepted):
    investigate(staff, accepted)  # verified: income 950.00, deposits 3000.00
    body = as_user(client, staff.approver).get(url("application", accepted)).content.decode()
    assert _row(body, "figure-decide-verified_monthly_income")[1:] == ["900.00", "950.00", "+50.00"]
    assert _row(body, "figure-decide-verified_deposits")[1:] == ["3,000.00", "3,000.00", "0.00"]
    assert 'id="figures-verify"' not in body  # the approver has no verification to enter

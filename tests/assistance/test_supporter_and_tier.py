"""The caseworker's findings on an application: an able legal supporter (特困 [TK2021
Art.4, Art.8]) and the 分档 hardship tier [A2021 Art.23] — entered through the service,
the form and the API, checked against the tiers in force, read by the rules and shown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.api.helpers import api_client, post_json
from tests.assistance.conftest import household_input
from tests.assistance.test_api import BASE, body_of
from tests.assistance.test_pages_staff import as_user, errors_of, form_data, url
from tests.web.world import _fast_password_hashing  # noqa: F401  (autouse fixture)
from yimen.assistance.application_facts import facts_from_application
from yimen.assistance.errors import ApplicationInvalid
from yimen.assistance.models import Application, ParameterSet
from yimen.assistance.proposal import proposal_for
from yimen.assistance.services import intake

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.assistance.urls_for_tests")]

TIERS = [
    {"code": "1", "label": "一类", "amount_per_person": "220.00"},
    {"code": "2", "label": "二类", "amount_per_person": "190.00"},
]


@pytest.fixture
def shipped(tree, settings, tmp_path):
    """The shipped Changchun parameters (no tiers)."""
    settings.MEDIA_ROOT = tmp_path
    call_command("load_parameters", verbosity=0)


@pytest.fixture
def tiered(shipped):
    """The same parameters with two tiers (set in the table for the test)."""
    ParameterSet.objects.update(tiers=TIERS)


def test_defaults_read_as_no_supporter_and_no_tier(staff, shipped):
    application = intake.application_create(actor=staff.caseworker, data=household_input())
    facts = facts_from_application(application)
    assert (facts.has_able_supporter, facts.hardship_tier) == (None, "")  # computed


def test_able_supporter_is_stored_read_by_the_rules_and_refuses_tekun(staff, shipped):
    data = household_input(
        assistance_type="tekun", has_able_supporter=True, supporter_note="长子在长春工作"
    )
    application = intake.application_create(actor=staff.caseworker, data=data)
    application.refresh_from_db()
    assert application.has_able_supporter and application.supporter_note == "长子在长春工作"
    assert facts_from_application(application).has_able_supporter is True
    proposal = proposal_for(application)
    (rule,) = [r for r in proposal.rules if r.code == "tekun_no_supporter"]
    assert not rule.passed and rule.values["able_supporter"] == "yes"


def test_a_tier_is_refused_where_the_parameters_have_none(staff, shipped):
    with pytest.raises(ApplicationInvalid) as refused:
        intake.application_create(actor=staff.caseworker, data=household_input(hardship_tier="1"))
    assert "hardship_tier" in refused.value.fields
    assert not Application.objects.exists()


def test_an_unknown_tier_is_refused_naming_the_tiers_in_force(staff, tiered):
    with pytest.raises(ApplicationInvalid) as refused:
        intake.application_create(actor=staff.caseworker, data=household_input(hardship_tier="9"))
    (message,) = refused.value.fields["hardship_tier"]
    assert "1 (一类)" in message and "2 (二类)" in message
    assert not Application.objects.exists()


def test_a_tier_in_force_sets_the_proposed_amount(staff, tiered):
    application = intake.application_create(
        actor=staff.caseworker, data=household_input(hardship_tier="2")
    )
    assert facts_from_application(application).hardship_tier == "2"
    proposal = proposal_for(application)
    assert proposal.assistance_type == "dibao"
    assert proposal.monthly_amount == Decimal("570.00")  # 190 × 3 members
    assert proposal.tier == "2 二类"
    assert any("按分档“二类”" in line for line in proposal.reasons_zh)


def test_without_a_tier_the_difference_is_paid_and_said(staff, tiered):
    application = intake.application_create(actor=staff.caseworker, data=household_input())
    proposal = proposal_for(application)
    assert proposal.tier == ""
    assert any("未确定分档，按补差计算" in line for line in proposal.reasons_zh)


def test_the_api_takes_and_returns_the_findings(staff, tiered):
    body = body_of(household_input())
    body.update(has_able_supporter=True, supporter_note="女儿有赡养能力", hardship_tier="1")
    response = post_json(api_client(staff.caseworker), BASE, body)
    assert response.status_code == 201, response.content.decode()
    out = response.json()
    assert (out["has_able_supporter"], out["supporter_note"], out["hardship_tier"]) == (
        True,
        "女儿有赡养能力",
        "1",
    )
    body.update(hardship_tier="9")
    for member in body["members"]:  # another household, so only the tier is wrong
        member["id_number"] = member["id_number"][:14] + "9" + member["id_number"][15:]
    refused = post_json(api_client(staff.caseworker), BASE, body)
    assert refused.status_code == 400 and "hardship_tier" in refused.content.decode()


def test_the_entry_form_takes_the_findings_and_the_case_page_shows_them(client, staff, tiered):
    post = form_data(household_input())
    post.update(has_able_supporter="yes", supporter_note="儿子有赡养能力", hardship_tier="9")
    response = as_user(client, staff.caseworker).post(url("application_new"), post)
    assert response.status_code == 400 and not Application.objects.exists()
    assert "1 (一类)" in errors_of(response.content.decode(), "id_hardship_tier")
    post["hardship_tier"] = "1"
    response = as_user(client, staff.caseworker).post(url("application_new"), post)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.has_able_supporter and application.hardship_tier == "1"
    html = client.get(url("application", application)).content.decode()
    assert 'id="able-supporter"' in html and "儿子有赡养能力" in html
    assert '<dd id="hardship-tier">1</dd>' in html

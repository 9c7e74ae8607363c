"""Dated per-division assistance parameters: lookup by date and ancestor, validation,
history (a change only from its date), audit, the shipped defaults and the admin."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import HUAYANG, NANGUAN, user_with
from yimen.accounts.roles import Role
from yimen.assistance.models import ParameterSet
from yimen.assistance.parameters import (
    ParametersForbidden,
    ParametersInForce,
    ParametersInvalid,
    ParametersNotFound,
    parameter_set_add,
    parameter_set_save,
    params_for,
)
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

CHANGCHUN = "220100000000"
JILIN = "220000000000"


def values(**overrides):
    data = {
        "division_code": CHANGCHUN,
        "valid_from": date(2020, 11, 1),
        "valid_to": None,
        "dibao_standard_urban": "700.00",
        "dibao_standard_rural": "500.00",
        "deposit_months": 24,
        "max_homes": 1,
        "allow_market_entity": False,
        "tekun_factor": "1.3",
        "tekun_care_full": "100",
        "tekun_care_partial": "200",
        "tekun_care_none": "300",
        "low_income_factor": "1.5",
        "employment_cost_deduction": "0",
        "elderly_age": 60,
        "minor_age": 18,
        "exempt_income": ["x_assistance"],
        "exempt_vehicles": ["ebike"],
        "tiers": [{"code": "A", "label": "一类", "amount_per_person": "220"}],
        "tekun_exempt_income": ["x_basic_pension", "elderly_allowance"],
        "tekun_deposit_months": 12,
        "tekun_max_homes": 1,
        "tekun_allow_market_entity": False,
        "low_income_deposit_months": 36,
        "low_income_max_homes": 2,
        "low_income_allow_market_entity": True,
        "income_lookback_months": 12,
        "disposable_income_last_year": "36000.00",
        "payment_rounding": "fen",
        "payment_rounding_mode": "half_up",
        "payment_minimum": "0",
        "source": "test",
        "placeholder": True,
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin_user(tree):
    return user_with(Role.SYSTEM_ADMIN, JILIN)


def test_params_for_picks_the_nearest_ancestor_and_the_right_period(admin_user):
    parameter_set_save(
        actor=admin_user,
        data=values(division_code=JILIN, valid_from=date(2019, 1, 1), source="province"),
    )
    parameter_set_save(
        actor=admin_user,
        data=values(valid_to=date(2026, 11, 15), dibao_standard_urban="800.00", source="city"),
    )
    parameter_set_save(
        actor=admin_user,
        data=values(valid_from=date(2026, 11, 16), dibao_standard_urban="850.00", source="new"),
    )
    parameter_set_save(
        actor=admin_user, data=values(division_code=NANGUAN, valid_from=date(2026, 1, 1))
    )

    on_15th, on_16th = (
        params_for(HUAYANG, date(2026, 11, 15)),
        params_for(HUAYANG, date(2026, 11, 16)),
    )
    assert on_15th.division_code == NANGUAN  # the district's own set is nearest
    city_15, city_16 = (
        params_for("220182", date(2026, 11, 15)),
        params_for("220182", date(2026, 11, 16)),
    )
    assert city_15.dibao_standard_urban == Decimal("800.00") and city_15.source == "city"
    assert city_16.dibao_standard_urban == Decimal("850.00") and city_16.source == "new"
    assert city_15.valid_to == date(2026, 11, 15) and city_16.valid_to is None
    assert on_16th.division_code == NANGUAN
    # before the district's set began, Changchun's applies; before Changchun's, Jilin's
    assert params_for(HUAYANG, date(2025, 12, 31)).source == "city"
    assert params_for("220103", date(2020, 10, 31)).source == "province"


def test_params_for_raises_not_found_with_both_languages(admin_user):
    parameter_set_save(actor=admin_user, data=values())
    with pytest.raises(ParametersNotFound) as raised:
        params_for("460100", date(2026, 11, 16))
    assert raised.value.status == 404
    assert "460100000000" in raised.value.render("en")
    with pytest.raises(ParametersNotFound):
        params_for(CHANGCHUN, date(2020, 10, 31))


def test_to_params_carries_every_value(admin_user):
    parameter_set_save(actor=admin_user, data=values())
    p = params_for(CHANGCHUN, date(2024, 1, 1))
    assert p.tekun_factor == Decimal("1.300") and p.low_income_factor == Decimal("1.500")
    assert (p.tekun_care_full, p.tekun_care_partial, p.tekun_care_none) == (100, 200, 300)
    assert p.deposit_months == 24 and p.max_homes == 1 and p.allow_market_entity is False
    assert p.exempt_income == frozenset({"x_assistance"}) and p.exempt_vehicles == {"ebike"}
    assert p.tiers[0].code == "A" and p.tiers[0].amount_per_person == Decimal("220.00")
    assert p.placeholder and "(placeholder)" in p.reference()


def test_an_overlapping_period_is_refused(admin_user):
    parameter_set_save(actor=admin_user, data=values(valid_to=date(2026, 11, 15)))
    with pytest.raises(ParametersInvalid) as raised:
        parameter_set_save(
            actor=admin_user,
            data=values(valid_from=date(2026, 11, 15), valid_to=date(2026, 12, 31)),
        )
    assert raised.value.code == "assistance.parameters_invalid"
    assert "valid_from" in raised.value.fields
    # the day after is fine, and another division's periods do not count
    parameter_set_save(actor=admin_user, data=values(valid_from=date(2026, 11, 16)))
    parameter_set_save(actor=admin_user, data=values(division_code=NANGUAN))
    assert ParameterSet.objects.count() == 3


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"dibao_standard_urban": "-0.01"}, "dibao_standard_urban"),
        ({"tekun_care_none": "-1"}, "tekun_care_none"),
        ({"employment_cost_deduction": "1.001"}, "employment_cost_deduction"),
        ({"tekun_factor": "0"}, "tekun_factor"),
        ({"low_income_factor": "-1.5"}, "low_income_factor"),
        ({"deposit_months": 241}, "deposit_months"),
        ({"elderly_age": 12}, "elderly_age"),
        ({"valid_to": date(2020, 10, 31)}, "valid_to"),
        ({"source": " "}, "source"),
        ({"tiers": [{"code": "A", "amount_per_person": "-5"}]}, "tiers"),
    ],
)
def test_invalid_values_are_refused_with_the_field_named(admin_user, override, field):
    with pytest.raises(ParametersInvalid) as raised:
        parameter_set_save(actor=admin_user, data=values(**override))
    assert field in raised.value.fields
    assert not ParameterSet.objects.exists() and not AuditEvent.objects.exists()


def test_every_error_is_reported_at_once(admin_user):
    with pytest.raises(ParametersInvalid) as raised:
        parameter_set_save(
            actor=admin_user,
            data=values(dibao_standard_rural="-1", tekun_factor="0", minor_age=99),
        )
    assert set(raised.value.fields) == {"dibao_standard_rural", "tekun_factor", "minor_age"}


def test_adding_a_new_set_closes_the_previous_open_one(admin_user):
    today = timezone.localdate()
    first = parameter_set_save(actor=admin_user, data=values())
    start = today + timedelta(days=3)
    added = parameter_set_add(
        actor=admin_user, data=values(valid_from=start, dibao_standard_urban="900.00")
    )

    first.refresh_from_db()
    assert first.valid_to == start - timedelta(days=1)
    assert added.valid_to is None and added.created_by == admin_user
    assert params_for(CHANGCHUN, start - timedelta(days=1)).dibao_standard_urban == 700
    assert params_for(CHANGCHUN, start).dibao_standard_urban == 900
    assert ParameterSet.objects.count() == 2  # history kept


def test_adding_from_a_past_date_is_refused(admin_user):
    parameter_set_save(actor=admin_user, data=values())
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ParametersInvalid) as raised:
        parameter_set_add(actor=admin_user, data=values(valid_from=yesterday))
    assert "valid_from" in raised.value.fields
    assert ParameterSet.objects.get().valid_to is None  # the open set was not closed


def test_editing_a_set_in_force_is_refused_but_a_future_one_may_be_corrected(admin_user):
    in_force = parameter_set_save(actor=admin_user, data=values())
    with pytest.raises(ParametersInForce) as raised:
        parameter_set_save(
            actor=admin_user, instance=in_force, data=values(dibao_standard_urban="1.00")
        )
    assert raised.value.status == 409
    in_force.refresh_from_db()
    assert in_force.dibao_standard_urban == Decimal("700.00")

    start = timezone.localdate() + timedelta(days=10)
    future = parameter_set_add(actor=admin_user, data=values(valid_from=start))
    parameter_set_save(
        actor=admin_user,
        instance=future,
        data=values(valid_from=start, dibao_standard_urban="910.00"),
    )
    assert params_for(CHANGCHUN, start).dibao_standard_urban == Decimal("910.00")


def test_changes_are_audited_with_old_and_new_values(admin_user):
    first = parameter_set_save(actor=admin_user, data=values())
    start = timezone.localdate() + timedelta(days=1)
    added = parameter_set_add(
        actor=admin_user, data=values(valid_from=start, dibao_standard_urban="900.00")
    )

    events = list(
        AuditEvent.objects.filter(event_type=EventType.PARAMETERS_CHANGED).order_by("seq")
    )
    assert len(events) == 3
    created, closed, new = events
    assert created.old is None and created.new["dibao_standard_urban"] == "700.00"
    assert closed.subject_id == str(first.pk) and closed.old["valid_to"] is None
    assert closed.new["valid_to"] == (start - timedelta(days=1)).isoformat()
    assert new.subject_id == str(added.pk) and new.new["dibao_standard_urban"] == "900.00"
    assert {e.actor_id for e in events} == {admin_user.pk}
    assert new.division_code == CHANGCHUN


def test_only_a_system_administrator_of_the_area_may_set_parameters(tree):
    clerk = user_with(Role.TOWNSHIP_APPROVER, "220102001")
    with pytest.raises(ParametersForbidden):
        parameter_set_save(actor=clerk, data=values())
    hainan_admin = user_with(Role.SYSTEM_ADMIN, "460000")
    with pytest.raises(ParametersForbidden):
        parameter_set_save(actor=hainan_admin, data=values())
    assert not ParameterSet.objects.exists()


def test_load_parameters_is_idempotent(tree):
    call_command("load_parameters")
    call_command("load_parameters")

    row = ParameterSet.objects.get()
    assert row.division_id == CHANGCHUN and row.valid_from == date(2020, 11, 1)
    assert row.placeholder and "NOT FOUND" in row.source
    p = params_for(HUAYANG, date(2026, 11, 16))
    assert p.dibao_standard_urban == Decimal("700.00") and p.deposit_months == 24
    assert p.tekun_factor == Decimal("1.3") and p.low_income_factor == Decimal("1.5")
    assert AuditEvent.objects.filter(event_type=EventType.PARAMETERS_CHANGED).count() == 1


# -- admin -----------------------------------------------------------------------------

ADD_URL = "/admin/assistance/parameterset/add/"


def form_data(**overrides):
    data = values(**overrides)
    form = {k: v for k, v in data.items() if k != "division_code"}
    form["division"] = data["division_code"]
    for name in ("exempt_income", "exempt_vehicles", "tekun_exempt_income", "tiers"):
        form[name] = json.dumps(data[name])
    form["valid_to"] = data["valid_to"] or ""
    for name in (
        "allow_market_entity",
        "tekun_allow_market_entity",
        "low_income_allow_market_entity",
        "placeholder",
    ):
        if not form[name]:
            del form[name]
        else:
            form[name] = "on"
    return form


@pytest.fixture
def superuser(client, tree):
    user = user_with(Role.SYSTEM_ADMIN, JILIN, is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.mark.urls("tests.regions.urls")
def test_the_admin_adds_through_the_service(client, superuser):
    parameter_set_save(actor=superuser, data=values())
    start = timezone.localdate() + timedelta(days=5)
    assert 'name="dibao_standard_urban"' in client.get(ADD_URL).text

    response = client.post(ADD_URL, form_data(valid_from=start, dibao_standard_urban="950.00"))

    assert response.status_code == 302, response.text[:2000]
    added = ParameterSet.objects.get(valid_from=start)
    assert added.dibao_standard_urban == Decimal("950.00") and added.created_by == superuser
    assert ParameterSet.objects.get(valid_from=date(2020, 11, 1)).valid_to == start - timedelta(
        days=1
    )
    listing = client.get("/admin/assistance/parameterset/", {"division": CHANGCHUN})
    assert listing.status_code == 200 and "950.00" in listing.text
    page = client.get(f"/admin/assistance/parameterset/{added.pk}/change/")
    assert page.status_code == 200 and 'name="dibao_standard_urban"' not in page.text


@pytest.mark.urls("tests.regions.urls")
def test_the_admin_shows_an_overlap_on_the_form(client, superuser):
    start = timezone.localdate() + timedelta(days=5)
    parameter_set_save(actor=superuser, data=values(valid_from=start, valid_to=start))

    response = client.post(ADD_URL, form_data(valid_from=start), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "overlaps the set" in response.text
    assert ParameterSet.objects.count() == 1


@pytest.mark.urls("tests.regions.urls")
def test_the_admin_shows_a_negative_amount_on_the_form(client, superuser):
    start = timezone.localdate() + timedelta(days=5)
    response = client.post(
        ADD_URL, form_data(valid_from=start, tekun_care_full="-3"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "may not be negative" in response.text
    assert not ParameterSet.objects.exists()


# -- issue 21, item 1: a set is complete or refused ----------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "exempt_income",
        "exempt_vehicles",
        "tekun_exempt_income",
        "income_lookback_months",
        "tekun_care_none",
        "payment_rounding",
        "payment_minimum",
    ],
)
def test_a_set_missing_a_list_or_value_is_refused_and_nothing_written(admin_user, name):
    data = values()
    del data[name]
    with pytest.raises(ParametersInvalid) as refused:
        parameter_set_save(actor=admin_user, data=data)
    assert name in refused.value.fields
    assert not ParameterSet.objects.exists()


def test_empty_exempt_lists_given_as_empty_are_kept(admin_user):
    row = parameter_set_save(actor=admin_user, data=values(exempt_income=[], exempt_vehicles=[]))
    p = params_for(CHANGCHUN, date(2021, 1, 1))
    assert row.exempt_income == [] and p.exempt_income == frozenset()
    assert p.exempt_vehicles == frozenset()


def test_an_unknown_rounding_is_refused(admin_user):
    with pytest.raises(ParametersInvalid) as refused:
        parameter_set_save(actor=admin_user, data=values(payment_rounding="cent"))
    assert "payment_rounding" in refused.value.fields

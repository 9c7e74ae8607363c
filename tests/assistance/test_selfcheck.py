"""The public self-check through HTTP: Chinese page, an estimate with reasons, errors shown
on the form, and nothing written to the database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps

from yimen.assistance import views_selfcheck
from yimen.assistance.rules.explain import PLACEHOLDER_ZH, reference_zh
from yimen.assistance.rules.params import Params

URL = "/public/self-check/"


@pytest.fixture(autouse=True)
def selfcheck_urls(settings):
    settings.ROOT_URLCONF = "tests.assistance.urls_selfcheck_for_tests"


@pytest.fixture
def demo(monkeypatch):
    """Pin the parameters to the labelled demo set (700 yuan urban), whatever the table has."""
    monkeypatch.setattr(views_selfcheck, "params_in_force", lambda code, on: _demo(code))


def _demo(code: str) -> Params:
    return views_selfcheck.demo_params(code)


def form(**overrides) -> dict:
    data = {
        "division": "220102000000",
        "hukou_type": "urban",
        "deposits": "3000",
        "homes": "1",
        "market_entities": "0",
        "vehicles": ["ebike"],
        "m1-age": "45",
        "m1-work_ability": "full",
        "m1-wages": "900",
        "m2-age": "43",
        "m2-work_ability": "partial",
        "m2-exempt": "200",
        "m3-age": "10",
        "m3-work_ability": "full",
    }
    for i in range(4, 7):
        data[f"m{i}-work_ability"] = "full"
    data.update(overrides)
    return data


def row_counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count() for m in apps.get_app_config("assistance").get_models()
    }


def test_page_renders_in_chinese_without_login(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'lang="zh-CN"' in text
    assert "城镇户籍" in text and "南关区" in text  # choices in Chinese
    assert '<meta name="robots" content="noindex">' in text
    assert response["X-Robots-Tag"].startswith("noindex")


def test_valid_post_shows_the_estimate_with_reasons(client, db, demo):
    before = row_counts()
    response = client.post(URL, form())
    assert response.status_code == 200
    text = response.content.decode()
    assert response.context["evaluation"].proposed_type == "dibao"
    assert response.context["evaluation"].proposed_amount == Decimal("1200.00")  # 700×3 − 900
    assert "1,200.00" in text  # money as yuan: two decimals, thousands separated
    assert "家庭月人均收入 300.00 元，低于低保标准 700.00 元（南关区 2020-11-01 起）" in text
    # a citizen is shown which set was used, never its source note nor that it is an example
    assert "演示参数 / demo parameters" not in text
    assert "示例参数" not in text and "placeholder" not in text.lower()
    for code in ("dibao_income", "deposits", "vehicles", "homes", "market_entities"):
        assert f"rule-{code}" in text
    assert row_counts() == before  # nothing stored


def test_a_household_that_does_not_qualify_is_told_so(client, db, demo):
    response = client.post(URL, form(**{"m1-wages": "9000"}))
    assert response.status_code == 200
    assert response.context["evaluation"].proposed_type is None


def test_elderly_alone_is_estimated_as_tekun(client, db, demo):
    data = form(
        **{"m1-age": "75", "m1-wages": "", "m1-work_ability": "none", "m1-self_care_failed": "4"}
    )
    for key in ("m2-age", "m2-exempt", "m3-age"):
        data.pop(key)
    response = client.post(URL, data)
    assert response.context["evaluation"].proposed_type == "tekun"
    assert response.context["evaluation"].proposed_amount == Decimal("1510.00")  # 910 + 600


@pytest.mark.parametrize(
    "overrides",
    [
        {"m1-wages": "-5"},
        {"m1-wages": "abc"},
        {"deposits": "1e400"},
        {"m1-age": "200"},
        {"hukou_type": "martian"},
        {"division": "999999999999"},
        {"homes": ""},
        {"m1-disability_kind": "physical"},  # no grade
        {"m1-disability_grade": "9"},
        {"m4-wages": "100"},  # income on a row without an age
        {"m1-age": "", "m2-age": "", "m3-age": "", "m1-wages": "", "m2-exempt": ""},
    ],
)
def test_invalid_input_shows_the_form_with_errors(client, db, overrides):
    before = row_counts()
    response = client.post(URL, form(**overrides))
    assert response.status_code in (200, 400)
    assert "evaluation" not in response.context
    assert 'role="alert"' in response.content.decode()
    assert row_counts() == before


def test_the_demo_parameters_are_used_when_the_table_has_none(monkeypatch):
    monkeypatch.setattr(views_selfcheck.importlib.util, "find_spec", lambda name: None)
    params = views_selfcheck.params_in_force("220102000000", date(2026, 11, 15))
    assert params.placeholder and params.source == "演示参数 / demo parameters"


def test_post_with_the_parameters_in_force_or_the_demo_set(client, db):
    """Whatever the parameter table holds, the page answers and names the set it used."""
    response = client.post(URL, form())
    assert response.status_code == 200
    params = response.context["evaluation"].params
    text = response.content.decode()
    assert reference_zh(params, mark_placeholder=False) in text
    assert params.source not in text  # the source note is for the parameter table, not citizens


def test_staff_are_told_in_plain_chinese_that_example_parameters_await_confirmation(
    client, tree, demo
):
    """House rule 14: a caseworker trying the self-check sees the marker, no source note."""
    from tests.factories import NANLING, user_with
    from yimen.accounts.roles import Role

    client.force_login(user_with(Role.TOWNSHIP_CASEWORKER, NANLING))
    text = client.post(URL, form()).content.decode()
    assert 'id="placeholder-note"' in text and PLACEHOLDER_ZH in text
    assert "演示参数 / demo parameters" not in text and "NOT FOUND" not in text


def test_a_citizen_logged_in_is_not_shown_the_example_marker(client, tree, demo):
    from tests.factories import HUAYANG, user_with
    from yimen.accounts.roles import Role

    client.force_login(user_with(Role.APPLICANT, HUAYANG))
    text = client.post(URL, form()).content.decode()
    assert 'id="placeholder-note"' not in text and PLACEHOLDER_ZH not in text


# --- issue 21, item 11 -----------------------------------------------------------------


@pytest.fixture
def with_income_line(monkeypatch):
    """The demo set with last year's per-capita disposable income set (36,000 a year)."""
    from dataclasses import replace

    monkeypatch.setattr(
        views_selfcheck,
        "params_in_force",
        lambda code, on: replace(_demo(code), disposable_income_last_year=Decimal("36000")),
    )


def test_birth_dates_more_than_six_members_and_old_age_allowance(client, db, demo):
    before = row_counts()
    data = form(**{"m1-wages": "", "m2-exempt": ""})
    for i in range(4, 9):  # eight members in all
        data[f"m{i}-age"] = "30"
    data["m8-age"] = ""
    data["m8-birth_date"] = "1990-01-01"
    data["m1-elderly_allowance"] = "100"
    response = client.post(URL, data)
    assert response.status_code == 200, response.text[:500]
    evaluation = response.context["evaluation"]
    assert evaluation.members == 8
    assert evaluation.counted_income == Decimal("100.00")  # the allowance counts for 低保
    assert row_counts() == before  # still stores nothing


def test_a_student_past_18_counts_only_as_a_tekun_minor(client, db, demo):
    base = {"m1-age": "19", "m1-wages": "", "m1-student": "on"}
    for key in ("m2-age", "m2-exempt", "m3-age"):
        base[key] = ""
    plain = client.post(URL, form(**base)).context["evaluation"]
    minor = client.post(URL, form(**base, **{"m1-tekun_as_minor": "on"})).context["evaluation"]
    assert (plain.proposed_type, minor.proposed_type) == ("dibao", "tekun")


@pytest.mark.parametrize(("age", "tekun"), [("69", False), ("70", True)])
def test_the_supporter_test_is_computed_and_explained(client, db, with_income_line, age, tekun):
    data = form(**{"m1-age": "75", "m1-wages": "", "s1-age": age, "s1-annual_income": "12000"})
    for key in ("m2-age", "m2-exempt", "m3-age"):
        data.pop(key)
    response = client.post(URL, data)
    evaluation = response.context["evaluation"]
    assert (evaluation.proposed_type == "tekun") is tekun
    text = response.content.decode()
    if tekun:
        assert "第 1 位义务人年满70周岁，收入低于当地上年人均可支配收入" in text
    else:
        assert "第 1 位义务人不属于无履行能力的情形" in text


def test_a_bad_birth_date_or_supporter_row_is_refused(client, db, demo):
    assert client.post(URL, form(**{"m1-birth_date": "2999-01-01"})).status_code == 400
    assert client.post(URL, form(**{"s1-annual_income": "100"})).status_code == 400

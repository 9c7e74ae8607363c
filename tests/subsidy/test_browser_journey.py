"""From the survey to the payment in Debian's Chromium on a 390 px phone, each step by the
role that does it: the surveyor registers a unit, the reviewer vets it, the surveyor enters
the 申报书 at the counter and submits, the inspector records the site visit with a second
inspector, the reviewer signs and discloses, and after the period finance issues the batch
and downloads the bank file."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connections
from django.utils import timezone
from stdnum.cn import ric

from tests.browser.test_caseworker_journey import CHROMIUM, CHROMIUM_ARGS
from tests.factories import user_with
from tests.web.world import PASSWORD, _fast_password_hashing  # noqa: F401  (fixture)
from yimen.accounts.roles import Role
from yimen.subsidy.models import Application, PaymentBatch, Status

from .conftest import OTHER_TOWN, TOWN, VILLAGE, YUSHU, _division, make_scheme

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def chromium(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()


def as_user(browser, base, username):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(re.compile(r"^(?!.*login).*$"))
    return context, page


def fits(page) -> bool:
    width = page.evaluate("Math.max(document.documentElement.scrollWidth, window.innerWidth)")
    return width <= PHONE["width"]


def test_survey_to_payment_on_a_phone(transactional_db, tree_for_browser, live_server, chromium):
    from playwright.sync_api import expect

    scheme = tree_for_browser
    base = live_server.url
    body = "220182197001010" + "12"
    identity = body[:17] + ric.calc_check_digit(body[:17] + "0")

    surveyor, page = as_user(chromium, base, "surveyor")
    page.goto(f"{base}/subsidy/units/?scheme={scheme.pk}")
    page.select_option("#id_applicant_type", "farm")
    page.fill("#id_name", "张建国")
    page.fill("#id_identity", identity)
    page.select_option("#id_division", VILLAGE)
    page.fill("#id_bank_name", "榆树农商银行")
    page.fill("#id_card_number", "6231930000000001")
    page.locator("#unit-form button").click()
    expect(page.locator("#survey-list")).to_contain_text("张建国")
    assert fits(page)

    reviewer, rpage = as_user(chromium, base, "reviewer")
    rpage.goto(f"{base}/subsidy/units/?scheme={scheme.pk}")
    rpage.locator("#survey-list form button").click()
    expect(rpage.locator("#survey-list")).to_contain_text("审核通过")

    page.goto(f"{base}/subsidy/applications/")
    page.locator("#counter-form button").click()
    expect(page).to_have_url(re.compile(r"/subsidy/applications/\d+/$"))
    expect(page.locator("[data-deadline]").first).to_contain_text("剩余")
    page.select_option("#id_item_type", "feed")
    page.fill("#id_crop_year", str(scheme.crop_year))
    page.select_option("#id_method", "wrapped")
    page.fill("#id_quantity", "120")
    page.select_option("#id_quantity_unit", "t")
    page.locator("#item-form button").click()
    expect(page.locator("#computed-total")).to_contain_text("6,000.00")
    assert fits(page)
    page.locator("#submit-form button").click()
    expect(page.locator("#status")).to_have_text("已申报，待核查")
    app = Application.objects.get()

    inspector, ipage = as_user(chromium, base, "inspector")
    ipage.goto(f"{base}/subsidy/applications/{app.pk}/")
    item = app.items.get()
    ipage.select_option(f"#id_item-{item.pk}-finding", "differs")
    ipage.fill(f"#id_item-{item.pk}-quantity", "110")
    ipage.fill("#id_inspected_on", timezone.localdate().isoformat())
    ipage.locator("#inspect-form > button").click()
    expect(ipage.locator("#status")).to_have_text("已核查，待审批")
    assert fits(ipage)

    rpage.goto(f"{base}/subsidy/applications/{app.pk}/")
    expect(rpage.locator("#computed-total")).to_contain_text("5,500.00")  # the measured 110 t
    rpage.locator("#decide-form > button").click()
    expect(rpage.locator("#signer")).to_contain_text("孙立军")
    rpage.goto(f"{base}/subsidy/disclosure/")
    rpage.locator("#publish").click()
    expect(rpage.locator("#disclosed-list")).to_contain_text(app.number)
    for context in (surveyor, reviewer, inspector):
        context.close()

    anonymous = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True)
    public = anonymous.new_page()
    public.goto(f"{base}/subsidy/public/")
    expect(public.locator("#public-list")).to_contain_text("张*国")
    assert fits(public)
    anonymous.close()

    # the disclosure period (one day here) passes without an objection
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=True):
        finance, fpage = as_user(chromium, base, "finance")
        fpage.goto(f"{base}/subsidy/payments/")
        fpage.locator("#issue").click()
        expect(fpage.locator("h1")).to_contain_text("批次")
        with fpage.expect_download() as download:
            fpage.get_by_text("银行代发文件（CSV）").click()
        with open(download.value.path(), encoding="utf-8-sig") as file:
            text = file.read()
        assert "5500.00" in text
        finance.close()
    assert Application.objects.get().status == Status.PAID
    assert PaymentBatch.objects.get().total_amount == 5500


@pytest.fixture
def tree_for_browser(tree):
    yushu = tree[YUSHU]
    town = _division(TOWN, "华昌街道", yushu)
    _division(VILLAGE, "南门村委会", town)
    _division(OTHER_TOWN, "正阳街道", yushu)
    now = timezone.now()
    today = timezone.localdate()
    scheme = make_scheme(
        yushu,
        code="YS-LIVE",
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=10),
    )
    scheme.earliest_work_date = today - timedelta(days=30)
    scheme.crop_year = today.year
    scheme.disclosure_days = 1
    scheme.save()
    user_with(Role.SUBSIDY_SURVEYOR, YUSHU, username="surveyor", full_name="高志远")
    user_with(Role.SUBSIDY_REVIEWER, YUSHU, username="reviewer", full_name="孙立军")
    user_with(Role.SUBSIDY_INSPECTOR, YUSHU, username="inspector", full_name="刘振华")
    user_with(Role.SUBSIDY_INSPECTOR, YUSHU, username="inspector2", full_name="韩雪")
    user_with(Role.SUBSIDY_FINANCE, YUSHU, username="finance", full_name="郭淑芬")
    return scheme

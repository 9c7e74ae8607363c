"""Issue 14 item 8 in Debian's Chromium: the public pages and the task list fit a phone.

A 390 px wide phone (the common iPhone width) opens the self-check, the disclosure
pages, the status look-up and, logged in, the task list: no page scrolls sideways
(document.documentElement.scrollWidth ≤ the viewport's width) — wide tables scroll inside
their own box. The disclosure page shows the 公示 period and the supervision telephone."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connections

from tests.assistance.conftest import staff  # noqa: F401  (fixture)
from tests.assistance.test_public import approved
from tests.browser.test_assistance_journey import log_in
from tests.browser.test_caseworker_journey import CHROMIUM, CHROMIUM_ARGS
from tests.factories import HUAYANG, NANGUAN, user_with
from yimen.accounts.roles import Role
from yimen.assistance.models import DisclosureSetting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]
PHONE_WIDTH = 390


@pytest.fixture
def phone(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see test_caseworker_journey
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            locale="zh-CN",
            viewport={"width": PHONE_WIDTH, "height": 844},
            device_scale_factor=3,
            is_mobile=True,
            has_touch=True,
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            connections.close_all()


@pytest.fixture
def disclosed(transactional_db, staff, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    DisclosureSetting.objects.create(
        division_id=NANGUAN,
        valid_from=date(2020, 1, 1),
        period_days=7,
        supervision_phone="0431-8000 0000",
        example=True,
        source="test",
    )
    application = approved(staff)
    citizen = user_with(Role.APPLICANT, HUAYANG, username="wangxy", full_name="王秀英")
    village = user_with(Role.VILLAGE_STAFF, HUAYANG, username="ligl", full_name="李桂兰")
    return application, citizen, village


def overflow(page) -> int:
    """How far the page reaches beyond the phone's 390 px (0 when it fits). A mobile
    browser widens its layout viewport to content that does not fit, so the page's width
    is compared with the phone's, not with its own client width."""
    width = page.evaluate("Math.max(document.documentElement.scrollWidth, window.innerWidth)")
    return max(0, width - PHONE_WIDTH)


def test_public_pages_and_the_task_list_fit_a_phone(live_server, phone, disclosed):
    from playwright.sync_api import expect

    page, base = phone, live_server.url
    wide: dict[str, int] = {}
    for path in (
        "/public/self-check/",
        "/public/disclosure/",
        f"/public/disclosure/{HUAYANG}/",
        "/public/status/",
    ):
        page.goto(base + path)
        wide[path] = overflow(page)
    page.goto(f"{base}/public/disclosure/{HUAYANG}/")
    expect(page.locator("#supervision-phone")).to_contain_text("0431-8000 0000")
    expect(page.locator("#disclosure td.period").first).to_contain_text("至")
    page.locator("#disclosure summary").first.click()  # the objection form, opened
    wide["objection form"] = overflow(page)

    page.goto(base + "/public/self-check/")
    page.fill("[name=m1-age]", "45")
    page.fill("[name=m1-wages]", "900")
    page.locator("form button").last.click()
    expect(page.locator("#result")).to_be_visible()
    wide["self-check estimate"] = overflow(page)

    for username in ("wangxy", "ligl"):
        log_in(page, base, username)
        page.goto(base + "/")
        wide[f"/ ({username})"] = overflow(page)
        page.goto(f"{base}/public/disclosure/{HUAYANG}/")
        wide[f"disclosure ({username})"] = overflow(page)
        page.context.clear_cookies()
    assert wide == dict.fromkeys(wide, 0), wide

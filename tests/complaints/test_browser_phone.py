"""In Debian's Chromium on a 390 px phone: a citizen finds the place, lodges a report
anonymously, keeps the receipt code and follows the report with it; signed in, the page
of her reports and re-examinations. No page scrolls sideways."""

from __future__ import annotations

import pytest

from tests.browser.test_assistance_journey import log_in
from tests.browser.test_caseworker_journey import CHROMIUM
from tests.browser.test_public_on_a_phone import overflow, phone  # noqa: F401  (fixture)
from tests.factories import HUAYANG, build_tree, user_with
from yimen.accounts.roles import Role
from yimen.complaints.models import Report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]


@pytest.fixture
def places(transactional_db):
    build_tree()
    user_with(Role.APPLICANT, HUAYANG, username="wangxy", full_name="王秀英")


def test_report_and_follow_on_a_phone(live_server, phone, places):  # noqa: F811
    from playwright.sync_api import expect

    page, base = phone, live_server.url
    wide: dict[str, int] = {}
    page.goto(f"{base}/complaints/report/")
    page.fill("[name=q]", "华阳")
    page.locator("#place-search button").click()
    expect(page.locator("#places a").first).to_be_visible()  # the search page has loaded
    wide["search"] = overflow(page)
    page.locator("#places a").first.click()
    expect(page.locator("#report-form")).to_be_visible()
    page.check("input[name=kind][value=household]")
    page.fill("[name=subject_name]", "王某某")
    page.fill("[name=text]", "该户有营运车辆仍领取低保")
    wide["form"] = overflow(page)
    page.locator("#report-form button").click()
    expect(page.locator("#receipt-code")).to_be_visible()
    wide["receipt"] = overflow(page)
    code = page.locator("#receipt-code").inner_text().strip()
    assert code == Report.objects.get().receipt_code
    page.goto(f"{base}/complaints/follow/")
    page.fill("[name=receipt_code]", code)
    page.locator("#follow-form button").click()
    expect(page.locator("#follow-status")).to_be_visible()
    wide["follow"] = overflow(page)
    log_in(page, base, "wangxy")
    page.goto(f"{base}/complaints/mine/")
    wide["mine"] = overflow(page)
    assert wide == dict.fromkeys(wide, 0), wide

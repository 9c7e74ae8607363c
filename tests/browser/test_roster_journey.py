"""A township approver's month in Debian's Chromium: find a household on the roster by its
pinyin initials, record a change, look at the draft roll, issue it, download the bank file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.benefits.conftest import quick_household
from tests.browser.test_caseworker_journey import browser_page, pytestmark  # noqa: F401
from tests.factories import HUAYANG, NANLING, build_tree, user_with
from tests.web.world import PASSWORD
from yimen.accounts.roles import Role
from yimen.benefits.models import PaymentRoll, Review


@pytest.fixture
def month_end(transactional_db):
    build_tree()
    approver = user_with(Role.TOWNSHIP_APPROVER, NANLING, username="liuyang", full_name="刘洋")
    caseworker = user_with(Role.TOWNSHIP_CASEWORKER, NANLING, full_name="张丽")
    user_with(Role.VILLAGE_STAFF, HUAYANG, full_name="李桂兰")
    quick_household(caseworker, name="张三丰", amount=Decimal("612.50"))
    quick_household(caseworker, name="李四", amount=Decimal("300.00"))
    return approver


def test_roster_and_roll_journey(live_server, browser_page, month_end):  # noqa: F811
    from playwright.sync_api import expect

    page = browser_page
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "liuyang")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")

    page.click("#nav-roster")
    page.fill("#roster-search input[name=q]", "zsf")
    page.locator("#roster-search button").click()
    expect(page.locator("table.grid tbody tr")).to_have_count(1)
    page.get_by_role("link", name="张三丰").click()
    expect(page.locator("#current-amount")).to_contain_text("612.50")

    form = page.locator("#change-report")
    form.locator("select[name=kind]").select_option("income")
    form.locator("textarea[name=report]").fill("儿子已就业")
    form.get_by_role("button").click()
    expect(page.locator(".messages .success")).to_be_visible()
    expect(page.locator("#reviews tbody tr")).to_have_count(1)
    assert Review.objects.count() == 1

    page.goto(live_server.url + "/benefits/rolls/")
    expect(page.locator("#roll-total")).to_contain_text("912.50")
    page.locator("#roll-issue button").click()
    expect(page.locator("#roll-summary")).to_contain_text("912.50")
    roll = PaymentRoll.objects.get()
    with page.expect_download() as download:
        page.get_by_role("link", name="银行代发文件（CSV，UTF-8）").click()
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "612.50" in body and "912.50" in body
    assert roll.households == 2
    assert problems == []

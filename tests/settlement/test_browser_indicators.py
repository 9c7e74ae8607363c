"""The indicators page in Debian's Chromium: the ECharts charts draw under the strict CSP
(no inline script), with no console error."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import TEST_PASSWORD, user_with
from yimen.accounts.roles import Role

from .conftest import Fsi
from .test_filing import _admit_and_bill

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]


def test_indicator_charts_draw(live_server, world, employee, monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    haikou = Fsi(Client(), ("H46010000001", "海南省人民医院（演示）", "460100"))
    data = _admit_and_bill(haikou, employee)
    assert haikou.call("2304", {"data": data})["infcode"] == 0
    viewer = user_with(Role.CITY_VIEWER, "220100")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    today = timezone.localdate().isoformat()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
        page = browser.new_page(locale="zh-CN")
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", viewer.username)
        page.fill("#id_password", TEST_PASSWORD)
        page.click("#login-submit")
        page.goto(f"{live_server.url}/settlement/indicators/?start={today[:8]}01&end={today}"
                  "&division=220100")  # fmt: skip
        expect(page.locator("#flows")).to_contain_text("本地参保、异地就医")
        expect(page.locator("#chart-daily canvas")).to_have_count(1)
        expect(page.locator("#chart-money canvas")).to_have_count(1)
        assert errors == []
        browser.close()

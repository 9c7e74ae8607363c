"""The filing form in Debian's Chromium: the city list follows the chosen province (script
under the strict CSP), the dates use the browser's date inputs, and the filing is made."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import TEST_PASSWORD, user_with
from yimen.accounts.roles import Role
from yimen.settlement.models import Filing

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]


def test_the_city_list_follows_the_province_and_the_filing_is_made(
    live_server, world, employee, monkeypatch, tmp_path
):
    from playwright.sync_api import expect, sync_playwright

    staff = user_with(Role.MEDINS_AGENCY, "220100")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
        page = browser.new_page(locale="zh-CN")
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", staff.username)
        page.fill("#id_password", TEST_PASSWORD)
        page.click("#login-submit")
        page.goto(f"{live_server.url}/settlement/filings/?id_number={employee.id_number}")
        form = page.locator("#filing-form")
        jilin = form.locator('optgroup[label="吉林省"]')
        hainan = form.locator('optgroup[label="海南省"]')
        form.locator('select[name="destination_province"]').select_option("460000000000")
        expect(jilin).to_be_hidden()
        expect(hainan).not_to_have_attribute("hidden", "")
        form.locator('select[name="destination_city"]').select_option("460100000000")
        assert form.locator('input[name="begin_date"]').get_attribute("type") == "date"
        form.locator('input[name="begin_date"]').fill("2026-03-01")
        form.locator('select[name="category"]').select_option("temporary_other")
        form.locator('input[value="identity"]').check()
        form.locator('input[value="form"]').check()
        page.screenshot(path=str(tmp_path / "filing.png"), full_page=True)
        form.locator('button[type="submit"]').click()
        expect(page.locator("#filing-list")).to_contain_text("海口市")
        # the change form shows the filing's destination; another province clears the city
        change = page.locator("#filing-list details")
        change.locator("summary").click()
        city = change.locator('select[name="destination_city"]')
        assert city.input_value() == "460100000000"
        change.locator('select[name="destination_province"]').select_option("220000000000")
        assert city.input_value() == ""
        assert errors == []
        browser.close()
    filing = Filing.objects.get()
    assert (filing.destination_id, str(filing.begin_date)) == ("460100000000", "2026-03-01")

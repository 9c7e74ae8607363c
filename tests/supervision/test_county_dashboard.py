"""The county dashboard in Debian's Chromium: the county supervisor logs in, the ECharts
charts render (a canvas in each chart box, drawn by our static JS from the page's JSON),
the table shows the hand-computed figures, a township opens by drilling down, and the
Excel link downloads a workbook with the same total."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.browser.test_assistance_journey import log_in
from tests.browser.test_caseworker_journey import CHROMIUM, browser_page  # noqa: F401
from tests.factories import NANGUAN, build_tree, user_with
from tests.supervision.test_dashboard_world import build_history
from tests.web.world import _fast_password_hashing  # noqa: F401  (fixture of tests/browser)
from yimen.accounts.roles import Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]


@pytest.fixture
def county(transactional_db):
    build_tree()
    build_history()
    return user_with(Role.COUNTY_SUPERVISOR, NANGUAN, username="huangzq", full_name="黄志强")


def test_county_dashboard_renders_charts_and_numbers(live_server, browser_page, county):  # noqa: F811
    from playwright.sync_api import expect

    page, base = browser_page, live_server.url
    failures: list[str] = []
    page.on("pageerror", lambda e: failures.append(str(e)))
    page.on("console", lambda m: failures.append(m.text) if m.type == "error" else None)
    log_in(page, base, "huangzq")
    page.goto(f"{base}/county/dashboard/?from=2026-01&to=2026-06")

    for chart in ("chart-households", "chart-funds", "chart-status", "chart-decisions"):
        expect(page.locator(f"#{chart} canvas").first).to_be_attached()
        box = page.locator(f"#{chart} canvas").first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, chart
    # ECharts knows the series it drew: the households chart has one line per type
    types = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('chart-households'))"
        ".getOption().series.map(s => s.data.join(','))"
    )
    assert types == ["1,2,2,1,2,2", "0,0,0,1,1,1"]  # 低保 and 特困, January to June

    expect(page.locator("#kpi-opened")).to_have_text("7")
    expect(page.locator("#kpi-approval")).to_have_text("75.0")
    expect(page.locator("#kpi-median")).to_have_text("8.5")
    total = page.locator("#dashboard-table tr.total td")
    assert total.nth(0).inner_text() == "合计" or total.nth(0).inner_text() == "Total"
    assert total.nth(-2).inner_text() == "75.0" and total.nth(-1).inner_text() == "8.5"
    expect(page.locator("#funds-table tbody tr")).to_have_count(9)

    with page.expect_download() as download:
        page.click("#dashboard-excel")
    with open(download.value.path(), "rb") as saved:  # saved without an extension
        book = load_workbook(BytesIO(saved.read()))
    last = list(book.worksheets[0].iter_rows(values_only=True))[-1]
    assert last[0] == NANGUAN and last[2] == 7

    page.click("#dashboard-table a:has-text('自强街道')")
    expect(page.locator("h1")).to_contain_text("自强街道")
    expect(page.locator("#kpi-approval")).to_have_text("100.0")
    expect(page.locator("#chart-households canvas").first).to_be_attached()
    assert failures == []

"""Straw burning in Debian's Chromium, the field part on a 390 px phone: the county imports a
FIRMS file; the grid head finds the fire case on the phone, says it is on site, verifies
it with a photo; the township signs it closed. No page is wider than the phone."""

from __future__ import annotations

import pytest
from django.db import connections

from tests.browser.test_caseworker_journey import CHROMIUM, CHROMIUM_ARGS
from tests.burning.conftest import burning_world, centre, firms, jpeg, utc  # noqa: F401
from tests.factories import TEST_PASSWORD
from yimen.burning.models import CaseStatus, FireCase

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("pinned_clock"),
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


def signed_in(browser, base, user, *, phone=True):
    options = {"locale": "zh-CN"}
    if phone:
        options |= {"viewport": PHONE, "is_mobile": True}
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-submit")
    page.wait_for_load_state()
    return context, page


def width(page) -> int:
    return page.evaluate("Math.max(document.documentElement.scrollWidth, window.innerWidth)")


def test_from_a_satellite_point_to_a_closed_case_on_a_phone(
    transactional_db,
    burning_world,  # noqa: F811
    live_server,
    chromium,
):
    from playwright.sync_api import expect

    w, base = burning_world, live_server.url
    lon, lat = centre(w.grid)
    # the county's office imports the morning's FIRMS file at its desk
    desk, page = signed_in(chromium, base, w.county, phone=False)
    page.goto(base + "/burning/fires/")
    page.set_input_files(
        "#id_file",
        {
            "name": "fire_nrt_J1V-C2_20261207.csv",
            "mimeType": "text/csv",
            "buffer": firms([(lon, lat, utc(2026, 12, 7, 1), "h")]),
        },
    )
    page.click("#import-fires")
    expect(page.locator("#import-result")).to_be_visible()
    desk.close()
    case = FireCase.objects.get()
    assert case.status == CaseStatus.DISPATCHED and case.grid_head == w.grid_head

    # the grid head, in the field
    field, page = signed_in(chromium, base, w.grid_head)
    page.goto(base + "/burning/mine/")
    expect(page.locator(f"#case-{case.pk}")).to_contain_text(case.number)
    assert width(page) <= PHONE["width"]
    page.click(f"#arrive-{case.pk}")
    expect(page.locator("#case-status")).to_have_text("已到场，待核查")
    assert width(page) <= PHONE["width"]
    page.click("#verify")
    page.select_option("#id_outcome", "straw_fire")
    page.fill("#id_burnt_area_m2", "700")
    page.fill("#id_responsible_party", "村民王某")
    page.fill("#id_handling", "当场扑灭，移交派出所")
    page.set_input_files(
        "#id_photos",
        {"name": "site.jpg", "mimeType": "image/jpeg", "buffer": jpeg(lon + 0.0005, lat)},
    )
    assert width(page) <= PHONE["width"]
    page.click("#submit-verification")
    expect(page.locator("#case-status")).to_have_text("已核查，待乡镇签字办结")
    expect(page.locator("#case-outcome")).to_contain_text("秸秆焚烧")
    assert width(page) <= PHONE["width"]
    field.close()

    # the township signs it closed, also on a phone
    town, page = signed_in(chromium, base, w.township)
    page.goto(base + "/burning/mine/")
    page.locator("#to-sign a").first.click()
    page.fill("#id_note", "已扑灭，已处罚")
    page.click("#close-case")
    expect(page.locator("#case-status")).to_have_text("已办结")
    assert width(page) <= PHONE["width"]
    town.close()

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_by == w.township
    assert case.arrived_at is not None and case.verifications.get().photos.count() == 1

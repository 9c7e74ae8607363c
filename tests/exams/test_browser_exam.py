"""The exam in Debian's Chromium on a 390 px phone: sign in, answer, the browser dies;
a new browser context signs in again and finds every answer and the server's time left;
at zero the page reloads and the server has submitted and scored the paper."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from tests.browser.test_caseworker_journey import CHROMIUM, CHROMIUM_ARGS
from yimen.exams.models import Paper

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("pinned_clock"),  # the world's dates are the pinned day's
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


def sign_in(browser, base, paper):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/exams/sit/")
    page.fill("#id_id_number", paper.application.candidate.id_number)
    page.fill("#id_ticket", paper.ticket)
    page.locator("#sign-in button").click()
    page.wait_for_selector("#paper")
    return context, page


def test_exam_closed_half_way_resumes_in_a_new_context_and_submits_at_time(
    transactional_db, exam_world, live_server, chromium
):
    from playwright.sync_api import expect

    paper = exam_world.seated(starts_at=timezone.now() - timedelta(minutes=1))
    first, page = sign_in(chromium, live_server.url, paper)
    width = page.evaluate("Math.max(document.documentElement.scrollWidth, window.innerWidth)")
    assert width <= PHONE["width"]
    for n in range(1, 11):
        page.locator(f"#q-{n} input").first.check()
        expect(page.locator(f"#q-{n} .saved")).to_have_text("已保存")
    first.close()  # the browser crashes: nothing handed in

    paper = Paper.objects.get(pk=paper.pk)
    assert paper.status == "sitting" and paper.answers.count() == 10
    # most of the time has gone meanwhile: 8 seconds are left on the server's clock
    Paper.objects.filter(pk=paper.pk).update(ends_at=timezone.now() + timedelta(seconds=8))
    second, page = sign_in(chromium, live_server.url, paper)
    assert page.locator("#paper input:checked").count() == 10
    left = int(page.locator("#paper").get_attribute("data-left"))
    assert 4 <= left <= 8
    expect(page.locator("#score")).to_be_visible(timeout=20_000)  # reloaded at zero
    paper.refresh_from_db()
    assert paper.status == "submitted" and paper.answers.count() == 10
    second.close()


def test_the_candidates_own_pages_fit_a_phone(
    transactional_db, exam_world, live_server, chromium, settings, tmp_path
):
    """/exams/mine/ with everything on it (photo, applications, a certificate in its review
    window with the apply form), the seat sign-in and the public verification page."""
    from django.test import Client

    from tests.exams.test_photo import image
    from tests.exams.test_review import issued
    from yimen.exams.services.candidates import candidate_photo_set

    settings.MEDIA_ROOT = tmp_path / "media"
    cert = issued(exam_world, due_in_days=30)
    candidate_photo_set(candidate=cert.candidate, data=image(), actor=exam_world.admin)
    login = Client()
    login.force_login(exam_world.candidate_user)
    context = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True)
    context.add_cookies(
        [{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    wide = {}
    for path in ("/exams/mine/", "/exams/sit/", f"/exams/verify/?number={cert.number}&name=赵国庆"):
        page.goto(live_server.url + path)
        wide[path] = page.evaluate(
            "Math.max(document.documentElement.scrollWidth, window.innerWidth)"
        )
    page.goto(live_server.url + "/exams/mine/")
    assert page.locator("form.review-apply button").is_visible()  # the window is open
    assert page.locator("#photo img").evaluate("i => i.naturalWidth") > 0  # the photo loads
    context.close()
    assert wide == dict.fromkeys(wide, PHONE["width"]), wide

"""A township caseworker's day in Debian's Chromium: log in, find the task, open the case,
accept it, read the page in English and back in Chinese, log out."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from django.db import connections

from tests.factories import GENERIC_ASSIST, HUAYANG, NANLING, build_tree, user_with
from tests.web.world import PASSWORD
from yimen.accounts.roles import Role
from yimen.regions.models import Division
from yimen.workflow import services
from yimen.workflow.states import TaskStatus

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path(tempfile.gettempdir()) / "yimen-home.png"  # /tmp on Debian
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium (/usr/bin/chromium) is not installed: apt-get install chromium",
    ),
]


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between page actions are still plain synchronous code. Only for this test.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        # a Chinese-speaking caseworker's browser; the site's default is Chinese as well
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # the test's ORM calls ran while Playwright's loop ran in this thread, on
            # connections of their own context: closed here, else one stays open until the
            # test database is dropped (PostgreSQL then refuses to drop it)
            connections.close_all()


@pytest.fixture
def journey(transactional_db):
    build_tree()
    caseworker = user_with(Role.TOWNSHIP_CASEWORKER, NANLING, username="zhangli", full_name="张丽")
    case = services.case_open(
        process_code=GENERIC_ASSIST,
        division=Division.objects.get(pk=HUAYANG),
        actor=caseworker,
        title="王秀英家庭 低保申请",
    )
    return case


def test_caseworker_journey(live_server, browser_page, journey):
    from playwright.sync_api import expect

    case = journey
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )

    # log in through the form; the login page is where an anonymous visitor lands
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.fill("#id_username", "zhangli")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")

    # my tasks list the new case, with its due date
    expect(page).to_have_url(live_server.url + "/")
    tasks = page.locator("#my-tasks")
    expect(tasks).to_contain_text(case.number)
    expect(tasks).to_contain_text(case.title)
    expect(page.locator(".who")).to_contain_text("张丽")
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # open the case: facts, diagram and timeline
    tasks.get_by_role("link", name=case.number).click()
    expect(page).to_have_url(live_server.url + f"/cases/{case.pk}/")
    expect(page.locator("h1")).to_contain_text(case.title)
    expect(page.locator(".diagram svg")).to_be_visible()
    expect(page.locator("#timeline li")).to_have_count(1)

    # accept the application with the form of the step
    action = page.locator("#act-accept")
    action.locator("input[name=outcome][value=accepted]").check()
    action.get_by_role("button").click()
    expect(page.locator(".messages .success")).to_be_visible()
    expect(page.locator("#act-verify")).to_be_visible()
    expect(page.locator("#timeline li")).to_have_count(2)
    assert case.tasks.get(step="accept").status == TaskStatus.DONE

    # the same page in English, then back in Chinese
    page.click("#lang-switch")
    expect(page).to_have_url(live_server.url + f"/cases/{case.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h2", has_text="Timeline")).to_be_visible()
    expect(page.locator("#nav-tasks")).to_have_text("My tasks")
    page.click("#lang-switch")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#nav-tasks")).not_to_have_text("My tasks")

    # log out (a POST form) and the pages are closed again
    page.locator("form.inline button").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.goto(live_server.url + f"/cases/{case.pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))

    # no failed loads, script errors or Content-Security-Policy violations along the way
    assert problems == []


def test_swagger_ui_renders_under_the_content_security_policy(
    live_server, browser_page, transactional_db
):
    from playwright.sync_api import expect

    page = browser_page
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(live_server.url + "/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui")).to_contain_text("/api/cases/batch-decision/")
    assert problems == []

"""Issue 18 items 7–8 in Debian's Chromium: the demo's straw-burning pages on a 390 px phone.

The demo is loaded once, as `make demo` loads it (`yimen load_demo`: the accounts' and the
other apps' loaders first, then burning's). The demo ``inspector`` (马超, the province's
environment inspector) signs in on a phone and opens every page its menu reaches under
/burning/, the case list and one open case; the demo ``gridhead`` (the person the case is
dispatched to: the inspector may look at cases but not verify them) opens the same case,
its list of open cases and the verification form. Each page answers 200, shows labels
(no status or outcome codes, no 12-digit division numbers) and is no wider than the phone.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import translation

from tests.browser.test_caseworker_journey import CHROMIUM, CHROMIUM_ARGS
from tests.browser.test_public_on_a_phone import PHONE_WIDTH, overflow
from tests.web.test_no_raw_codes import problems_in, raw_codes
from yimen.accounts.demo import DEMO_PASSWORD
from yimen.burning.models import CaseStatus, FireCase
from yimen.regions.models import Division

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("pinned_clock"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]

#: the visible text and the attributes a person reads on a phone
SHOWN = """() => {
  const parts = [document.body.innerText];
  const shown = '[title],[placeholder],[aria-label],[alt],[data-label]';
  for (const el of document.querySelectorAll(shown)) {
    for (const a of ['title', 'placeholder', 'aria-label', 'alt', 'data-label']) {
      const v = el.getAttribute(a); if (v) parts.push(v);
    }
  }
  return parts;
}"""


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    """The data of `make demo`, loaded once for the test as the command loads it."""
    settings.DATA_DIR = tmp_path / "var"
    settings.DATA_DIR.mkdir()
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def chromium(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see test_caseworker_journey
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()


def on_a_phone(browser, base, username):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": PHONE_WIDTH, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"
    return context, page


WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 391)
  .slice(0, 4).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + e.name)"""


def wide(page) -> list[str]:
    """The first elements reaching beyond the phone's width (to tell what to fix)."""
    return page.evaluate(WIDE)


def burning_menu(page) -> list[str]:
    """The paths under /burning/ the signed-in account's menu links to."""
    hrefs = page.eval_on_selector_all("nav a[href]", "els => els.map(e => e.getAttribute('href'))")
    return sorted({urlsplit(h).path for h in hrefs if urlsplit(h).path.startswith("/burning/")})


def test_the_demos_burning_pages_fit_a_phone_and_show_labels(demo, live_server, chromium):
    base = live_server.url
    codes = raw_codes() | set(CaseStatus.values)
    divisions = set(Division.objects.values_list("code", flat=True))
    case = (
        FireCase.objects.filter(status=CaseStatus.DISPATCHED, grid_head__username="gridhead")
        .order_by("pk")
        .first()
    )
    assert case is not None, "the demo has an open case dispatched to the demo grid head"
    found: list[str] = []
    opened: list[str] = []

    def visit(page, who, path):
        response = page.goto(base + path)
        page.wait_for_load_state("networkidle")
        opened.append(f"{who} {path}")
        if response is None or response.status != 200:
            found.append(f"{who} {path}: answered {response and response.status}")
            return
        with translation.override("zh-hans"):
            for text in page.evaluate(SHOWN):
                for problem in problems_in(text, codes, divisions):
                    found.append(f"{who} {path}: {problem}")
        if overflow(page):
            found.append(f"{who} {path}: {overflow(page)} px wider than the phone: {wide(page)}")

    inspector, page = on_a_phone(chromium, base, "inspector")
    menu = burning_menu(page)
    assert {"/burning/", "/burning/map/", "/burning/reports/", "/burning/accountability/"} <= set(
        menu
    ), menu
    for path in [*menu, "/burning/cases/", f"/burning/cases/{case.pk}/"]:
        visit(page, "inspector", path)
    inspector.close()

    field, page = on_a_phone(chromium, base, "gridhead")
    for path in [
        *burning_menu(page),
        f"/burning/cases/{case.pk}/",
        f"/burning/cases/{case.pk}/verify/",
    ]:
        visit(page, "gridhead", path)
    assert page.locator("#id_outcome").count() == 1  # the verification form itself
    field.close()

    assert len(opened) >= 9, opened
    assert not found, "\n".join(found)

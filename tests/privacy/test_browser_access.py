"""The access log in Debian's Chromium, as its users meet it (issue 23, item 3): a township
caseworker opens a household and exports the roster, choosing the purpose from the list
(the export is refused until one is chosen); the county supervisor then reads both looks
on the access log on a 390 px phone, filters the exports, and the page fits the phone."""

from __future__ import annotations

import pytest

from tests.browser.test_assistance_journey import log_in
from tests.browser.test_caseworker_journey import CHROMIUM
from tests.browser.test_public_on_a_phone import overflow, phone  # noqa: F401  (fixture)
from tests.privacy.conftest import quick_household
from yimen.privacy.models import AccessEntry, AccessKind

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]


def test_an_export_with_its_purpose_then_the_county_reads_the_log_on_a_phone(
    live_server,
    phone,  # noqa: F811
    people,
):
    from playwright.sync_api import expect

    page, base = phone, live_server.url
    home = quick_household(people.caseworker, name="赵德胜")
    log_in(page, base, people.caseworker.username)
    page.goto(f"{base}/benefits/households/{home.pk}/")
    expect(page.locator("h1")).to_contain_text("赵德胜")
    page.goto(f"{base}/benefits/")
    export = page.locator("#roster-export")
    # the purpose is required: the browser does not send the form without it
    export.locator("button").click()
    assert page.evaluate("document.querySelector('#roster-export select').validity.valid") is False
    assert not AccessEntry.objects.filter(kind=AccessKind.EXPORT).exists()
    export.locator("select[name=purpose]").select_option("review")
    with page.expect_download() as download:
        export.locator("button").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    kinds = list(AccessEntry.objects.order_by("seq").values_list("kind", "purpose"))
    assert kinds == [(AccessKind.FULL_RECORD, ""), (AccessKind.EXPORT, "review")]

    page.context.clear_cookies()
    log_in(page, base, people.supervisor.username)
    page.goto(f"{base}/privacy/access/")
    entries = page.locator("#access-entries tbody tr")
    expect(entries).to_have_count(2)
    text = page.locator("#access-entries").inner_text()
    assert "张丽" in text and "花名册导出" in text  # who, and what was shown, in words
    assert "benefits.beneficiary" not in text  # labels, not codes
    wide = {"log": overflow(page)}
    page.locator("#access-filters select[name=kind]").select_option("export")
    page.locator("#access-filters button").click()
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("定期核查")  # the purpose's label
    wide["filtered"] = overflow(page)
    assert wide == {"log": 0, "filtered": 0}, wide

"""Issue 3's journey in Debian's Chromium: a caseworker enters an application at the
counter, the verification and the household visit both finish, the approver approves and
signs, and the household appears on the village's public disclosure — masked."""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path

import pytest

from tests.assistance.conftest import id_number
from tests.browser.test_caseworker_journey import CHROMIUM, browser_page  # noqa: F401
from tests.factories import HUAYANG, NANLING, TEST_PASSWORD, build_tree, user_with
from yimen.accounts.roles import Role
from yimen.assistance.models import Application, Decision

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
HEAD_ID = id_number("19700312", "011")


@pytest.fixture
def people(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    build_tree()
    return {
        "caseworker": user_with(
            Role.TOWNSHIP_CASEWORKER, NANLING, username="zhangli", full_name="张丽"
        ),
        "social": user_with(Role.SOCIAL_WORKER, NANLING, username="chenjing", full_name="陈静"),
        "approver": user_with(
            Role.TOWNSHIP_APPROVER, NANLING, username="liuyang", full_name="刘洋"
        ),
    }


def log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-submit")


def log_out(page):
    page.click("form[action='/accounts/logout/'] button")


def test_application_to_masked_public_disclosure(live_server, browser_page, people):  # noqa: F811
    from playwright.sync_api import expect

    page, base = browser_page, live_server.url
    failures: list[str] = []
    page.on("pageerror", lambda e: failures.append(str(e)))
    page.on(
        "response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 500 else None
    )

    # 1. the caseworker enters the household at the counter (one door)
    log_in(page, base, "zhangli")
    page.goto(base + "/assistance/applications/new/")
    page.select_option("[name=division_code]", HUAYANG)
    page.fill("[name=address]", "南关区华阳街 12 号 3 单元 201")
    page.select_option("[name=hukou_type]", "urban")
    page.select_option("[name=assistance_type]", "dibao")
    page.select_option("[name=channel]", "counter")
    page.fill("[name=phone]", "13912345678")
    page.fill("[name=reason]", "夫妻二人收入低，配偶残疾，生活困难")
    page.fill("[name=members-0-name]", "张建明")
    page.fill("[name=members-0-id_number]", HEAD_ID)
    page.select_option("[name=members-0-relationship]", "head")
    today = date.today().isoformat()
    page.fill("[name=members-0-promise_signed_on]", today)
    page.fill("[name=members-0-authorisation_signed_on]", today)
    page.locator("#id_members-0-income_wages").locator("xpath=ancestor::details/summary").click()
    page.fill("[name=members-0-income_wages]", "600.00")
    page.click("#entry-form button[type=submit], #entry-form button.primary")
    expect(page).to_have_url(re.compile(r"/assistance/applications/\d+/$"))
    application = Application.objects.get()

    # 2. materials, then acceptance: the clock starts
    for kind in ("id_card", "hukou"):
        page.select_option("#upload-form [name=kind]", kind)
        page.set_input_files(
            "#upload-form [name=file]",
            files=[{"name": f"{kind}.png", "mimeType": "image/png", "buffer": PNG}],
        )
        page.click("#upload-form button")
    page.click("#act-accept button")
    expect(page.locator("#act-verify")).to_be_visible()
    expect(page.locator("#act-visit")).to_be_visible()  # both start together

    # 3. the verification and the household visit, in either order
    page.fill("#act-verify [name$=verified_monthly_income]", "600.00")
    page.fill("#act-verify [name$=verified_deposits]", "1200.00")
    page.fill("#act-verify [name$=findings]", "核对结果与申报一致")
    page.click("#act-verify button.primary")
    page.fill("#act-visit [name$=visited_on]", today)
    for investigator in ("caseworker", "social"):
        page.check(f"#act-visit [name$=investigators][value='{people[investigator].pk}']")
    page.fill("#act-visit [name$=findings]", "两人入户，情况属实")
    page.check("#act-visit [name$=investigators_signed]")
    page.check("#act-visit [name$=family_signed]")
    page.click("#act-visit button.primary")
    expect(page.locator("#act-visit")).to_have_count(0)
    log_out(page)

    # 4. the approver decides and signs
    log_in(page, base, "liuyang")
    page.goto(base + f"/assistance/applications/{application.pk}/")
    expect(page.locator("#signer")).to_contain_text("刘洋")
    page.check("#act-decide [name$=decision][value=approve]")
    page.select_option("#act-decide [name$=assistance_type]", "dibao")
    page.fill("#act-decide [name$=monthly_amount]", "1234.50")
    page.fill("#act-decide [name$=reasons]", "人均收入低于保障标准")
    page.click("#act-decide button.primary")
    expect(page.locator("#act-decide")).to_have_count(0)
    decision = Decision.objects.get(application=application)
    assert (decision.approved, decision.signer_name) == (True, "刘洋")
    log_out(page)

    # 5. anyone, without logging in, sees the household masked on the village's list
    page.goto(base + f"/public/disclosure/{HUAYANG}/")
    body = page.locator("main")
    expect(body).to_contain_text("张*明")
    expect(body).to_contain_text(HEAD_ID[:4] + "*" * 10 + HEAD_ID[-4:])
    expect(body).to_contain_text("1,234.50")
    assert "张建明" not in body.inner_text() and HEAD_ID not in body.inner_text()
    assert "华阳街" not in body.inner_text()  # no address on the public list
    page.screenshot(path=str(Path(tempfile.gettempdir()) / "yimen-disclosure.png"), full_page=True)
    assert failures == []

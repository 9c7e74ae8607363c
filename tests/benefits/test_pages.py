"""Roster and payment pages through HTTP, as township, village and county staff use them."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.benefits.conftest import quick_household
from tests.factories import NANLING, TEST_PASSWORD
from tests.web.pdfcheck import assert_readable
from yimen.benefits.models import PaymentRoll, Review
from yimen.months import month_of

# changes reported on fixed days (2026-11-02) must lie in the past: the clock is pinned
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def test_roster_search_and_export(client, staff):
    quick_household(staff.caseworker, name="张三丰")
    quick_household(staff.caseworker, name="李四")
    login(client, staff.caseworker)
    page = client.get("/benefits/?q=zs")
    assert page.status_code == 200
    assert "张三丰" in page.content.decode() and "李四" not in page.content.decode()
    export = client.get("/benefits/?format=xlsx&purpose=review")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert {r[3] for r in rows[1:]} == {"张三丰", "李四"}


def test_roster_is_scoped_and_closed_to_other_roles(client, staff):
    home = quick_household(staff.caseworker)
    login(client, staff.other_caseworker)
    assert "王小明" not in client.get("/benefits/").content.decode()
    assert client.get(f"/benefits/households/{home.pk}/").status_code == 404
    client.logout()
    login(client, staff.social_worker)
    assert client.get("/benefits/").status_code == 403
    client.logout()
    assert client.get("/benefits/").status_code == 302  # to the login page


def test_report_change_then_decide_on_the_household_page(client, staff):
    from yimen.workflow import services as workflow
    from yimen.workflow.models import Task

    home = quick_household(staff.caseworker)
    login(client, staff.village)
    bad = client.post(
        f"/benefits/households/{home.pk}/change/",
        {"kind": "income", "report": "", "occurred_on": "2026-11-01"},
    )
    assert bad.status_code == 400 and Review.objects.count() == 0
    junk = client.post(
        f"/benefits/households/{home.pk}/change/",
        {"kind": "income", "report": "x", "occurred_on": "not a date"},
    )
    assert junk.status_code == 400
    ok = client.post(
        f"/benefits/households/{home.pk}/change/",
        {"kind": "income", "report": "儿子就业", "occurred_on": "2026-11-01"},
    )
    assert ok.status_code == 302
    review = Review.objects.get()
    task = Task.objects.get(case=review.case, step="recheck")
    workflow.task_complete(task_id=task.pk, actor=staff.caseworker, reason="入户")
    client.logout()
    login(client, staff.approver)
    page = client.get(f"/benefits/households/{home.pk}/")
    assert 'id="review-decide"' in page.content.decode()
    refused = client.post(
        f"/benefits/reviews/{review.pk}/decide/",
        {"outcome": "adjust", "new_amount": "abc", "reasons": "收入增加"},
    )
    assert refused.status_code == 400
    done = client.post(
        f"/benefits/reviews/{review.pk}/decide/",
        {"outcome": "adjust", "new_amount": "350.00", "reasons": "收入增加"},
    )
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.outcome == "adjust" and review.new_amount == Decimal("350.00")


def test_issue_a_roll_and_download_its_files(client, staff):
    quick_household(staff.caseworker, amount=Decimal("612.00"))
    month = month_of(timezone.localdate())
    login(client, staff.approver)
    page = client.get(f"/benefits/rolls/?month={month:%Y-%m}")
    assert "612.00" in page.content.decode() and 'id="roll-issue"' in page.content.decode()
    issued = client.post("/benefits/rolls/issue/", {"township": NANLING, "month": f"{month:%Y-%m}"})
    roll = PaymentRoll.objects.get()
    assert issued.status_code == 302 and issued["Location"].endswith(f"/benefits/rolls/{roll.pk}/")
    again = client.post("/benefits/rolls/issue/", {"township": NANLING, "month": f"{month:%Y-%m}"})
    assert again.status_code == 302 and PaymentRoll.objects.count() == 1
    for kind, marker in (("csv", b"612.00"), ("pdf", b"%PDF"), ("xlsx", b"PK")):
        response = client.get(f"/benefits/rolls/{roll.pk}/file.{kind}")
        assert response.status_code == 200 and marker in response.content
    assert client.get(f"/benefits/rolls/{roll.pk}/file.exe").status_code == 404
    client.logout()
    login(client, staff.caseworker)  # prepares, never issues
    assert 'id="roll-issue"' not in client.get("/benefits/rolls/").content.decode()
    client.logout()
    login(client, staff.other_caseworker)
    assert client.get(f"/benefits/rolls/{roll.pk}/").status_code == 404


def test_malformed_input_never_errors(client, staff):
    home = quick_household(staff.caseworker)
    login(client, staff.approver)
    for url, data in (
        ("/benefits/rolls/issue/", {"township": "x", "month": "2026-99"}),
        ("/benefits/rolls/issue/", {"township": "9" * 40, "month": "zz"}),
        (f"/benefits/households/{home.pk}/adjustment/", {"amount": "1e9999", "reason": "x"}),
        (
            f"/benefits/households/{home.pk}/account/",
            {"payee_name": "", "bank_name": "", "account_number": "x"},
        ),
        ("/benefits/reviews/999999/decide/", {"outcome": "stop", "reasons": "x"}),
    ):
        assert client.post(url, data).status_code < 500
    for url in (
        "/benefits/?page=99999999999999999999",
        "/benefits/rolls/?month=0-0&township=1",
        "/benefits/households/99999999999999999999/",
    ):
        assert client.get(url).status_code < 500
    assert date.today()  # the pages above used the real clock


def test_the_review_notice_quotes_the_outcome_and_reasons(client, staff):
    from pypdf import PdfReader

    from yimen.benefits.services import reviews
    from yimen.workflow import services as workflow
    from yimen.workflow.models import Task

    home = quick_household(staff.caseworker)
    review = reviews.change_report(
        actor=staff.village,
        change=reviews.ChangeReport(home.pk, "income", "子女就业", date(2026, 11, 2)),
    )
    task = Task.objects.get(case=review.case, step="recheck")
    workflow.task_complete(task_id=task.pk, actor=staff.caseworker, reason="入户")
    login(client, staff.approver)
    assert client.get(f"/benefits/reviews/{review.pk}/notice.pdf").status_code == 404  # undecided
    reviews.review_decide(
        actor=staff.approver,
        decision=reviews.ReviewDecision(
            review.pk, "phase_out", "就业后收入超过标准", phase_out_months=3
        ),
    )
    response = client.get(f"/benefits/reviews/{review.pk}/notice.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "渐退" in text and "就业后收入超过标准" in text and "渐退期3个月" in text
    assert_readable(response.content, texts=("审批人", "盖章处"))
    client.logout()
    login(client, staff.other_caseworker)
    assert client.get(f"/benefits/reviews/{review.pk}/notice.pdf").status_code == 404

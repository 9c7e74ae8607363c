"""Returned payments through HTTP: the township imports and corrects, the county reads,
another township sees nothing; the API takes the same file; layouts are set by the
approver; refused files answer with their lines and write nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.api.helpers import api_client, problem
from tests.benefits.conftest import quick_household
from tests.benefits.returns_helpers import bank_layout, csv_bytes, return_row
from tests.factories import NANGUAN, NANLING, TEST_PASSWORD
from yimen.benefits.models import PaymentReturn, ReturnBatch, ReturnFileLayout, ReturnStatus
from yimen.benefits.services.payments import roll_issue
from yimen.months import month_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


@pytest.fixture
def returned_file(staff):
    """A household paid by this month's roll, and the bank's file returning its payment."""
    bank_layout(NANGUAN)
    home = quick_household(staff.caseworker, name="李四", amount=Decimal("812.35"))
    month = month_of(timezone.localdate())
    roll = roll_issue(actor=staff.approver, township_code=NANLING, month=month, today=month)
    return home, roll, csv_bytes([return_row(roll, home, code="E02")])


def upload(client, data, name="退票.csv", township=NANLING):
    return client.post(
        "/benefits/returns/import/",
        {"township": township, "file": SimpleUploadedFile(name, data)},
    )


def test_township_imports_sees_the_flag_and_corrects_the_account(client, staff, returned_file):
    home, _roll, data = returned_file
    login(client, staff.caseworker)
    assert client.get("/benefits/returns/").status_code == 200
    answer = upload(client, data)
    batch = ReturnBatch.objects.get()
    assert (
        answer.status_code == 302 and answer["Location"] == f"/benefits/returns/files/{batch.pk}/"
    )
    page = client.get(answer["Location"]).content.decode()
    assert "李四" in page and "812.35" in page and "户名不符" in page
    assert upload(client, data).status_code == 302 and ReturnBatch.objects.count() == 1
    listing = client.get("/benefits/returns/").content.decode()
    assert "李四" in listing and "fund-ledger" in listing
    roster = client.get("/benefits/").content.decode()
    assert "tag warn" in roster
    household = client.get(f"/benefits/households/{home.pk}/").content.decode()
    assert (
        "return-" in household and f"/benefits/households/{home.pk}/returned-account/" in household
    )
    form = f"/benefits/households/{home.pk}/returned-account/"
    assert client.get(form).status_code == 200
    refused = client.post(form, {"payee_name": "李四", "bank_name": "农行", "account_number": "12"})
    assert refused.status_code == 400
    assert PaymentReturn.objects.get().status == ReturnStatus.RETURNED
    done = client.post(
        form,
        {
            "payee_name": "李四",
            "bank_name": "中国农业银行",
            "account_number": "6228480000001111",
            "reason": "户主持身份证和新卡到街道核实",
        },
    )
    assert done.status_code == 302
    assert PaymentReturn.objects.get().status == ReturnStatus.CORRECTED


def test_a_refused_file_lists_its_lines_and_writes_nothing(client, staff, returned_file):
    home, roll, _data = returned_file
    login(client, staff.caseworker)
    bad = csv_bytes([return_row(roll, home, amount=Decimal("1.00")), return_row(roll, home)])
    answer = upload(client, bad)
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "return-problems" in text and "812.35" in text
    assert not ReturnBatch.objects.exists()
    assert upload(client, b"", name="x.pdf").status_code == 400
    assert client.post("/benefits/returns/import/", {"township": NANLING}).status_code == 400


def test_the_county_reads_another_township_sees_nothing(client, staff, returned_file):
    home, _roll, data = returned_file
    login(client, staff.caseworker)
    upload(client, data)
    client.logout()
    login(client, staff.supervisor)
    county = client.get("/benefits/returns/?show=all")
    assert county.status_code == 200 and "李四" in county.content.decode()
    assert "returns-import" not in county.content.decode()  # reads, never imports
    assert upload(client, data).status_code == 403
    batch = ReturnBatch.objects.get()
    assert client.get(f"/benefits/returns/files/{batch.pk}/").status_code == 200
    assert client.get(f"/benefits/households/{home.pk}/returned-account/").status_code == 404
    client.logout()
    login(client, staff.other_caseworker)
    assert "李四" not in client.get("/benefits/returns/?show=all").content.decode()
    assert client.get(f"/benefits/returns/files/{batch.pk}/").status_code == 404
    client.logout()
    login(client, staff.social_worker)
    assert client.get("/benefits/returns/").status_code == 403


def test_the_approver_sets_a_layout(client, staff):
    login(client, staff.approver)
    form = {
        "township": NANLING,
        "bank_name": "吉林银行",
        "valid_from": f"{timezone.localdate():%Y-%m-%d}",
        "encoding": "gbk",
        "header_row": "1",
        "account_column": "账号",
        "amount_column": "5",
        "reason_text_column": "原因",
        "date_format": "%Y%m%d",
        "amount_unit": "fen",
        "reason_codes": "E01=账户已销户\nE02=Name does not match the account",
    }
    assert client.post("/benefits/returns/layouts/", form).status_code == 302
    layout = ReturnFileLayout.objects.get()
    assert layout.reason_codes == {"E01": "account_closed", "E02": "name_mismatch"}
    assert (layout.division_id, layout.amount_column, layout.amount_unit) == (NANLING, "5", "fen")
    page = client.get("/benefits/returns/layouts/").content.decode()
    assert "吉林银行" in page
    for bad in (
        {"valid_from": "2020-01-01"},
        {"valid_from": "x"},
        {"date_format": "YYYY"},
        {"reason_codes": "E01=bankrupt"},
        {"header_row": "0"},  # a column named by its header needs a header row
        {"amount_column": ""},
        {"header_row": "abc"},
    ):
        answer = client.post("/benefits/returns/layouts/", {**form, "bank_name": "x", **bad})
        assert answer.status_code == 400, bad
    assert ReturnFileLayout.objects.count() == 1
    client.logout()
    login(client, staff.caseworker)
    assert "layout-form" not in client.get("/benefits/returns/layouts/").content.decode()
    answer = client.post("/benefits/returns/layouts/", {**form, "bank_name": "y"})
    assert answer.status_code == 400 and ReturnFileLayout.objects.count() == 1


def test_import_through_the_api(staff, returned_file):
    _home, roll, data = returned_file
    staff_api = api_client(staff.caseworker)
    url = "/api/benefits/returns/"

    def post(client, body, name="退票.csv", **extra):
        return client.post(
            url, {"township": NANLING, "file": SimpleUploadedFile(name, body), **extra}
        )

    made = post(staff_api, data)
    assert made.status_code == 201, made.content
    assert made.json()["items"][0]["amount"] == "812.35"
    again = post(staff_api, data)
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]
    listed = staff_api.get(url).json()
    assert listed["count"] == 1 and listed["results"][0]["status"] == "returned"
    assert api_client(staff.other_caseworker).get(url).json()["count"] == 0
    refused = problem(post(staff_api, csv_bytes([return_row(roll, _home, code="E03")])), 400)
    assert refused["rows"][0]["line"] == 2 and "detail_zh" in refused["rows"][0]
    problem(post(api_client(staff.supervisor), data), 403)
    problem(post(staff_api, data, layout="abc"), 400)
    problem(post(staff_api, data, surprise="1"), 400)
    problem(staff_api.post(url, {"township": NANLING}), 400)
    assert PaymentReturn.objects.count() == 1

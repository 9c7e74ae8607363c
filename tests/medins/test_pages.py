"""Pages: counter and online application, the workbench, one transfer with its steps, the
paper forms as PDF — and nobody else's transfer."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from tests.factories import TEST_PASSWORD, user_with
from tests.web.pdfcheck import assert_readable
from yimen.accounts.roles import Role
from yimen.medins.models import Transfer

from .conftest import send
from .helpers import id_number
from .test_incoming import application, info_message

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


@pytest.fixture
def staff(as_hainan):
    return user_with(Role.MEDINS_AGENCY, "460000000000")


def test_counter_application_through_the_page(client, staff):
    login(client, staff)
    page = client.get("/medins/apply/")
    assert page.status_code == 200 and "转移接续" in page.content.decode()
    response = client.post("/medins/apply/", application())
    transfer = Transfer.objects.get()
    assert response.status_code == 302 and response.url == f"/medins/transfers/{transfer.pk}/"
    detail = client.get(response.url).content.decode()
    assert transfer.transfer_id in detail and "已受理申请" in detail
    listing = client.get("/medins/?status=open").content.decode()
    assert transfer.transfer_id in listing


def test_bad_input_is_shown_in_chinese_and_nothing_saved(client, staff):
    login(client, staff)
    response = client.post("/medins/apply/", application(id_number="220102198503150000"))
    assert response.status_code == 400
    assert "校验码" in response.content.decode()
    assert not Transfer.objects.exists()


# the gap after the last paid month is counted up to today: pinned, so that it stays the
# three months (Aug–Oct) this test is about whatever day it runs
@time_machine.travel(datetime(2026, 11, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True)
def test_applicant_applies_and_follows_every_step(client, as_hainan, jilin_peer):
    citizen = user_with(Role.APPLICANT, "460100000000")
    login(client, citizen)
    response = client.post("/medins/mine/", application())
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert transfer.applicant_user == citizen and transfer.channel == "online"
    months = [date(2026, m, 1) for m in range(1, 8)]  # last paid July: gap Aug–Oct
    send(client, jilin_peer, info_message(jilin_peer, transfer, months=months), to="hainan")
    page = client.get(f"/medins/transfers/{transfer.pk}/").content.decode()
    for text in ("已收到节点 jilin 的信息表", "已记入个人账户 500.00 元", "补缴", "2026-07"):
        assert text in page, text
    mine = client.get("/medins/mine/").content.decode()
    assert transfer.transfer_id in mine and "已办结" in mine


def test_paper_forms_print_as_pdf(client, staff, jilin_peer):
    login(client, staff)
    client.post("/medins/apply/", application())
    transfer = Transfer.objects.get()
    url = f"/medins/transfers/{transfer.pk}/forms/"
    first = client.get(url + "application.pdf")
    assert first["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(first.content)).pages[0].extract_text()
    assert "基本医疗保险关系转移接续申请表" in text and id_number(1) in text
    assert client.get(url + "type-change.pdf").status_code == 404  # no 信息表 yet
    send(client, jilin_peer, info_message(jilin_peer, transfer, balance=123_456), to="hainan")
    second = client.get(url + "type-change.pdf")
    text = PdfReader(io.BytesIO(second.content)).pages[0].extract_text()
    assert "参保人员基本医疗保险类型变更信息表" in text
    assert "1,234.56" in text and "壹仟贰佰叁拾肆元伍角陆分" in text
    assert_readable(second.content, lines=("1,234.56 元（壹仟贰佰叁拾肆元伍角陆分）",))
    assert_readable(first.content, texts=("申请人（签字）", "盖章处"))


def test_other_people_see_nothing(client, staff):
    transfer_pk = None
    login(client, staff)
    client.post("/medins/apply/", application())
    transfer_pk = Transfer.objects.get().pk
    client.logout()
    for other in (
        user_with(Role.APPLICANT, "460100000000"),
        user_with(Role.MEDINS_AGENCY, "220100000000"),  # the other province's staff
    ):
        login(client, other)
        assert client.get(f"/medins/transfers/{transfer_pk}/").status_code == 404
        assert (
            client.get(f"/medins/transfers/{transfer_pk}/forms/application.pdf").status_code == 404
        )
        assert client.post(f"/medins/transfers/{transfer_pk}/act/").status_code == 404
        assert Transfer.objects.get().status == "requested"
        client.logout()


def test_manual_node_waits_for_staff(client, settings, staff, jilin_peer):
    settings.MEDINS_NODE = {**settings.MEDINS_NODE, "auto_process": False}
    login(client, staff)
    client.post("/medins/apply/", application())
    transfer = Transfer.objects.get()
    send(client, jilin_peer, info_message(jilin_peer, transfer), to="hainan")
    transfer.refresh_from_db()
    assert transfer.status == "info_received" and transfer.due_on is not None
    page = client.get(f"/medins/transfers/{transfer.pk}/").content.decode()
    assert 'id="transfer-act"' in page
    client.post(f"/medins/transfers/{transfer.pk}/act/")
    transfer.refresh_from_db()
    assert transfer.status == "completed"
    assert transfer.steps.last().actor == staff.full_name


def test_manual_outgoing_node_staff_check_or_refuse(client, settings, as_jilin, hainan_peer):
    from yimen.medins.ledger import account_balance
    from yimen.medins.models import OutboxMessage

    from .helpers import insured
    from .test_messages import request_body

    settings.MEDINS_NODE = {**settings.MEDINS_NODE, "auto_process": False}
    first, second = insured(1, balance_fen=700), insured(2, balance_fen=900)
    send(client, hainan_peer, request_body(1), to="jilin")
    send(client, hainan_peer, request_body(2), to="jilin")
    assert set(Transfer.objects.values_list("status", flat=True)) == {"received"}
    staff = user_with(Role.MEDINS_AGENCY, "220100000000")
    login(client, staff)
    one, two = Transfer.objects.order_by("id")
    assert 'id="transfer-refuse"' in client.get(f"/medins/transfers/{one.pk}/").content.decode()
    # an empty reason is refused and nothing happens
    client.post(f"/medins/transfers/{one.pk}/act/", {"decision": "refuse", "reason": " "})
    one.refresh_from_db()
    assert one.status == "received"
    client.post(f"/medins/transfers/{one.pk}/act/", {"decision": "refuse", "reason": "身份待核实"})
    client.post(f"/medins/transfers/{two.pk}/act/")
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status == "refused" and one.reasons[0]["zh"] == "身份待核实"
    assert two.status == "info_sent" and two.balance_fen == 900
    assert account_balance(first) == 700 and account_balance(second) == 0
    refusal = OutboxMessage.objects.get(kind="transfer.refusal")
    assert refusal.body["reasons"][0]["code"] == "staff_refusal"

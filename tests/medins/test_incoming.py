"""The incoming node: application, the sealed 信息表 credited once, refusals, continuity."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import user_with
from yimen.accounts.roles import Role
from yimen.errors import Conflict, Forbidden, Invalid
from yimen.medins import protocol as p
from yimen.medins.ledger import account_balance
from yimen.medins.models import (
    AccountEntry,
    ContributionMonth,
    InsuredPerson,
    OutboxMessage,
    Transfer,
)
from yimen.medins.services.incoming import transfer_apply

from .conftest import send
from .helpers import id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(as_hainan):
    return user_with(Role.MEDINS_AGENCY, "460000000000")


def application(serial: int = 1, **over) -> dict:
    return {
        "id_number": id_number(serial),
        "name": "张三",
        "insurance_type": "employee",
        "from_division": "220100000000",
        "to_division": "460100000000",
        "phone": "13800000000",
        **over,
    }


def info_message(jilin_peer, transfer, *, balance=50_000, months=None, seal=None) -> dict:
    info = {
        "form": "参保人员基本医疗保险信息表",
        "transfer_id": transfer.transfer_id,
        "id_number": transfer.id_number,
        "name": transfer.name,
        "insurance_type": "employee",
        "insured_division": "220100000000",
        "months": [
            {"month": m.isoformat(), "division": "220102000000", "employer_name": "一汽",
             "employer_code": "9122", "amount_fen": 40000}
            for m in (months if months is not None else [date(2026, k, 1) for k in range(1, 11)])
        ],
        "balance_fen": balance,
        "issued_on": "2026-11-03",
    }  # fmt: skip
    good = p.b64(jilin_peer.sign(p.seal_input(info)))
    return {
        "kind": "transfer.info",
        "transfer_id": transfer.transfer_id,
        "info": info,
        "seal": seal or good,
    }


def test_counter_application_sends_the_request(staff):
    transfer = transfer_apply(actor=staff, data=application())
    assert transfer.status == "requested" and transfer.channel == "counter"
    assert transfer.peer == "jilin" and transfer.due_on is not None
    message = OutboxMessage.objects.get()
    assert message.kind == "transfer.request" and message.peer == "jilin"
    assert message.body["id_number"] == id_number(1)
    person = InsuredPerson.objects.get()
    assert person.insured_division_id == "460100000000" and person.status == "contributing"
    with pytest.raises(Conflict):
        transfer_apply(actor=staff, data=application())


def test_bad_application_is_refused_whole(staff):
    bad = application(id_number="220102198503150000", name="", from_division="440100000000")
    with pytest.raises(Invalid) as caught:
        transfer_apply(actor=staff, data=bad)
    assert set(caught.value.fields) == {"id_number", "name", "from_division"}
    assert Transfer.objects.count() == InsuredPerson.objects.count() == 0


def test_only_staff_or_applicant_may_apply(as_hainan):
    outsider = user_with(Role.TOWNSHIP_CASEWORKER, "220102001000")
    with pytest.raises(Forbidden):
        transfer_apply(actor=outsider, data=application())
    citizen = user_with(Role.APPLICANT, "460100000000")
    transfer = transfer_apply(actor=citizen, data=application())
    assert transfer.channel == "online" and transfer.applicant_user == citizen


def test_information_form_is_credited_once_and_confirmed(client, staff, jilin_peer):
    transfer = transfer_apply(actor=staff, data=application())
    body = info_message(jilin_peer, transfer)
    assert send(client, jilin_peer, body, to="hainan").status_code == 200
    assert send(client, jilin_peer, body, to="hainan").json()["outcome"] == "known"
    transfer.refresh_from_db()
    assert transfer.status == "completed"
    person = transfer.person
    assert account_balance(person) == 50_000
    assert AccountEntry.objects.filter(kind="transfer_in").count() == 1
    assert ContributionMonth.objects.filter(person=person, origin="transferred").count() == 10
    confirm = OutboxMessage.objects.get(kind="transfer.confirm")
    assert confirm.body["credited_fen"] == 50_000
    assert list(transfer.steps.values_list("code", flat=True)) == [
        "applied", "info_received", "completed",
    ]  # fmt: skip


def test_a_forged_seal_is_not_applied(client, staff, jilin_peer, hainan_peer):
    transfer = transfer_apply(actor=staff, data=application())
    forged = p.b64(hainan_peer.sign(b"something else"))
    response = send(
        client, jilin_peer, info_message(jilin_peer, transfer, seal=forged), to="hainan"
    )
    assert response.status_code == 409
    transfer.refresh_from_db()
    assert transfer.status == "requested" and account_balance(transfer.person) == 0


def test_refusal_travels_back_and_releases_nothing(client, staff, jilin_peer):
    transfer = transfer_apply(actor=staff, data=application())
    reasons = [{"code": "retired", "zh": "退休人员不办理", "en": "Retired"}]
    body = {"kind": "transfer.refusal", "transfer_id": transfer.transfer_id, "reasons": reasons}
    assert send(client, jilin_peer, body, to="hainan").status_code == 200
    transfer.refresh_from_db()
    assert transfer.status == "refused" and transfer.reasons == reasons
    assert not AccountEntry.objects.exists()
    assert not ContributionMonth.objects.exists()
    # a late information form for a refused transfer changes nothing
    late = send(client, jilin_peer, info_message(jilin_peer, transfer), to="hainan")
    assert late.json()["outcome"] == "known" and not AccountEntry.objects.exists()


def test_a_peer_cannot_complete_another_peers_transfer(client, staff, hainan_peer):
    transfer = transfer_apply(actor=staff, data=application())
    # hainan_peer is not trusted by this (hainan) node at all
    response = send(client, hainan_peer, info_message(hainan_peer, transfer), to="hainan")
    assert response.status_code == 401


def test_refusal_steps_read_in_each_language(client, staff, jilin_peer):
    transfer = transfer_apply(actor=staff, data=application())
    reasons = [{"code": "retired", "zh": "退休人员不办理", "en": "Retired persons are not moved"}]
    body = {"kind": "transfer.refusal", "transfer_id": transfer.transfer_id, "reasons": reasons}
    send(client, jilin_peer, body, to="hainan")
    last = transfer.steps.last()
    assert "退休人员不办理" in last.text_zh and "Retired persons are not moved" in last.text_en
    assert "退休" not in last.text_en


def test_a_sealed_form_of_an_earlier_transfer_is_not_credited_again(client, staff, jilin_peer):
    """A genuine form kept from a completed transfer, sent for the person's next transfer,
    credited the balance a second time (+197,534 fen in the fault run)."""
    first = transfer_apply(actor=staff, data=application())
    old_form = info_message(jilin_peer, first, balance=197_534)
    assert send(client, jilin_peer, old_form, to="hainan").status_code == 200
    first.refresh_from_db()
    assert first.status == "completed" and account_balance(first.person) == 197_534
    second = transfer_apply(actor=staff, data=application())
    replayed = {**old_form, "transfer_id": second.transfer_id}
    response = send(client, jilin_peer, replayed, to="hainan")
    assert response.status_code == 409
    assert response.json()["code"] == "medins.form_of_another_transfer"
    second.refresh_from_db()
    assert second.status == "requested" and account_balance(second.person) == 197_534
    assert AccountEntry.objects.filter(kind="transfer_in").count() == 1
    # the peer's refusal of the second transfer now applies instead of being "known"
    refusal = {"kind": "transfer.refusal", "transfer_id": second.transfer_id, "reasons": []}
    assert send(client, jilin_peer, refusal, to="hainan").json()["outcome"] == "refused"


def test_a_refusal_after_the_form_was_credited_is_flagged_not_ignored(client, staff, jilin_peer):
    from yimen.audit.models import AuditEvent
    from yimen.workflow.models import Notification

    transfer = transfer_apply(actor=staff, data=application())
    form = info_message(jilin_peer, transfer)
    assert send(client, jilin_peer, form, to="hainan").status_code == 200
    reasons = [{"code": "stopped", "zh": "已停保", "en": "Stopped"}]
    body = {"kind": "transfer.refusal", "transfer_id": transfer.transfer_id, "reasons": reasons}
    answer = send(client, jilin_peer, body, to="hainan")
    assert answer.json()["outcome"] == "contradicted"
    transfer.refresh_from_db()
    assert transfer.status == "completed"
    assert transfer.steps.filter(code="peer_contradicts").exists()
    assert AuditEvent.objects.filter(event_type="medins.transfer_contradicted").count() == 1
    notice = Notification.objects.get(recipient=staff)
    assert transfer.transfer_id in notice.message


def test_the_applicant_is_told_of_completion_and_of_refusal(client, staff, jilin_peer):
    """Issue 22: the transfer's outcome reaches the applicant's phone, once."""
    from yimen.notify.dispatch import dispatch_all
    from yimen.notify.models import SmsMessage

    done = transfer_apply(actor=staff, data=application())
    send(client, jilin_peer, info_message(jilin_peer, done), to="hainan")
    refused = transfer_apply(actor=staff, data=application(2, phone="13800000002"))
    reasons = [{"code": "retired", "zh": "退休人员不办理", "en": "Retired"}]
    body = {"kind": "transfer.refusal", "transfer_id": refused.transfer_id, "reasons": reasons}
    send(client, jilin_peer, body, to="hainan")
    dispatch_all()
    dispatch_all()
    texts = dict(SmsMessage.objects.values_list("kind", "body"))
    assert set(texts) == {"medins.transferred_in", "medins.transfer_refused"}
    assert done.transfer_id in texts["medins.transferred_in"]
    assert "退休人员不办理" in texts["medins.transfer_refused"]
    assert SmsMessage.objects.count() == 2

"""The node door: signatures, replay window, duplicates, unknown peers — and the outgoing
node's answers (refusal with reasons, or the sealed 信息表 with the account debited)."""

from __future__ import annotations

import base64
import time
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from yimen.audit.models import AuditEvent
from yimen.medins import protocol as p
from yimen.medins.ledger import account_balance
from yimen.medins.models import (
    AccountEntry,
    InboxMessage,
    OutboxMessage,
    RejectedMessage,
    Transfer,
)
from yimen.medins.node import new_key_pair

from .conftest import Other, send
from .helpers import id_number, insured

pytestmark = pytest.mark.django_db

MONTHS = [f"2025-{m:02d}-01" for m in range(1, 13)]


def request_body(serial: int, *, name: str = "张三", transfer_id: str | None = None) -> dict:
    return {
        "kind": "transfer.request",
        "transfer_id": transfer_id or f"hainan-{uuid.uuid4().hex[:12]}",
        "id_number": id_number(serial),
        "name": name,
        "insurance_type": "employee",
        "from_division": "220100000000",
        "to_division": "460100000000",
        "applied_at": "2026-11-02T09:00:00+08:00",
    }


def refusals() -> list[str]:
    return list(RejectedMessage.objects.values_list("reason", flat=True))


def test_unknown_peer_is_refused_and_logged(client, as_jilin):
    private, public = new_key_pair()
    stranger = Other("guangdong", "440000000000", private, public)
    response = send(client, stranger, request_body(1), to="jilin")
    assert response.status_code == 401
    assert refusals() == ["unknown_peer"]
    assert Transfer.objects.count() == 0
    assert AuditEvent.objects.filter(event_type="medins.message_refused").count() == 1


def test_bad_signature_is_refused_and_logged(client, as_jilin, hainan_peer):
    person = insured(1, balance_fen=5000)
    body = request_body(1)
    raw = p.canonical({**body, "message_id": "m1"})
    headers = hainan_peer.headers(raw, to="jilin", message_id="m1")
    tampered = raw.replace(b"460100000000", b"460200000000")
    response = client.post(p.PATH, data=tampered, content_type="application/json", **headers)
    assert response.status_code == 401
    assert refusals() == ["bad_signature"]
    assert Transfer.objects.count() == 0 and account_balance(person) == 5000


def test_message_for_another_node_is_refused(client, as_jilin, hainan_peer):
    response = send(client, hainan_peer, request_body(1), to="guangdong")
    assert response.status_code == 401
    assert refusals() == ["wrong_recipient"]


def test_replay_after_the_window_is_refused(client, as_jilin, hainan_peer):
    person = insured(1, balance_fen=5000)
    old = int(time.time()) - 301  # captured five minutes ago
    response = send(client, hainan_peer, request_body(1), to="jilin", stamp=old)
    assert response.status_code == 401
    assert refusals() == ["stale"]
    assert Transfer.objects.count() == 0 and account_balance(person) == 5000


@pytest.mark.parametrize(
    "stamp", ["9" * 401, "-" + "9" * 401, "1e9", "１７００００００００", " 1700000000", "", "12.5"]
)
def test_a_timestamp_that_is_no_number_of_seconds_is_refused_not_a_500(
    client, as_jilin, hainan_peer, stamp
):
    """A 401-digit stamp overflowed the float subtraction (OverflowError, answered 500)."""
    person = insured(1, balance_fen=5000)
    response = send(client, hainan_peer, request_body(1), to="jilin", stamp=stamp)
    assert response.status_code == 401
    assert refusals() == ["malformed"]
    assert Transfer.objects.count() == 0 and account_balance(person) == 5000


def test_repeat_inside_the_window_changes_nothing_and_is_logged(client, as_jilin, hainan_peer):
    person = insured(1, balance_fen=5000, months=[])
    body = request_body(1)
    first = send(client, hainan_peer, body, to="jilin", message_id="same")
    again = send(client, hainan_peer, body, to="jilin", message_id="same")
    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == "accepted" and again.json()["status"] == "duplicate"
    assert refusals() == ["duplicate"]
    assert InboxMessage.objects.get().duplicates == 1
    assert AccountEntry.objects.filter(kind="transfer_out").count() == 1
    assert account_balance(person) == 0
    # the same request under a new message id is recognised by its transfer number
    third = send(client, hainan_peer, body, to="jilin")
    assert third.json()["outcome"] == "known"
    assert OutboxMessage.objects.count() == 1


def test_answers_are_signed_by_this_node(client, as_jilin, hainan_peer):
    insured(1)
    response = send(client, hainan_peer, request_body(1), to="jilin", message_id="m9")
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(as_jilin["public_key_for_tests"]))
    public.verify(
        p.unb64(response[p.H_SIGNATURE]),
        p.response_signing_input(
            responder="jilin", recipient="hainan", message_id="m9", status=200,
            body=response.content,
        ),
    )  # fmt: skip


def _sent(kind: str) -> dict:
    return OutboxMessage.objects.get(kind=kind).body


@pytest.mark.parametrize(
    ("status", "name", "codes"),
    [
        ("retired", "张三", ["retired"]),
        ("contributing", "张三", ["still_contributing"]),
        ("stopped", "李四", ["identity_mismatch"]),
        ("contributing", "李四", ["identity_mismatch", "still_contributing"]),
    ],
)
def test_outgoing_refuses_with_reasons_and_moves_nothing(
    client, as_jilin, hainan_peer, status, name, codes
):
    person = insured(1, status=status, balance_fen=12345)
    send(client, hainan_peer, request_body(1, name=name), to="jilin")
    transfer = Transfer.objects.get()
    assert transfer.status == "refused"
    assert [r["code"] for r in transfer.reasons] == codes
    reasons = _sent("transfer.refusal")["reasons"]
    assert [r["code"] for r in reasons] == codes
    assert all(r["zh"] and r["en"] and r["zh"] != r["en"] for r in reasons)
    assert account_balance(person) == 12345
    assert not AccountEntry.objects.filter(kind="transfer_out").exists()


def test_outgoing_refuses_an_unknown_person(client, as_jilin, hainan_peer):
    send(client, hainan_peer, request_body(5), to="jilin")
    assert [r["code"] for r in _sent("transfer.refusal")["reasons"]] == ["not_insured_here"]


def test_a_person_moves_out_only_once(client, as_jilin, hainan_peer):
    person = insured(1, balance_fen=900)
    send(client, hainan_peer, request_body(1), to="jilin")
    send(client, hainan_peer, request_body(1), to="jilin")  # a second transfer number
    statuses = sorted(Transfer.objects.values_list("status", flat=True))
    assert statuses == ["info_sent", "refused"]
    refused = Transfer.objects.get(status="refused")
    assert [r["code"] for r in refused.reasons] == ["already_transferred"]
    assert account_balance(person) == 0


def test_outgoing_sends_the_sealed_information_form(client, as_jilin, hainan_peer):
    from datetime import date

    person = insured(1, balance_fen=88_888, months=[date(2025, m, 1) for m in range(1, 13)])
    send(client, hainan_peer, request_body(1), to="jilin")
    transfer = Transfer.objects.get()
    assert transfer.status == "info_sent" and transfer.balance_fen == 88_888
    body = _sent("transfer.info")
    info = body["info"]
    assert [m["month"] for m in info["months"]] == MONTHS
    assert info["balance_fen"] == 88_888 and info["id_number"] == id_number(1)
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(as_jilin["public_key_for_tests"]))
    public.verify(p.unb64(body["seal"]), p.seal_input(info))
    assert account_balance(person) == 0
    assert AccountEntry.objects.get(kind="transfer_out").amount_fen == -88_888
    steps = list(transfer.steps.values_list("code", flat=True))
    assert steps == ["received", "info_sent"]
    # the confirmation closes the outgoing side
    confirm = {
        "kind": "transfer.confirm",
        "transfer_id": transfer.transfer_id,
        "credited_fen": 88_888,
    }
    assert send(client, hainan_peer, confirm, to="jilin").status_code == 200
    transfer.refresh_from_db()
    assert transfer.status == "confirmed" and transfer.peer_credited_fen == 88_888


def test_a_message_about_an_unknown_transfer_is_answered_409(client, as_jilin, hainan_peer):
    confirm = {"kind": "transfer.confirm", "transfer_id": "nope", "credited_fen": 1}
    response = send(client, hainan_peer, confirm, to="jilin")
    assert response.status_code == 409
    assert InboxMessage.objects.count() == 0  # rolled back: the retry will be processed


def test_a_signed_but_malformed_message_is_refused_not_a_500(client, as_jilin, hainan_peer):
    body = {"kind": "transfer.request", "transfer_id": "hainan-x"}  # no person at all
    response = send(client, hainan_peer, body, to="jilin")
    assert response.status_code == 400
    assert refusals() == ["malformed"]
    assert Transfer.objects.count() == 0 and InboxMessage.objects.count() == 0
    unknown_kind = send(
        client, hainan_peer, {"kind": "transfer.steal", "transfer_id": "t"}, to="jilin"
    )
    assert unknown_kind.status_code == 400

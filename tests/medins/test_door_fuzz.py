"""The node door never answers 500: every envelope field of every kind of message, signed by
a trusted peer, replaced by something a broken or hostile peer could send — huge numbers,
wrong types, NUL characters, deep JSON, over-long text, out-of-range sequence numbers.

Each answer is a signed JSON refusal (400 "malformed") or an ordinary answer, and a refused
message leaves nothing behind (no inbox row, no transfer, no change of the peer link)."""

from __future__ import annotations

import json
import uuid

import pytest

from yimen.medins import protocol as p
from yimen.medins.models import InboxMessage, PeerLink, RejectedMessage, Transfer

from .conftest import send
from .helpers import insured
from .test_messages import request_body

pytestmark = pytest.mark.django_db


def deep(levels: int):
    value: object = "x"
    for _ in range(levels):
        value = [value]
    return value


# what a broken or hostile peer can put in any field (all valid JSON)
BAD = {
    "huge_int": 10**400,
    "bigint_overflow": 2**63,
    "negative": -1,
    "zero": 0,
    "float": 1.5,
    "huge_float": 1e308,
    "nan": float("nan"),
    "true": True,
    "null": None,
    "list": [1, 2],
    "object": {"a": 1},
    "empty": "",
    "long_text": "长" * 20_000,
    "nul": "ab\x00cd",
    "deep": deep(200),
}

REQUEST_FIELDS = [
    "kind",
    "transfer_id",
    "id_number",
    "name",
    "insurance_type",
    "from_division",
    "to_division",
    "applied_at",
    "channel",
    "seq",
    "ack",
]


def send_raw(client, other, raw: bytes, *, to: str, message_id: str):
    """POST bytes that are no canonical dump (a JSON nesting too deep to dump)."""
    return client.post(
        p.PATH,
        data=raw,
        content_type="application/json",
        **other.headers(raw, to=to, message_id=message_id),
    )


def assert_signed_json(response, status_codes):
    assert response.status_code in status_codes, response.content[:300]
    answer = json.loads(response.content)
    if answer.get("code") == "invalid.nul_character":
        # a NUL is refused for every address before any view (web.middleware), unsigned:
        # the peer keeps the message as undelivered, which is right for a broken one
        assert response.status_code == 400
        return {"reason": "malformed"}
    assert response[p.H_SIGNATURE]
    return answer


def assert_nothing_written():
    assert InboxMessage.objects.count() == 0
    assert Transfer.objects.count() == 0
    assert not PeerLink.objects.filter(highest_seq_received__gt=0).exists()


@pytest.mark.parametrize("value_name", sorted(BAD))
@pytest.mark.parametrize("field", REQUEST_FIELDS)
def test_a_request_with_a_bad_field_is_refused_not_a_500(
    client, as_jilin, hainan_peer, field, value_name
):
    insured(1, balance_fen=5000)
    body = {**request_body(1), "seq": 1, field: BAD[value_name]}
    response = send(client, hainan_peer, body, to="jilin")
    answer = assert_signed_json(response, {200, 400})
    if response.status_code == 400:
        assert answer["reason"] == "malformed"
        if value_name != "nul":
            assert RejectedMessage.objects.filter(reason="malformed").count() == 1
        assert_nothing_written()
    else:
        # the only odd values a request may carry: an empty channel, or ack 0 (nothing
        # received from this node yet, what a new peer sends)
        assert (field, value_name) in {("channel", "empty"), ("ack", "zero")}


@pytest.mark.parametrize("value_name", sorted(BAD))
@pytest.mark.parametrize("field", ["transfer_id", "credited_fen"])
def test_a_confirmation_with_a_bad_field_is_refused_not_a_500(
    client, as_jilin, hainan_peer, field, value_name
):
    insured(1, balance_fen=5000)
    first = send(client, hainan_peer, request_body(1), to="jilin")
    assert first.status_code == 200
    transfer = Transfer.objects.get()
    assert transfer.status == "info_sent"
    confirm = {"kind": "transfer.confirm", "transfer_id": transfer.transfer_id, "credited_fen": 1}
    response = send(client, hainan_peer, {**confirm, field: BAD[value_name]}, to="jilin")
    answer = assert_signed_json(response, {400, 200} if value_name == "zero" else {400})
    if response.status_code == 400:
        assert answer["reason"] == "malformed"
        transfer.refresh_from_db()
        assert transfer.status == "info_sent" and transfer.peer_credited_fen is None
        assert InboxMessage.objects.count() == 1  # only the request's


def incoming_transfer() -> Transfer:
    from django.utils import timezone

    return Transfer.objects.create(
        transfer_id="hainan-t1",
        side="incoming",
        peer="jilin",
        id_number=request_body(1)["id_number"],
        name="张三",
        insurance_type="employee",
        from_division="220100000000",
        to_division="460100000000",
        status="requested",
        applied_at=timezone.now(),
    )


@pytest.mark.parametrize("value_name", sorted(BAD))
@pytest.mark.parametrize("field", ["info", "seal", "reasons"])
def test_an_info_or_refusal_with_a_bad_field_is_refused_not_a_500(
    client, as_hainan, jilin_peer, field, value_name
):
    transfer = incoming_transfer()
    kind = "transfer.refusal" if field == "reasons" else "transfer.info"
    body = {
        "kind": kind,
        "transfer_id": transfer.transfer_id,
        "info": {"id_number": transfer.id_number, "transfer_id": transfer.transfer_id},
        "seal": "AAAA",
        "reasons": [{"code": "not_insured_here", "zh": "无参保", "en": "not insured"}],
        field: BAD[value_name],
    }
    response = send(client, jilin_peer, body, to="hainan")
    # 409: a well-formed form whose seal does not verify (the peer retries; nothing applied)
    answer = assert_signed_json(response, {400, 409})
    if response.status_code == 400:
        assert answer["reason"] == "malformed"
    transfer.refresh_from_db()
    assert transfer.status == "requested" and transfer.info is None
    assert InboxMessage.objects.count() == 0


@pytest.mark.parametrize("value_name", sorted(BAD))
def test_a_report_with_a_bad_field_is_refused_not_a_500(client, as_jilin, hainan_peer, value_name):
    body = {"kind": "node.report", "report": BAD[value_name]}
    response = send(client, hainan_peer, body, to="jilin")
    answer = assert_signed_json(response, {400})
    assert answer["reason"] == "malformed"
    assert InboxMessage.objects.count() == 0


@pytest.mark.parametrize("where", ["report", "transfer_id", "name"])
def test_json_nested_beyond_reason_is_refused_not_a_500(client, as_jilin, hainan_peer, where):
    """Nesting so deep that ``json.dumps`` itself gives up (and the database would too)."""
    insured(1, balance_fen=5000)
    message_id = uuid.uuid4().hex
    body = {**request_body(1), "message_id": message_id}
    if where == "report":
        body = {"kind": "node.report", "message_id": message_id}
    head = p.canonical(body)[:-1]
    raw = head + f',"{where}":'.encode() + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = send_raw(client, hainan_peer, raw, to="jilin", message_id=message_id)
    answer = assert_signed_json(response, {400})
    assert answer["reason"] == "malformed"
    assert_nothing_written()


def test_a_huge_ack_does_not_hold_the_node(client, as_jilin, hainan_peer):
    """An ack no node could have reached (beyond the bigint range) is malformed, not a reason
    to hold this node for reconciliation."""
    insured(1, balance_fen=5000)
    response = send(client, hainan_peer, {**request_body(1), "ack": 2**64}, to="jilin")
    assert assert_signed_json(response, {400})["reason"] == "malformed"
    assert not PeerLink.objects.filter(held_since__isnull=False).exists()

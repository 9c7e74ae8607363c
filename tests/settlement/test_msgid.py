"""Issue 20 item 1: a reused msgid is a retry only when it is the same message (infno and
input); another message under it is refused with a Chinese err_msg and writes nothing."""

from __future__ import annotations

from yimen.settlement.models import Encounter, FsiMessage

from .conftest import envelope
from .test_interface import settle_body


def _person_info(person) -> dict:
    return {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": person.id_number,
                     "psn_name": person.name}}  # fmt: skip


def test_same_message_same_answer_another_message_refused(fsi, employee, retiree):
    fsi.sign_in()
    msgid = "H22010200002202601011200001101"
    first = fsi.call("1101", _person_info(employee), msgid=msgid)
    assert first["infcode"] == 0
    assert fsi.call("1101", _person_info(employee), msgid=msgid) == first
    # another person under the same msgid: not the first person's record
    other = fsi.call("1101", _person_info(retiree), msgid=msgid)
    assert other["infcode"] == -1 and other["output"] is None
    assert other["err_msg"].startswith(f"msgid {msgid} 已用于另一笔报文（交易 1101）")
    # a 2201 sent with the 1101's msgid registers nothing
    registration = {
        "data": {
            "psn_no": str(employee.pk),
            "insutype": "310",
            "mdtrt_cert_type": "02",
            "mdtrt_cert_no": employee.id_number,
        }
    }
    refused = fsi.call("2201", registration, msgid=msgid)  # fmt: skip
    assert refused["infcode"] == -1 and "已用于另一笔报文" in refused["err_msg"]
    assert not Encounter.objects.exists()
    assert FsiMessage.objects.filter(msgid=msgid).count() == 1


def test_the_digest_ignores_what_a_retry_may_change(fsi, employee):
    """Times, operator and sign_no may differ in a resend; infno and input may not."""
    fsi.sign_in()
    msgid = "H22010200002202601011200001102"
    body = envelope("1101", _person_info(employee), msgid=msgid, sign_no=fsi.sign_no)
    first = fsi.post(body)[1]
    body.update(inf_time="2026-01-01 12:05:00", opter="2000", opter_name="另一收费员")
    body["input"] = {"data": dict(reversed(list(body["input"]["data"].items())))}  # key order
    assert fsi.post(body)[1] == first


def test_a_reversal_stored_in_advance_refuses_whatever_arrives(fsi, employee):
    """2601 of a message never received stores a refusal with no digest: the late original
    gets that refusal (not the new conflict message)."""
    fsi.sign_in()
    lost = "H22010200002202601011200001103"
    assert (
        fsi.call("2601", {"data": {"omsgid": lost, "oinfno": "2207", "psn_no": str(employee.pk)}})[
            "infcode"
        ]
        == 0
    )
    late = fsi.post(settle_body(fsi, str(employee.pk), "M1", msgid=lost))[1]
    assert (late["infcode"], late["err_msg"]) == (-1, "该交易已被冲正")

"""The interface answers every bad message cleanly: infcode -1, Chinese err_msg, no 500."""

from __future__ import annotations

import json
import time

import pytest

from yimen.medins.ledger import account_balance
from yimen.settlement.fsi.auth import tif_headers
from yimen.settlement.models import FsiMessage, Settlement

from .conftest import envelope


def outpatient_bill(fsi, person, *, amount="500.00"):
    """Sign in, register and upload one class-A line; return (psn_no, mdtrt_id)."""
    fsi.sign_in()
    psn_no = str(person.pk)
    reg = fsi.call("2201", {"data": {"psn_no": psn_no, "insutype": "310", "mdtrt_cert_type": "02",
                                     "mdtrt_cert_no": person.id_number}})  # fmt: skip
    assert reg["infcode"] == 0, reg
    mdtrt_id = reg["output"]["data"]["mdtrt_id"]
    line = {"feedetl_sn": "1", "mdtrt_id": mdtrt_id, "psn_no": psn_no,
            "med_list_codg": "XJ01CAA001", "det_item_fee_sumamt": amount, "cnt": 1,
            "pric": amount}  # fmt: skip
    assert fsi.call("2204", {"feedetail": [line]})["infcode"] == 0
    return psn_no, mdtrt_id


def settle_body(fsi, psn_no, mdtrt_id, amount="500.00", msgid=None):
    data = {"psn_no": psn_no, "mdtrt_id": mdtrt_id, "medfee_sumamt": amount, "insutype": "310",
            "acct_used_flag": "1", "mdtrt_cert_type": "02"}  # fmt: skip
    return envelope("2207", {"data": data}, msgid=msgid, sign_no=fsi.sign_no)


def test_retried_msgid_returns_the_first_answer_and_acts_once(fsi, employee):
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    body = settle_body(fsi, psn_no, mdtrt_id, msgid="H22010200002202601011200009999")
    _, first = fsi.post(body)
    _, again = fsi.post(body)
    assert first["infcode"] == 0 and again == first
    # local level-3 city outpatient: (500 − 300) × 50 % = 100.00; account pays 400.00
    assert first["output"]["setlinfo"]["hifp_pay"] == 100.0
    assert Settlement.objects.count() == 1
    assert account_balance(employee) == 100000 - 40000


def test_retried_refusal_is_refused_the_same_way(fsi, employee):
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    body = settle_body(fsi, psn_no, mdtrt_id, amount="499.00", msgid="H220102000022026010112000088")
    _, first = fsi.post(body)
    assert first["infcode"] == -1 and "medfee_sumamt" in first["err_msg"]
    assert fsi.post(body)[1] == first
    assert Settlement.objects.count() == 0


def test_reversal_of_a_message_that_never_arrived_blocks_it_later(fsi, employee):
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    lost = "H22010200002202601011200007777"
    rev = fsi.call("2601", {"data": {"psn_no": psn_no, "omsgid": lost, "oinfno": "2207"}})
    assert rev["infcode"] == 0 and rev["output"]["data"]["undone"] == "none"
    late = fsi.post(settle_body(fsi, psn_no, mdtrt_id, msgid=lost))[1]
    assert late["infcode"] == -1 and "冲正" in late["err_msg"]
    assert Settlement.objects.count() == 0 and account_balance(employee) == 100000


def test_reversal_twice_and_of_an_irreversible_transaction_are_refused(fsi, employee):
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    body = settle_body(fsi, psn_no, mdtrt_id)
    assert fsi.post(body)[1]["infcode"] == 0
    data = {"psn_no": psn_no, "omsgid": body["msgid"], "oinfno": "2207"}
    assert fsi.call("2601", {"data": data})["infcode"] == 0
    again = fsi.call("2601", {"data": data})
    assert again["infcode"] == -1 and again["err_msg"] == "原交易已冲正"
    wrong = fsi.call("2601", {"data": {**data, "oinfno": "2204"}})
    assert wrong["infcode"] == -1 and "不可冲正" in wrong["err_msg"]
    assert account_balance(employee) == 100000


@pytest.mark.parametrize(
    "raw, fragment",
    [
        (b"not json", "JSON"),
        (b"[1, 2]", "JSON 对象"),
        (b"\xff\xfe\x00garbage\x81", "编码"),
        (json.dumps({"infno": "9001"}).encode(), "缺少必填字段"),
        (b"", "JSON"),
    ],
)
def test_malformed_envelopes(fsi, raw, fragment):
    status, answer = fsi.post(None, raw=raw)
    assert status == 200 and answer["infcode"] == -1 and fragment in answer["err_msg"]
    assert answer["output"] is None
    assert FsiMessage.objects.count() == 0


def test_wrong_field_types_and_bad_input_node(fsi):
    body = envelope("9001", {"signIn": {}})
    _status, answer = fsi.post({**body, "opter": {"x": 1}})
    assert answer["infcode"] == -1 and "opter" in answer["err_msg"]
    answer = fsi.post({**body, "input": "b64-ciphertext"})[1]
    assert answer["infcode"] == -1 and "明文" in answer["err_msg"]
    answer = fsi.post({**body, "inf_time": "2026/01/01"})[1]
    assert answer["infcode"] == -1 and "inf_time" in answer["err_msg"]


def test_numbers_where_strings_are_expected_are_accepted(fsi):
    body = envelope("9001", {"signIn": {"opter_no": 1099}})
    body.update(infno=9001, opter_type=1, opter=1099)
    assert fsi.post(body)[1]["infcode"] == 0


def test_what_the_fast_json_and_time_checks_must_still_accept_and_refuse(fsi):
    """orjson and the regular-expression time check are only shortcuts: an integer beyond 64
    bits (orjson refuses it, json reads it) and an unpadded inf_time (strptime reads it) are
    still accepted; an impossible date is still refused."""

    def body():
        return envelope("9001", {"signIn": {"opter_no": "1099"}})  # a new msgid each time

    raw = json.dumps({**body(), "opter": 123456789012345678901234567890}).encode()
    assert fsi.post(None, raw=raw)[1]["infcode"] == 0
    assert fsi.post({**body(), "inf_time": "2026-1-5 8:03:09"})[1]["infcode"] == 0
    for bad in ("2026-02-30 12:00:00", "2026-01-01 24:00:00", "2026-01-01 12:00:00x"):
        answer = fsi.post({**body(), "inf_time": bad})[1]
        assert answer["infcode"] == -1 and "inf_time" in answer["err_msg"], bad


def test_unknown_infno_and_path_mismatch(fsi):
    fsi.sign_in()
    answer = fsi.call("9999", {})
    assert answer["infcode"] == -1 and "9999" in answer["err_msg"]
    body = envelope("9001", {"signIn": {}})
    answer = fsi.post(body, path="callService/2207")[1]
    assert answer["infcode"] == -1 and "不一致" in answer["err_msg"]
    assert fsi.post(body, path="callService/9001")[1]["infcode"] == 0


def test_gb18030_body_is_decoded(fsi, employee):
    fsi.sign_in()
    body = envelope("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": employee.id_number,
                                      "psn_name": employee.name}}, sign_no=fsi.sign_no)  # fmt: skip
    raw = json.dumps(body, ensure_ascii=False).encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    answer = fsi.post(body, raw=raw)[1]
    assert answer["infcode"] == 0 and answer["output"]["baseinfo"]["psn_name"] == "张三"


def test_authentication_schemes(fsi, settings):
    body = envelope("9001", {"signIn": {}})
    status, answer = fsi.post(body, headers={})
    assert status == 401 and answer["infcode"] == -1 and answer["err_msg"] == "接口鉴权失败"
    status, _ = fsi.post(body, headers={"HTTP_AUTHORIZATION": "Bearer wrong"})
    assert status == 401
    good = {f"HTTP_{k.upper().replace('-', '_')}": v
            for k, v in tif_headers("yimen-test", "tif-secret", "n1").items()}  # fmt: skip
    assert fsi.post(body, headers=good)[1]["infcode"] == 0
    stale = {
        f"HTTP_{k.upper().replace('-', '_')}": v
        for k, v in tif_headers(
            "yimen-test", "tif-secret", "n2", now=int(time.time()) - 3600
        ).items()
    }
    assert fsi.post(envelope("9001", {"signIn": {}}), headers=stale)[0] == 401
    # the tif credential speaks only for H22010200002, not for the Haikou hospital
    other = envelope("9001", {"signIn": {}}, hospital=("H46010000001", "x", "460100"))
    assert fsi.post(other, headers=good)[0] == 403
    settings.YIMEN_FSI_AUTH = []
    status, answer = fsi.post(envelope("9001", {"signIn": {}}))
    assert status == 401 and "未配置" in answer["err_msg"]


def test_business_calls_need_a_sign_in_and_a_known_institution(fsi, employee):
    answer = fsi.call(
        "1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": employee.id_number}}
    )
    assert answer["infcode"] == -1 and "9001" in answer["err_msg"]
    unknown = envelope("9001", {"signIn": {}}, hospital=("H99999999999", "无", "220102"))
    assert fsi.post(unknown)[1]["err_msg"] == "定点医药机构编号不存在或未启用"


def test_get_and_infcode_as_string(fsi, client, settings):
    response = client.get("/fsi/api/rsfComIfsService/callService")
    assert response.status_code == 405 and response.json()["infcode"] == -1
    settings.YIMEN_FSI_INFCODE_AS_STRING = True
    assert fsi.post(envelope("9001", {"signIn": {}}))[1]["infcode"] == "0"


def test_person_and_visit_refusals(fsi, employee):
    fsi.sign_in()
    psn_no = str(employee.pk)
    bad = fsi.call("2201", {"data": {"psn_no": psn_no, "insutype": "390"}})
    assert bad["infcode"] == -1 and "险种" in bad["err_msg"]
    wrong_place = fsi.call("2201", {"data": {"psn_no": psn_no, "insutype": "310"}},
                           insuplc="460100")  # fmt: skip
    assert wrong_place["infcode"] == -1 and "insuplc_admdvs" in wrong_place["err_msg"]
    for psn in ("999999", "99999999999999999999999", "１２"):
        nobody = fsi.call("2201", {"data": {"psn_no": psn, "insutype": "310"}})
        assert nobody["infcode"] == -1 and "不存在" in nobody["err_msg"]
    token = fsi.call("1101", {"data": {"mdtrt_cert_type": "01", "mdtrt_cert_no": "x"}})
    assert token["infcode"] == -1
    psn, mdtrt_id = psn_no, fsi.call("2201", {"data": {"psn_no": psn_no, "insutype": "310"}})[
        "output"]["data"]["mdtrt_id"]  # fmt: skip
    mismatch = {"feedetl_sn": "1", "mdtrt_id": mdtrt_id, "psn_no": psn, "med_list_codg": "X",
                "det_item_fee_sumamt": "10.00", "cnt": 2, "pric": 3}  # fmt: skip
    answer = fsi.call("2204", {"feedetail": [mismatch]})
    assert answer["infcode"] == -1 and "单价" in answer["err_msg"]
    negative = {**mismatch, "det_item_fee_sumamt": "-6", "cnt": -2}
    assert fsi.call("2204", {"feedetail": [negative]})["infcode"] == -1
    nothing = fsi.call("2206", {"data": {"psn_no": psn, "mdtrt_id": mdtrt_id, "insutype": "310",
                                         "medfee_sumamt": 0}})  # fmt: skip
    assert nothing["infcode"] == -1 and "明细" in nothing["err_msg"]


@pytest.mark.parametrize("where", ["msgid", "opter_name", "input"])
def test_a_nul_character_anywhere_is_refused_cleanly(fsi, where):
    """PostgreSQL cannot store or compare text with a NUL; it must end as infcode -1, not a
    database error."""
    body = envelope("9001", {"signIn": {"opter_no": "1099"}})
    if where == "input":
        body["input"] = {"signIn": {"opter_no": "10\x0099", "mac": "a\x00"}}
    else:
        body[where] = f"{body[where]}\x00"
    status, answer = fsi.post(body)
    assert status == 200 and answer["infcode"] == -1 and "空字符" in answer["err_msg"]

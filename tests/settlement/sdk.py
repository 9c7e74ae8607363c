"""A hospital system speaking the wire format of the public Python HIS SDK (issue 20, item 6).

What that SDK does differently from our own test client: every request is signed with the
gateway's ``_api_*`` headers (HMAC-SHA1, millisecond timestamp), the body is compact UTF-8
JSON sent as ``text/plain; charset=utf-8``, the msgid is a 30-character upper-case UUID,
``infver`` is "1.0.0", ``recer_sys_code`` "99", ``dev_no``/``dev_safe_info``/``cainfo`` are
the literal string "null", ``signtype`` is "SM2" (nothing is signed in plain mode) and
``inf_time`` is the client's own clock, which need not agree with ours.

``outpatient_journey`` runs sign-in → person → registration → fee line → pre-settlement →
settlement → sign-out over any transport and returns the exchange (headers, exact body,
status, answer), which tests/settlement/fixtures/recorded/sdk_exchange.json keeps.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from yimen.settlement.fsi.auth import csb_headers

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOSPITAL = ("H22010200002", "长春市中心医院（演示）", "220102")
CONTENT_TYPE = "text/plain; charset=utf-8"
#: the client's clock runs two minutes behind ours: inf_time is its own, never checked
CLIENT_CLOCK_SKEW = timedelta(minutes=-2)

#: (headers, body bytes) -> (HTTP status, answer)
Transport = Callable[[dict[str, str], bytes], tuple[int, dict[str, Any]]]


def dumps(message: dict[str, Any]) -> bytes:
    """The SDK's body: compact UTF-8 JSON."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class SdkClient:
    def __init__(self, transport: Transport, access_key: str, secret: str, hospital=HOSPITAL,
                 clock: Callable[[], float] = time.time):  # fmt: skip
        self.transport, self.access_key, self.secret = transport, access_key, secret
        self.clock = clock  # the client machine's clock (Unix seconds)
        self.hospital, self.sign_no, self.insuplc = hospital, "", ""
        self.exchange: list[dict[str, Any]] = []

    def client_time(self) -> str:
        now = datetime.fromtimestamp(self.clock(), SHANGHAI) + CLIENT_CLOCK_SKEW
        return now.strftime("%Y-%m-%d %H:%M:%S")

    def envelope(self, infno: str, data: dict[str, Any]) -> dict[str, Any]:
        code, name, area = self.hospital
        return {
            "infno": infno,
            "msgid": uuid.uuid4().hex.upper()[:30],
            "mdtrtarea_admvs": area,
            "insuplc_admdvs": self.insuplc,
            "recer_sys_code": "99",
            "dev_no": "null",
            "dev_safe_info": "null",
            "cainfo": "null",
            "signtype": "SM2",
            "infver": "1.0.0",
            "opter_type": "1",
            "opter": "1099",
            "opter_name": "收费员",
            "inf_time": self.client_time(),
            "fixmedins_code": code,
            "fixmedins_name": name,
            "sign_no": self.sign_no,
            "input": data,
        }

    def call(self, infno: str, data: dict[str, Any]) -> dict[str, Any]:
        body = dumps(self.envelope(infno, data))
        signed = csb_headers(self.access_key, self.secret, now_ms=int(self.clock() * 1000))
        headers = {"Content-Type": CONTENT_TYPE, **signed}
        status, answer = self.transport(headers, body)
        self.exchange.append(
            {"headers": headers, "body": body.decode("utf-8"), "status": status,
             "response": answer}
        )  # fmt: skip
        return answer


def outpatient_journey(client: SdkClient, certno: str, psn_name: str) -> list[dict[str, Any]]:
    """One outpatient visit settled to the end; asserts each step succeeded."""

    def ok(answer: dict[str, Any]) -> dict[str, Any]:
        assert answer["infcode"] == 0, answer
        return answer["output"]

    out = ok(client.call("9001", {"signIn": {"opter_no": "1099", "mac": "null", "ip": "null"}}))
    client.sign_no = out["signinoutb"]["sign_no"]
    out = ok(client.call("1101", {"data": {
        "mdtrt_cert_type": "02", "mdtrt_cert_no": certno, "card_sn": "", "begntime": "",
        "psn_cert_type": "01", "certno": certno, "psn_name": psn_name}}))  # fmt: skip
    psn_no = out["baseinfo"]["psn_no"]
    client.insuplc = out["insuinfo"][0]["insuplc_admdvs"]
    begntime = client.client_time()
    out = ok(client.call("2201", {"data": {
        "psn_no": psn_no, "insutype": "310", "begntime": begntime, "mdtrt_cert_type": "02",
        "mdtrt_cert_no": certno, "ipt_otp_no": "MZ0001", "atddr_no": "D001",
        "dr_name": "李医生", "dept_code": "A03", "dept_name": "心内科门诊",
        "caty": "A03"}}))  # fmt: skip
    mdtrt_id = out["data"]["mdtrt_id"]
    ok(client.call("2204", {"feedetail": [{
        "feedetl_sn": "1", "mdtrt_id": mdtrt_id, "psn_no": psn_no, "chrg_bchno": "B1",
        "rxno": "null", "rx_circ_flag": "0", "fee_ocur_time": begntime,
        "med_list_codg": "XJ01CAA001", "medins_list_codg": "H-001",
        "det_item_fee_sumamt": 450.0, "cnt": 3, "pric": 150.0, "bilg_dept_codg": "A03",
        "bilg_dept_name": "心内科门诊", "bilg_dr_codg": "D001", "bilg_dr_name": "李医生",
        "hosp_appr_flag": "1"}]}))  # fmt: skip
    settle = {
        "psn_no": psn_no, "mdtrt_cert_type": "02", "mdtrt_cert_no": certno, "med_type": "11",
        "medfee_sumamt": 450.0, "psn_setlway": "01", "mdtrt_id": mdtrt_id, "chrg_bchno": "B1",
        "acct_used_flag": "1", "insutype": "310",
    }  # fmt: skip
    ok(client.call("2206", {"data": settle}))
    scope = {"invono": "FP0001", "fulamt_ownpay_amt": 0, "overlmt_selfpay": 0,
             "preselfpay_amt": 0, "inscp_scp_amt": 450.0}  # fmt: skip
    out = ok(client.call("2207", {"data": {**settle, **scope}}))
    assert out["setlinfo"]["medfee_sumamt"] in (450, 450.0, "450.00"), out
    ok(client.call("9002", {"signOut": {"sign_no": client.sign_no, "opter_no": "1099"}}))
    return client.exchange

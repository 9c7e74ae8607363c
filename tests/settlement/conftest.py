"""Fixtures of the settlement tests: reference data, insured persons, an interface client."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

import pytest

from tests.medins.helpers import insured
from yimen.medins.models import InsuranceType, InsuredStatus
from yimen.settlement.demo import load_reference

TOKEN = "test-bearer-token"  # a test credential
AUTH = [
    {"scheme": "bearer", "token": TOKEN, "institutions": "*"},
    {"scheme": "tif", "paasid": "yimen-test", "token": "tif-secret", "max_skew": 300,
     "institutions": ["H22010200002"]},
]  # fmt: skip
CHANGCHUN_HOSPITAL = ("H22010200002", "长春市中心医院（演示）", "220102")
HAIKOU_HOSPITAL = ("H46010000001", "海南省人民医院（演示）", "460100")
SEQ = count(1)


@pytest.fixture
def world(tree, settings):
    settings.YIMEN_FSI_AUTH = AUTH
    load_reference()
    return tree


@pytest.fixture
def employee(world):
    return insured(11, status=InsuredStatus.CONTRIBUTING, balance_fen=100000)


@pytest.fixture
def retiree(world):
    return insured(12, status=InsuredStatus.RETIRED, balance_fen=100000, name="王淑芬")


@pytest.fixture
def resident(world):
    return insured(13, status=InsuredStatus.CONTRIBUTING, insurance_type=InsuranceType.RESIDENT,
                   name="赵小燕")  # fmt: skip


def envelope(infno: str, data: dict[str, Any], *, hospital=CHANGCHUN_HOSPITAL, msgid=None,
             insuplc="220100", sign_no="") -> dict[str, Any]:  # fmt: skip
    code, name, area = hospital
    return {
        "infno": infno,
        "msgid": msgid or f"{code}20260101120000{next(SEQ):04d}",
        "mdtrtarea_admvs": area,
        "insuplc_admdvs": insuplc,
        "recer_sys_code": "YBXT",
        "dev_no": "",
        "dev_safe_info": "",
        "cainfo": "",
        "signtype": "",
        "infver": "V1.0",
        "opter_type": "1",
        "opter": "1099",
        "opter_name": "收费员",
        "inf_time": "2026-01-01 12:00:00",
        "fixmedins_code": code,
        "fixmedins_name": name,
        "sign_no": sign_no,
        "input": data,
    }


class Fsi:
    """A hospital system talking to the interface through Django's test client."""

    def __init__(self, client, hospital=CHANGCHUN_HOSPITAL):
        self.client, self.hospital, self.sign_no = client, hospital, ""
        self.pairs: list[dict[str, Any]] = []

    def post(self, body: Any, *, raw: bytes | None = None, headers=None, path="callService"):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"} if headers is None else headers
        payload = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
        response = self.client.post(f"/fsi/api/rsfComIfsService/{path}", payload,
                                    content_type="application/json", **headers)  # fmt: skip
        answer = response.json()
        self.pairs.append({"request": body, "status": response.status_code, "response": answer})
        return response.status_code, answer

    def call(self, infno: str, data: dict[str, Any], **kw) -> dict[str, Any]:
        kw.setdefault("hospital", self.hospital)
        kw.setdefault("sign_no", self.sign_no)
        return self.post(envelope(infno, data, **kw))[1]

    def sign_in(self) -> str:
        answer = self.call("9001", {"signIn": {"opter_no": "1099", "mac": "", "ip": "127.0.0.1"}})
        assert answer["infcode"] == 0, answer
        self.sign_no = answer["output"]["signinoutb"]["sign_no"]
        return self.sign_no


@pytest.fixture
def fsi(client, world):
    return Fsi(client)


@pytest.fixture
def fsi_haikou(client, world):
    return Fsi(client, HAIKOU_HOSPITAL)

"""Issue 20 item 5: answers a hospital system can use — the age in setlinfo, the pooling
area in 1101, and overlmt_selfpay checked on settlement like the other amounts."""

from __future__ import annotations

import pytest

from tests.medins.helpers import insured
from yimen.medins.models import InsuredStatus
from yimen.settlement.models import Settlement

from .test_interface import outpatient_bill, settle_body


def _info(fsi, person) -> dict:
    return fsi.call("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": person.id_number}})


def test_person_info_gives_the_pooling_area_not_the_district(fsi, world):
    district = insured(31, division="220102000000", status=InsuredStatus.CONTRIBUTING)
    fsi.sign_in()
    answer = _info(fsi, district)
    assert answer["output"]["insuinfo"][0]["insuplc_admdvs"] == "220100"


@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "ordinary path"])
def test_settlement_gives_the_age_1101_gives(fsi, employee, settings, fast):
    settings.YIMEN_FSI_FAST_SETTLE = fast
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    age = _info(fsi, employee)["output"]["baseinfo"]["age"]
    answer = fsi.post(settle_body(fsi, psn_no, mdtrt_id))[1]
    assert isinstance(age, int) and answer["output"]["setlinfo"]["age"] == age


@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "ordinary path"])
def test_overlmt_selfpay_must_equal_ours(fsi, employee, settings, fast):
    settings.YIMEN_FSI_FAST_SETTLE = fast
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    body = settle_body(fsi, psn_no, mdtrt_id)
    body["input"]["data"]["overlmt_selfpay"] = "1.00"  # ours is 0.00: no price cap exceeded
    answer = fsi.post(body)[1]
    assert answer["infcode"] == -1 and answer["err_msg"].startswith("overlmt_selfpay 与")
    assert not Settlement.objects.exists()
    body = settle_body(fsi, psn_no, mdtrt_id)
    body["input"]["data"]["overlmt_selfpay"] = "0.00"
    assert fsi.post(body)[1]["infcode"] == 0

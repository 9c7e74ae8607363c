"""Issue 20 item 3: amounts are bounded and exact — refused, naming the field, never
rounded, never an overflow answered as a generic error."""

from __future__ import annotations

import pytest

from yimen.settlement.models import FeeDetail, Settlement

from .test_interface import outpatient_bill, settle_body


def _register(fsi, person) -> tuple[str, str]:
    fsi.sign_in()
    psn_no = str(person.pk)
    reg = fsi.call("2201", {"data": {"psn_no": psn_no, "insutype": "310", "mdtrt_cert_type": "02",
                                     "mdtrt_cert_no": person.id_number}})  # fmt: skip
    return psn_no, reg["output"]["data"]["mdtrt_id"]


def _upload(fsi, psn_no, mdtrt_id, *, amount="10.00", cnt="1", pric="10.00") -> dict:
    line = {"feedetl_sn": "1", "mdtrt_id": mdtrt_id, "psn_no": psn_no,
            "med_list_codg": "XJ01CAA001", "det_item_fee_sumamt": amount, "cnt": cnt,
            "pric": pric}  # fmt: skip
    return fsi.call("2204", {"feedetail": [line]})


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "0.005", "pric": "0.005"}, "字段 det_item_fee_sumamt 为金额，最多两位小数"),
        ({"amount": 1e308, "pric": 1e308}, "字段 det_item_fee_sumamt 的金额超出上限 9999999.99 元"),
        ({"amount": "10.00", "cnt": "1", "pric": 1e308}, "字段 pric 超出上限 9999999999"),
        ({"amount": "10.00", "cnt": "1.00001", "pric": "10"}, "字段 cnt 最多 4 位小数"),
        ({"amount": "-5.00", "cnt": "1", "pric": "-5.00"}, "明细 1 的单价 pric 不能为负数"),
        ({"amount": "-5.00", "cnt": "-1", "pric": "5.00"}, "明细 1 为负数，须为住院退费"),
    ],
    ids=[
        "three decimals",
        "huge amount",
        "huge price",
        "quantity decimals",
        "negative price",
        "negative quantity",
    ],
)
def test_fee_line_bounds(fsi, employee, fields, message):
    psn_no, mdtrt_id = _register(fsi, employee)
    answer = _upload(fsi, psn_no, mdtrt_id, **fields)
    assert answer["infcode"] == -1 and answer["err_msg"].startswith(message), answer["err_msg"]
    assert not FeeDetail.objects.exists()


def test_configured_ceiling_per_field(fsi, employee, settings):
    settings.YIMEN_FSI_AMOUNT_CEILINGS = {"det_item_fee_sumamt": "100.00"}
    psn_no, mdtrt_id = _register(fsi, employee)
    refused = _upload(fsi, psn_no, mdtrt_id, amount="100.01", pric="100.01")
    assert refused["err_msg"] == "字段 det_item_fee_sumamt 的金额超出上限 100.00 元"
    assert _upload(fsi, psn_no, mdtrt_id, amount="100.00", pric="100.00")["infcode"] == 0


@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "ordinary path"])
def test_settlement_amount_with_three_decimals_is_refused(fsi, employee, settings, fast):
    settings.YIMEN_FSI_FAST_SETTLE = fast
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    answer = fsi.post(settle_body(fsi, psn_no, mdtrt_id, amount="500.001"))[1]
    assert (answer["infcode"], answer["err_msg"]) == (-1, "字段 medfee_sumamt 为金额，最多两位小数")
    assert not Settlement.objects.exists()

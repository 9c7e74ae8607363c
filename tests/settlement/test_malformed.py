"""Issue 20 item 4: malformed bodies get the right message, never the generic error."""

from __future__ import annotations

import json

import pytest

from .conftest import envelope


@pytest.mark.parametrize("depth", [300, 1000, 1020, 5000])
def test_deeply_nested_json_is_not_json_to_us(fsi, depth):
    fsi.sign_in()
    body = envelope("1101", {"data": {}}, sign_no=fsi.sign_no)
    raw = json.dumps(body, ensure_ascii=False).replace('"data": {}', '"data": {}, "x": '
                                                       + "[" * depth + "]" * depth)  # fmt: skip
    status, answer = fsi.post(None, raw=raw.encode())
    assert status == 200 and answer["infcode"] == -1
    if depth > 900:  # beyond what can be read or written back: refused as such
        assert answer["err_msg"].startswith("报文不是合法的 JSON")
    else:  # read, and refused by the handler like any 1101 without a certificate
        assert "JSON" not in answer["err_msg"] and "处理异常" not in answer["err_msg"]


def test_a_body_over_the_size_limit_is_http_400_infcode_minus_one(fsi, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = envelope("9001", {"signIn": {"opter_no": "1099", "memo": "备" * 1000}})
    status, answer = fsi.post(body)
    assert (status, answer["infcode"], answer["err_msg"]) == (400, -1, "报文过大或无法读取")

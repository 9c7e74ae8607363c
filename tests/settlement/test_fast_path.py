"""The fast settlement (fsi/settle_fast.py) and the lean WSGI entry (fsi/wsgi.py).

The fast path must answer and write exactly what the ordinary handler does, and give way to
it (writing nothing) whenever the bill is not plainly acceptable."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core import signals
from django.db import close_old_connections
from django.db.models import Sum
from django.utils import timezone

from tests.factories import user_with
from tests.medins.helpers import insured
from yimen.accounts.roles import Role
from yimen.medins.ledger import account_balance
from yimen.medins.models import AccountEntry, InsuranceType, InsuredStatus
from yimen.settlement.fsi.envelope import parse
from yimen.settlement.fsi.settle_fast import settle_fast
from yimen.settlement.models import DailyTotal, Encounter, FeeDetail, FsiMessage, Settlement
from yimen.settlement.services.filing import DOC_COMMITMENT, DOC_FORM, DOC_IDENTITY, filing_create

from .conftest import TOKEN, Fsi, envelope
from .test_interface import outpatient_bill, settle_body

#: answer fields that differ between two settlements of identical bills
VARYING = {"setl_id", "setl_time", "medins_setl_id", "mdtrt_id", "psn_no", "certno", "brdy",
           "psn_name", "gend", "age"}  # fmt: skip
ROW_FIELDS = ("kind", "status", "basis", "level", "emergency", "cross_province", "ratio",
              "critical_base", "line_count", "medfee_sumamt", "fund_pay_sumamt", "hifp_pay",
              "acct_pay", "psn_cash_pay", "balc", "setldetail", "reasons", "filing_id")  # fmt: skip


def _person(serial: int, kind: str) -> Any:
    if kind == "resident":
        return insured(serial, status=InsuredStatus.CONTRIBUTING,
                       insurance_type=InsuranceType.RESIDENT)  # fmt: skip
    status = InsuredStatus.RETIRED if kind == "retiree" else InsuredStatus.CONTRIBUTING
    return insured(serial, status=status, balance_fen=100000)


def _file_in_hainan(world: Any, person: Any, category: str) -> None:
    filing_create(
        user_with(Role.MEDINS_AGENCY, "220100"), person=person, category=category,
        destination_code="460000", begin_date=timezone.localdate() - timedelta(days=1),
        documents=[DOC_IDENTITY, DOC_FORM, DOC_COMMITMENT], channel="counter",
    )  # fmt: skip


def _settle(client, world, settings, *, fast: bool, serial: int, kind: str, hospital: str,
            filing: str | None, amount: str) -> tuple[dict, Any]:  # fmt: skip
    settings.YIMEN_FSI_FAST_SETTLE = fast
    person = _person(serial, kind)
    if filing:
        _file_in_hainan(world, person, filing)
    fsi = Fsi(client, hospital=_HOSPITALS[hospital])
    insutype = "390" if kind == "resident" else "310"
    psn_no, mdtrt_id = _bill(fsi, person, amount, insutype)
    data = {"psn_no": psn_no, "mdtrt_id": mdtrt_id, "medfee_sumamt": amount,
            "insutype": insutype, "acct_used_flag": "1", "mdtrt_cert_type": "02"}  # fmt: skip
    body = envelope("2207", {"data": data}, hospital=fsi.hospital, sign_no=fsi.sign_no)
    answer = fsi.post(body)[1]
    assert answer["infcode"] == 0, answer["err_msg"]
    return answer, person


def _bill(fsi: Fsi, person: Any, amount: str, insutype: str) -> tuple[str, str]:
    """Sign in, register, upload a class-A and a class-B line (as outpatient_bill does)."""
    fsi.sign_in()
    psn_no = str(person.pk)
    data = {"psn_no": psn_no, "insutype": insutype, "mdtrt_cert_type": "02",
            "mdtrt_cert_no": person.id_number}  # fmt: skip
    reg = fsi.call("2201", {"data": data})
    assert reg["infcode"] == 0, reg
    mdtrt_id = reg["output"]["data"]["mdtrt_id"]
    half = f"{float(amount) / 2:.2f}"
    lines = [{"feedetl_sn": str(n), "mdtrt_id": mdtrt_id, "psn_no": psn_no, "med_list_codg": code,
              "det_item_fee_sumamt": half, "cnt": 1, "pric": half}
             for n, code in enumerate(["XJ01CAA001", "XC10AAA005"])]  # fmt: skip
    assert fsi.call("2204", {"feedetail": lines})["infcode"] == 0
    return psn_no, mdtrt_id


_HOSPITALS = {
    "changchun": ("H22010200002", "长春市中心医院（演示）", "220102"),
    "haikou": ("H46010000001", "海南省人民医院（演示）", "460100"),
}


def _comparable(answer: dict) -> dict:
    info = {k: v for k, v in answer["output"]["setlinfo"].items() if k not in VARYING}
    return {"setlinfo": info, "setldetail": answer["output"]["setldetail"]}


def _rows(person: Any) -> dict:
    s = Settlement.objects.get(person=person)
    return {
        "settlement": {name: getattr(s, name) for name in ROW_FIELDS},
        "entries": sorted(
            AccountEntry.objects.filter(person=person).values_list("kind", "amount_fen", "memo")
        ),
        "linked": sorted(
            FeeDetail.objects.filter(settlement=s).values_list("feedetl_sn", flat=True)
        ),
        "visit": Encounter.objects.get(pk=s.encounter_id).status,
        "stored": FsiMessage.objects.get(msgid=s.msgid).infcode,
    }


@pytest.mark.parametrize(
    "kind, hospital, filing, amount",
    [
        ("employee", "changchun", None, "500.00"),
        ("retiree", "changchun", None, "2500.00"),
        ("resident", "changchun", None, "800.00"),
        ("employee", "haikou", None, "600.00"),  # unfiled, other temporary
        ("retiree", "haikou", "retiree", "900.00"),  # filed long-stay
        ("employee", "haikou", "temporary_other", "700.00"),  # filed temporary
    ],
)
def test_fast_path_answers_and_writes_what_the_handler_does(
    client, world, settings, kind, hospital, filing, amount
):
    args = dict(kind=kind, hospital=hospital, filing=filing, amount=amount)
    slow, slow_person = _settle(client, world, settings, fast=False, serial=31, **args)
    fast, fast_person = _settle(client, world, settings, fast=True, serial=32, **args)
    assert _comparable(fast) == _comparable(slow)
    fast_rows, slow_rows = _rows(fast_person), _rows(slow_person)
    if filing:  # each person has their own filing
        assert fast_rows["settlement"].pop("filing_id") and slow_rows["settlement"].pop("filing_id")
    assert fast_rows["entries"][1:] != [] or kind == "resident"
    for rows in (fast_rows, slow_rows):
        rows["entries"] = [(k, a) for k, a, _ in rows["entries"]]
    assert fast_rows == slow_rows
    # the daily totals hold both, in whichever shard
    totals = DailyTotal.objects.aggregate(n=Sum("count"), fee=Sum("medfee_fen"))
    assert totals == {"n": 2, "fee": 2 * int(amount.replace(".", ""))}


def test_fast_path_is_taken_for_a_plain_bill_and_writes_its_rows(fsi, employee):
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    message = settle_body(fsi, psn_no, mdtrt_id)
    body = settle_fast(parse(message, None))
    assert body is not None and body["infcode"] == 0
    assert body["output"]["setlinfo"]["acct_pay"] == 400.0
    assert FsiMessage.objects.get(msgid=message["msgid"]).response == body
    assert account_balance(employee) == 100000 - 40000
    assert Encounter.objects.get(mdtrt_id=mdtrt_id).status == "settled"


@pytest.mark.parametrize(
    "change",
    [
        {"sign_no": "NOSUCHSIGN"},
        {"mdtrtarea_admvs": "460100"},
        {"insuplc_admdvs": ""},
        {"data": {"psn_no": "999999"}},
        {"data": {"medfee_sumamt": "499.00"}},
        {"data": {"insutype": "390"}},
        {"data": {"mdtrt_id": "NOSUCHVISIT"}},
        {"infno": "2304"},
    ],
)
def test_fast_path_gives_way_and_writes_nothing(fsi, employee, change):
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    body = settle_body(fsi, psn_no, mdtrt_id)
    body["input"]["data"].update(change.pop("data", {}))
    body.update(change)
    assert settle_fast(parse(body, None)) is None
    assert not Settlement.objects.exists()
    assert not FsiMessage.objects.filter(msgid=body["msgid"]).exists()
    assert account_balance(employee) == 100000
    # and the ordinary handler refuses it in Chinese
    answer = fsi.post(body)[1]
    assert answer["infcode"] == -1 and answer["err_msg"]


def test_settled_visit_and_bill_without_lines_give_way(fsi, employee):
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    assert fsi.post(settle_body(fsi, psn_no, mdtrt_id))[1]["infcode"] == 0
    assert settle_fast(parse(settle_body(fsi, psn_no, mdtrt_id), None)) is None
    assert Settlement.objects.count() == 1


def test_duplicate_msgid_on_another_visit_is_refused_and_rolled_back(fsi, employee):
    first_visit = outpatient_bill(fsi, employee)
    second_visit = outpatient_bill(fsi, employee)
    msgid = "H22010200002202601011200006666"
    first = fsi.post(settle_body(fsi, *first_visit, msgid=msgid))[1]
    again = fsi.post(settle_body(fsi, *second_visit, msgid=msgid))[1]
    # issue 20: another message under a used msgid is not a retry
    assert first["infcode"] == 0 and again["infcode"] == -1
    assert "已用于另一笔报文" in again["err_msg"]
    assert fsi.post(settle_body(fsi, *first_visit, msgid=msgid))[1] == first  # a true retry
    # the second visit's fast settlement was rolled back whole
    assert Settlement.objects.count() == 1
    assert Encounter.objects.get(mdtrt_id=second_visit[1]).status == "open"
    assert account_balance(employee) == 100000 - 40000


def _environ(body: bytes, *, method="POST", path="/fsi/api/rsfComIfsService/callService",
             auth=True, host="127.0.0.1") -> dict:  # fmt: skip
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": host, "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host, "wsgi.url_scheme": "http", "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
    }  # fmt: skip
    if auth:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    return environ


def _call(environ: dict) -> tuple[int, dict, bytes]:
    """Through the WSGI application gunicorn serves; like Django's test client, without
    closing the test's database connection at the end of the request."""
    from yimen.wsgi import application

    started: list[Any] = []
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        chunks = application(environ, lambda status, headers: started.append((status, headers)))
        data = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    status = int(started[0][0].split()[0])
    return status, dict(started[0][1]), data


def test_lean_entry_settles_and_refuses_like_the_view(fsi, employee, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    body = json.dumps(settle_body(fsi, psn_no, mdtrt_id), ensure_ascii=False).encode()
    status, headers, data = _call(_environ(body))
    answer = json.loads(data)
    assert status == 200 and answer["infcode"] == 0
    assert headers["Content-Type"] == "application/json"
    assert answer == FsiMessage.objects.get(infno="2207").response
    # the infno in the path is honoured too
    path = "/fsi/api/rsfComIfsService/callService/2207"
    status, _, data = _call(_environ(body, path=path))
    assert status == 200 and json.loads(data) == answer  # a retry: the first answer
    status, _, data = _call(_environ(body, method="GET"))
    assert status == 405 and json.loads(data)["infcode"] == -1
    status, _, data = _call(_environ(body, auth=False))
    assert status == 401 and json.loads(data)["err_msg"] == "接口鉴权失败"
    status, _, data = _call(_environ(body, host="evil.example"))
    assert status == 400 and json.loads(data)["infcode"] == -1
    status, _, data = _call(_environ(b"{not json"))
    assert status == 200 and json.loads(data)["err_msg"] == "报文不是合法的 JSON"


def test_lean_entry_never_answers_500(fsi, employee, settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    body = json.dumps(settle_body(fsi, psn_no, mdtrt_id), ensure_ascii=False).encode()

    def broken(env):
        raise RuntimeError("boom")

    monkeypatch.setattr("yimen.settlement.fsi.view.settle_fast", broken)
    status, _, data = _call(_environ(body))
    assert status == 200 and json.loads(data)["err_msg"].startswith("中心系统处理异常")
    assert not Settlement.objects.exists()


def test_other_paths_go_to_django(db, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    status, headers, _ = _call(_environ(b"", method="GET", path="/public/disclosure/"))
    assert status == 200 and "Content-Security-Policy" in headers
    status, _, _ = _call(_environ(b"", path="/fsi/api/rsfComIfsService/callService/a/b"))
    assert status == 404


def test_fold_keeps_every_total_and_leaves_today_alone(db, tree):
    from django.core.management import call_command

    from yimen.settlement.services.settling import daily_totals_fold

    today = timezone.localdate()
    past = today - timedelta(days=3)
    key = dict(insured_division_code="220100000000", treatment_division_code="460100000000",
               kind="outpatient", cross_province=True, emergency=False)  # fmt: skip
    for day in (past, today):
        for shard in (0, 3, 7):
            DailyTotal.objects.create(day=day, shard=shard, count=shard + 1,
                                      medfee_fen=100 * (shard + 1), fund_fen=10, **key)  # fmt: skip
    DailyTotal.objects.create(day=past, shard=5, count=-1, medfee_fen=-100, fund_fen=-10,
                              **{**key, "emergency": True})  # fmt: skip
    before = DailyTotal.objects.values("day", "emergency").annotate(
        n=Sum("count"), fee=Sum("medfee_fen"), fund=Sum("fund_fen")
    )
    expected = sorted((r["day"], r["emergency"], r["n"], r["fee"], r["fund"]) for r in before)
    assert daily_totals_fold(before=today) == 3
    after = DailyTotal.objects.values("day", "emergency").annotate(
        n=Sum("count"), fee=Sum("medfee_fen"), fund=Sum("fund_fen")
    )
    got = sorted((r["day"], r["emergency"], r["n"], r["fee"], r["fund"]) for r in after)
    assert got == expected
    assert set(DailyTotal.objects.filter(day=past).values_list("shard", flat=True)) == {0}
    assert DailyTotal.objects.filter(day=today).count() == 3
    assert daily_totals_fold(before=today) == 0
    call_command("settlement_fold_daily", before=today + timedelta(days=1))
    assert DailyTotal.objects.filter(day=today).get().count == 1 + 4 + 8


def test_fast_path_writes_the_ledger_only_through_medins_statement():
    """Issue 16: the ledger's table is written by medins.ledger's statement, named nowhere in
    settlement (a settlement-side INSERT would bypass the ledger's checks)."""
    from pathlib import Path

    import yimen.settlement as app

    for path in Path(app.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "INTO medins_accountentry" not in text, path
        assert "AccountEntry.objects.create" not in text, path

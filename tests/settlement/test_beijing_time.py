"""Issue 20 item 2: every time the interface writes or prints is Beijing time, on the fast
and on the ordinary path — checked with the clock just before midnight UTC, when UTC and
Beijing (UTC+8) are on different dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from yimen.settlement.models import Encounter, Settlement, SignIn

from .test_interface import outpatient_bill, settle_body

#: 23:50 UTC on 1 March = 07:50 on 2 March in Beijing
NEAR_MIDNIGHT_UTC = datetime(2026, 3, 1, 23, 50, tzinfo=UTC)


@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "ordinary path"])
def test_times_and_days_are_beijing_near_midnight_utc(fsi, employee, settings, fast):
    settings.YIMEN_FSI_FAST_SETTLE = fast
    with time_machine.travel(NEAR_MIDNIGHT_UTC, tick=False):
        psn_no, mdtrt_id = outpatient_bill(fsi, employee)
        answer = fsi.post(settle_body(fsi, psn_no, mdtrt_id))[1]
        signed = fsi.call("9001", {"signIn": {"opter_no": "1099", "mac": "", "ip": "127.0.0.1"}})
        outpatient = fsi.call("2201", {"data": {"psn_no": psn_no, "insutype": "310",
                                                "mdtrt_cert_type": "02",
                                                "mdtrt_cert_no": employee.id_number,
                                                "begntime": "2026-03-02 07:45:00"}})  # fmt: skip
    assert answer["infcode"] == 0, answer
    assert answer["output"]["setlinfo"]["setl_time"] == "2026-03-02 07:50:00"
    assert answer["refmsg_time"].startswith("20260302075000")
    assert answer["inf_refmsgid"][6:20] == "20260302075000"
    assert signed["output"]["signinoutb"]["sign_time"] == "2026-03-02 07:50:00"
    assert signed["output"]["signinoutb"]["sign_no"].startswith("20260302075000")
    assert fsi.sign_no.startswith("20260302075000")
    settlement = Settlement.objects.get()
    assert (settlement.day, settlement.year) == (date(2026, 3, 2), 2026)
    assert settlement.setl_id.startswith("S20260302075000")
    assert settlement.setl_time == NEAR_MIDNIGHT_UTC
    assert SignIn.objects.filter(sign_no__startswith="20260302").count() == 2
    # a hospital's own clock (begntime) is read as Beijing time
    visit = Encounter.objects.get(mdtrt_id=outpatient["output"]["data"]["mdtrt_id"])
    assert visit.begntime == datetime(2026, 3, 1, 23, 45, tzinfo=UTC)

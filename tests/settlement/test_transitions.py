"""The settlement state machines (issue 16): declared in transitions.py, guarded, and the
only place a status is assigned; the interface's refusals keep their Chinese wording."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import yimen.settlement as app
from yimen.settlement.errors import SettlementWrongState, VisitWrongState
from yimen.settlement.models import Encounter, Settlement, SettlementStatus
from yimen.settlement.models.encounter import EncounterStatus
from yimen.settlement.transitions import (
    VISIT_ALLOWED,
    settlement_move,
    visit_move,
    visit_settle_statement,
)

from .test_interface import outpatient_bill, settle_body


def test_an_undeclared_visit_move_is_refused_and_writes_nothing(fsi, employee):
    _, mdtrt_id = outpatient_bill(fsi, employee)
    visit = Encounter.objects.get(mdtrt_id=mdtrt_id)
    with pytest.raises(VisitWrongState) as caught:
        visit_move(visit, EncounterStatus.OPEN)  # open → open is no move
    assert caught.value.code == "settlement.visit_state"
    assert "不能变为" in caught.value.render("zh-hans")
    assert "cannot become" in caught.value.render("en")
    assert EncounterStatus.CANCELLED not in VISIT_ALLOWED  # cancelled is final


def test_a_move_lost_to_a_concurrent_one_is_refused(fsi, employee):
    _, mdtrt_id = outpatient_bill(fsi, employee)
    stale = Encounter.objects.get(mdtrt_id=mdtrt_id)
    visit_move(Encounter.objects.get(mdtrt_id=mdtrt_id), EncounterStatus.CANCELLED)
    # the stale copy still says open: the guard in the UPDATE refuses it
    with pytest.raises(VisitWrongState):
        visit_move(stale, EncounterStatus.SETTLED)
    assert Encounter.objects.get(mdtrt_id=mdtrt_id).status == EncounterStatus.CANCELLED
    with pytest.raises(VisitWrongState):
        visit_settle_statement(visit_id=stale.pk, source=EncounterStatus.CANCELLED)


def test_settlement_moves_are_guarded(fsi, employee):
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    assert fsi.post(settle_body(fsi, psn_no, mdtrt_id))[1]["infcode"] == 0
    settlement = Settlement.objects.get()
    with pytest.raises(SettlementWrongState):
        settlement_move(settlement, SettlementStatus.SETTLED)
    stale = Settlement.objects.get()
    settlement_move(settlement, SettlementStatus.CANCELLED, cancel_msgid="x")
    with pytest.raises(SettlementWrongState):
        settlement_move(stale, SettlementStatus.CANCELLED, cancel_msgid="y")
    assert Settlement.objects.get().cancel_msgid == "x"


def test_visit_refusals_keep_the_interface_wording(fsi, employee):
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    data = {"data": {"psn_no": psn_no, "mdtrt_id": mdtrt_id}}
    answer = fsi.call("2202", data)
    assert (answer["infcode"], answer["err_msg"]) == (-1, "该就诊仍有费用明细，请先撤销明细")
    answer = fsi.call("2402", {"dscginfo": {"psn_no": psn_no, "mdtrt_id": mdtrt_id}})
    assert (answer["infcode"], answer["err_msg"]) == (-1, "该就诊不是在院状态，不能办理出院")
    answer = fsi.call("2405", data)
    assert (answer["infcode"], answer["err_msg"]) == (-1, "该就诊不是已出院未结算状态")
    assert fsi.post(settle_body(fsi, psn_no, mdtrt_id))[1]["infcode"] == 0
    answer = fsi.call("2202", data)
    assert (answer["infcode"], answer["err_msg"]) == (-1, "该就诊已结算或已撤销，不能撤销")
    assert Encounter.objects.get(mdtrt_id=mdtrt_id).status == EncounterStatus.SETTLED


#: an assignment in Python (not a comparison, not SQL's s.status = 'x' in a WHERE), an ORM
#: update of the field, or an SQL SET of it
STATUS_WRITE = re.compile(r"\.status\s*=\s*[^='\s]|update\([^)]*\bstatus\s*=|SET\s+status\b", re.I)


def test_status_is_assigned_only_in_transitions():
    """House rule 3: no module of the app but transitions.py writes a status."""
    offenders = []
    for path in Path(app.__file__).parent.rglob("*.py"):
        if path.name == "transitions.py" or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if STATUS_WRITE.search(line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []

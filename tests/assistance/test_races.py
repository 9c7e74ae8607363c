"""Approvers deciding at the same moment (PostgreSQL, real locks): one decision per case,
the others refused cleanly — no unique-constraint 500 and no deadlock with the cycle page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.assistance.test_cycles_and_limits import _ready_for_decision
from tests.factories import NANLING, user_with
from tests.races import on_postgres, one_winner, race
from yimen.accounts.roles import Role
from yimen.assistance.errors import WrongStep
from yimen.assistance.limits import cycle_of
from yimen.assistance.models import Decision
from yimen.assistance.services import steps
from yimen.assistance.services.cycles import CycleDecision, CycleRowRefused, cycle_decide
from yimen.audit.verify import verify_chain
from yimen.errors import Conflict
from yimen.workflow.models import Task

pytestmark = on_postgres
APPROVERS = 10


def _decide(approver, application):
    return lambda: steps.case_decide(
        actor=approver,
        application=application,
        approve=True,
        reasons="",
        assistance_type="dibao",
        monthly_amount=Decimal("800.00"),
    )


def test_simultaneous_decisions_on_one_case_have_one_winner(staff, settings, tmp_path):
    application = _ready_for_decision(staff, settings, tmp_path)
    approvers = [user_with(Role.TOWNSHIP_APPROVER, NANLING) for _ in range(APPROVERS)]
    results = race(*[_decide(a, application) for a in approvers])
    decision = one_winner(results, WrongStep)
    assert isinstance(decision, Decision)
    assert Decision.objects.filter(application=application).count() == 1
    assert Task.objects.filter(case=application.case, step="decide", status="done").count() == 1
    assert verify_chain().ok


@pytest.mark.parametrize("round_", range(4))
def test_cycle_page_and_a_single_decision_do_not_deadlock(staff, settings, tmp_path, round_):
    first = _ready_for_decision(staff, settings, tmp_path)
    second = _ready_for_decision(staff, settings, tmp_path, head="赵淑珍", area_serial="013")
    start = cycle_of(NANLING, date.today())[0]
    Task.objects.filter(step="decide").update(opened_at=first.created_at.replace(year=2000))
    alone = user_with(Role.TOWNSHIP_APPROVER, NANLING)
    rows = [
        CycleDecision(first.pk, approve=True, assistance_type="dibao", monthly_amount=Decimal(800)),
        CycleDecision(second.pk, approve=False, reasons="存款超过规定"),
    ]
    results = race(
        lambda: cycle_decide(
            actor=staff.approver, township_code=NANLING, cycle_start=start, decisions=rows
        ),
        _decide(alone, second),
    )
    # Both may not win (they decide the same second case); the loser is refused, not killed
    # by the database. Whoever won, the cases hold exactly the winner's decisions.
    # the cycle page names the case it could not decide (CycleRowRefused) around the refusal
    results = [r.cause if isinstance(r, CycleRowRefused) else r for r in results]
    winner = one_winner(results, Conflict)
    if isinstance(winner, list):  # the cycle page won both cases
        assert Decision.objects.filter(application__in=[first, second]).count() == 2
    else:
        assert set(Decision.objects.values_list("application_id", flat=True)) == {second.pk}
    assert verify_chain().ok

"""The approval cycle page: each case with the rules' proposal and the per-capita income,
a refused row named and every row's choices kept, and an empty cycle that says why."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from tests.assistance.conftest import household_input, id_number
from tests.assistance.test_case_paths import attach_basics, investigate
from tests.factories import NANLING
from yimen.assistance.models import Decision
from yimen.assistance.proposal import proposal_for
from yimen.assistance.services import intake, steps
from yimen.assistance.services.cycles import (
    CycleDecision,
    CycleRowRefused,
    cycle_decide,
)

SH = ZoneInfo("Asia/Shanghai")
# cycles start on the 1st and 16th (the default): the 20th is in the cycle of the 16th
BEFORE_CYCLE = datetime(2026, 11, 12, 10, 0, tzinfo=SH)
AFTER_START = datetime(2026, 11, 18, 10, 0, tzinfo=SH)
VIEWED = datetime(2026, 11, 20, 10, 0, tzinfo=SH)


def _ready(staff, at, *, head, serial):
    """A one-person household waiting for the decision since ``at``."""
    with time_machine.travel(at, tick=False):
        data = household_input()
        data.members = data.members[:1]
        data.members[0].name = head
        data.members[0].id_number = id_number("19700312", serial)
        application = intake.application_create(actor=staff.caseworker, data=data)
        attach_basics(staff.caseworker, application)
        steps.case_accept(actor=staff.caseworker, application=application)
        investigate(staff, application)
    return application


@pytest.fixture
def cycle(staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_parameters", verbosity=0)
    return (
        _ready(staff, BEFORE_CYCLE, head="张建明", serial="011"),
        _ready(staff, BEFORE_CYCLE, head="赵淑珍", serial="013"),
    )


def _row(body: str, pk: int) -> str:
    match = re.search(rf'<tr id="row-{pk}"[^>]*>.*?</tr>', body, re.S)
    assert match, f"no row for application {pk}"
    return match.group(0)


def test_each_row_shows_the_proposal_and_the_per_capita_income(client, staff, cycle):
    first, _ = cycle
    client.force_login(staff.approver)
    with time_machine.travel(VIEWED, tick=False):
        body = client.get("/assistance/cycles/?step=decide").content.decode()
        proposal = proposal_for(first)
    assert proposal.per_capita_income is not None and proposal.assistance_type
    row = _row(body, first.pk)
    assert f'id="income-{first.pk}">{proposal.per_capita_income:.2f}<' in row
    assert f"{proposal.type_label} · {proposal.monthly_amount:.2f}" in row
    # the proposal is the row's default, so agreeing with it needs no typing
    assert f'value="{proposal.monthly_amount:.2f}"' in row or (
        f'value="{proposal.monthly_amount}"' in row
    )


def test_a_refused_row_is_named_and_every_choice_is_kept(client, staff, cycle):
    first, second = cycle
    client.force_login(staff.approver)
    with time_machine.travel(VIEWED, tick=False):
        page = client.post(
            "/assistance/cycles/?step=decide",
            {
                f"choice-{first.pk}": "approve",
                f"type-{first.pk}": "tekun",
                f"amount-{first.pk}": "812.50",
                f"reasons-{first.pk}": "按特困供养",
                f"choice-{second.pk}": "refuse",
                f"reasons-{second.pk}": "",
            },
        )
    assert page.status_code == 400
    assert Decision.objects.count() == 0
    body = page.content.decode()
    assert f"{second.case.number}（赵淑珍）" in body or f"{second.case.number} (赵淑珍)" in body
    kept = _row(body, first.pk)
    assert '<option value="approve" selected>' in kept
    assert '<option value="tekun" selected>' in kept
    assert 'value="812.50"' in kept and 'value="按特困供养"' in kept
    failed = _row(body, second.pk)
    assert 'class="warn"' in failed and '<option value="refuse" selected>' in failed


def test_the_refusal_names_the_case_in_both_languages(staff, cycle):
    first, second = cycle
    with time_machine.travel(VIEWED, tick=False), pytest.raises(CycleRowRefused) as refused:
        cycle_decide(
            actor=staff.approver,
            township_code=NANLING,
            cycle_start=VIEWED.date().replace(day=16),
            decisions=[
                CycleDecision(first.pk, True, "", "dibao", Decimal("-1")),
                CycleDecision(second.pk, False, "存款超标"),
            ],
        )
    assert refused.value.application_id == first.pk
    assert refused.value.status == 400
    assert first.case.number in refused.value.render("zh-hans")
    assert "张建明" in refused.value.render("en")
    assert "月" in refused.value.render("zh-hans") and "monthly" in refused.value.render("en")
    assert Decision.objects.count() == 0


def test_an_empty_cycle_says_which_cases_wait_and_from_when(client, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    late = _ready(staff, AFTER_START, head="孙立", serial="015")
    client.force_login(staff.approver)
    with time_machine.travel(VIEWED, tick=False):
        body = client.get("/assistance/cycles/?step=decide").content.decode()
    assert 'id="cycle-empty"' in body and f'id="row-{late.pk}"' not in body
    waiting = re.search(rf'<tr id="waiting-{late.pk}">.*?</tr>', body, re.S).group(0)
    assert late.case.number in waiting
    assert "2026-11-18" in waiting  # waiting since
    assert "2026-12-01" in waiting  # decided in the cycle of December 1st


def test_nothing_waiting_says_so(client, staff):
    client.force_login(staff.approver)
    with time_machine.travel(VIEWED, tick=False):
        body = client.get("/assistance/cycles/?step=decide").content.decode()
    assert 'id="cycle-empty"' in body and 'id="cycle-waiting"' not in body


@pytest.mark.django_db
def test_the_demo_has_a_cycle_with_a_case_to_decide(settings, tmp_path):
    from yimen.accounts.demo import load_demo_users
    from yimen.assistance.demo import load_assistance_demo

    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(VIEWED, tick=False):
        call_command("load_divisions", verbosity=0)
        load_demo_users()
        load_assistance_demo()
        for approver in ("approver", "approver2"):
            client = Client()
            client.force_login(type(staff_user := _user(approver)).objects.get(pk=staff_user.pk))
            body = client.get("/assistance/cycles/?step=decide").content.decode()
            assert 'id="cycle-form"' in body, approver
            assert len(re.findall(r'<tr id="row-\d+"', body)) == 1, approver


def _user(username):
    from yimen.accounts.models import User

    return User.objects.get(username=username)

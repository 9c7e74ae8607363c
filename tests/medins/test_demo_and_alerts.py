"""The demo loader (idempotent) and the deadline alerts (10 / 5 working days)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import user_with
from yimen.accounts.roles import Role
from yimen.medins.deadlines import transfer_alerts
from yimen.medins.demo import load
from yimen.medins.ledger import account_balance
from yimen.medins.models import AccountEntry, ContributionMonth, InsuredPerson, Transfer
from yimen.medins.services.incoming import transfer_apply
from yimen.workflow.calendar import add_working_days
from yimen.workflow.models import Notification

from .test_incoming import application

pytestmark = pytest.mark.django_db


def test_demo_loader_is_idempotent(tree):
    assert "5 new" in load()
    entries = AccountEntry.objects.count()
    months = ContributionMonth.objects.count()
    assert "0 new" in load()
    assert AccountEntry.objects.count() == entries and ContributionMonth.objects.count() == months
    statuses = set(InsuredPerson.objects.values_list("status", flat=True))
    assert statuses == {"stopped", "contributing", "retired"}
    stopped = InsuredPerson.objects.get(name="刘建国")
    assert account_balance(stopped) == 36 * 21_600


def test_alerts_reach_the_regions_staff_once_a_day(as_hainan):
    staff = user_with(Role.MEDINS_AGENCY, "460000000000")
    elsewhere = user_with(Role.MEDINS_AGENCY, "220100000000")
    transfer = transfer_apply(actor=staff, data=application())
    # the day in Beijing, as the service counts it (the UTC date differs from 16:00 UTC on)
    applied = timezone.localdate(transfer.applied_at)
    assert transfer.due_on == add_working_days(applied, 10)
    assert transfer_alerts(today=applied) == 0  # ten working days ahead: nothing yet
    day_before = transfer.due_on - timedelta(days=1)
    assert transfer_alerts(today=day_before) == 1
    assert transfer_alerts(today=day_before) == 0  # once a day
    late = transfer.due_on + timedelta(days=1)
    assert transfer_alerts(today=late) == 1
    notes = Notification.objects.filter(recipient=staff).order_by("day")
    assert [n.kind for n in notes] == ["due_soon", "overdue"]
    assert transfer.transfer_id in notes[1].message and "逾期" in notes[1].message
    assert not Notification.objects.filter(recipient=elsewhere).exists()
    Transfer.objects.filter(pk=transfer.pk).update(status="refused")
    assert transfer_alerts(today=late + timedelta(days=1)) == 0  # closed: no more alerts


def test_deadlines_and_reconcile_commands_run(as_hainan, capsys):
    staff = user_with(Role.MEDINS_AGENCY, "460000000000")
    transfer_apply(actor=staff, data=application())
    call_command("medins_deadlines")
    call_command("medins_reconcile")
    out = capsys.readouterr().out
    assert "new alert" in out and "在途转移 in flight: 1" in out

"""Deadline alerts: the outgoing side has 10 working days, the incoming side 5
(医保办发〔2021〕43号). Staff of the region hear of a transfer due within two working days or
overdue, once a day, through the workbench notifications; the incoming side also watches the
outgoing node's deadline on its requests, since the applicant asks there."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from yimen.accounts.models import RoleBinding
from yimen.accounts.roles import Role
from yimen.regions.codes import prefix_of
from yimen.workflow.calendar import add_working_days
from yimen.workflow.models import Notification

from .models import OPEN_STATUSES, Side, Transfer

SOON_DAYS = 2


def _staff_for(code: str) -> list[int]:
    """Users with an active medins binding whose division contains ``code``."""
    out = []
    bindings = RoleBinding.objects.filter(role=Role.MEDINS_AGENCY, active=True)
    for user_id, division in bindings.values_list("user_id", "division_id"):
        if code.startswith(prefix_of(division)):
            out.append(user_id)
    return out


def transfer_alerts(*, today: date | None = None) -> int:
    """Write today's due-soon and overdue notifications; returns how many were new."""
    today = today or timezone.localdate()
    soon = add_working_days(today, SOON_DAYS)
    made = 0
    due = Transfer.objects.filter(status__in=OPEN_STATUSES, due_on__lte=soon)
    with transaction.atomic():
        for t in due:
            kind = Notification.Kind.OVERDUE if t.due_on < today else Notification.Kind.DUE_SOON
            region = t.to_division if t.side == Side.INCOMING else t.from_division
            label = "逾期" if kind == Notification.Kind.OVERDUE else "即将到期"
            message = (
                f"医保关系转移 {t.transfer_id}（{t.name}，{t.get_status_display()}）"
                f"办理期限 {t.due_on:%Y-%m-%d} {label}"
            )[:300]
            for user_id in _staff_for(region):
                _, created = Notification.objects.get_or_create(
                    recipient_id=user_id, task=None, kind=kind, day=today, message=message
                )
                made += int(created)
    return made

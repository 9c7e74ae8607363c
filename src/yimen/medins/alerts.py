"""In-app alerts to the insurance staff of a region.

Why here and not in ``services``: the transfer use cases and the node's own bookkeeping
(``peers``: a hold, a disagreement found by reconciliation) both alert the staff; ``services``
imports ``peers``, so the shared piece sits below both."""

from __future__ import annotations

from django.utils import timezone

from yimen.accounts.models import RoleBinding
from yimen.accounts.roles import Action, Role
from yimen.accounts.scoping import can
from yimen.workflow.models import Notification


def alert_staff(*, division: str, message: str) -> int:
    """An in-app notice to every insurance officer who may act in ``division``.

    Written in the caller's transaction, so the alert stands or falls with what caused it."""
    users = {
        b.user
        for b in RoleBinding.objects.filter(
            role=Role.MEDINS_AGENCY, active=True, user__is_active=True
        ).select_related("user")
    }
    recipients = [u for u in users if can(u, Action.MEDINS_HANDLE, division)]
    today = timezone.localdate()
    Notification.objects.bulk_create(
        [
            Notification(recipient=u, kind=Notification.Kind.INFO, day=today, message=message[:300])
            for u in recipients
        ]
    )
    return len(recipients)

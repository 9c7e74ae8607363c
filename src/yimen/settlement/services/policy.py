"""Adding a dated policy set: checked completely before anything is written, and audited.

A set in force is never edited; a change is a new set from its effective date."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import can
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import Conflict, Forbidden, Invalid

from ..models import PolicySet
from ..rules.policy import PolicyError, policy_from_json


@transaction.atomic
def policy_set_add(
    actor: Any, *, division_code: str, valid_from: date, values: dict[str, Any], source: str
) -> PolicySet:
    """Store a complete policy for ``division_code`` from ``valid_from``."""
    if not (
        getattr(actor, "is_superuser", False) or can(actor, Action.MEDINS_HANDLE, division_code)
    ):
        raise Forbidden(_("You may not set the settlement policy of this division."),
                        code="settlement.policy_forbidden")  # fmt: skip
    try:
        policy_from_json(division_code, valid_from.isoformat(), values)
    except PolicyError as exc:
        raise Invalid(_("The policy is incomplete: %(problems)s"), code="settlement.policy_invalid",
                      problems="; ".join(exc.problems)) from exc  # fmt: skip
    if not source.strip():
        raise Invalid(
            _("Name the document the policy comes from."), code="settlement.policy_source"
        )
    if PolicySet.objects.filter(division_id=division_code, valid_from=valid_from).exists():
        raise Conflict(
            _("A policy set from this date exists already."), code="settlement.policy_dup"
        )
    row = PolicySet.objects.create(
        division_id=division_code, valid_from=valid_from, values=values, source=source
    )
    record_event(
        event_type=EventType.SETTLEMENT_POLICY_SET, subject=row, actor=actor,
        division_code=division_code, new={"valid_from": valid_from.isoformat(), "source": source},
    )  # fmt: skip
    return row

"""Adding a dated policy set: checked completely before anything is written, and audited.

A set in force is never edited; a change is a new set from its effective date."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from yimen.accounts.roles import Action
from yimen.accounts.scoping import can
from yimen.audit.events import EventType
from yimen.audit.services import record_event

from ..errors import (
    PolicyDuplicate,
    PolicyError,
    PolicyForbidden,
    PolicyInvalid,
    PolicySourceMissing,
)
from ..models import PolicySet
from ..rules.policy import policy_from_json


@transaction.atomic
def policy_set_add(
    actor: Any, *, division_code: str, valid_from: date, values: dict[str, Any], source: str
) -> PolicySet:
    """Store a complete policy for ``division_code`` from ``valid_from``."""
    if not (
        getattr(actor, "is_superuser", False) or can(actor, Action.MEDINS_HANDLE, division_code)
    ):
        raise PolicyForbidden()
    try:
        policy_from_json(division_code, valid_from.isoformat(), values)
    except PolicyError as exc:
        raise PolicyInvalid(problems="; ".join(exc.problems)) from exc
    if not source.strip():
        raise PolicySourceMissing()
    if PolicySet.objects.filter(division_id=division_code, valid_from=valid_from).exists():
        raise PolicyDuplicate()
    row = PolicySet.objects.create(
        division_id=division_code, valid_from=valid_from, values=values, source=source
    )
    record_event(
        event_type=EventType.SETTLEMENT_POLICY_SET, subject=row, actor=actor,
        division_code=division_code, new={"valid_from": valid_from.isoformat(), "source": source},
    )  # fmt: skip
    return row

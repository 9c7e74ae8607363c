"""Legal holds: placing and lifting them (use cases, audited) and reading them (scoped).

A hold keeps records from retention while a court case, an inquiry or an appeal may need
them. It names one record or a person (by ID number: every record they appear in). The
county's system administrator places and lifts holds in its area; the auditor and the
county supervisor read them."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from yimen.accounts.roles import Action
from yimen.accounts.scoping import acting_role, bindings_for, division_q
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.people import parse_id_number
from yimen.regions.codes import normalize_code
from yimen.regions.models import Division

from .errors import (
    HoldAlreadyLifted,
    HoldTargetRequired,
    NotAllowed,
    NotInScope,
    ReasonRequired,
    UnknownRecordType,
)
from .models import LegalHold
from .retention.categories import HOLDABLE_TYPES

MIN_REASON = 4


def _reason(text: str) -> str:
    reason = (text or "").strip()
    if len(reason) < MIN_REASON:
        raise ReasonRequired()
    return reason[:2000]


def _record_exists(record_type: str, record_id: str) -> bool:
    app_label, _, model_name = record_type.partition(".")
    model = apps.get_model(app_label, model_name)
    return model._default_manager.filter(pk=int(record_id)).exists()


@transaction.atomic
def hold_place(
    *,
    actor: Any,
    division_code: str,
    reason: str,
    record_type: str = "",
    record_id: str = "",
    person_id_number: str = "",
) -> LegalHold:
    """Place a hold on a record or on a person's records; refused before anything is
    written when the target, the reason or the actor's right is missing."""
    try:
        division = normalize_code(division_code)
    except ValueError:
        raise NotInScope() from None
    role = acting_role(actor, Action.LEGAL_HOLD, division)
    if role is None:
        raise NotAllowed()
    if not Division.objects.filter(code=division).exists():
        raise NotInScope()
    reason = _reason(reason)
    record_type, record_id = (record_type or "").strip(), (record_id or "").strip()
    number = (person_id_number or "").strip().upper()
    if number:
        number = parse_id_number(number, today=timezone.localdate()).number
    if record_id or record_type:
        if record_type not in HOLDABLE_TYPES:
            raise UnknownRecordType(record_type)
        if not record_id.isdigit() or len(record_id) > 12:
            raise HoldTargetRequired()
        if not _record_exists(record_type, record_id):
            raise NotInScope()
    elif not number:
        raise HoldTargetRequired()
    hold = LegalHold.objects.create(
        record_type=record_type,
        record_id=record_id,
        person_id_number=number,
        division_id=division,
        reason=reason,
        placed_by=actor,
        placed_at=timezone.now(),
    )
    record_event(
        event_type=EventType.LEGAL_HOLD_PLACED,
        subject=hold,
        actor=actor,
        role=role,
        division_code=division,
        new={"record": f"{record_type}:{record_id}" if record_id else "", "person": bool(number)},
        reason=reason,
    )
    return hold


@transaction.atomic
def hold_lift(*, actor: Any, hold_id: int, reason: str) -> LegalHold:
    """Lift an active hold; a hold lifted meanwhile by someone else is a conflict."""
    hold = holds_visible_to(actor).filter(pk=hold_id).first()
    if hold is None:
        raise NotInScope()
    role = acting_role(actor, Action.LEGAL_HOLD, hold.division_id)
    if role is None:
        raise NotAllowed()
    reason = _reason(reason)
    now = timezone.now()
    changed = LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
        lifted_at=now, lifted_by=actor, lift_reason=reason
    )
    if not changed:
        raise HoldAlreadyLifted()
    hold.refresh_from_db()
    record_event(
        event_type=EventType.LEGAL_HOLD_LIFTED,
        subject=hold,
        actor=actor,
        role=role,
        division_code=hold.division_id,
        old={"active": True},
        new={"active": False},
        reason=reason,
    )
    return hold


def holds_visible_to(user: Any) -> QuerySet[LegalHold]:
    """Holds of the user's area: to those who place them and to those who read the access
    log (the county supervisor, the auditor); nothing to anyone else."""
    q = division_q(user, Action.LEGAL_HOLD, "division__code") | division_q(
        user, Action.ACCESS_LOG_VIEW, "division__code"
    )
    return LegalHold.objects.filter(q).select_related("division", "placed_by", "lifted_by")


def may_place_holds(user: Any) -> bool:
    return bool(bindings_for(user, Action.LEGAL_HOLD))

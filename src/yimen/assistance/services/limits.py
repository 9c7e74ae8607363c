"""Use cases: setting a division's case time limits and cycle days (dated settings read by
``assistance.limits``). Administrators with account-managing rights above the division may
(the same right that sets the assistance parameters); every change is audited with the
old and new values and the reason.

A setting applies from its date on; a date already reached is refused, because deadlines
and cycles already computed from the setting in force would no longer agree with it. A
setting not yet in force may be corrected (same division and date)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, division_q
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.regions.codes import InvalidCode, normalize_code
from yimen.regions.models import Division

from ..errors import LimitsForbidden, LimitsInvalid, SettingInForce
from ..models import CaseTimeLimit, CycleSchedule

CALENDAR_DAYS = (1, 90)
WORKING_DAYS = (1, 60)
SOURCE_MAX = 200


def _manager(actor, code: str):
    for binding in bindings_for(actor, Action.ACCOUNT_MANAGE):
        if binding.covers(code):
            return binding
    raise LimitsForbidden()


def _common(division_code, valid_from, source, reason, today, errors) -> tuple[str, str, str]:
    try:
        code = normalize_code(str(division_code or ""))
    except InvalidCode:
        code = ""
    if not code or not Division.objects.filter(pk=code).exists():
        errors["division_code"] = [str(_("There is no division with this code."))]
    if not isinstance(valid_from, date):
        errors["valid_from"] = [str(_("Enter a date."))]
    elif valid_from < today:
        errors["valid_from"] = [
            str(_("A setting cannot start in the past: deadlines already set depend on it."))
        ]
    source = (source or "").strip()
    if not source or len(source) > SOURCE_MAX:
        errors["source"] = [
            str(_("Name the source (a document or decision), at most 200 characters."))
        ]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [str(_("Give the reason for the change; it is kept in the audit log."))]
    return code, source, reason[:2000]


def _in_range(value, bounds: tuple[int, int], name: str, errors: dict) -> None:
    low, high = bounds
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        errors[name] = [
            str(_("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high})
        ]


def parse_days(text: str) -> tuple[int, ...] | None:
    """ "1,16" → (1, 16): days 1–28 (every month has them), each once; None if unreadable."""
    parts = [p.strip() for p in str(text or "").replace("，", ",").split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        return None
    days = [int(p) for p in parts]
    if len(set(days)) != len(days) or not all(1 <= d <= 28 for d in days):
        return None
    return tuple(sorted(days))


def _save(model, code: str, valid_from: date, values: dict, today: date):
    """Create the row, or correct the one not yet in force; returns (row, old values)."""
    row = model.objects.select_for_update().filter(division_id=code, valid_from=valid_from).first()
    if row is not None:
        if row.valid_from <= today:
            raise SettingInForce()
        old = {name: getattr(row, name) for name in values}
        for name, value in values.items():
            setattr(row, name, value)
        row.save(update_fields=list(values))
        return row, old
    try:
        with transaction.atomic():
            row = model.objects.create(division_id=code, valid_from=valid_from, **values)
    except IntegrityError:
        # another administrator added the same division and date in between
        raise SettingInForce() from None
    return row, None


def _save_audited(model, event_type, actor, manager, code, valid_from, values, reason, today):
    """Store the dated row (``_save``) and audit it with its old and new values."""
    row, old = _save(model, code, valid_from, values, today)
    record_event(
        event_type=event_type,
        subject=row,
        actor=actor,
        role=manager.role,
        division_code=code,
        reason=reason,
        old=old,
        new={"division": code, "valid_from": valid_from.isoformat(), **values},
    )
    return row


@transaction.atomic
def time_limit_set(
    *,
    actor,
    division_code: str,
    valid_from: date,
    calendar_days: int,
    statutory_working_days: int,
    source: str,
    reason: str,
    reassessment_working_days: int = 10,
    today: date | None = None,
) -> CaseTimeLimit:
    """Set the target (calendar days) and statutory limit (working days) of a division's
    cases, and the working days within which a reported change of self-care is
    re-assessed [TK2021 Art.23: 10], from ``valid_from``; audited."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    code, source, reason = _common(division_code, valid_from, source, reason, today, errors)
    if code and "division_code" not in errors:
        manager = _manager(actor, code)
    _in_range(calendar_days, CALENDAR_DAYS, "calendar_days", errors)
    _in_range(statutory_working_days, WORKING_DAYS, "statutory_working_days", errors)
    _in_range(reassessment_working_days, WORKING_DAYS, "reassessment_working_days", errors)
    if errors:
        raise LimitsInvalid(errors)
    values = {
        "calendar_days": calendar_days,
        "statutory_working_days": statutory_working_days,
        "reassessment_working_days": reassessment_working_days,
        "source": source,
    }
    return _save_audited(
        CaseTimeLimit, EventType.TIME_LIMIT_SET, actor, manager, code, valid_from, values, reason,
        today,
    )  # fmt: skip


@transaction.atomic
def cycle_schedule_set(
    *,
    actor,
    division_code: str,
    valid_from: date,
    days: str,
    source: str,
    reason: str,
    today: date | None = None,
) -> CycleSchedule:
    """Set the days of the month on which a division's cycles run from ``valid_from``;
    audited."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    code, source, reason = _common(division_code, valid_from, source, reason, today, errors)
    if code and "division_code" not in errors:
        manager = _manager(actor, code)
    parsed = parse_days(days)
    if parsed is None:
        errors["days"] = [
            str(_("Enter days of the month from 1 to 28, separated by commas, e.g. 1,16."))
        ]
    if errors:
        raise LimitsInvalid(errors)
    values = {"days": ",".join(str(d) for d in parsed or ()), "source": source}
    return _save_audited(
        CycleSchedule, EventType.CYCLE_SCHEDULE_SET, actor, manager, code, valid_from, values,
        reason, today,
    )  # fmt: skip


def time_limits_visible_to(actor) -> QuerySet[CaseTimeLimit]:
    """The time limits set in the actor's area (account managers only; else none)."""
    return CaseTimeLimit.objects.filter(
        division_q(actor, Action.ACCOUNT_MANAGE, "division__code")
    ).select_related("division")


def cycle_schedules_visible_to(actor) -> QuerySet[CycleSchedule]:
    """The cycle schedules set in the actor's area (account managers only; else none)."""
    return CycleSchedule.objects.filter(
        division_q(actor, Action.ACCOUNT_MANAGE, "division__code")
    ).select_related("division")

"""Dated, per-division assistance parameters: the selector the rules call and the services
that add or correct a set (house rules 1, 5, 6).

A change applies only from its date. A standard in force is never edited: a new set is
added from today or later and the previous open-ended set is closed the day before, so
every past decision can still be re-derived from the set that was in force.

Permission: there is no dedicated action for parameters yet, so setting them needs a
superuser or the system administrator's ``account.manage`` at the division (a
province-bound system administrator sets the standards of every city below it). A
dedicated action belongs in ``accounts/roles.py`` when a civil-affairs role should own it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yimen.accounts.roles import Action
from yimen.accounts.scoping import can
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.regions.codes import InvalidCode, ancestor_codes, normalize_code
from yimen.regions.models import Division

from .errors import ParametersForbidden, ParametersInForce, ParametersInvalid, ParametersNotFound
from .models.parameters import ParameterSet
from .parameter_checks import (
    VALUE_FIELDS,
    _clean,
    _open_set_before,
    parameter_set_check,
)
from .rules.params import Params, Tier

# -- selectors ---------------------------------------------------------------------------


def to_params(row: ParameterSet) -> Params:
    """The plain, frozen ``Params`` the rules read, from one stored set."""
    return Params(
        division_code=row.division_id,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        source=row.source,
        placeholder=row.placeholder,
        dibao_standard_urban=Decimal(row.dibao_standard_urban),
        dibao_standard_rural=Decimal(row.dibao_standard_rural),
        deposit_months=row.deposit_months,
        max_homes=row.max_homes,
        allow_market_entity=row.allow_market_entity,
        tekun_factor=Decimal(row.tekun_factor),
        tekun_care_full=Decimal(row.tekun_care_full),
        tekun_care_partial=Decimal(row.tekun_care_partial),
        tekun_care_none=Decimal(row.tekun_care_none),
        low_income_factor=Decimal(row.low_income_factor),
        employment_cost_deduction=Decimal(row.employment_cost_deduction),
        elderly_age=row.elderly_age,
        minor_age=row.minor_age,
        exempt_income=frozenset(row.exempt_income),
        exempt_vehicles=frozenset(row.exempt_vehicles),
        payment_rounding=row.payment_rounding,
        payment_rounding_mode=row.payment_rounding_mode,
        payment_minimum=Decimal(row.payment_minimum),
        tekun_exempt_income=frozenset(row.tekun_exempt_income),
        tekun_deposit_months=row.tekun_deposit_months,
        tekun_max_homes=row.tekun_max_homes,
        tekun_allow_market_entity=row.tekun_allow_market_entity,
        low_income_deposit_months=row.low_income_deposit_months,
        low_income_max_homes=row.low_income_max_homes,
        low_income_allow_market_entity=row.low_income_allow_market_entity,
        income_lookback_months=row.income_lookback_months,
        disposable_income_last_year=Decimal(row.disposable_income_last_year),
        tiers=tuple(
            Tier(
                code=str(t["code"]),
                label=str(t.get("label", "")),
                amount_per_person=Decimal(str(t["amount_per_person"])),
            )
            for t in row.tiers
        ),
    )


def parameter_set_in_force(division_code: str, on: date) -> ParameterSet:
    """The stored set covering ``on`` for the division or, failing that, its nearest
    ancestor (one query). Raises ``ParametersNotFound`` when none covers the date."""
    try:
        code = normalize_code(division_code)
    except InvalidCode:
        raise ParametersNotFound(str(division_code), on) from None
    chain = [*ancestor_codes(code), code]  # province first, the division itself last
    rows = list(
        ParameterSet.objects.filter(division_id__in=chain, valid_from__lte=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )
    )
    if not rows:
        raise ParametersNotFound(code, on)
    depth = {c: i for i, c in enumerate(chain)}
    return max(rows, key=lambda r: depth[r.division_id])


def params_for(division_code: str, on: date) -> Params:
    """The parameters in force for ``division_code`` on ``on`` (its own or the nearest
    ancestor's set). Raises ``ParametersNotFound`` (404) when none is set."""
    return to_params(parameter_set_in_force(division_code, on))


def parameter_sets_of(division_code: str):
    """Every set stored for one division, newest first (its history)."""
    return ParameterSet.objects.filter(division_id=division_code).order_by("-valid_from")


# -- validation --------------------------------------------------------------------------


# -- services ----------------------------------------------------------------------------


def _values(row: ParameterSet) -> dict[str, Any]:
    """The audited picture of a set: JSON-safe, decimals as strings."""
    out: dict[str, Any] = {
        "division_code": row.division_id,
        "valid_from": row.valid_from.isoformat(),
        "valid_to": row.valid_to.isoformat() if row.valid_to else None,
    }
    for name in VALUE_FIELDS:
        value = getattr(row, name)
        out[name] = str(value) if isinstance(value, Decimal) else value
    return out


def _check_permission(actor, division_code: str) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise ParametersForbidden()
    if not (actor.is_superuser or can(actor, Action.ACCOUNT_MANAGE, division_code)):
        raise ParametersForbidden()


def _write(row: ParameterSet, clean: dict[str, Any]) -> None:
    row.division_id = clean["division_code"]
    row.valid_from = clean["valid_from"]
    row.valid_to = clean["valid_to"]
    for name in VALUE_FIELDS:
        setattr(row, name, clean[name])
    row.save()


def _lock_division(division_code: str) -> None:
    """Serialise writers of one division's sets, so two overlapping adds cannot both pass
    the overlap check (a no-op lock on SQLite, whose writers are serialised anyway)."""
    list(Division.objects.select_for_update().filter(code=division_code).values_list("pk"))


@transaction.atomic
def parameter_set_save(
    *,
    actor,
    data: Mapping[str, Any],
    instance: ParameterSet | None = None,
    today: date | None = None,
) -> ParameterSet:
    """Create a set, or correct one that has not yet started; audited.

    Creating may fill a past period no set covered (history being entered: no decision
    can have used it). Correcting a set already in force is refused with
    ``ParametersInForce``; add a new set from its date with ``parameter_set_add``.
    Every invalid value is reported at once (``ParametersInvalid``); nothing is written."""
    today = today or timezone.localdate()
    if instance is not None:
        instance = ParameterSet.objects.select_for_update().get(pk=instance.pk)
        _check_permission(actor, instance.division_id)
        if instance.valid_from < today:
            raise ParametersInForce(instance.valid_from)
    clean, errors = _clean(data)
    if clean.get("division_code"):
        _check_permission(actor, clean["division_code"])
        _lock_division(clean["division_code"])
    errors = parameter_set_check(data=data, instance=instance, today=today)
    if errors:
        raise ParametersInvalid(errors)
    old = _values(instance) if instance is not None else None
    row = instance or ParameterSet(created_by=actor if getattr(actor, "pk", None) else None)
    _write(row, clean)
    record_event(
        event_type=EventType.PARAMETERS_CHANGED,
        subject=row,
        actor=actor,
        division_code=row.division_id,
        old=old,
        new=_values(row),
    )
    return row


@transaction.atomic
def parameter_set_add(*, actor, data: Mapping[str, Any], today: date | None = None) -> ParameterSet:
    """A new standard from a date (today or later): the common change.

    The division's open-ended set that started earlier is closed the day before
    ``valid_from``; both writes are audited. Any other overlap is refused."""
    today = today or timezone.localdate()
    clean, _errors = _clean(data)
    if clean.get("division_code"):
        _check_permission(actor, clean["division_code"])
        _lock_division(clean["division_code"])
    errors = parameter_set_check(data=data, adding=True, today=today)
    if errors:
        raise ParametersInvalid(errors)
    previous = _open_set_before(clean["division_code"], clean["valid_from"], lock=True)
    if previous is not None:
        old = _values(previous)
        previous.valid_to = clean["valid_from"] - timedelta(days=1)
        previous.save(update_fields=["valid_to"])
        record_event(
            event_type=EventType.PARAMETERS_CHANGED,
            subject=previous,
            actor=actor,
            division_code=previous.division_id,
            old=old,
            new=_values(previous),
            reason=f"closed by the set from {clean['valid_from']:%Y-%m-%d}",
        )
    row = ParameterSet(created_by=actor if getattr(actor, "pk", None) else None)
    _write(row, clean)
    record_event(
        event_type=EventType.PARAMETERS_CHANGED,
        subject=row,
        actor=actor,
        division_code=row.division_id,
        old=None,
        new=_values(row),
    )
    return row


@transaction.atomic
def parameter_sets_load(*, rows: list[Mapping[str, Any]]) -> tuple[int, int]:
    """Load shipped sets (``yimen load_parameters``): the command line is the system
    operator, so no user permission applies; every set created is audited with no actor.

    Idempotent: a set whose division and start already exist is skipped, never updated.
    Each set is checked against those already stored and those loaded before it; on any
    error nothing is kept. Returns (created, skipped)."""
    problems: dict[str, list[str]] = {}
    created = skipped = 0
    for index, data in enumerate(rows):
        data = {k: v for k, v in data.items() if not str(k).startswith("_")}
        clean, errors = _clean(data)
        code, start = clean.get("division_code"), clean.get("valid_from")
        if (
            code
            and start
            and ParameterSet.objects.filter(division_id=code, valid_from=start).exists()
        ):
            skipped += 1
            continue
        errors = parameter_set_check(data=data)
        for name, messages in errors.items():
            problems.setdefault(f"{index}.{name}", []).extend(messages)
        if errors or problems:
            continue
        row = ParameterSet()
        _write(row, clean)
        record_event(
            event_type=EventType.PARAMETERS_CHANGED,
            subject=row,
            division_code=row.division_id,
            new=_values(row),
            reason="load_parameters",
        )
        created += 1
    if problems:
        raise ParametersInvalid(problems)  # rolls back whatever this call wrote
    return created, skipped

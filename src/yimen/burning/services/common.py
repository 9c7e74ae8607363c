"""What every burning use case shares: the permission check (fails closed), the audit
entry with the actor's role, the dated settings in force, the 包保 chain and who answers
for a unit on a day, and a township's duty staff."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from yimen.accounts.models import RoleBinding
from yimen.accounts.roles import Action, role_allows
from yimen.accounts.scoping import acting_role
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.id_sets import IdSet
from yimen.regions.codes import Level, level_of, parent_code
from yimen.regions.dated import nearest_row
from yimen.regions.models import Division

from ..errors import BadInput, NotAllowed
from ..models import Assignment, AssignmentKind, BurningSettings, Unit, UnitLevel


def require(actor, action: Action, division_code: str) -> str:
    """The role of the first binding of ``actor`` allowing ``action`` at the division, or
    NotAllowed. System actions (``actor`` None: the clock, the demo) are allowed."""
    if actor is None:
        return ""
    role = acting_role(actor, action, division_code)
    if role is None:
        raise NotAllowed()
    return role


def audit(event: EventType, subject, *, actor, role: str, division: str, **kw):
    return record_event(
        event_type=event, subject=subject, actor=actor, role=role, division_code=division, **kw
    )


def required_text(value: str, limit: int, what) -> str:
    """``value`` stripped and cut to ``limit`` characters; BadInput(``what``) when blank."""
    value = (value or "").strip()
    if not value:
        raise BadInput(what)
    return value[:limit]


def settings_for(division_code: str, on: date) -> BurningSettings:
    """The dated settings in force, or the defaults (unsaved, marked as placeholders)."""
    row = nearest_row(BurningSettings, division_code, on)
    return row or BurningSettings(division_id=division_code, valid_from=on, placeholder=True)


_DIVISION_LEVEL = {
    Level.CITY: UnitLevel.CITY,
    Level.COUNTY: UnitLevel.COUNTY,
    Level.TOWNSHIP: UnitLevel.TOWNSHIP,
    Level.VILLAGE: UnitLevel.VILLAGE,
}


def unit_for_division(division: Division) -> Unit:
    """The 包保 unit standing for an administrative division (city down to village),
    created with its ancestors when missing; the code is the division's 12-digit code."""
    found = Unit.objects.filter(code=division.code).first()
    if found is not None:
        return found
    level = Level(level_of(division.code))
    if level not in _DIVISION_LEVEL:
        raise ValueError(f"no 包保 unit for a division of level {level}")
    parent = None
    above = parent_code(division.code)
    if above and level_of(above) >= Level.CITY:
        parent = unit_for_division(Division.objects.get(pk=above))
    unit, _created = Unit.objects.get_or_create(
        code=division.code,
        defaults={
            "name": division.name,
            "level": _DIVISION_LEVEL[level],
            "parent": parent,
            "division": division,
            "county_code": division.code[:6] if level >= Level.COUNTY else "",
        },
    )
    return unit


def chain(unit: Unit) -> list[Unit]:
    """The unit and every unit above it, bottom up: the 包保 chain an overdue case climbs."""
    found = [unit]
    seen = {unit.pk}
    current = unit
    while current.parent_id is not None and current.parent_id not in seen:
        current = Unit.objects.get(pk=current.parent_id)
        seen.add(current.pk)
        found.append(current)
    return found


def answerable(unit: Unit, day: date) -> dict[str, Assignment]:
    """Who answered for ``unit`` on ``day``: kind → assignment (at most one of each)."""
    return {
        a.kind: a
        for a in Assignment.objects.filter(Assignment.on(day), unit=unit)
        .select_related("person")
        .order_by("valid_from")
    }


def answerable_many(pairs: Iterable[tuple[int, date]]) -> dict[tuple[int, date], dict]:
    """``answerable`` for many (unit id, day) pairs, in one query: a file of thousands of
    fire points opens thousands of cases."""
    pairs = set(pairs)
    if not pairs:
        return {}
    days = [d for _u, d in pairs]
    rows: dict[int, list[Assignment]] = {}
    for a in (
        Assignment.objects.filter(
            unit_id__any_of=IdSet(sorted({u for u, _d in pairs})), valid_from__lte=max(days)
        )
        .exclude(valid_to__lt=min(days))
        .select_related("person")
        .order_by("valid_from")
    ):
        rows.setdefault(a.unit_id, []).append(a)
    found: dict[tuple[int, date], dict] = {}
    for unit_id, day in pairs:
        found[(unit_id, day)] = {
            a.kind: a
            for a in rows.get(unit_id, ())
            if a.valid_from <= day and (a.valid_to is None or a.valid_to >= day)
        }
    return found


def answerable_people(unit: Unit, day: date) -> list:
    """The users answering for ``unit`` on ``day``: responsible person first, grid head."""
    found = answerable(unit, day)
    people = []
    for kind in (AssignmentKind.RESPONSIBLE, AssignmentKind.GRID_HEAD):
        if kind in found and found[kind].person not in people:
            people.append(found[kind].person)
    return people


def duty_staff(division_code: str, action: Action) -> list[int]:
    """Users bound exactly at ``division_code`` whose role carries ``action`` (a township's
    duty staff), as ids."""
    return sorted(
        {
            user_id
            for user_id, role in RoleBinding.objects.filter(
                active=True, user__is_active=True, division_id=division_code
            ).values_list("user_id", "role")
            if role_allows(role, action)
        }
    )

"""Use cases that change the division tree (house rule 1).

They check the actor's role, so they live in accounts, above regions: regions is the tree
and its codes (the kernel's lowest layer) and imports nothing of accounts.

The tree itself comes from the shipped file (see loading.py); a system administrator adds
a division by hand when a new township or village is created between two editions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.regions.codes import (
    InvalidCode,
    display_code,
    level_of,
    normalize_code,
    parent_code,
)
from yimen.regions.errors import (
    DivisionExists,
    InvalidDivisionCode,
    InvalidDivisionName,
    MayNotAddDivision,
    ParentMissing,
)
from yimen.regions.models import Division
from yimen.regions.naming import full_name_below

from .roles import Action
from .scoping import Binding, bindings_for, can

if TYPE_CHECKING:
    from .models import User

NAME_MAX_LENGTH: int = Division._meta.get_field("name").max_length or 100


@dataclass(frozen=True)
class DivisionAddPlan:
    """A division that passed every check of ``division_add`` and may be written."""

    code: str
    name: str
    parent: Division
    binding: Binding  # the actor's role binding that allows the addition, for the audit


def division_add_check(*, actor: User, code: str, name: str) -> DivisionAddPlan:
    """Run every check of ``division_add`` without writing anything.

    ``division_add`` calls it first; the admin form calls it during validation so that a
    refusal shows on the form in the user's language, with no rule written twice."""
    try:
        full_code = normalize_code(code)
    except InvalidCode:
        raise InvalidDivisionCode(code) from None
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise InvalidDivisionName(NAME_MAX_LENGTH)
    parent = parent_code(full_code)
    # Provinces have no parent to hold a role at, so nobody may add one (fails closed).
    if parent is None or not can(actor, Action.DIVISION_ADD, parent):
        raise MayNotAddDivision(display_code(parent) if parent else None)
    binding = next(b for b in bindings_for(actor, Action.DIVISION_ADD) if b.covers(parent))
    taken = Division.objects.filter(pk=full_code).values_list("name", flat=True).first()
    if taken is not None:
        raise DivisionExists(display_code(full_code), taken)
    parent_division = Division.objects.filter(pk=parent).first()
    if parent_division is None:
        raise ParentMissing(display_code(parent))
    return DivisionAddPlan(code=full_code, name=name, parent=parent_division, binding=binding)


@transaction.atomic
def division_add(*, actor: User, code: str, name: str) -> Division:
    """Add one division under its existing parent and audit it; returns the new row.

    The code decides the place in the tree (its parent is the code's nearest ancestor),
    so only the code and the name are asked for. The actor needs DIVISION_ADD at the
    parent; a duplicate, a missing parent or a bad code or name is refused before any
    write."""
    plan = division_add_check(actor=actor, code=code, name=name)
    parent = plan.parent
    division = Division(
        code=plan.code,
        name=plan.name,
        level=level_of(plan.code),
        parent=parent,
        full_name=full_name_below(parent.name, parent.full_name, plan.name),
    )
    try:
        with transaction.atomic():  # savepoint: someone may add the same code meanwhile
            division.save(force_insert=True)
    except IntegrityError:
        raise DivisionExists(display_code(plan.code), plan.name) from None
    record_event(
        event_type=EventType.DIVISION_ADDED,
        subject=division,
        actor=actor,
        role=plan.binding.role,
        division_code=plan.binding.division_code,
        new={
            "code": division.code,
            "name": division.name,
            "level": division.level,
            "parent": parent.code,
            "full_name": division.full_name,
        },
    )
    return division

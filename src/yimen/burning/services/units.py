"""包保 units kept by hand, beside the GeoJSON import: a county's office adds a grid (网格/屯)
or plot under a village or grid — a village too, from the division register — and renames
a unit or moves a grid or plot to another parent.

A grid or plot lies in its parent's village: its division is the parent's, so the people
who see its cases are those of that village (a division that does not match the parent is
refused rather than silently replaced). Units of the administrative levels stand for their
division: they are renamed, never moved. A unit with a boundary moved under a parent with
one must lie inside it within the grid tolerance, as the import checks. Cases already
opened keep the division they were opened in; the move applies to later fire points."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.audit.events import EventType
from yimen.regions.codes import Level, level_of
from yimen.regions.models import Division

from .. import geo
from ..errors import BadInput, BadParent, NotInScope, UnitCodeTaken
from ..models import Unit, UnitLevel
from .common import audit, require, required_text, settings_for, unit_for_division

CODE_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{2,39}$")
#: the level a hand-made unit lies under
PARENT_LEVEL = {UnitLevel.GRID: UnitLevel.VILLAGE, UnitLevel.PLOT: UnitLevel.GRID}


def _snapshot(unit: Unit) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "parent": unit.parent.code if unit.parent_id else None,  # type: ignore[union-attr]
        "division": unit.division_id,
    }


def _checked_parent(level: int, parent: Unit, division: Division | None) -> Division:
    """The division a grid or plot under ``parent`` belongs to (the parent's)."""
    if parent.level != PARENT_LEVEL[UnitLevel(level)]:
        raise BadParent(
            _("A %(level)s lies under a %(parent)s.")
            % {"level": UnitLevel(level).label, "parent": PARENT_LEVEL[UnitLevel(level)].label}
        )
    if division is not None and division.code != parent.division_id:
        raise BadParent(
            _(
                "A grid or plot belongs to its parent's village: choose %(village)s or another "
                "parent."
            )
            % {"village": parent.division.name}
        )
    return parent.division


def _inside_parent(unit: Unit, parent: Unit) -> None:
    if unit.geometry is None or parent.geometry is None:
        return
    child, outer = geo.shape(unit.geometry), geo.shape(parent.geometry)
    tolerance = settings_for(parent.division_id, timezone.localdate()).grid_tolerance_metres
    out = geo.outside_by_m(child, outer, geo.LocalMetres.around([outer]))
    if out > tolerance:
        raise BadParent(
            _("The boundary sticks out of %(parent)s by %(metres)s m (tolerance %(tolerance)s m).")
            % {"parent": parent.name, "metres": f"{out:.0f}", "tolerance": tolerance}
        )


@transaction.atomic
def unit_create(
    *,
    level: int,
    name: str,
    actor,
    code: str = "",
    parent: Unit | None = None,
    division: Division | None = None,
    households: int | None = None,
) -> Unit:
    """A village unit from its division (the code is the division's), or a grid or plot
    under a village or grid, with a code unique in the tree and no boundary yet (the
    GeoJSON import adds it later under the same code)."""
    level = UnitLevel(level)
    name = required_text(name, 100, _("Name the unit."))
    if level == UnitLevel.VILLAGE:
        if division is None or level_of(division.code) != Level.VILLAGE:
            raise BadParent(_("A village unit stands for a village division: choose one."))
        role = require(actor, Action.BURNING_MANAGE, division.code)
        if Unit.objects.filter(code=division.code).exists():
            raise UnitCodeTaken(unit_code=division.code)
        unit = unit_for_division(division)
        unit.name = name
        unit.save(update_fields=["name"])
    elif level in PARENT_LEVEL:
        if parent is None:
            raise BadParent(_("Choose the unit it lies under."))
        village = _checked_parent(level, parent, division)
        role = require(actor, Action.BURNING_MANAGE, village.code)
        code = (code or "").strip()
        if not CODE_PATTERN.match(code):
            raise BadInput(_("A unit code has 3 to 40 letters, digits, hyphens or underscores."))
        if Unit.objects.select_for_update().filter(code=code).exists():
            raise UnitCodeTaken(unit_code=code)
        unit = Unit.objects.create(
            code=code,
            name=name,
            level=level,
            parent=parent,
            division=village,
            county_code=village.code[:6],
            households=households,
        )
    else:
        raise BadInput(_("Cities, counties and townships come from the division register."))
    audit(
        EventType.BURNING_UNIT_SAVED,
        unit,
        actor=actor,
        role=role,
        division=unit.division_id,
        new={**_snapshot(unit), "households": households},
    )
    return unit


@transaction.atomic
def unit_update(
    *,
    unit: Unit,
    name: str,
    actor,
    parent: Unit | None = None,
    division: Division | None = None,
    reason: str = "",
) -> Unit:
    """Rename a unit; move a grid or plot under another parent (its division follows the
    parent's). The actor keeps the tree both where the unit was and where it goes."""
    locked = Unit.objects.select_for_update().filter(pk=unit.pk).first()
    if locked is None:
        raise NotInScope()
    role = require(actor, Action.BURNING_MANAGE, locked.division_id)
    before = _snapshot(locked)
    locked.name = required_text(name, 100, _("Name the unit."))
    fields = ["name"]
    if locked.level in PARENT_LEVEL:
        target = parent or locked.parent
        if target is None:
            raise BadParent(_("Choose the unit it lies under."))
        if target.pk == locked.pk or _below(target, locked):
            raise BadParent(_("A unit cannot lie under itself or under a unit below it."))
        village = _checked_parent(locked.level, target, division)
        require(actor, Action.BURNING_MANAGE, village.code)
        if target.pk != locked.parent_id:
            _inside_parent(locked, target)
        locked.parent, locked.division, locked.county_code = target, village, village.code[:6]
        fields += ["parent", "division", "county_code"]
        if locked.level == UnitLevel.GRID:
            # its plots lie in the same village
            Unit.objects.filter(parent=locked).update(
                division=village, county_code=village.code[:6]
            )
    elif (parent is not None and parent.pk != locked.parent_id) or (
        division is not None and division.code != locked.division_id
    ):
        raise BadParent(
            _("Units of the administrative levels stand for their division: rename only.")
        )
    locked.save(update_fields=fields)
    audit(
        EventType.BURNING_UNIT_SAVED,
        locked,
        actor=actor,
        role=role,
        division=locked.division_id,
        old=before,
        new=_snapshot(locked),
        reason=(reason or "").strip()[:500],
    )
    return locked


def _below(candidate: Unit, unit: Unit) -> bool:
    """True when ``candidate`` lies somewhere under ``unit``."""
    current, seen = candidate, set()
    while current.parent_id is not None and current.parent_id not in seen:
        if current.parent_id == unit.pk:
            return True
        seen.add(current.parent_id)
        current = Unit.objects.only("pk", "parent_id").get(pk=current.parent_id)
    return False

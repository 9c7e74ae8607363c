"""The province's inspection groups (the seed's 16 working groups): the environment staff of
a city or the province create and edit a group — its number, name, leader, members and the
counties it answers for with their dates — and a member records the group's visits and
findings in a county assigned to it on that day.

A group is edited as a whole (its members and counties replaced), the old values kept in
the audit event, so "which group answered for this county on that day, and who was in it"
stays answerable from the log even after an edit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, can
from yimen.audit.events import EventType
from yimen.regions.codes import Level, level_of
from yimen.regions.models import Division

from ..errors import BadInput, GroupNumberTaken, MemberOutOfScope, NotGroupMember, NotInScope
from ..models import FireCase, GroupCounty, InspectionGroup, Visit
from .common import audit, require, required_text

MAX_GROUP_NUMBER = 999


@dataclass(frozen=True)
class CountyPeriod:
    """A county a group answers for, from one day to another (inclusive)."""

    county: Division
    date_from: date
    date_to: date


def _checked_counties(division: Division, counties: list[CountyPeriod]) -> list[CountyPeriod]:
    for period in counties:
        if level_of(period.county.code) != Level.COUNTY or not period.county.code.startswith(
            division.prefix
        ):
            raise BadInput(
                _("%(county)s is not a county of the area that sends the group.")
                % {"county": period.county.name}
            )
        if period.date_to < period.date_from:
            raise BadInput(_("Each county must lie in the area and end after it starts."))
    by_county: dict[str, list[CountyPeriod]] = {}
    for period in sorted(counties, key=lambda p: (p.county.code, p.date_from)):
        earlier = by_county.setdefault(period.county.code, [])
        if earlier and earlier[-1].date_to >= period.date_from:
            raise BadInput(
                _("The periods of %(county)s overlap; give each day once.")
                % {"county": period.county.name}
            )
        earlier.append(period)
    return counties


def _checked_members(members: list, counties: list[CountyPeriod]) -> list:
    """Every member must hold an inspection-group role over every county of the group, so
    the visits they are sent to record are theirs to record."""
    for person in members:
        if not bindings_for(person, Action.BURNING_INSPECT):
            raise MemberOutOfScope(name=_person(person), county="—")
        for period in counties:
            if not can(person, Action.BURNING_INSPECT, period.county.code):
                raise MemberOutOfScope(name=_person(person), county=period.county.name)
    return members


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _snapshot(group: InspectionGroup) -> dict:
    return {
        "number": group.number,
        "name": group.name,
        "leader": group.leader,
        "division": group.division_id,
        "members": sorted(group.members.values_list("pk", flat=True)),
        "counties": [
            (c.county_id, c.date_from, c.date_to)
            for c in group.counties.order_by("date_from", "county_id")
        ],
    }


def _replace(group: InspectionGroup, members: list, counties: list[CountyPeriod]) -> None:
    group.members.set(members)
    GroupCounty.objects.filter(group=group).delete()
    GroupCounty.objects.bulk_create(
        [
            GroupCounty(group=group, county=p.county, date_from=p.date_from, date_to=p.date_to)
            for p in counties
        ]
    )


@transaction.atomic
def group_create(
    *,
    number: int,
    name: str,
    leader: str,
    division: Division,
    members: list,
    counties: list[CountyPeriod],
    actor,
) -> InspectionGroup:
    """A new inspection group sent by ``division`` (the actor's city or province), with its
    members and the counties it answers for; its number is unique."""
    role = require(actor, Action.BURNING_ACCOUNT, division.code)
    if not 1 <= number <= MAX_GROUP_NUMBER:
        raise BadInput(_("The group number is a whole number from 1 to 999."))
    name = required_text(name, 100, _("Name the group."))
    _checked_counties(division, counties)
    _checked_members(members, counties)
    # the number is unique: lock the row a concurrent creation would write, then check
    if InspectionGroup.objects.select_for_update().filter(number=number).exists():
        raise GroupNumberTaken(number=number)
    group = InspectionGroup.objects.create(
        number=number, name=name, leader=(leader or "").strip()[:100], division=division
    )
    _replace(group, members, counties)
    audit(
        EventType.BURNING_GROUP_SET,
        group,
        actor=actor,
        role=role,
        division=division.code,
        new=_snapshot(group),
    )
    return group


@transaction.atomic
def group_update(
    *,
    group: InspectionGroup,
    name: str,
    leader: str,
    division: Division,
    members: list,
    counties: list[CountyPeriod],
    actor,
    reason: str = "",
) -> InspectionGroup:
    """Change a group's name, leader, sending division, members and counties (replaced
    whole). The actor must hold accountability over the group's division before and
    after, so a group is never moved out of reach — or into it — by someone else's area."""
    locked = InspectionGroup.objects.select_for_update().filter(pk=group.pk).first()
    if locked is None:
        raise NotInScope()
    if not can(actor, Action.BURNING_ACCOUNT, locked.division_id):
        raise NotInScope()
    role = require(actor, Action.BURNING_ACCOUNT, division.code)
    name = required_text(name, 100, _("Name the group."))
    _checked_counties(division, counties)
    _checked_members(members, counties)
    before = _snapshot(locked)
    locked.name = name
    locked.leader = (leader or "").strip()[:100]
    locked.division = division
    locked.save(update_fields=["name", "leader", "division"])
    _replace(locked, members, counties)
    audit(
        EventType.BURNING_GROUP_SET,
        locked,
        actor=actor,
        role=role,
        division=division.code,
        old=before,
        new=_snapshot(locked),
        reason=(reason or "").strip()[:500],
    )
    return locked


@transaction.atomic
def visit_record(
    *,
    group: InspectionGroup,
    county: Division,
    visited_on: date,
    places: str,
    findings: str,
    cases: list[FireCase],
    actor,
) -> Visit:
    """A group member records a visit to a county the group answers for on that day."""
    role = require(actor, Action.BURNING_INSPECT, county.code)
    if (
        not group.members.filter(pk=actor.pk).exists()
        or not group.counties.filter(
            county=county, date_from__lte=visited_on, date_to__gte=visited_on
        ).exists()
    ):
        raise NotGroupMember()
    for case in cases:
        if case.county_code != county.code[:6]:
            raise BadInput(_("A fire case named is not in that county."))
    visit = Visit.objects.create(
        group=group,
        county=county,
        visited_on=visited_on,
        places=required_text(places, 300, _("Name the places visited.")),
        findings=required_text(findings, 2000, _("Record the findings.")),
        recorded_by=actor,
    )
    visit.cases.set(cases)
    audit(
        EventType.BURNING_VISIT,
        visit,
        actor=actor,
        role=role,
        division=county.code,
        new={"group": group.number, "visited_on": visited_on, "cases": [c.number for c in cases]},
    )
    return visit

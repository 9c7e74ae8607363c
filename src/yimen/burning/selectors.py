"""Scoped reads of straw-burning supervision (fail closed): a user sees the subtree of the
division of each binding whose role carries the action; anything else is "not found"."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action, Role, role_allows
from yimen.accounts.scoping import bindings_for, division_q
from yimen.regions.codes import Level, prefix_of
from yimen.regions.models import Division

from .errors import BadInput, NotInScope
from .models import (
    Detection,
    FireCase,
    GroupCounty,
    InspectionGroup,
    Penalty,
    RecheckDraw,
    RecheckItem,
    Summons,
    Unit,
    Visit,
)
from .models.fires import OPEN_STATUSES

A = Action


def can_see(user) -> bool:
    return bool(bindings_for(user, A.BURNING_VIEW))


def may(user, action: Action) -> bool:
    return bool(bindings_for(user, action))


def cases_visible_to(user, action: Action = A.BURNING_VIEW) -> QuerySet[FireCase]:
    return FireCase.objects.filter(division_q(user, action, "division__code"))


def access_case(user, pk: int, action: Action = A.BURNING_VIEW) -> FireCase:
    found = cases_visible_to(user, action).filter(pk=pk).select_related("unit").first()
    if found is None:
        raise NotInScope()
    return found


def cases_by_number(user, numbers: list[str]) -> list[FireCase]:
    """The cases named by their numbers (a summons', a visit's); refused when one is unknown
    or outside the user's area."""
    found = list(cases_visible_to(user).filter(number__in=numbers[:200]))
    if len(found) != len(set(numbers)):
        raise BadInput(_("A fire case number is unknown or outside your area."))
    return found


def my_open_cases(user) -> QuerySet[FireCase]:
    """The open cases routed to ``user`` (responsible person or grid head), within the
    area of a role that may verify them."""
    return (
        cases_visible_to(user, A.BURNING_VERIFY)
        .filter(Q(responsible=user) | Q(grid_head=user), status__in=OPEN_STATUSES)
        .select_related("unit")
        .order_by("arrive_due_at", "pk")
    )


def township_queue(user) -> QuerySet[FireCase]:
    """Verified cases awaiting a township's signature."""
    return (
        cases_visible_to(user, A.BURNING_CLOSE)
        .filter(status="verified")
        .select_related("unit")
        .order_by("verified_at")
    )


def detections_visible_to(user) -> QuerySet[Detection]:
    return Detection.objects.filter(division_q(user, A.BURNING_VIEW, "division__code"))


def units_visible_to(user, action: Action = A.BURNING_VIEW) -> QuerySet[Unit]:
    return Unit.objects.filter(division_q(user, action, "division__code"))


def access_unit(user, pk: int, action: Action = A.BURNING_VIEW) -> Unit:
    found = units_visible_to(user, action).filter(pk=pk).first()
    if found is None:
        raise NotInScope()
    return found


def counties_of(user, action: Action = A.BURNING_VIEW) -> QuerySet[Division]:
    """The counties in the user's area that have a 包保 tree, for the pickers; a user bound
    below a county gets that county (their view stays inside their own subtree)."""
    prefixes = sorted({b.prefix for b in bindings_for(user, action)})
    if not prefixes:
        return Division.objects.none()
    counties = set(
        Unit.objects.filter(division_q(user, action, "division__code"))
        .exclude(county_code="")
        .values_list("county_code", flat=True)
    )
    return Division.objects.filter(
        level=Level.COUNTY, code__in=[c.ljust(12, "0") for c in counties]
    ).order_by("code")


def summonses_visible_to(user) -> QuerySet[Summons]:
    return Summons.objects.filter(division_q(user, A.BURNING_VIEW, "division__code"))


def access_summons(user, pk: int, action: Action = A.BURNING_ACCOUNT) -> Summons:
    found = Summons.objects.filter(division_q(user, action, "division__code"), pk=pk).first()
    if found is None:
        raise NotInScope()
    return found


def penalties_visible_to(user) -> QuerySet[Penalty]:
    return Penalty.objects.filter(division_q(user, A.BURNING_VIEW, "county__code"))


def groups_visible_to(user) -> QuerySet[InspectionGroup]:
    """Groups sent by a division in the user's area, sent to a county in it, or that the
    user is a member of."""
    sent_here = GroupCounty.objects.filter(division_q(user, A.BURNING_VIEW, "county__code")).values(
        "group_id"
    )
    return InspectionGroup.objects.filter(
        division_q(user, A.BURNING_VIEW, "division__code") | Q(members=user) | Q(pk__in=sent_here)
    ).distinct()


def access_group(user, pk: int) -> InspectionGroup:
    found = groups_visible_to(user).filter(pk=pk).select_related("division").first()
    if found is None:
        raise NotInScope()
    return found


def manages_group(user, group: InspectionGroup) -> bool:
    """Environment staff of the sending division's area edit the group."""
    return InspectionGroup.objects.filter(
        division_q(user, A.BURNING_ACCOUNT, "division__code"), pk=group.pk
    ).exists()


def sending_divisions(user) -> QuerySet[Division]:
    """The province and cities a user may send an inspection group from."""
    return Division.objects.filter(
        division_q(user, A.BURNING_ACCOUNT, "code"), level__lte=Level.CITY
    ).order_by("code")


def counties_in_area(user, action: Action) -> QuerySet[Division]:
    """Every county (from the division register) where ``user`` may do ``action``."""
    return Division.objects.filter(division_q(user, action, "code"), level=Level.COUNTY).order_by(
        "code"
    )


def inspection_people(user):
    """The people who may be members of a group this user sends: active users whose role
    carries inspections, bound inside the user's area or above it (a province-wide member
    serves a city's group too). The service checks each against the group's counties."""
    from yimen.accounts.models import RoleBinding, User

    areas = tuple(b.prefix for b in bindings_for(user, A.BURNING_ACCOUNT))
    if not areas:
        return User.objects.none()
    roles = [r for r in Role if role_allows(r, A.BURNING_INSPECT)]
    ids = {
        user_id
        for user_id, code in RoleBinding.objects.filter(
            active=True, user__is_active=True, role__in=roles
        ).values_list("user_id", "division_id")
        if code.startswith(areas) or any(area.startswith(prefix_of(code)) for area in areas)
    }
    return User.objects.filter(pk__in=ids).order_by("full_name", "username")


def visits_visible_to(user) -> QuerySet[Visit]:
    return Visit.objects.filter(division_q(user, A.BURNING_VIEW, "county__code"))


def draws_visible_to(user) -> QuerySet[RecheckDraw]:
    return RecheckDraw.objects.filter(division_q(user, A.BURNING_VIEW, "county__code"))


def access_draw(user, pk: int) -> RecheckDraw:
    found = draws_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotInScope()
    return found


def access_recheck_item(user, pk: int) -> RecheckItem:
    found = (
        RecheckItem.objects.filter(division_q(user, A.BURNING_SUPERVISE, "draw__county__code"))
        .filter(pk=pk)
        .select_related("draw", "case")
        .first()
    )
    if found is None:
        raise NotInScope()
    return found


def tree_rows(user, county_code6: str, day) -> list[dict]:
    """The county's 包保 tree as rows in depth-first order, each with who answered for the
    unit on ``day`` (responsible person, grid head) and its zone that day."""
    from .models import Assignment, Zone, ZoneKind

    units = list(
        units_visible_to(user)
        .filter(county_code=county_code6)
        .order_by("level", "code")
        .only("pk", "code", "name", "level", "parent_id", "synthetic", "geometry")
    )
    ids = [u.pk for u in units]
    people: dict[int, dict[str, str]] = {}
    for a in Assignment.objects.filter(Assignment.on(day), unit_id__in=ids).select_related(
        "person"
    ):
        people.setdefault(a.unit_id, {})[a.kind] = a.person.get_full_name() or a.person.username
    zones: dict[int, str] = {}
    for z in (
        Zone.objects.filter(unit_id__in=ids, valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .order_by("valid_from")
    ):
        zones[z.unit_id] = z.kind
    children: dict[int | None, list] = {}
    present = set(ids)
    for u in units:
        parent = u.parent_id if u.parent_id in present else None
        children.setdefault(parent, []).append(u)
    rows: list[dict] = []

    def walk(parent, depth):
        for u in children.get(parent, []):
            rows.append(
                {
                    "unit": u,
                    "depth": depth,
                    "indent": depth * 1.2,
                    "responsible": people.get(u.pk, {}).get("responsible", ""),
                    "grid_head": people.get(u.pk, {}).get("grid_head", ""),
                    "zone": ZoneKind(zones[u.pk]).label
                    if u.pk in zones
                    else (ZoneKind.BAN.label if u.level >= 6 else ""),
                }
            )
            walk(u.pk, depth + 1)

    walk(None, 0)
    return rows


def case_record(case: FireCase) -> dict:
    """What a case's page shows beside its facts — fire points, escalations, verifications
    with their photos, re-checks, summonses — for burning's case page and county
    supervision's (templates ``burning/_case_record.html``)."""
    return {
        "detections": case.detections.order_by("acquired_at"),
        "escalations": case.escalations.select_related("unit"),
        "verifications": case.verifications.select_related("verifier").prefetch_related("photos"),
        "rechecks": case.rechecks.select_related("draw", "checked_by"),
        "summonses": case.summonses.order_by("held_on"),
    }

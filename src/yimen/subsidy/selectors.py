"""Scoped reads of the subsidy (house rule 4): staff see the subtree of the division their
role is bound to; a unit's account sees its own unit only; nothing else (fails closed)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, division_q
from yimen.regions.codes import ancestor_codes, prefix_of

from .errors import NotInScope
from .models import Application, PaymentBatch, Scheme, Survey, Unit

STAFF_ACTIONS = (Action.SUBSIDY_VIEW, Action.SUBSIDY_SUPERVISE)


def _staff_q(user, field: str) -> Q:
    q = Q(pk__in=[])
    for action in STAFF_ACTIONS:
        q |= division_q(user, action, field)
    return q


def is_staff(user) -> bool:
    return any(bindings_for(user, a) for a in STAFF_ACTIONS)


def is_unit(user) -> bool:
    return bool(bindings_for(user, Action.SUBSIDY_APPLY))


def own_units(user) -> QuerySet[Unit]:
    """The units whose own account ``user`` is, inside a binding that lets it apply."""
    if not is_unit(user):
        return Unit.objects.none()
    return Unit.objects.filter(
        division_q(user, Action.SUBSIDY_APPLY, "division__code"), account=user
    )


def schemes_visible_to(user) -> QuerySet[Scheme]:
    """Schemes whose county is inside the user's area, or above it (a township's staff or a
    unit sees its county's scheme)."""
    codes = {
        b.division_code
        for a in (*STAFF_ACTIONS, Action.SUBSIDY_APPLY, Action.SUBSIDY_STATS)
        for b in bindings_for(user, a)
    }
    if not codes:
        return Scheme.objects.none()
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(division__code__startswith=prefix_of(code)) | Q(
            division__code__in=ancestor_codes(code)
        )
    return Scheme.objects.filter(q).select_related("programme", "division")


def surveys_visible_to(user) -> QuerySet[Survey]:
    return Survey.objects.filter(_staff_q(user, "unit__division__code")).select_related(
        "unit", "scheme", "unit__division"
    )


def applications_visible_to(user) -> QuerySet[Application]:
    """Staff: the subtree; a unit: its own applications."""
    q = _staff_q(user, "division__code")
    units = own_units(user)
    if is_unit(user):
        q |= Q(unit__in=units)
    return Application.objects.filter(q).select_related("unit", "scheme", "division")


def access_application(user, pk) -> Application:
    try:
        return applications_visible_to(user).get(pk=int(pk))
    except (Application.DoesNotExist, ValueError, TypeError):
        raise NotInScope() from None


def access_survey(user, pk) -> Survey:
    try:
        return surveys_visible_to(user).get(pk=int(pk))
    except (Survey.DoesNotExist, ValueError, TypeError):
        raise NotInScope() from None


def batches_visible_to(user) -> QuerySet[PaymentBatch]:
    return PaymentBatch.objects.filter(_staff_q(user, "scheme__division__code")).select_related(
        "scheme", "issued_by"
    )


def access_batch(user, pk) -> PaymentBatch:
    try:
        return batches_visible_to(user).get(pk=int(pk))
    except (PaymentBatch.DoesNotExist, ValueError, TypeError):
        raise NotInScope() from None

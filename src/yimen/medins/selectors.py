"""Scoped reads of transfers: staff see their region's side, applicants their own (rule 4)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yimen.accounts.roles import Action
from yimen.accounts.scoping import division_q

from .errors import TransferNotFound
from .models import Side, Transfer


def transfers_for_staff(user) -> QuerySet[Transfer]:
    """Incoming transfers into the staff's region, outgoing ones out of it."""
    incoming = Q(side=Side.INCOMING) & division_q(user, Action.MEDINS_HANDLE, "to_division")
    outgoing = Q(side=Side.OUTGOING) & division_q(user, Action.MEDINS_HANDLE, "from_division")
    return Transfer.objects.filter(incoming | outgoing)


def transfers_of_applicant(user) -> QuerySet[Transfer]:
    return Transfer.objects.filter(applicant_user=user, side=Side.INCOMING)


def access_transfer(user, pk: int) -> Transfer:
    """One transfer the user may see; otherwise NotFound (existence never leaks)."""
    found = (
        Transfer.objects.filter(pk=pk)
        .filter(Q(pk__in=transfers_for_staff(user).values("pk")) | Q(applicant_user=user))
        .select_related("person")
        .first()
    )
    if found is None:
        raise TransferNotFound()
    return found

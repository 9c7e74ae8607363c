"""Opting out of optional text messages, per phone number and kind."""

from __future__ import annotations

from django.db import transaction

from yimen.audit.events import EventType
from yimen.audit.services import record_event

from .models import OptOut


def opted_out_kinds(phone: str) -> set[str]:
    return set(OptOut.objects.filter(phone=phone).values_list("kind", flat=True))


@transaction.atomic
def set_opt_outs(phone: str, kinds: set[str], *, actor) -> None:
    """Make ``kinds`` exactly the optional kinds ``phone`` does not receive; audited."""
    before = opted_out_kinds(phone)
    if before == kinds:
        return
    OptOut.objects.filter(phone=phone).exclude(kind__in=kinds).delete()
    OptOut.objects.bulk_create(
        [OptOut(phone=phone, kind=kind) for kind in kinds - before], ignore_conflicts=True
    )
    record_event(
        event_type=EventType.USER_CHANGED,
        subject=("accounts.user", str(actor.pk)),
        actor=actor,
        old={"opted_out": sorted(before)},
        new={"opted_out": sorted(kinds)},
    )

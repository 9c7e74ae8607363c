"""Scoped reads of the access log: the county supervisor sees its county, the auditor every
division under its binding; anyone else nothing (scoping fails closed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, division_q

from . import recordsets
from .models import AccessEntry, AccessKind

#: what the record types of the log are called on pages (labels, not codes)
RECORD_TYPE_LABELS: dict[str, Promise] = {
    "assistance.application": _("Assistance application (household)"),
    "benefits.beneficiary": _("Household on the roster"),
    "benefits.paymentroll": _("Payment roll (bank file)"),
    "exams.candidate": _("Exam candidate"),
    "exams.paper": _("Exam paper"),
    "medins.transfer": _("Insurance transfer"),
    "workflow.case": _("Case"),
    "privacy.subjectrequest": _("Copy of personal data"),
    "verification.importbatch": _("Partner data batch"),
    "subsidy.paymentbatch": _("Subsidy payment batch"),
    "subsidy.unit": _("Subsidy applicant unit"),
    "medins.insuredperson": _("Insured person"),
}


def record_type_label(record_type: str) -> str:
    label = RECORD_TYPE_LABELS.get(record_type)
    return str(label) if label is not None else record_type


def may_read_access_log(user: Any) -> bool:
    return bool(bindings_for(user, Action.ACCESS_LOG_VIEW))


def entries_visible_to(user: Any) -> QuerySet[AccessEntry]:
    """Entries about records of the user's area, newest first."""
    return (
        AccessEntry.objects.filter(division_q(user, Action.ACCESS_LOG_VIEW, "division_code"))
        .defer("record_set")
        .order_by("-seq")
    )


@dataclass(frozen=True)
class AccessFilter:
    """The access-log page's filters, already parsed (bad input is simply not applied)."""

    kind: str = ""
    record_type: str = ""
    record_id: str = ""
    actor: str = ""
    start: date | None = None
    end: date | None = None
    purpose: str = ""


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def parse_filter(params: Any) -> AccessFilter:
    kind = params.get("kind", "")
    record_id = (params.get("record", "") or "").strip()[:20]
    return AccessFilter(
        kind=kind if kind in AccessKind.values else "",
        record_type=(params.get("type", "") or "")[:60]
        if params.get("type") in RECORD_TYPE_LABELS
        else "",
        record_id=record_id if record_id.isdigit() else "",
        actor=(params.get("actor", "") or "").strip()[:50],
        start=_day(params.get("from", "")),
        end=_day(params.get("to", "")),
        purpose=(params.get("purpose", "") or "")[:40],
    )


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search_entries(user: Any, chosen: AccessFilter) -> QuerySet[AccessEntry]:
    """The user's entries narrowed by ``chosen``. A record id finds the single views of it
    and, among the exports of that record type, those whose set contains it."""
    entries = entries_visible_to(user)
    if chosen.kind:
        entries = entries.filter(kind=chosen.kind)
    if chosen.record_type:
        entries = entries.filter(record_type=chosen.record_type)
    if chosen.actor:
        entries = entries.filter(actor_name__icontains=chosen.actor)
    if chosen.purpose:
        entries = entries.filter(purpose=chosen.purpose)
    if chosen.start:
        entries = entries.filter(occurred_at__gte=_aware(chosen.start))
    if chosen.end:
        entries = entries.filter(occurred_at__lt=_aware(chosen.end + timedelta(days=1)))
    if chosen.record_id:
        wanted = int(chosen.record_id)
        in_sets = [
            pk
            for pk, packed in entries.filter(record_id="")
            .exclude(record_set=b"")
            .values_list("pk", "record_set")
            .iterator(chunk_size=200)
            if wanted in set(recordsets.unpack(bytes(packed)))
        ]
        entries = entries.filter(record_id=chosen.record_id) | entries.filter(pk__in=in_sets)
    return entries

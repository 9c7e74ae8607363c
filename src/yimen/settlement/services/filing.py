"""Filing (备案) use cases: file, change, cancel — by counter staff, the insured online, or a
hospital's referral transaction (2501).

Rules (医保发〔2022〕22号 Art.7–9, 16; policy.md §6):
- documents: identity (医保电子凭证/身份证/社保卡) and the filing form (备案表) always; long-stay
  categories add proof of residence/posting **or** a personal commitment (承诺书); referral
  adds the designated hospital's referral proof;
- validity: long-stay open-ended; temporary at least 6 months (default exactly 6 months);
- destination: a province or a city outside the insured city;
- emergency care needs no filing (treated as filed); recording one is allowed;
- the person's insurance must be in force: a stopped (中止/暂停参保) person is refused, as
  settlement would refuse them anyway (no benefits while contributions are suspended).
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from yimen.accounts.roles import Action
from yimen.accounts.scoping import can
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.medins.models import InsuredPerson, InsuredStatus
from yimen.months import same_day_months_later
from yimen.regions.codes import InvalidCode, Level, level_of, normalize_code
from yimen.regions.models import Division

from ..errors import (
    FilingCategoryUnknown,
    FilingDestinationUnknown,
    FilingDocumentsMissing,
    FilingForbidden,
    FilingInactive,
    FilingInsuranceStopped,
    FilingLocal,
    FilingLongStayEnd,
    FilingNotFound,
    FilingProofMissing,
    FilingReferralProofMissing,
    FilingTooShort,
    ReasonNeeded,
)
from ..models import Filing, FilingCategory, FilingChannel, FilingStatus, Institution, PersonLink
from ..models.filing import LONG_STAY
from ..transitions import filing_move

DOC_IDENTITY, DOC_FORM = "identity", "form"
DOC_RESIDENCE, DOC_COMMITMENT, DOC_REFERRAL = "residence_proof", "commitment", "referral_proof"
DOCUMENTS = (DOC_IDENTITY, DOC_FORM, DOC_RESIDENCE, DOC_COMMITMENT, DOC_REFERRAL)
TEMPORARY_MONTHS = 6


def _destination(raw: str, person: InsuredPerson) -> Division:
    try:
        code = normalize_code(raw)
    except InvalidCode:
        code = ""
    if code and level_of(code) > Level.CITY:
        code = code[:4].ljust(12, "0")  # a county or below: file to its city
    division = Division.objects.filter(pk=code).first() if code else None
    if division is None:
        raise FilingDestinationUnknown(value=raw)
    if level_of(code) == Level.CITY and code[:4] == person.insured_division_id[:4]:
        raise FilingLocal()
    return division


def _check(category: str, documents: list[str], begin: date, end: date | None) -> date | None:
    if category not in FilingCategory.values:
        raise FilingCategoryUnknown()
    unknown = set(documents) - set(DOCUMENTS)
    missing = {DOC_IDENTITY, DOC_FORM} - set(documents)
    if unknown or missing:
        raise FilingDocumentsMissing()
    if category in LONG_STAY and not {DOC_RESIDENCE, DOC_COMMITMENT} & set(documents):
        raise FilingProofMissing()
    if category == FilingCategory.REFERRAL and DOC_REFERRAL not in documents:
        raise FilingReferralProofMissing()
    if category in LONG_STAY:
        if end is not None:
            raise FilingLongStayEnd()
        return None
    minimum = same_day_months_later(begin, TEMPORARY_MONTHS)
    if end is None:
        return minimum
    if end < minimum:
        raise FilingTooShort(date=minimum.isoformat())
    return end


def _in_force(person: InsuredPerson) -> None:
    if person.status == InsuredStatus.STOPPED:
        raise FilingInsuranceStopped(name=person.name)


def _may_act(actor: Any, person: InsuredPerson, channel: str) -> None:
    if channel == FilingChannel.HOSPITAL:
        return  # authenticated by the interface, which names the institution
    if channel == FilingChannel.ONLINE:
        if PersonLink.objects.filter(user=actor, person=person).exists():
            return
    elif can(actor, Action.MEDINS_HANDLE, person.insured_division_id):
        return
    raise FilingForbidden()


def new_serial() -> str:
    return timezone.localtime().strftime("BA%Y%m%d") + secrets.token_hex(5).upper()


@transaction.atomic
def filing_create(
    actor: Any,
    *,
    person: InsuredPerson,
    category: str,
    destination_code: str,
    begin_date: date,
    end_date: date | None = None,
    documents: list[str],
    channel: str,
    referring_institution: Institution | None = None,
    phone: str = "",
    address: str = "",
) -> Filing:
    """File ``person`` for care at a destination (province or city); audited."""
    _may_act(actor, person, channel)
    _in_force(person)
    end = _check(category, documents, begin_date, end_date)
    destination = _destination(destination_code, person)
    filing = Filing.objects.create(
        person=person,
        serial=new_serial(),
        category=category,
        destination=destination,
        begin_date=begin_date,
        end_date=end,
        documents=sorted(set(documents)),
        channel=channel,
        referring_institution=referring_institution,
        phone=phone[:30],
        address=address[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(
        event_type=EventType.SETTLEMENT_FILED,
        subject=filing,
        actor=actor if getattr(actor, "pk", None) else None,
        division_code=person.insured_division_id,
        new={"category": category, "destination": destination.pk, "channel": channel,
             "begin": begin_date.isoformat(), "end": end.isoformat() if end else None},
    )  # fmt: skip
    return filing


def _locked(filing: Filing) -> Filing:
    locked = Filing.objects.select_for_update().select_related("person").get(pk=filing.pk)
    if locked.status != FilingStatus.ACTIVE:
        raise FilingInactive()
    return locked


@transaction.atomic
def filing_change(
    actor: Any,
    *,
    filing: Filing,
    destination_code: str,
    end_date: date | None,
    documents: list[str],
    channel: str,
    reason: str,
) -> Filing:
    """Change destination, end date or documents of an active filing; old and new audited."""
    filing = _locked(filing)
    _may_act(actor, filing.person, channel)
    _in_force(filing.person)
    end = _check(filing.category, documents, filing.begin_date, end_date)
    destination = _destination(destination_code, filing.person)
    old = {"destination": filing.destination_id, "end": str(filing.end_date),
           "documents": filing.documents}  # fmt: skip
    filing.destination, filing.end_date = destination, end
    filing.documents = sorted(set(documents))
    filing.save(update_fields=["destination", "end_date", "documents"])
    record_event(
        event_type=EventType.SETTLEMENT_FILING_CHANGED,
        subject=filing,
        actor=actor if getattr(actor, "pk", None) else None,
        division_code=filing.person.insured_division_id,
        old=old,
        new={"destination": destination.pk, "end": str(end), "documents": filing.documents},
        reason=reason,
    )
    return filing


@transaction.atomic
def filing_cancel(actor: Any, *, filing: Filing, channel: str, reason: str) -> Filing:
    """Cancel an active filing from now on; settlements already made keep it."""
    filing = _locked(filing)
    _may_act(actor, filing.person, channel)
    if not reason.strip():
        raise ReasonNeeded()
    filing_move(
        filing, FilingStatus.CANCELLED, cancelled_at=timezone.now(), cancel_reason=reason[:200]
    )
    record_event(
        event_type=EventType.SETTLEMENT_FILING_CANCELLED,
        subject=filing,
        actor=actor if getattr(actor, "pk", None) else None,
        division_code=filing.person.insured_division_id,
        old={"status": FilingStatus.ACTIVE},
        new={"status": FilingStatus.CANCELLED},
        reason=reason,
    )
    return filing


def filing_by_serial(serial: str, person: InsuredPerson) -> Filing:
    filing = Filing.objects.filter(serial=serial, person=person).first()
    if filing is None:
        raise FilingNotFound()
    return filing

"""Recording what the rules read of persons (issue 21, items 6–8): legal supporters, the
caseworker's finding on them, the six-item self-care assessment and further disability
certificates. One function per use case, atomic, permission-checked, audited; bad input
is refused by field (``ApplicationInvalid``) before anything is written."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import can
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.people import InvalidIdNumber, parse_id_number
from yimen.workflow.services import CASE_SUBJECT

from ..choices import DisabilityKind, Relationship, VehicleKind
from ..errors import ApplicationInvalid, CannotApply
from ..limits import reassessment_due
from ..models import (
    Application,
    DisabilityCertificate,
    Member,
    SelfCareAssessment,
    SelfCareChange,
    Supporter,
)
from ..rules.persons import SELF_CARE_ITEMS, care_level

REPORT_MAX = 500
MAX_AMOUNT = Decimal("9999999999.99")


def _subject(application: Application) -> tuple[str, str]:
    if application.case_id:
        return (CASE_SUBJECT, str(application.case_id))
    return ("assistance.application", str(application.pk))


def _check(actor, application: Application) -> None:
    """Staff who enter or investigate cases of the division record persons' facts."""
    division = application.division_id
    if not (
        can(actor, Action.CASE_OPEN, division) or can(actor, Action.CASE_INVESTIGATE, division)
    ):
        raise CannotApply()


def _amount(errors: dict[str, list[str]], data: Mapping[str, Any], name: str) -> Decimal:
    raw = data.get(name, "0")
    try:
        value = Decimal(str(raw if raw not in (None, "") else "0"))
    except (InvalidOperation, ValueError):
        errors.setdefault(name, []).append(str(_("Enter an amount in yuan.")))
        return Decimal("0")
    if (
        not value.is_finite()
        or value < 0
        or value > MAX_AMOUNT
        or value != value.quantize(Decimal("0.01"))
    ):
        errors.setdefault(name, []).append(
            str(_("Enter an amount in yuan with at most two decimal places."))
        )
    return value


def _count(errors: dict[str, list[str]], data: Mapping[str, Any], name: str) -> int:
    raw = data.get(name, 0)
    try:
        value = int(raw if raw not in (None, "") else 0)
    except (TypeError, ValueError):
        value = -1
    if isinstance(raw, bool) or not 0 <= value <= 99:
        errors.setdefault(name, []).append(str(_("Enter a whole number from 0 to 99.")))
    return value


def _grade(errors, name: str, kind: str, grade: Any, *, required: bool) -> int | None:
    if grade in (None, ""):
        if required or kind:
            errors.setdefault(name, []).append(str(_("Choose the grade on the disability card.")))
        return None
    try:
        value = int(grade)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 4:
        errors.setdefault(name, []).append(str(_("Choose the grade on the disability card.")))
    return value


@transaction.atomic
def supporter_add(*, actor, application: Application, data: Mapping[str, Any]) -> Supporter:
    """Record a legal supporter with the facts TK2021 Art.8 reads; the rules then decide
    whether any supporter can support. The birth date is read from the ID number."""
    _check(actor, application)
    errors: dict[str, list[str]] = {}
    name = str(data.get("name") or "").strip()
    if not name or len(name) > 50:
        errors.setdefault("name", []).append(str(_("This is required.")))
    birth: date | None = None
    id_number = str(data.get("id_number") or "").strip().upper()
    try:
        birth = parse_id_number(id_number).birth_date
    except InvalidIdNumber as exc:
        errors.setdefault("id_number", []).append(exc.render())
    relationship = str(data.get("relationship") or "")
    if relationship not in Relationship.values or relationship == Relationship.HEAD:
        errors.setdefault("relationship", []).append(str(_("Choose the relationship.")))
    kind = str(data.get("disability_kind") or "")
    if kind not in DisabilityKind.values:
        errors.setdefault("disability_kind", []).append(str(_("Choose the kind of disability.")))
    grade = _grade(errors, "disability_grade", kind, data.get("disability_grade"), required=False)
    vehicles = list(data.get("vehicles") or [])
    if not all(v in VehicleKind.values for v in vehicles) or len(vehicles) > 20:
        errors.setdefault("vehicles", []).append(str(_("Choose the kind of each vehicle.")))
    flags = {
        f: bool(data.get(f))
        for f in ("is_tekun", "dibao_recipient", "incapacitated", "missing", "imprisoned")
    }
    values = {
        "annual_income": _amount(errors, data, "annual_income"),
        "deposits": _amount(errors, data, "deposits"),
        "homes": _count(errors, data, "homes"),
        "market_entities": _count(errors, data, "market_entities"),
    }
    if errors:
        raise ApplicationInvalid(errors)
    assert birth is not None
    supporter = Supporter.objects.create(
        application=application,
        name=name,
        id_number=id_number,
        relationship=relationship,
        birth_date=birth,
        disability_kind=kind,
        disability_grade=grade,
        vehicles=vehicles,
        **flags,
        **values,
    )
    record_event(
        event_type=EventType.SUPPORTER_RECORDED,
        subject=_subject(application),
        actor=actor,
        division_code=application.division_id,
        new={
            "supporter": supporter.pk,
            "relationship": relationship,
            "birth_date": birth.isoformat(),
            **flags,
            **{k: str(v) for k, v in values.items()},
            "disability": f"{kind} {grade or ''}".strip(),
            "vehicles": vehicles,
        },
    )
    return supporter


@transaction.atomic
def supporter_remove(*, actor, supporter: Supporter, reason: str) -> None:
    """Remove a supporter recorded in error; the reason is required and audited."""
    application = supporter.application
    _check(actor, application)
    if not (reason or "").strip():
        raise ApplicationInvalid({"reason": [str(_("This is required."))]})
    old = {"supporter": supporter.pk, "name": supporter.name}
    supporter.delete()
    record_event(
        event_type=EventType.SUPPORTER_REMOVED,
        subject=_subject(application),
        actor=actor,
        division_code=application.division_id,
        old=old,
        reason=reason.strip(),
    )


@transaction.atomic
def supporter_finding_record(
    *, actor, application: Application, finding: bool | None, reason: str, computed: bool
) -> Application:
    """The caseworker's finding on the supporters (None: leave it to the rules). A finding
    needs a reason; it is audited as a departure with the computed result beside it
    (``computed``: whether the rules found an able supporter)."""
    _check(actor, application)
    reason = (reason or "").strip()
    if finding is not None and not reason:
        raise ApplicationInvalid({"supporter_note": [str(_("This is required."))]})
    if len(reason) > 200:
        raise ApplicationInvalid({"supporter_note": [str(_("At most 200 characters."))]})
    application = Application.objects.select_for_update().get(pk=application.pk)
    old = {"finding": application.has_able_supporter, "note": application.supporter_note}
    application.has_able_supporter = finding
    application.supporter_note = reason
    application.save(update_fields=["has_able_supporter", "supporter_note"])
    record_event(
        event_type=EventType.SUPPORTER_FINDING,
        subject=_subject(application),
        actor=actor,
        division_code=application.division_id,
        old=old,
        new={
            "finding": finding,
            "computed_able_supporter": computed,
            "departs": finding is not None and finding != computed,
        },
        reason=reason,
    )
    return application


@transaction.atomic
def self_care_assess(
    *, actor, member: Member, assessed_on: date, items: Mapping[str, bool]
) -> SelfCareAssessment:
    """Record a six-item self-care assessment [TK2021 Art.21–22] with its date and
    assessor; the latest sets the care amount. Every item must be answered."""
    application = member.application
    _check(actor, application)
    errors: dict[str, list[str]] = {}
    missing = [item for item in SELF_CARE_ITEMS if not isinstance(items.get(item), bool)]
    if missing:
        errors["items"] = [str(_("Answer each of the six items."))]
    if not isinstance(assessed_on, date) or assessed_on > timezone.localdate():
        errors["assessed_on"] = [str(_("Enter the date of the assessment (not in the future)."))]
    if errors:
        raise ApplicationInvalid(errors)
    # the member's reported changes still open are locked, so a report recorded at the
    # same moment is either cleared here or stays open, never lost in between
    Member.objects.select_for_update().filter(pk=member.pk).first()
    assessment = SelfCareAssessment.objects.create(
        member=member,
        assessed_on=assessed_on,
        assessor=actor,
        **{item: items[item] for item in SELF_CARE_ITEMS},
    )
    # [TK2021 Art.23]: an assessment on or after a reported change is its re-assessment
    cleared = list(
        SelfCareChange.objects.filter(
            member=member, cleared_by=None, reported_on__lte=assessed_on
        ).values_list("pk", flat=True)
    )
    if cleared:
        SelfCareChange.objects.filter(pk__in=cleared, cleared_by=None).update(cleared_by=assessment)
    record_event(
        event_type=EventType.SELF_CARE_ASSESSED,
        subject=_subject(application),
        actor=actor,
        division_code=application.division_id,
        new={
            "member": member.pk,
            "assessed_on": assessed_on.isoformat(),
            "failed_items": assessment.failed_items,
            "level": care_level(assessment.failed_items),
            "cleared_changes": cleared,
        },
    )
    return assessment


@transaction.atomic
def self_care_change_report(
    *, actor, member: Member, reported_on: date, report: str
) -> SelfCareChange:
    """Record that a change of a member's self-care situation was reported: the member is
    to be re-assessed within the division's working days (10 by default) of the report
    [TK2021 Art.23], counted on the statutory calendar. Audited; cleared by the member's
    next assessment dated on or after the report (``self_care_assess``)."""
    application = member.application
    _check(actor, application)
    errors: dict[str, list[str]] = {}
    report = (report or "").strip()
    if not report or len(report) > REPORT_MAX:
        errors["report"] = [str(_("Describe the change (at most 500 characters)."))]
    if not isinstance(reported_on, date) or reported_on > timezone.localdate():
        errors["reported_on"] = [str(_("Enter the date of the report (not in the future)."))]
    if errors:
        raise ApplicationInvalid(errors)
    Member.objects.select_for_update().filter(pk=member.pk).first()
    due_on, days = reassessment_due(application.division_id, reported_on)
    change = SelfCareChange.objects.create(
        member=member,
        reported_on=reported_on,
        report=report,
        reported_by=actor,
        due_on=due_on,
        working_days=days,
    )
    record_event(
        event_type=EventType.SELF_CARE_CHANGE_REPORTED,
        subject=_subject(application),
        actor=actor,
        division_code=application.division_id,
        new={
            "change": change.pk,
            "member": member.pk,
            "reported_on": reported_on.isoformat(),
            "due_on": due_on.isoformat(),
            "working_days": days,
        },
        reason=report,
    )
    return change


@transaction.atomic
def disability_certificate_add(
    *, actor, member: Member, kind: str, grade: Any, number: str = ""
) -> DisabilityCertificate:
    """Record a further disability certificate of a member [A2021 Art.8: 多重残疾]."""
    application = member.application
    _check(actor, application)
    errors: dict[str, list[str]] = {}
    if kind not in DisabilityKind.values or not kind:
        errors["kind"] = [str(_("Choose the kind of disability."))]
    value = _grade(errors, "grade", kind, grade, required=True)
    number = (number or "").strip()
    if len(number) > 30:
        errors["number"] = [str(_("At most 30 characters."))]
    if errors:
        raise ApplicationInvalid(errors)
    assert value is not None
    certificate = DisabilityCertificate.objects.create(
        member=member, kind=kind, grade=value, number=number
    )
    record_event(
        event_type=EventType.CERTIFICATE_ADDED,
        subject=_subject(application),
        actor=actor,
        division_code=application.division_id,
        new={"member": member.pk, "kind": kind, "grade": value},
    )
    return certificate

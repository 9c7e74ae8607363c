"""Reports (投诉举报): lodged by anyone, routed to a township (or the county, for township
staff), taken by one handler, answered within the dated clock; the handler may open a
review of the household on the roster.

Privacy: the reporter's name, phone and account stay in the report row. Audit events of a
report name no actor when it is lodged (a signed-in reporter is not written into the log,
which the county can read) and never carry the identity; the handler who took the report
reads it through ``report_identity``, and each reading is audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts import ratelimit
from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.benefits.models import Beneficiary, BeneficiaryStatus
from yimen.benefits.services.remedies import review_open_on_report
from yimen.notify.phones import normalise_phone
from yimen.regions.codes import Level, level_of
from yimen.regions.models import Division
from yimen.spreadsheets import FORMULA_TEXT_MESSAGE, starts_like_formula
from yimen.workflow.calendar import local_date

from .. import transitions
from ..clocks import clocks_for
from ..errors import (
    FollowUpFailed,
    NoSuchHousehold,
    NotAllowed,
    NotTheHandler,
    ReportInvalid,
    TooManyReports,
    WrongState,
)
from ..models import Finding, Report, ReportKind, ReportStatus, StaffLevel
from ..rules import answer_due, route

SUBJECT = "complaints.report"
TEXT_MAX = 2000
NAME_MAX = 50
HOUR = 3600
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read over the phone
RECEIPT_LENGTH = 12
# Per-address limits of the public door; a deployment may override them in settings.
LIMITS = {
    "reports_per_hour": 5,
    "follow_failures_per_hour": 10,
    **getattr(settings, "YIMEN_COMPLAINT_LIMITS", {}),
}


def subject(report: Report) -> tuple[str, str]:
    return (SUBJECT, str(report.pk))


@dataclass(frozen=True)
class ReportInput:
    """What a reporter fills in (identity optional: empty name and phone is anonymous)."""

    kind: str
    division_code: str
    subject_name: str
    text: str
    staff_level: str = ""
    subject_address: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""


def _validate(data: ReportInput) -> tuple[Division | None, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message) -> None:
        errors.setdefault(field, []).append(str(message))

    if data.kind not in ReportKind.values:
        add("kind", _("Choose what you are reporting."))
    if data.kind == ReportKind.MISCONDUCT and data.staff_level not in StaffLevel.values:
        add("staff_level", _("Say whose staff: the village committee's or the township's."))
    division = Division.objects.filter(pk=(data.division_code or "").strip()).first()
    if division is None or level_of(division.code) < Level.TOWNSHIP:
        add("division_code", _("Choose the village, community or township concerned."))
    for field, value, limit, required in (
        ("subject_name", data.subject_name, NAME_MAX, True),
        ("subject_address", data.subject_address, 200, False),
        ("text", data.text, TEXT_MAX, True),
        ("reporter_name", data.reporter_name, NAME_MAX, False),
    ):
        value = (value or "").strip()
        if required and not value:
            add(field, _("This field is required."))
        elif len(value) > limit:
            add(field, _("At most %(n)d characters.") % {"n": limit})
        elif starts_like_formula(value):
            add(field, FORMULA_TEXT_MESSAGE)
    phone = (data.reporter_phone or "").strip()
    if phone and not normalise_phone(phone):
        add("reporter_phone", _("Give a mobile number of 11 digits, or leave it empty."))
    return division, errors


def _new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def report_submit(
    *, data: ReportInput, reporter=None, address: str | None, limited: bool = True
) -> Report:
    """Lodge a report, signed in (``reporter``) or not, and route it.

    Validated before anything is written; at most LIMITS["reports_per_hour"] per network
    address and hour (the public door is open without a captcha). Returns the report, whose
    receipt code the reporter keeps to follow it. ``limited=False`` only for reports not
    coming through a door of the site (the demo loader)."""
    if limited and ratelimit.used("complaints.report", address) >= LIMITS["reports_per_hour"]:
        raise TooManyReports()
    division, errors = _validate(data)
    if errors or division is None:
        raise ReportInvalid(errors)
    signed_in = reporter is not None and getattr(reporter, "is_authenticated", False)
    now = timezone.now()
    routed_to = route(data.kind, data.staff_level, division.code)
    clocks = clocks_for(routed_to, local_date(now))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    receipt_code=_new_receipt_code(),
                    kind=data.kind,
                    staff_level=data.staff_level if data.kind == ReportKind.MISCONDUCT else "",
                    division=division,
                    routed_to_id=routed_to,
                    subject_name=data.subject_name.strip(),
                    subject_address=data.subject_address.strip(),
                    text=data.text.strip(),
                    reporter_name=data.reporter_name.strip(),
                    reporter_phone=normalise_phone(data.reporter_phone),
                    reporter=reporter if signed_in else None,
                    received_at=now,
                    due_on=answer_due(local_date(now), clocks),
                    due_is_example=clocks.example,
                )
                # no actor, no identity: the log is read by the county and kept for ever
                record_event(
                    event_type=EventType.COMPLAINT_RECEIVED,
                    subject=subject(report),
                    division_code=routed_to,
                    role="reporter",
                    new={
                        "kind": report.kind,
                        "staff_level": report.staff_level,
                        "where": division.code,
                        "routed_to": routed_to,
                        "due_on": report.due_on,
                    },
                )
        except IntegrityError:  # a receipt code drawn twice: draw again
            continue
        break
    else:  # pragma: no cover - 31**12 codes
        raise RuntimeError("no free receipt code")
    if limited:
        ratelimit.use("complaints.report", address, window=HOUR)
    return report


def _handler_binding(actor, report: Report) -> str:
    """The role under which ``actor`` handles reports routed exactly to the report's
    division (a county handler does not take a township's reports: they are routed)."""
    for binding in bindings_for(actor, Action.COMPLAINT_HANDLE):
        if binding.division_code == report.routed_to_id:
            return str(binding.role)
    raise NotAllowed()


@transaction.atomic
def report_take(*, actor, report: Report) -> Report:
    """A handler of the division the report is routed to takes it; of two at once, one."""
    role = _handler_binding(actor, report)
    now = timezone.now()
    transitions.move_report(report, ReportStatus.HANDLING, handler=actor, taken_at=now)
    record_event(
        event_type=EventType.COMPLAINT_TAKEN,
        subject=subject(report),
        actor=actor,
        role=role,
        division_code=report.routed_to_id,
        old={"status": ReportStatus.RECEIVED},
        new={"status": ReportStatus.HANDLING},
    )
    return report


def _require_handler(actor, report: Report) -> str:
    role = _handler_binding(actor, report)
    if report.handler_id != getattr(actor, "pk", None):
        raise NotTheHandler()
    return role


@dataclass(frozen=True)
class Identity:
    """Who reported, as the handler sees it ("" where the reporter gave nothing)."""

    name: str
    phone: str
    account: str

    @property
    def anonymous(self) -> bool:
        return not (self.name or self.phone or self.account)


@transaction.atomic
def report_identity(*, actor, report: Report) -> Identity:
    """The reporter's identity, for the handler who took the report only; every reading
    is audited (who read it and when — the log does not repeat the identity)."""
    role = _require_handler(actor, report)
    record_event(
        event_type=EventType.COMPLAINT_IDENTITY_VIEWED,
        subject=subject(report),
        actor=actor,
        role=role,
        division_code=report.routed_to_id,
    )
    reporter = report.reporter
    account = reporter.get_username() if reporter is not None else ""
    return Identity(report.reporter_name, report.reporter_phone, account)


@transaction.atomic
def report_answer(*, actor, report: Report, finding: str, answer: str) -> Report:
    """The handler records the finding and the answer; the reporter is told (notify)."""
    role = _require_handler(actor, report)
    answer = (answer or "").strip()
    errors: dict[str, list[str]] = {}
    if finding not in Finding.values:
        errors["finding"] = [str(_("Choose what the handling found."))]
    if not answer:
        errors["answer"] = [str(_("Write the answer to the reporter."))]
    elif len(answer) > TEXT_MAX:
        errors["answer"] = [str(_("At most %(n)d characters.") % {"n": TEXT_MAX})]
    if errors:
        raise ReportInvalid(errors)
    now = timezone.now()
    transitions.move_report(
        report, ReportStatus.ANSWERED, finding=finding, answer=answer, answered_at=now
    )
    record_event(
        event_type=EventType.COMPLAINT_ANSWERED,
        subject=subject(report),
        actor=actor,
        role=role,
        division_code=report.routed_to_id,
        old={"status": ReportStatus.HANDLING},
        new={
            "status": ReportStatus.ANSWERED,
            "finding": finding,
            "late": local_date(now) > report.due_on,
        },
        reason=answer,
    )
    return report


@transaction.atomic
def report_open_review(*, actor, report: Report, id_number: str, summary: str) -> Report:
    """The handler opens a review of the household on the roster (the benefits review,
    trigger "report") from a report about a household; the household is found by a
    member's ID number in the report's township. ``summary`` goes to the review — the
    reporter's identity never does."""
    role = _require_handler(actor, report)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.kind != ReportKind.HOUSEHOLD or report.status != ReportStatus.HANDLING:
        raise WrongState(what=report.number, status=report.get_status_display())
    summary = (summary or "").strip()
    if not summary or len(summary) > TEXT_MAX:
        raise ReportInvalid({"summary": [str(_("Say what the review should look at."))]})
    number = "".join((id_number or "").split()).upper()
    prefix = report.routed_to_id[:9]
    beneficiary = (
        Beneficiary.objects.filter(division__code__startswith=prefix)
        .exclude(status=BeneficiaryStatus.STOPPED)
        .filter(application__members__id_number=number)
        .first()
        if len(number) == 18
        else None
    )
    if beneficiary is None:
        raise NoSuchHousehold()
    review = review_open_on_report(
        beneficiary=beneficiary,
        comment=f"{report.number} {summary}",
        due_on=report.due_on,
    )
    Report.objects.filter(pk=report.pk).update(review_case=review.case)
    report.review_case = review.case
    record_event(
        event_type=EventType.COMPLAINT_REVIEW_OPENED,
        subject=subject(report),
        actor=actor,
        role=role,
        division_code=report.routed_to_id,
        new={"review": review.pk, "case": review.case.number, "household": beneficiary.pk},
        reason=summary,
    )
    return report


# --- the reporter's follow-up by receipt code (no login) -----------------------------------


@dataclass(frozen=True)
class FollowUp:
    """What the receipt code shows: the report's progress, never a name of staff."""

    number: str
    kind: str
    status: str
    status_code: str
    received_on: date
    routed_to: str
    due_on: date
    overdue: bool
    finding: str
    answer: str
    answered_on: date | None


def report_follow(*, receipt_code: str, address: str | None) -> FollowUp:
    """The report with this receipt code; failures limited per address and hour."""
    if ratelimit.used("complaints.follow", address) >= LIMITS["follow_failures_per_hour"]:
        raise TooManyReports()
    code = "".join((receipt_code or "").split()).upper().replace("-", "")[:RECEIPT_LENGTH]
    report = (
        Report.objects.filter(receipt_code=code).select_related("routed_to").first()
        if len(code) == RECEIPT_LENGTH
        else None
    )
    if report is None:
        ratelimit.use("complaints.follow", address, window=HOUR)
        raise FollowUpFailed()
    today = timezone.localdate()
    return FollowUp(
        number=report.number,
        kind=report.get_kind_display(),
        status=report.get_status_display(),
        status_code=report.status,
        received_on=local_date(report.received_at),
        routed_to=report.routed_to.full_name or report.routed_to.name,
        due_on=report.due_on,
        overdue=report.is_overdue(today),
        finding=report.get_finding_display() if report.finding else "",
        answer=report.answer,
        answered_on=local_date(report.answered_at) if report.answered_at else None,
    )

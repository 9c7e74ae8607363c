"""What the public and applicants can do without a staff account: read the disclosure of
approved households (公示), lodge an objection, look up one's own case, withdraw it.

Nothing here trusts the caller: every read returns only what the disclosure rules allow
(house rule 9), every write is validated before anything is stored, and the anonymous doors
are rate-limited per network address. Addresses are never stored in the clear: the limits
key a keyed hash of the address in the counters every worker shares (accounts.ratelimit)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from yimen.accounts import ratelimit
from yimen.accounts.models import RoleBinding
from yimen.accounts.roles import Role
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import Invalid
from yimen.people import mask_id, mask_name
from yimen.regions import selectors as regions
from yimen.regions.codes import InvalidCode, Level, code_at_level, normalize_code
from yimen.regions.models import Division
from yimen.web.ids import parse_id
from yimen.workflow import services as workflow
from yimen.workflow.errors import CaseNotFound
from yimen.workflow.models import Case, Notification
from yimen.workflow.services import CASE_SUBJECT
from yimen.workflow.states import CaseStatus

from ..choices import AssistanceType, Relationship
from ..errors import (
    NotDisclosed,
    StatusLookupFailed,
    TooManyLookups,
    TooManyObjections,
    WithdrawalNeedsAccount,
)
from ..limits import Disclosure, disclosures_for
from ..models import Application, ApplicationStatus, Member, Objection

REVIEW_PROCESS = "assist_review"
OBJECTION_MAX_CHARS = 1000
CONTACT_MAX_CHARS = 100
HOUR = 3600

# Per-address limits of the anonymous doors; a deployment may override them in settings.
LIMITS = {
    "objections_per_hour": 5,
    "status_failures_per_hour": 10,
    **getattr(settings, "YIMEN_PUBLIC_LIMITS", {}),
}


# --- errors (stable codes; bilingual through yimen.errors) -------------------------------


# --- rate limits -------------------------------------------------------------------------


def _used(kind: str, address: str | None) -> int:
    return ratelimit.used(f"public.{kind}", address)


def _use(kind: str, address: str | None) -> None:
    """Count one use in a fixed one-hour window that starts with the first use, in the
    store every worker shares (accounts.ratelimit), not in this process's memory."""
    ratelimit.use(f"public.{kind}", address, window=HOUR)


# --- disclosure (公示): reads ------------------------------------------------------------


def disclosed_applications() -> QuerySet[Application]:
    """Households on public disclosure: approved, the case not withdrawn, and the approval
    not revoked by the review of an objection."""
    revoked = Objection.objects.filter(
        review_case__tasks__step="conclude", review_case__tasks__outcome="revoked"
    ).values("application_id")
    return (
        Application.objects.filter(status=ApplicationStatus.SUBMITTED, decision__approved=True)
        .exclude(case__status=CaseStatus.WITHDRAWN)
        .exclude(pk__in=revoked)
    )


@dataclass(frozen=True)
class DisclosedHousehold:
    """One line of the public list: exactly the fields disclosure may show, no more."""

    application_id: int
    name: str  # masked
    id_number: str  # masked
    size: int
    assistance_type: str
    monthly_amount: Decimal | None  # always set on an approval
    disclosed_from: date  # the day of the approval
    disclosed_until: date  # the period's last day, by the village's setting on that day


def disclosure_villages(query: str = "", *, limit: int = 50) -> list[Division]:
    """Villages and communities with disclosed households, optionally searched by name or
    code (either written form), with their township for telling namesakes apart."""
    codes = disclosed_applications().values("division_id")
    divisions = regions.search(query) if query.strip() else Division.objects.all()
    return list(divisions.filter(code__in=codes).select_related("parent").order_by("code")[:limit])


def disclosure_village(village_code: str) -> Division:
    """The village or community of a disclosure page (its list may be empty); NotDisclosed
    when the code names no village-level division."""
    try:
        code = normalize_code(village_code)
    except InvalidCode:
        raise NotDisclosed() from None
    division = Division.objects.filter(pk=code).select_related("parent").first()
    if division is None or division.level != Level.VILLAGE:
        raise NotDisclosed()
    return division


def disclosure_rows(village: Division) -> list[DisclosedHousehold]:
    """The village's disclosed households, masked, newest decision first (one query), each
    with its 公示 period (one more query per distinct approval day, for the setting)."""
    heads = Member.objects.filter(application=OuterRef("pk"), relationship=Relationship.HEAD)
    query = (
        disclosed_applications()
        .filter(division=village)
        .annotate(
            head_full_name=Subquery(heads.values("name")[:1]),
            head_id_number=Subquery(heads.values("id_number")[:1]),
            size=Count("members", filter=Q(members__living_apart=False)),
        )
        .values(
            "pk",
            "head_full_name",
            "head_id_number",
            "size",
            "decision__assistance_type",
            "decision__monthly_amount",
            "decision__decided_at",
        )
        .order_by("-decision__decided_at", "-pk")
    )
    rows = list(query)
    starts = {timezone.localdate(r["decision__decided_at"]) for r in rows}
    # the period in force on each approval day (a handful of days per village)
    periods = {
        day: disclosures_for([village.code], day)[village.code].period_days for day in starts
    }
    return [
        DisclosedHousehold(
            application_id=r["pk"],
            name=mask_name(r["head_full_name"] or ""),
            id_number=mask_id(r["head_id_number"] or ""),
            size=r["size"],
            assistance_type=str(AssistanceType(r["decision__assistance_type"]).label),
            monthly_amount=r["decision__monthly_amount"],
            disclosed_from=(start := timezone.localdate(r["decision__decided_at"])),
            disclosed_until=start + timedelta(days=periods[start]),
        )
        for r in rows
    ]


def disclosure_contact(village: Division) -> Disclosure:
    """The village's disclosure settings in force today (its supervision telephone)."""
    return disclosures_for([village.code], timezone.localdate())[village.code]


# --- objections --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewStart:
    """How an objection was brought to the township: a review case, or notifications."""

    review_case: Case | None
    notified: int


def objection_lodge(*, application_id, text: str, contact: str, address: str | None) -> Objection:
    """Anyone may object to a disclosed household, without logging in.

    Validated before anything is written; at most LIMITS["objections_per_hour"] objections
    per network address and hour. The objection is stored, audited (no actor: the public)
    and brought to the township for review (`start_objection_review`)."""
    if _used("objection", address) >= LIMITS["objections_per_hour"]:
        raise TooManyObjections()
    text = (text or "").strip()
    contact = (contact or "").strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("Write down your objection.")]
    elif len(text) > OBJECTION_MAX_CHARS:
        errors["text"] = [_("At most %(n)d characters.") % {"n": OBJECTION_MAX_CHARS}]
    if len(contact) > CONTACT_MAX_CHARS:
        errors["contact"] = [_("At most %(n)d characters.") % {"n": CONTACT_MAX_CHARS}]
    if errors:
        raise Invalid(
            gettext_lazy("The objection has errors; nothing was sent."),
            code="assistance.objection_invalid",
            fields=errors,
        )
    pk = parse_id(application_id)
    application = (
        disclosed_applications().filter(pk=pk).select_related("case").first()
        if pk is not None
        else None
    )
    if application is None:
        raise NotDisclosed()
    with transaction.atomic():
        objection = Objection.objects.create(application=application, text=text, contact=contact)
        # The text and contact stay in the objection row: the log is append-only, and a
        # citizen's words and phone number do not belong in it for ever.
        record_event(
            event_type=EventType.OBJECTION_LODGED,
            subject=(CASE_SUBJECT, str(application.case_id)),
            actor=None,
            new={"objection": objection.pk, "chars": len(text), "contact_given": bool(contact)},
        )
        start_objection_review(objection)
    _use("objection", address)
    return objection


def township_caseworkers(division_code: str) -> list[int]:
    """Ids of the active caseworkers bound to the township of ``division_code``."""
    township = code_at_level(division_code, Level.TOWNSHIP)
    return list(
        RoleBinding.objects.filter(
            role=Role.TOWNSHIP_CASEWORKER, division_id=township, active=True, user__is_active=True
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


def notify_township(application: Application, message: str) -> int:
    """An in-app INFO notification for every caseworker of the application's township.

    Created in the caller's transaction: the rows live in the same database, so they
    commit or roll back with the action that caused them."""
    today = timezone.localdate()
    recipients = township_caseworkers(application.division_id)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id, kind=Notification.Kind.INFO, day=today, message=message[:300]
            )
            for user_id in recipients
        ]
    )
    return len(recipients)


def case_number(application: Application) -> str:
    """The number of the application's case ("" for a draft, which has none)."""
    return application.case.number if application.case else ""


def start_objection_review(objection: Objection) -> ReviewStart:
    """Bring an objection to the township for review.

    A review case ("assist_review": the township re-investigates, the approver concludes,
    signed) is opened without a staff actor and linked to the objection, and the
    township's caseworkers are notified. A conclusion "revoked" takes the household off the
    disclosure (``disclosed_applications``)."""
    application = objection.application
    review = workflow.case_open_by_system(
        process_code=REVIEW_PROCESS,
        division=application.division,
        title=f"{case_number(application)} · {_('objection')}",
        subject=("assistance.objection", str(objection.pk)),
        reason=str(gettext_lazy("Objection lodged on the public disclosure")),
    )
    Objection.objects.filter(pk=objection.pk).update(review_case=review)
    objection.review_case = review
    with override(settings.LANGUAGE_CODE):
        message = _(
            "%(case)s: an objection to the public disclosure was lodged; review the case."
        ) % {"case": case_number(application)}
    return ReviewStart(review_case=review, notified=notify_township(application, message))


# --- the applicant's own case ------------------------------------------------------------


def status_lookup(
    *, case_number: str, id_number: str, receipt_code: str, address: str | None
) -> Application:
    """The application whose case number, member ID number and receipt code all match.

    Any mismatch gives the same StatusLookupFailed; the receipt code is compared in
    constant time (also when the case number matched nothing, against a dummy), and
    failures are limited to LIMITS["status_failures_per_hour"] per address."""
    if _used("status", address) >= LIMITS["status_failures_per_hour"]:
        raise TooManyLookups()
    number = (case_number or "").strip().upper()[:40]
    person = (id_number or "").strip().upper().replace(" ", "")[:18]
    code = (receipt_code or "").strip()[:8]
    application = (
        Application.objects.filter(case__number=number, status=ApplicationStatus.SUBMITTED)
        .select_related("case")
        .first()
        if number
        else None
    )
    expected = application.receipt_code if application and application.receipt_code else "-" * 6
    code_ok = hmac.compare_digest(expected.encode(), code.encode())
    person_ok = bool(
        application and person and application.members.filter(id_number=person).exists()
    )
    if not (application and code_ok and person_ok):
        _use("status", address)
        raise StatusLookupFailed()
    return application


def application_withdraw_by_applicant(*, application: Application, reason: str, actor=None) -> Case:
    """The applicant withdraws the application: its case closes as withdrawn (audited by
    the workflow engine as CASE_WITHDRAWN).

    The caller has proven who is asking: either ``actor`` is the applicant's own account,
    or (``actor`` anonymous) the status look-up matched the case number, an ID number of
    the household and the receipt code in this session."""
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    if signed_in and application.applicant_id != actor.pk:
        raise WithdrawalNeedsAccount()
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            gettext_lazy("Give a reason for the withdrawal."),
            code="assistance.withdrawal_reason",
            fields={"reason": [_("Give a reason for the withdrawal.")]},
        )
    if len(reason) > 2000:
        raise Invalid(
            gettext_lazy("At most %(n)d characters."), code="assistance.withdrawal_reason", n=2000
        )
    if application.case_id is None:  # a draft: there is no case to withdraw
        raise CaseNotFound()
    if signed_in:
        return workflow.case_withdraw(case_id=application.case_id, actor=actor, reason=reason)
    return workflow.case_withdraw_by_applicant(
        case_id=application.case_id, reason=reason, via="status_lookup"
    )

"""One-door intake (一门式): entering an application, discovery drafts, submitting to the
township, attachments, and what is still missing for acceptance."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yimen.accounts.roles import Action
from yimen.accounts.scoping import can
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import Invalid
from yimen.people import initials_of, parse_id_number
from yimen.regions.codes import Level
from yimen.regions.models import Division
from yimen.workflow.services import CASE_SUBJECT, case_open
from yimen.workflow.states import CaseStatus

from ..choices import AttachmentKind, Channel, ConsentKind, DisabilityKind
from ..errors import AlreadyAssisted, ApplicationInvalid, CannotApply, NotADraft
from ..inputs import ApplicationInput
from ..models import (
    Application,
    ApplicationStatus,
    Asset,
    Attachment,
    Consent,
    Income,
    Member,
)
from ..transitions import set_application_status
from ..validation import (
    account_number,
    phone_number,
    validate_application,
    validate_hardship_tier,
)

PROCESS = "assist"
ALLOWED_UPLOADS = {"image/jpeg", "image/png", "application/pdf"}
MAX_UPLOAD_BYTES = getattr(settings, "YIMEN_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


def _subject(application: Application) -> tuple[str, str]:
    """Events of a submitted application join its case's timeline."""
    if application.case_id:
        return (CASE_SUBJECT, str(application.case_id))
    return ("assistance.application", str(application.pk))


def _acting(actor, channel: str, division_code: str) -> tuple[Action, bool]:
    """Which permission lets ``actor`` file through ``channel``, and whether it is a draft."""
    if channel == Channel.DISCOVERY:
        if can(actor, Action.CASE_REPORT, division_code):
            return Action.CASE_REPORT, True
    elif can(actor, Action.CASE_OPEN, division_code):
        return Action.CASE_OPEN, False
    elif channel in (Channel.SELF, Channel.ENTRUSTED) and can(
        actor, Action.CASE_APPLY, division_code
    ):
        return Action.CASE_APPLY, False
    raise CannotApply()


@transaction.atomic
def application_create(*, actor, data: ApplicationInput, today: date | None = None) -> Application:
    """Record a household's application; validated as a whole, nothing written on error.

    A caseworker's or applicant's entry is submitted to the township at once (the clock of
    the case starts at acceptance); a village's discovery report stays a draft for the
    township to complete and submit."""
    today = today or timezone.localdate()
    errors = validate_application(data, today)
    division = Division.objects.filter(pk=(data.division_code or "").ljust(12, "0")[:12]).first()
    if division is None:
        errors.setdefault("division_code", []).append(_("Unknown division code."))
    elif division.level != Level.VILLAGE:
        # the case runs where the household lives: the village committee appraises and
        # discloses there, so a township or county code cannot be the household's division
        errors.setdefault("division_code", []).append(
            _("Choose a village or community (12-digit code).")
        )
    else:
        validate_hardship_tier(errors, division.code, data.hardship_tier, today)
    if errors or division is None:
        raise ApplicationInvalid(errors)
    action, draft = _acting(actor, data.channel, division.code)
    if action == Action.CASE_APPLY:
        _refuse_staff_findings(data)
    application = Application.objects.create(
        division=division,
        address=data.address.strip(),
        hukou_type=data.hukou_type,
        assistance_type=data.assistance_type,
        channel=data.channel,
        applicant=actor if action == Action.CASE_APPLY else None,
        entrusted_name=data.entrusted_name.strip(),
        entrusted_id_number=data.entrusted_id_number.strip().upper(),
        entrusted_relation=data.entrusted_relation.strip(),
        discovery_note=data.discovery_note.strip(),
        relative_of_staff=data.relative_of_staff,
        relative_note=data.relative_note.strip(),
        has_able_supporter=data.has_able_supporter,
        supporter_note=data.supporter_note.strip(),
        hardship_tier=data.hardship_tier.strip(),
        phone=phone_number(data.phone),
        reason=data.reason.strip(),
        payment_bank=data.payment_bank.strip(),
        payment_account_kind=data.payment_account_kind,
        payment_account=account_number(data.payment_account),
        head_initials=initials_of(
            next((m.name for m in data.members if m.relationship == "head"), "")
        ),
        created_by=actor,
    )
    _write_household(application, data)
    record_event(
        event_type=EventType.APPLICATION_CREATED,
        subject=_subject(application),
        actor=actor,
        new={
            "channel": data.channel,
            "members": len(data.members),
            "type": data.assistance_type,
            "draft": draft,
            "able_supporter": data.has_able_supporter,
            "hardship_tier": data.hardship_tier.strip(),
            "phone": application.phone,
            "payment_account": application.payment_account,
        },
    )
    if not draft:
        application = application_submit(actor=actor, application=application)
    return application


#: what only the staff record (经办人员近亲属, 经办人认定, 困难分档, 发现报告); the citizen's
#: form does not offer them (forms.STAFF_ONLY_FIELDS) and the API refuses them from one
STAFF_FINDINGS = (
    "discovery_note",
    "relative_of_staff",
    "relative_note",
    "has_able_supporter",
    "supporter_note",
    "hardship_tier",
)


def _refuse_staff_findings(data: ApplicationInput) -> None:
    given = [
        name
        for name in STAFF_FINDINGS
        if (
            getattr(data, name) is not None if name == "has_able_supporter" else getattr(data, name)
        )
    ]
    if given:
        raise ApplicationInvalid(
            {
                name: [_("Only the staff record this; leave it out of your application.")]
                for name in given
            }
        )


def _write_household(application: Application, data: ApplicationInput) -> None:
    for m in data.members:
        info = parse_id_number(m.id_number)
        member = Member.objects.create(
            application=application,
            name=m.name.strip(),
            id_number=info.number,
            relationship=m.relationship,
            birth_date=info.birth_date,
            sex=info.sex,
            disability_kind=m.disability_kind or DisabilityKind.NONE,
            disability_grade=m.disability_grade,
            serious_illness=m.serious_illness,
            work_ability=m.work_ability,
            student=m.student,
            tekun_as_minor=m.tekun_as_minor,
            living_apart=m.living_apart,
        )
        Income.objects.bulk_create(
            [
                Income(
                    member=member, category=i.category, monthly_amount=i.monthly_amount, note=i.note
                )
                for i in m.incomes
            ]
        )
        consents = [
            (ConsentKind.PROMISE, m.promise_signed_on),
            (ConsentKind.AUTHORISATION, m.authorisation_signed_on),
        ]
        Consent.objects.bulk_create(
            [Consent(member=member, kind=k, signed_on=d) for k, d in consents if d]
        )
    Asset.objects.bulk_create(
        [
            Asset(
                application=application,
                kind=a.kind,
                value=a.value,
                quantity=a.quantity,
                vehicle_kind=a.vehicle_kind,
                note=a.note,
            )
            for a in data.assets
        ]
    )


def open_case_holding(id_numbers: list[str], *, exclude: Application | None = None):
    """The first member already in an open case or on the roster, as (name, case number)."""
    members = (
        Member.objects.filter(id_number__in=id_numbers)
        .select_related("application__case")
        .exclude(application__status=ApplicationStatus.DISCARDED)
    )
    if exclude is not None:
        members = members.exclude(application=exclude)
    for member in members:
        case = member.application.case
        if case is None:
            continue
        on_roster = (
            case.status == CaseStatus.COMPLETED
            and getattr(member.application, "decision", None) is not None
            and member.application.decision.approved
        )
        if case.status == CaseStatus.ACTIVE or on_roster:
            return member.name, case.number
    return None


@transaction.atomic
def application_submit(*, actor, application: Application) -> Application:
    """Submit a draft (or a fresh entry) to the township: the workflow case opens.

    The caller's instance is refreshed too, so it shows the case afterwards."""
    given = application
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.DRAFT:
        raise NotADraft()
    own = application.applicant_id is not None and application.applicant_id == actor.pk
    if not (own or can(actor, Action.CASE_OPEN, application.division_id)):
        raise CannotApply()  # village staff report; the township submits
    holder = open_case_holding(
        list(application.members.values_list("id_number", flat=True)), exclude=application
    )
    if holder:
        raise AlreadyAssisted(*holder)
    case = case_open(
        process_code=PROCESS,
        division=application.division,
        actor=actor,
        title=_case_title(application),
        subject=("assistance.application", str(application.pk)),
        applicant=application.applicant,
        flags={"relative": application.relative_of_staff},
    )
    application.case = case
    application.receipt_code = f"{secrets.randbelow(10**6):06d}"
    application.save(update_fields=["case", "receipt_code"])
    set_application_status(application, ApplicationStatus.SUBMITTED)
    record_event(
        event_type=EventType.APPLICATION_SUBMITTED,
        subject=_subject(application),
        actor=actor,
        new={"case": case.number},
    )
    given.refresh_from_db()
    return application


def _case_title(application: Application) -> str:
    return f"{application.head_name} · {application.get_assistance_type_display()}"


@transaction.atomic
def application_discard(*, actor, application: Application, reason: str) -> Application:
    """Drop a discovery draft the township will not pursue, with the reason."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.DRAFT:
        raise NotADraft()
    if not can(actor, Action.CASE_OPEN, application.division_id):
        raise CannotApply()
    if not reason.strip():
        raise Invalid(gettext_lazy("A written reason is required."), code="assistance.reason")
    set_application_status(application, ApplicationStatus.DISCARDED)
    record_event(
        event_type=EventType.APPLICATION_DISCARDED,
        subject=_subject(application),
        actor=actor,
        reason=reason,
    )
    return application


@transaction.atomic
def attachment_add(
    *, actor, application: Application, kind: str, upload: UploadedFile
) -> Attachment:
    """Attach a scan or photo: JPEG, PNG or PDF, at most MAX_UPLOAD_BYTES."""
    if not (
        can(actor, Action.CASE_OPEN, application.division_id)
        or can(actor, Action.CASE_COLLECT, application.division_id)
        or application.applicant_id == getattr(actor, "pk", None)
    ):
        raise CannotApply()
    if kind not in AttachmentKind.values:
        raise Invalid(gettext_lazy("Unknown kind of material."), code="assistance.upload_kind")
    head = upload.read(8)
    upload.seek(0)
    sniffed = (
        "application/pdf"
        if head.startswith(b"%PDF")
        else "image/png"
        if head.startswith(b"\x89PNG")
        else "image/jpeg"
        if head.startswith(b"\xff\xd8\xff")
        else ""
    )
    if sniffed not in ALLOWED_UPLOADS:
        raise Invalid(
            gettext_lazy("Only JPEG, PNG or PDF files can be attached."),
            code="assistance.upload_type",
        )
    size = upload.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise Invalid(
            gettext_lazy("The file is larger than %(mb)d MB."),
            code="assistance.upload_size",
            mb=MAX_UPLOAD_BYTES // (1024 * 1024),
        )
    attachment = Attachment.objects.create(
        application=application,
        kind=kind,
        file=upload,
        content_type=sniffed,
        size=size,
        uploaded_by=actor,
    )
    record_event(
        event_type=EventType.ATTACHMENT_ADDED,
        subject=_subject(application),
        actor=actor,
        new={"kind": kind, "size": size, "type": sniffed},
    )
    return attachment


def missing_items(application: Application, today: date | None = None) -> list[str]:
    """Everything acceptance still needs, listed at once (一次性告知), in the active language."""
    today = today or timezone.localdate()
    items: list[str] = []
    kinds = set(application.attachments.values_list("kind", flat=True))
    if AttachmentKind.ID_CARD not in kinds:
        items.append(_("A copy of the identity cards"))
    if AttachmentKind.HUKOU not in kinds:
        items.append(_("A copy of the household register"))
    for member in application.members.prefetch_related("consents"):
        if not member.is_adult_on(today):
            continue
        signed = {c.kind for c in member.consents.all()}
        if ConsentKind.PROMISE not in signed:
            items.append(_("%(name)s: the signed truthfulness promise") % {"name": member.name})
        if ConsentKind.AUTHORISATION not in signed:
            items.append(
                _("%(name)s: the signed verification authorisation") % {"name": member.name}
            )
        if member.disability_kind and AttachmentKind.DISABILITY not in kinds:
            items.append(_("%(name)s: the disability certificate") % {"name": member.name})
    if application.channel == Channel.ENTRUSTED and AttachmentKind.ENTRUSTMENT not in kinds:
        items.append(_("The entrustment papers"))
    return items

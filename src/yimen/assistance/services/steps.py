"""The steps of an assistance case after intake: acceptance (or one notice of everything
missing), the economic verification and the household visit in parallel, democratic
appraisal when disputed, the signed decision, and public disclosure.

Each records what the step produced and completes the step's workflow task in the same
transaction, so the record and the case's progress never disagree."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.models import User
from yimen.accounts.roles import Role
from yimen.accounts.scoping import bindings_of
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import Invalid
from yimen.workflow.calendar import add_working_days
from yimen.workflow.models import Case, Task
from yimen.workflow.registry import get_process
from yimen.workflow.services import (
    CASE_SUBJECT,
    case_set_deadlines,
    case_set_flag,
    performer_binding,
    task_complete,
)
from yimen.workflow.states import TaskStatus

from ..choices import AssistanceType
from ..errors import AlreadyAssisted, SeparationOfDuties, WrongStep
from ..limits import deadlines_from
from ..models import (
    Application,
    Appraisal,
    Decision,
    HouseholdVisit,
    MissingItemsNotice,
    VerificationRecord,
)
from ..proposal import departs_from, proposal_for
from .intake import missing_items, open_case_holding

REFUSAL_NOTICE_WORKING_DAYS = 3  # [A2021 Art.21; TK2021 Art.18]


def case_id_of(application: Application, step: str) -> int:
    """The application's case; a draft (no case yet) is not waiting at any step."""
    if application.case_id is None:
        raise WrongStep(get_process("assist").step(step).label)
    return application.case_id


def open_task(application: Application, step: str) -> Task:
    task = Task.objects.filter(
        case_id=case_id_of(application, step), step=step, status=TaskStatus.OPEN
    ).first()
    if task is None:
        raise WrongStep(get_process("assist").step(step).label)
    return task


def _require_performer(actor, application: Application, step: str) -> Task:
    """The step's open task, read under the case's row lock.

    Every step locks the case before it writes its record (the unique ``Decision``, the
    visit, …) and before the audit chain's head (``task_complete``, ``record_event``): two
    people on the same case then queue on the case, and the second one re-reads the task
    after the first has committed and is refused (``WrongStep``) instead of failing on the
    unique record (a 500). One lock order everywhere — case, then chain head — is also what
    keeps the cycle page from deadlocking against a single decision."""
    Case.objects.select_for_update().filter(pk=case_id_of(application, step)).first()
    task = open_task(application, step)
    if performer_binding(actor, get_process("assist").step(step), task.division_id) is None:
        from yimen.workflow.errors import NotYourTask

        raise NotYourTask(get_process("assist").step(step).label)
    return task


def _invalid(field: str, message) -> Invalid:
    return Invalid(message, code="assistance.step_invalid", fields={field: [str(message)]})


@transaction.atomic
def case_accept(*, actor, application: Application, today: date | None = None) -> list[str]:
    """Accept a complete application, or issue one notice of every missing item.

    Returns the missing items (empty when accepted). A member already in an open case or on
    the roster makes the township refuse the application with that reason."""
    task = _require_performer(actor, application, "accept")
    holder = open_case_holding(
        list(application.members.values_list("id_number", flat=True)), exclude=application
    )
    if holder:
        reason = AlreadyAssisted(*holder)
        task_complete(
            task_id=task.pk,
            actor=actor,
            via_service=True,
            outcome="refused",
            reason=reason.render(),
        )
        return []
    items = missing_items(application, today)
    if items:
        MissingItemsNotice.objects.create(application=application, items=items, issued_by=actor)
        record_event(
            event_type=EventType.MISSING_ITEMS_NOTIFIED,
            subject=(CASE_SUBJECT, str(application.case_id)),
            actor=actor,
            new={"items": items},
        )
        return items
    MissingItemsNotice.objects.filter(application=application, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    task_complete(task_id=task.pk, actor=actor, via_service=True, outcome="accepted")
    due = deadlines_from(application.division_id, timezone.now())
    case_set_deadlines(
        case_id=case_id_of(application, "accept"),
        due_at=due.target,
        limit_at=due.statutory,
        actor=actor,
        reason=str(_("The clock starts at acceptance.")),
    )
    return []


@transaction.atomic
def verification_record(
    *,
    actor,
    application: Application,
    verified_monthly_income: Decimal,
    verified_deposits: Decimal,
    contradicts_declaration: bool,
    findings: str,
) -> VerificationRecord:
    """Record the economic verification's result; a contradiction marks the case disputed."""
    task = _require_performer(actor, application, "verify")
    for field, amount in (
        ("verified_monthly_income", verified_monthly_income),
        ("verified_deposits", verified_deposits),
    ):
        if amount is None or amount < 0:
            raise _invalid(field, _("The amount must not be negative."))
    if not findings.strip():
        raise _invalid("findings", _("Write down the findings."))
    record = VerificationRecord.objects.create(
        application=application,
        verified_monthly_income=verified_monthly_income,
        verified_deposits=verified_deposits,
        contradicts_declaration=contradicts_declaration,
        findings=findings.strip(),
        recorded_by=actor,
    )
    if contradicts_declaration:
        case_set_flag(
            case_id=case_id_of(application, "verify"),
            actor=actor,
            flag="disputed",
            value=True,
            reason=str(_("The verification contradicts the declaration.")),
        )
    task_complete(task_id=task.pk, actor=actor, via_service=True, reason=findings.strip()[:2000])
    return record


def _may_investigate(user: User, township: str) -> bool:
    return any(
        b.division_code == township and b.role in (Role.TOWNSHIP_CASEWORKER, Role.SOCIAL_WORKER)
        for b in bindings_of(user)
    )


@transaction.atomic
def visit_record(
    *,
    actor,
    application: Application,
    visited_on: date,
    investigator_ids: list[int],
    findings: str,
    investigators_signed: bool,
    family_signed: bool,
    organisation: str = "",
) -> HouseholdVisit:
    """Record the household visit: at least two investigators of the township (caseworkers
    or contracted social workers), signed by them and by the family [A2021 Art.16]."""
    task = _require_performer(actor, application, "visit")
    investigators = list(User.objects.filter(pk__in=set(investigator_ids), is_active=True))
    if len(investigators) < 2 or not all(
        _may_investigate(u, task.division_id) for u in investigators
    ):
        raise _invalid(
            "investigator_ids",
            _(
                "At least two investigators of this township "
                "(caseworkers or contracted social workers)."
            ),
        )
    if actor.pk not in {u.pk for u in investigators}:
        raise _invalid(
            "investigator_ids",
            _("The person recording the visit must be one of its investigators."),
        )
    if not (investigators_signed and family_signed):
        raise _invalid(
            "family_signed",
            _("The visit form must be signed by the investigators and by the family."),
        )
    if visited_on > timezone.localdate() or visited_on < timezone.localdate(application.created_at):
        raise _invalid(
            "visited_on", _("The visit date must lie between the application and today.")
        )
    if not findings.strip():
        raise _invalid("findings", _("Write down the findings."))
    visit = HouseholdVisit.objects.create(
        application=application,
        visited_on=visited_on,
        organisation=organisation.strip(),
        findings=findings.strip(),
        investigators_signed=True,
        family_signed=True,
        recorded_by=actor,
    )
    visit.investigators.set(investigators)
    task_complete(task_id=task.pk, actor=actor, via_service=True, reason=findings.strip()[:2000])
    return visit


@transaction.atomic
def case_dispute(*, actor, application: Application, reason: str) -> None:
    """Mark the case disputed (so democratic appraisal runs), with the reason."""
    case_set_flag(
        case_id=case_id_of(application, "verify"),
        actor=actor,
        flag="disputed",
        value=True,
        reason=reason,
    )


@transaction.atomic
def appraisal_record(
    *,
    actor,
    application: Application,
    held_on: date,
    participants: int,
    votes_for: int,
    votes_against: int,
    abstentions: int,
    opinion: str,
) -> Appraisal:
    """The village committee records the democratic appraisal meeting."""
    task = _require_performer(actor, application, "appraise")
    if min(votes_for, votes_against, abstentions) < 0:
        raise _invalid("participants", _("Votes cannot be negative."))
    if participants < 1 or votes_for + votes_against + abstentions > participants:
        raise _invalid("participants", _("The votes cannot outnumber the participants."))
    if held_on > timezone.localdate():
        raise _invalid("held_on", _("The meeting cannot be in the future."))
    if not opinion.strip():
        raise _invalid("opinion", _("Write down the meeting's opinion."))
    appraisal = Appraisal.objects.create(
        application=application,
        held_on=held_on,
        participants=participants,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        opinion=opinion.strip(),
        recorded_by=actor,
    )
    task_complete(task_id=task.pk, actor=actor, via_service=True, reason=opinion.strip()[:2000])
    return appraisal


def investigated_by(application: Application) -> set[int]:
    """Everyone who investigated the case: visit investigators and the verification's
    recorder. None of them may decide it (separation of duties)."""
    people: set[int] = set()
    visit = HouseholdVisit.objects.filter(application=application).first()
    if visit:
        people |= set(visit.investigators.values_list("pk", flat=True))
    record = VerificationRecord.objects.filter(application=application).first()
    if record:
        people.add(record.recorded_by_id)
    return people


@transaction.atomic
def case_decide(
    *,
    actor,
    application: Application,
    approve: bool,
    reasons: str,
    assistance_type: str = "",
    monthly_amount: Decimal | None = None,
) -> Decision:
    """The township approver decides and signs; a refusal notice is due in 3 working days."""
    task = _require_performer(actor, application, "decide")
    if actor.pk in investigated_by(application):
        raise SeparationOfDuties()
    if approve:
        if assistance_type not in AssistanceType.values:
            raise _invalid("assistance_type", _("Choose the type of assistance granted."))
        if monthly_amount is None or not (Decimal("0") < monthly_amount < Decimal("1000000")):
            raise _invalid("monthly_amount", _("Give the monthly amount in yuan (above 0)."))
        if monthly_amount != monthly_amount.quantize(Decimal("0.01")):
            raise _invalid("monthly_amount", _("Amounts have at most two decimal places."))
    elif not reasons.strip():
        raise _invalid("reasons", _("A refusal needs written reasons."))
    proposal = proposal_for(application)
    departed = departs_from(
        proposal, approve=approve, assistance_type=assistance_type, monthly_amount=monthly_amount
    )
    if departed and not reasons.strip():
        raise _invalid(
            "reasons",
            _("The decision departs from the rules' proposal; give the reason in writing."),
        )
    today = timezone.localdate()
    decision = Decision.objects.create(
        application=application,
        approved=approve,
        assistance_type=assistance_type if approve else "",
        monthly_amount=monthly_amount if approve else None,
        reasons=reasons.strip(),
        signer=actor,
        signer_name=actor.get_full_name(),
        proposed_type=proposal.assistance_type or "",
        proposed_amount=proposal.monthly_amount,
        notice_due=None if approve else add_working_days(today, REFUSAL_NOTICE_WORKING_DAYS),
    )
    task_complete(
        via_service=True,
        task_id=task.pk,
        actor=actor,
        outcome="approved" if approve else "refused",
        reason=reasons.strip()[:2000],
    )
    if departed:
        record_event(
            event_type=EventType.DECISION_DEPARTED,
            subject=(CASE_SUBJECT, str(application.case_id)),
            actor=actor,
            reason=reasons.strip(),
            old={"proposal": proposal.as_audit()},
            new={"approved": approve, "type": assistance_type, "amount": monthly_amount},
            signer=actor,
        )
    return decision


@transaction.atomic
def disclosure_publish(*, actor, application: Application) -> None:
    """The village committee confirms the approved household is on the public notice."""
    task = _require_performer(actor, application, "disclose")
    task_complete(task_id=task.pk, actor=actor, via_service=True)

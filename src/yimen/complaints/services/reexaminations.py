"""Re-examination (复核): an applicant refused, or a household stopped, asks within the
dated period after the decision — online from their own pages, or at the counter — and an
approver who did not sign the decision signs a NEW one, upholding or changing it.

A changed decision takes effect on the case through the existing use cases, called
directly: a refusal becomes the approval signed now (assistance's ``refusal_replace``),
and the household joins the roster (benefits' ``roster.enrol``: paid from the month after
the new decision, and on the public disclosure for its period); a stop is lifted and the
household is paid again from the next month (benefits' ``household_reinstate``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import acting_role
from yimen.assistance.choices import AssistanceType
from yimen.assistance.models import Application
from yimen.assistance.services.reexamination import refusal_replace
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.benefits.services import roster
from yimen.benefits.services.remedies import arrears_add, household_reinstate
from yimen.months import next_month
from yimen.regions.codes import Level, code_at_level
from yimen.workflow.calendar import local_date
from yimen.workflow.models import CASE_SUBJECT

from .. import transitions
from ..clocks import clocks_for
from ..errors import (
    AlreadyReexamined,
    NotAllowed,
    NothingToReexamine,
    NotInScope,
    ReexamInvalid,
    ReexamLate,
    ReexamPending,
    SameSigner,
)
from ..models import (
    DecisionKind,
    ReexamChannel,
    Reexamination,
    ReexamOrigin,
    ReexamOutcome,
    ReexamStatus,
)
from ..rules import reexam_last_day
from .challenged import Challenged, decision_in_force

TEXT_MAX = 2000


def township_of(application: Application) -> str:
    return code_at_level(application.division_id, Level.TOWNSHIP)


def case_subject(application: Application) -> tuple[str, str]:
    """Re-examinations join the timeline of the application's case."""
    return (CASE_SUBJECT, str(application.case_id))


@dataclass(frozen=True)
class Eligibility:
    """Whether a decision may still be re-examined, and until when (for the pages)."""

    challenged: Challenged
    last_day: date
    example: bool
    open: bool


def reexam_eligibility(application: Application, kind: str, today: date) -> Eligibility | None:
    """The decision of ``kind`` that the applicant may ask to re-examine, with its last
    day; None when there is none or it was already re-examined at the applicant's request."""
    challenged = decision_in_force(application, kind)
    if challenged is None:
        return None
    if Reexamination.objects.filter(
        application=application, kind=kind, origin=ReexamOrigin.APPLICANT
    ).exists():
        return None
    clocks = clocks_for(township_of(application), local_date(challenged.decided_at))
    last_day = reexam_last_day(local_date(challenged.decided_at), clocks)
    return Eligibility(challenged, last_day, clocks.example, today <= last_day)


@transaction.atomic
def reexam_request(
    *,
    actor,
    application: Application,
    kind: str,
    grounds: str,
    channel: str,
    today: date | None = None,
) -> Reexamination:
    """Ask for a re-examination of the refusal or the stop: the applicant online (their own
    application only) or a township clerk at the counter. A request after the period is
    refused (ReexamLate, saying the last day); one waiting already, or a decision already
    re-examined, is refused too. Nothing is written on a refusal."""
    today = today or timezone.localdate()
    township = township_of(application)
    if channel == ReexamChannel.ONLINE:
        if application.applicant_id is None or application.applicant_id != getattr(
            actor, "pk", None
        ):
            raise NotInScope()
        role = "applicant"
    elif channel == ReexamChannel.COUNTER:
        role = acting_role(actor, Action.REEXAM_REGISTER, application.division_id) or ""
        if not role:
            raise NotAllowed()
    else:
        raise ReexamInvalid({"channel": [str(_("Choose how the request came in."))]})
    grounds = (grounds or "").strip()
    if kind not in DecisionKind.values:
        raise ReexamInvalid({"kind": [str(_("Choose the decision to re-examine."))]})
    if not grounds or len(grounds) > TEXT_MAX:
        raise ReexamInvalid(
            {"grounds": [str(_("Say why the decision is wrong (at most 2000 characters)."))]}
        )
    challenged = decision_in_force(application, kind)
    if challenged is None:
        raise NothingToReexamine()
    if Reexamination.objects.filter(
        application=application, kind=kind, status=ReexamStatus.PENDING
    ).exists():
        raise ReexamPending()
    eligibility = reexam_eligibility(application, kind, today)
    if eligibility is None:
        raise AlreadyReexamined()
    if not eligibility.open:
        raise ReexamLate(
            last_day=f"{eligibility.last_day:%Y-%m-%d}",
            days=clocks_for(township, local_date(challenged.decided_at)).reexam_request_days,
        )
    try:
        with transaction.atomic():
            reexam = Reexamination.objects.create(
                kind=kind,
                origin=ReexamOrigin.APPLICANT,
                channel=channel,
                application=application,
                stop_review=challenged.stop_review,
                division_id=township,
                first_signer=challenged.signer,
                first_signer_name=challenged.signer_name,
                first_decided_at=challenged.decided_at,
                first_summary=challenged.summary,
                grounds=grounds,
                requested_by=actor,
                last_day=eligibility.last_day,
            )
    except IntegrityError:  # the same request entered twice at once
        raise ReexamPending() from None
    record_event(
        event_type=EventType.REEXAM_REQUESTED,
        subject=case_subject(application),
        actor=actor,
        role=role,
        division_code=township,
        new={
            "reexamination": reexam.number,
            "kind": kind,
            "channel": channel,
            "last_day": eligibility.last_day,
        },
        reason=grounds,
    )
    return reexam


def reexam_decide_again(
    *, application: Application, kind: str, origin: str, grounds: str, actor
) -> Reexamination:
    """A decision set aside by a reconsideration body or a court is decided again: a
    re-examination of origin ``origin`` waits for a new signed decision (one waiting
    already is reused). Called by ``remedies.remedy_conclude`` in its transaction."""
    waiting = Reexamination.objects.filter(
        application=application, kind=kind, status=ReexamStatus.PENDING
    ).first()
    if waiting is not None:
        return waiting
    challenged = decision_in_force(application, kind)
    if challenged is None:
        raise NothingToReexamine()
    return Reexamination.objects.create(
        kind=kind,
        origin=origin,
        channel=ReexamChannel.REMEDY,
        application=application,
        stop_review=challenged.stop_review,
        division_id=township_of(application),
        first_signer=challenged.signer,
        first_signer_name=challenged.signer_name,
        first_decided_at=challenged.decided_at,
        first_summary=challenged.summary,
        grounds=grounds,
        requested_by=actor,
    )


@dataclass(frozen=True)
class NewDecision:
    """The re-examining approver's decision."""

    outcome: str
    reasons: str
    assistance_type: str = ""
    monthly_amount: Decimal | None = None


def _validate(reexam: Reexamination, decision: NewDecision) -> None:
    errors: dict[str, list[str]] = {}
    if decision.outcome not in ReexamOutcome.values:
        errors["outcome"] = [str(_("Choose: uphold or change the decision."))]
    reasons = decision.reasons.strip()
    if not reasons or len(reasons) > TEXT_MAX:
        errors["reasons"] = [str(_("Give the reasons in writing (at most 2000 characters)."))]
    if decision.outcome == ReexamOutcome.CHANGED:
        if reexam.kind == DecisionKind.REFUSAL and (
            decision.assistance_type not in AssistanceType.values
        ):
            errors["assistance_type"] = [str(_("Choose the type of assistance granted."))]
        amount = decision.monthly_amount
        if amount is None or not (Decimal("0") < amount < Decimal("1000000")):
            errors["monthly_amount"] = [str(_("Give the monthly amount in yuan (above 0)."))]
        elif amount != amount.quantize(Decimal("0.01")):
            errors["monthly_amount"] = [str(_("Amounts have at most two decimal places."))]
    if errors:
        raise ReexamInvalid(errors)


@transaction.atomic
def reexam_decide(*, actor, reexam: Reexamination, decision: NewDecision) -> Reexamination:
    """An approver of the township signs the new decision — never the one who signed the
    decision under re-examination (SameSigner). Of two approvers signing at once, one
    wins (the row is locked and moved with a guarded UPDATE). A change takes effect at
    once through assistance's and benefits' use cases; the applicant is told (notify)."""
    reexam = Reexamination.objects.select_for_update().get(pk=reexam.pk)
    role = acting_role(actor, Action.CASE_DECIDE, reexam.division_id)
    if not role:
        raise NotAllowed()
    if reexam.first_signer_id == getattr(actor, "pk", None):
        raise SameSigner(name=reexam.first_signer_name)
    _validate(reexam, decision)
    changed = decision.outcome == ReexamOutcome.CHANGED
    now = timezone.now()
    name = actor.get_full_name() or actor.get_username()
    transitions.move_reexamination(
        reexam,
        ReexamStatus.DECIDED,
        outcome=decision.outcome,
        assistance_type=decision.assistance_type if changed else "",
        monthly_amount=decision.monthly_amount if changed else None,
        reasons=decision.reasons.strip(),
        signer=actor,
        signer_name=name,
        decided_at=now,
    )
    application = Application.objects.select_related("division").get(pk=reexam.application_id)
    effect = ""
    if changed and reexam.kind == DecisionKind.REFUSAL:
        refusal_replace(
            application=application,
            signer=actor,
            assistance_type=decision.assistance_type,
            monthly_amount=decision.monthly_amount,
            reasons=decision.reasons,
            ground=reexam.number,
        )
        application = Application.objects.select_related("decision").get(pk=application.pk)
        household = roster.enrol(application, actor)
        if household is not None and decision.monthly_amount is not None:
            # approved the first time, it would have been paid from the month after
            arrears_add(
                beneficiary=household,
                signer=actor,
                first_month=next_month(local_date(reexam.first_decided_at)),
                until=household.start_month,
                monthly_amount=decision.monthly_amount,
                ground=reexam.number,
            )
        effect = "approved_and_enrolled"
    elif changed and reexam.kind == DecisionKind.STOP and reexam.stop_review is not None:
        assert decision.monthly_amount is not None  # _validate
        household_reinstate(
            beneficiary=reexam.stop_review.beneficiary,
            signer=actor,
            monthly_amount=decision.monthly_amount,
            reasons=decision.reasons,
            ground=reexam.number,
        )
        effect = "reinstated"
    record_event(
        event_type=EventType.REEXAM_DECIDED,
        subject=case_subject(application),
        actor=actor,
        role=role,
        division_code=reexam.division_id,
        old={"decision": reexam.first_summary, "signer": reexam.first_signer_name},
        new={
            "reexamination": reexam.number,
            "kind": reexam.kind,
            "origin": reexam.origin,
            "outcome": decision.outcome,
            "type": reexam.assistance_type,
            "amount": reexam.monthly_amount,
            "effect": effect,
        },
        reason=decision.reasons.strip(),
        signer=actor,
    )
    return reexam

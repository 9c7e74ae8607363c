"""Dynamic management (动态管理): reviews opened on schedule or on a reported change, and
the township approver's signed outcome, which takes effect from the next month.

Outcomes [A2021 Art.31–33; TZ2022 §1(3)]: continue (unchanged; resumes a suspension),
adjust the amount, phase out (渐退: paid on for at most the policy's months, then stopped),
suspend, stop. Every outcome writes entitlements from the next month, never the past, so an
issued payment roll never changes; the household is told in its own account (if it has one)
and by a printable notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from yimen.accounts.roles import Action
from yimen.accounts.scoping import can
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import Forbidden, NotFound
from yimen.months import add_months, next_month, same_day_months_later
from yimen.workflow import services as workflow
from yimen.workflow.models import Task
from yimen.workflow.states import TaskStatus

from .. import transitions
from ..errors import ReviewAlreadyOpen, ReviewRefused
from ..models import (
    Beneficiary,
    BeneficiaryStatus,
    ChangeKind,
    Entitlement,
    EntitlementStatus,
    Review,
    ReviewOutcome,
    ReviewTrigger,
    Stability,
)
from ..process import BENEFIT_REVIEW_PROCESS
from .policy import policy_for
from .roster import beneficiary_for, current_entitlement, subject

TEXT_MAX = 2000
OUTCOME_STATUS = {
    ReviewOutcome.CONTINUE: BeneficiaryStatus.ACTIVE,
    ReviewOutcome.ADJUST: BeneficiaryStatus.ACTIVE,
    ReviewOutcome.PHASE_OUT: BeneficiaryStatus.PHASING_OUT,
    ReviewOutcome.SUSPEND: BeneficiaryStatus.SUSPENDED,
    ReviewOutcome.STOP: BeneficiaryStatus.STOPPED,
}


def open_review(beneficiary: Beneficiary) -> Review | None:
    return (
        Review.objects.filter(beneficiary=beneficiary, case__status="active")
        .select_related("case")
        .first()
    )


def open_review_case(beneficiary: Beneficiary, reason: str, actor=None):
    """A review case of the household; by the reporting user, or by the system (schedule)."""
    title = f"{beneficiary.head_name} · {gettext_lazy('review')}"
    if actor is None:
        return workflow.case_open_by_system(
            process_code=BENEFIT_REVIEW_PROCESS.code,
            division=beneficiary.division,
            title=title,
            subject=subject(beneficiary),
            reason=reason,
        )
    return workflow.case_open(
        process_code=BENEFIT_REVIEW_PROCESS.code,
        division=beneficiary.division,
        actor=actor,
        title=title,
        subject=subject(beneficiary),
        reason=reason,
    )


def reviews_open_due(today: date | None = None) -> int:
    """Open the scheduled reviews falling due within each division's lead time (idempotent:
    a household with an open review is skipped). Run daily (`yimen benefits_daily`)."""
    today = today or timezone.localdate()
    opened = 0
    candidates = (
        Beneficiary.objects.exclude(status=BeneficiaryStatus.STOPPED)
        .filter(next_review_on__lte=today + timedelta(days=366))
        .exclude(reviews__case__status="active")
        .select_related("division")
        .order_by("next_review_on", "pk")
    )
    for beneficiary in candidates.iterator(chunk_size=500):
        policy = policy_for(beneficiary.division_id, today)
        if beneficiary.next_review_on - timedelta(days=policy.lead_days) > today:
            continue
        with transaction.atomic():
            locked = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
            if open_review(locked):
                continue
            case = open_review_case(locked, str(gettext_lazy("Scheduled review due")))
            Review.objects.create(
                beneficiary=locked,
                case=case,
                trigger=ReviewTrigger.SCHEDULED,
                due_on=locked.next_review_on,
            )
            opened += 1
    return opened


@dataclass(frozen=True)
class ChangeReport:
    beneficiary_id: int
    kind: str
    report: str
    occurred_on: date


@transaction.atomic
def change_report(*, actor, change: ChangeReport, today: date | None = None) -> Review:
    """A reported change opens a review at once (or joins the open one); a death must be
    reviewed within the policy's months of the death [TZ2022 §1(3)]."""
    today = today or timezone.localdate()
    beneficiary = beneficiary_for(actor, change.beneficiary_id, Action.ROSTER_REPORT_CHANGE)
    beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    if change.kind not in ChangeKind.values:
        raise ReviewRefused(gettext_lazy("Choose what changed."))
    text = change.report.strip()
    if not text or len(text) > TEXT_MAX:
        raise ReviewRefused(gettext_lazy("Describe the change (at most 2000 characters)."))
    if change.occurred_on > today:
        raise ReviewRefused(gettext_lazy("The change cannot have happened in the future."))
    if beneficiary.status == BeneficiaryStatus.STOPPED:
        raise ReviewRefused(gettext_lazy("The household's assistance has stopped."))
    policy = policy_for(beneficiary.division_id, today)
    if change.kind == ChangeKind.DEATH:
        due = same_day_months_later(change.occurred_on, policy.death_review_months)
    else:
        limit = BENEFIT_REVIEW_PROCESS.deadline
        assert limit is not None  # declared with a deadline in process.py
        due = limit.due_date(timezone.make_aware(datetime.combine(today, datetime.min.time())))
    review = open_review(beneficiary)
    if review is None:
        case = open_review_case(beneficiary, text[:200], actor)
        review = Review.objects.create(
            beneficiary=beneficiary,
            case=case,
            trigger=ReviewTrigger.CHANGE_REPORTED,
            change_kind=change.kind,
            report=text,
            occurred_on=change.occurred_on,
            due_on=due,
        )
    else:
        joined = f"{review.report}\n{today:%Y-%m-%d} {text}".strip()
        Review.objects.filter(pk=review.pk).update(
            report=joined,
            change_kind=review.change_kind or change.kind,
            occurred_on=review.occurred_on or change.occurred_on,
            due_on=min(review.due_on, due),
        )
        review.refresh_from_db()
    record_event(
        event_type=EventType.CHANGE_REPORTED,
        subject=subject(beneficiary),
        actor=actor,
        division_code=beneficiary.division_id,
        new={
            "kind": change.kind,
            "occurred_on": change.occurred_on,
            "review": review.pk,
            "due_on": review.due_on,
        },
        reason=text,
    )
    return review


@dataclass(frozen=True)
class ReviewDecision:
    review_id: int
    outcome: str
    reasons: str
    new_amount: Decimal | None = None
    phase_out_months: int | None = None


def _last_paid_amount(beneficiary: Beneficiary) -> Decimal:
    row = (
        beneficiary.entitlements.filter(monthly_amount__gt=0)
        .order_by("-effective_month", "-id")
        .first()
    )
    return row.monthly_amount if row else Decimal("0")


def _validate(decision: ReviewDecision, policy) -> None:
    if decision.outcome not in ReviewOutcome.values:
        raise ReviewRefused(gettext_lazy("Choose an outcome of the review."))
    if not decision.reasons.strip() or len(decision.reasons) > TEXT_MAX:
        raise ReviewRefused(gettext_lazy("Give the reasons for the outcome in writing."))
    if decision.outcome == ReviewOutcome.ADJUST:
        amount = decision.new_amount
        if amount is None or not (Decimal("0") < amount < Decimal("1000000")):
            raise ReviewRefused(gettext_lazy("Give the new monthly amount in yuan (above 0)."))
        if amount != amount.quantize(Decimal("0.01")):
            raise ReviewRefused(gettext_lazy("Amounts have at most two decimal places."))
    if decision.outcome == ReviewOutcome.PHASE_OUT:
        months = decision.phase_out_months
        if months is None or not (1 <= months <= policy.phase_out_max_months):
            raise ReviewRefused(
                gettext_lazy("A phase-out lasts 1 to %(max)d months."),
                max=policy.phase_out_max_months,
            )


def _entitlements(beneficiary, decision: ReviewDecision, effective: date, review, actor):
    """The rows an outcome adds, all from ``effective`` (next month) on."""
    last = _last_paid_amount(beneficiary)
    reason = decision.reasons.strip()

    def row(month, status, amount):
        return Entitlement(
            beneficiary=beneficiary,
            effective_month=month,
            status=status,
            monthly_amount=amount,
            reason=reason,
            review=review,
            decided_by=actor,
        )

    outcome = ReviewOutcome(decision.outcome)
    if outcome == ReviewOutcome.CONTINUE:
        current = current_entitlement(beneficiary, effective)
        if current is not None and current.status == EntitlementStatus.PAYING:
            return []
        return [row(effective, EntitlementStatus.PAYING, last)]
    if outcome == ReviewOutcome.ADJUST:
        return [row(effective, EntitlementStatus.PAYING, decision.new_amount)]
    if outcome == ReviewOutcome.PHASE_OUT:
        months = decision.phase_out_months or 0
        return [
            row(effective, EntitlementStatus.PHASING_OUT, last),
            row(add_months(effective, months), EntitlementStatus.STOPPED, Decimal("0")),
        ]
    if outcome == ReviewOutcome.SUSPEND:
        return [row(effective, EntitlementStatus.SUSPENDED, Decimal("0"))]
    return [row(effective, EntitlementStatus.STOPPED, Decimal("0"))]


@transaction.atomic
def review_decide(*, actor, decision: ReviewDecision, today: date | None = None) -> Review:
    """The township approver signs the review's outcome; effective from the next month."""
    today = today or timezone.localdate()
    review = (
        Review.objects.select_related("beneficiary", "case").filter(pk=decision.review_id).first()
    )
    if review is None or not can(actor, Action.ROSTER_VIEW, review.beneficiary.division_id):
        raise NotFound(gettext_lazy("No such review."))
    beneficiary = Beneficiary.objects.select_for_update().get(pk=review.beneficiary_id)
    task = Task.objects.filter(
        case=review.case, step="review_decide", status=TaskStatus.OPEN
    ).first()
    if task is None:
        raise ReviewAlreadyOpen(gettext_lazy("This review is not waiting for a decision."))
    if not can(actor, Action.CASE_DECIDE, beneficiary.division_id):
        raise Forbidden(gettext_lazy("Only the township's approver decides a review."))
    policy = policy_for(beneficiary.division_id, today)
    _validate(decision, policy)
    # the guarded completion first: of two approvers deciding at once, the loser stops here
    workflow.task_complete(
        task_id=task.pk,
        actor=actor,
        outcome=decision.outcome,
        reason=decision.reasons.strip()[:TEXT_MAX],
        via_service=True,
    )
    effective = max(next_month(today), beneficiary.start_month)
    rows = _entitlements(beneficiary, decision, effective, review, actor)
    Entitlement.objects.bulk_create(rows)
    status = OUTCOME_STATUS[ReviewOutcome(decision.outcome)]
    interval = (
        policy.stable_months
        if beneficiary.stability == Stability.STABLE
        else policy.unstable_months
    )
    old_status = beneficiary.status
    transitions.set_household_status(
        beneficiary, status, next_review_on=add_months(effective, interval)
    )
    now = timezone.now()
    transitions.decide_review(
        review,
        outcome=decision.outcome,
        new_amount=decision.new_amount if decision.outcome == ReviewOutcome.ADJUST else None,
        phase_out_months=decision.phase_out_months
        if decision.outcome == ReviewOutcome.PHASE_OUT
        else None,
        reasons=decision.reasons.strip(),
        effective_month=effective,
        decided_by=actor,
        decided_at=now,
    )
    review.refresh_from_db()
    record_event(
        event_type=EventType.REVIEW_DECIDED,
        subject=subject(beneficiary),
        actor=actor,
        division_code=beneficiary.division_id,
        old={"status": old_status, "amount": _last_paid_amount(beneficiary)},
        new={
            "outcome": decision.outcome,
            "from": effective,
            "entitlements": [(r.effective_month, r.status, r.monthly_amount) for r in rows],
        },
        reason=decision.reasons.strip(),
        signer=actor,
    )
    return review

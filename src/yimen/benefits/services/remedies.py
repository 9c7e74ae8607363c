"""What complaints and re-examinations ask of the roster (issue 22 item 2).

A report about a household on assistance may make the handler open a review of it (the
dynamic-management review, trigger "report"); a stop changed on re-examination — or set
aside by a reconsideration body or a court and decided again — puts the household back on
the roster from the next month, and the months it was wrongly unpaid are paid back in the
next roll (``arrears_add``: a ``PaymentAdjustment``, as any correction).
``yimen.complaints`` calls these directly from its own use
cases, in its transaction, with plain values: benefits knows nothing of complaints."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.months import add_months, next_month

from .. import transitions
from ..models import (
    Beneficiary,
    BeneficiaryStatus,
    Entitlement,
    EntitlementStatus,
    PaymentAdjustment,
    PaymentLine,
    Review,
    ReviewTrigger,
    Stability,
)
from .policy import policy_for
from .reviews import open_review, open_review_case
from .roster import subject


def review_open_on_report(*, beneficiary: Beneficiary, comment: str, due_on: date) -> Review:
    """Open a review of the household because of a report (or add the comment to the one
    already open). ``comment`` is the handler's summary — never the reporter's identity."""
    beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    text = f"{_('Report')}: {comment}".strip()
    review = open_review(beneficiary)
    if review is not None:
        Review.objects.filter(pk=review.pk).update(report=f"{review.report}\n{text}".strip())
        review.refresh_from_db()
        return review
    case = open_review_case(beneficiary, text[:200])
    return Review.objects.create(
        beneficiary=beneficiary,
        case=case,
        trigger=ReviewTrigger.REPORT,
        report=text,
        due_on=due_on,
    )


def household_reinstate(
    *, beneficiary: Beneficiary, signer, monthly_amount: Decimal, reasons: str, ground: str
) -> Beneficiary:
    """Put a stopped household back on the roster, paid ``monthly_amount`` from the next
    month (an issued roll never changes), with its next review scheduled; audited with the
    signer of the decision that changed the stop, and ``ground`` (its number)."""
    beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    today = timezone.localdate()
    effective = max(next_month(today), beneficiary.start_month)
    policy = policy_for(beneficiary.division_id, today)
    interval = (
        policy.stable_months
        if beneficiary.stability == Stability.STABLE
        else policy.unstable_months
    )
    stopped_from = (
        Entitlement.objects.filter(beneficiary=beneficiary, status=EntitlementStatus.STOPPED)
        .order_by("-effective_month")
        .values_list("effective_month", flat=True)
        .first()
    )
    transitions.reinstate_household(beneficiary, next_review_on=add_months(effective, interval))
    Entitlement.objects.create(
        beneficiary=beneficiary,
        effective_month=effective,
        status=EntitlementStatus.PAYING,
        monthly_amount=monthly_amount,
        reason=reasons.strip(),
        decided_by=signer,
    )
    record_event(
        event_type=EventType.BENEFICIARY_REINSTATED,
        subject=subject(beneficiary),
        actor=signer,
        division_code=beneficiary.division_id,
        old={"status": BeneficiaryStatus.STOPPED},
        new={
            "status": BeneficiaryStatus.ACTIVE,
            "from": effective,
            "amount": monthly_amount,
            "ground": ground,
        },
        reason=reasons.strip(),
        signer=signer,
    )
    if stopped_from is not None:
        arrears_add(
            beneficiary=beneficiary,
            signer=signer,
            first_month=stopped_from,
            until=effective,
            monthly_amount=monthly_amount,
            ground=ground,
        )
    beneficiary.refresh_from_db()
    return beneficiary


def arrears_add(
    *,
    beneficiary: Beneficiary,
    signer,
    first_month: date,
    until: date,
    monthly_amount: Decimal,
    ground: str,
) -> PaymentAdjustment | None:
    """The months from ``first_month`` up to (not including) ``until`` that an overturned
    stop or refusal left unpaid — those no issued roll paid the household — at
    ``monthly_amount`` each, as one back-payment the next roll of the township pays;
    audited with the signer of the new decision. None when no month was unpaid."""
    paid = set(
        PaymentLine.objects.filter(beneficiary=beneficiary, amount__gt=0).values_list(
            "roll__month", flat=True
        )
    )
    months: list[date] = []
    month = first_month.replace(day=1)
    while month < until:
        if month not in paid:
            months.append(month)
        month = next_month(month)
    if not months or monthly_amount <= 0:
        return None
    amount = monthly_amount * len(months)
    reason = str(
        _("Arrears for %(count)s month(s) wrongly unpaid (%(first)s to %(last)s), %(ground)s")
        % {
            "count": len(months),
            "first": f"{months[0]:%Y-%m}",
            "last": f"{months[-1]:%Y-%m}",
            "ground": ground,
        }
    )
    adjustment = PaymentAdjustment.objects.create(
        beneficiary=beneficiary, amount=amount, reason=reason, created_by=signer
    )
    record_event(
        event_type=EventType.ADJUSTMENT_ADDED,
        subject=subject(beneficiary),
        actor=signer,
        division_code=beneficiary.division_id,
        new={
            "adjustment": adjustment.pk,
            "amount": amount,
            "months": [f"{m:%Y-%m}" for m in months],
            "ground": ground,
        },
        reason=reason,
        signer=signer,
    )
    return adjustment

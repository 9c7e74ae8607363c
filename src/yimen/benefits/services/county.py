"""A county supervisor's request on a household already on the roster becomes a review.

County supervision never decides: it raises a flag with its findings and the township
answers. When the household is on assistance, the finding is also exactly what dynamic
management is for, so the township gets a review case (trigger "county request") carrying
the county's comment, decided by its own approver. The county's use case that raises the
flag calls this one directly, in its own transaction; this side takes plain values, so
benefits knows nothing of the supervision app above it."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from yimen.months import add_months

from ..models import Beneficiary, BeneficiaryStatus, Review, ReviewTrigger
from .reviews import open_review, open_review_case


def review_open_on_county_request(
    *, application_id: int, comment: str, raised_at: datetime
) -> None:
    """Open (or add to the open) review of the household on the roster whose application the
    county flagged; nothing when the household is not on the roster. Runs in the caller's
    transaction: the flag and its review are written together or not at all."""
    beneficiary = (
        Beneficiary.objects.select_related("division")
        .filter(application_id=application_id)
        .exclude(status=BeneficiaryStatus.STOPPED)
        .first()
    )
    if beneficiary is None:
        return
    comment = f"{_('County')}: {comment}"
    review = open_review(beneficiary)
    if review is not None:
        Review.objects.filter(pk=review.pk).update(report=f"{review.report}\n{comment}".strip())
        return
    case = open_review_case(beneficiary, comment[:200])
    Review.objects.create(
        beneficiary=beneficiary,
        case=case,
        trigger=ReviewTrigger.COUNTY_REQUEST,
        report=comment,
        due_on=add_months(raised_at.date(), 1),
    )

"""A county supervisor's request on a household already on the roster becomes a review.

County supervision never decides (assistance.services.supervision): it raises a flag with
its findings and the township answers. When the household is on assistance, the finding
is also exactly what dynamic management is for, so the township gets a review case
(trigger "county request") carrying the county's comment, decided by its own approver.
Registered with the supervision service's ``on_flag_raised`` in BenefitsConfig.ready, so
that service needs to know nothing of the roster."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yimen.assistance.models import SupervisionFlag
from yimen.months import add_months

from ..models import Beneficiary, BeneficiaryStatus, Review, ReviewTrigger
from .reviews import open_review, open_review_case


def review_on_county_flag(flag: SupervisionFlag) -> None:
    beneficiary = (
        Beneficiary.objects.select_related("division")
        .filter(application_id=flag.application_id)
        .exclude(status=BeneficiaryStatus.STOPPED)
        .first()
    )
    if beneficiary is None:
        return
    comment = f"{_('County')}: {flag.comment}"
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
        due_on=add_months(flag.raised_at.date(), 1),
    )

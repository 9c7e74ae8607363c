"""The county's requests that the bureau review an application again (监督, never a
decision): the county supervisor raises one with a comment, the bureau's reviewers are
told in their inbox and see it on their overview, a reviewer answers in writing and the
supervisor who asked is told. Both steps are audited; neither changes the application.

County supervision (``supervision/views_subsidy.py``) raises requests from its pages and
from a sampled application's finding; the answer is given on the application's page."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from yimen.accounts.models import RoleBinding
from yimen.accounts.roles import Action, Role
from yimen.accounts.scoping import division_q
from yimen.audit.events import EventType
from yimen.regions.codes import ancestor_codes
from yimen.workflow.models import Notification

from ..errors import NotAllowed, ReasonNeeded, TextTooLong
from ..models import Application, ReviewRequest, Status
from .common import audit, require

TEXT_MAX_CHARS = 5000


def bureau_reviewers(division_code: str) -> list[int]:
    """Ids of the active reviewers whose binding covers ``division_code`` (the county's
    bureau, or anyone bound above it)."""
    return list(
        RoleBinding.objects.filter(
            role=Role.SUBSIDY_REVIEWER,
            division_id__in=[*ancestor_codes(division_code), division_code],
            active=True,
            user__is_active=True,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


def _notify(recipients: list[int], message: str) -> None:
    today = timezone.localdate()
    Notification.objects.bulk_create(
        Notification(recipient_id=pk, kind=Notification.Kind.INFO, day=today, message=message)
        for pk in recipients
    )


@transaction.atomic
def review_request_raise(*, application: Application, actor, comment: str) -> ReviewRequest:
    """The county supervisor asks the bureau to look at a submitted application again.

    Needs SUBSIDY_SUPERVISE over the application's division; a draft is the unit's own
    business and cannot be supervised yet. Audited; the bureau's reviewers are notified."""
    role = require(actor, Action.SUBSIDY_SUPERVISE, application.division_id)
    comment = (comment or "").strip()
    if not comment:
        raise ReasonNeeded("comment")
    if len(comment) > TEXT_MAX_CHARS:
        raise TextTooLong("comment", TEXT_MAX_CHARS)
    if application.status == Status.DRAFT:
        raise NotAllowed()
    request = ReviewRequest.objects.create(
        application=application, comment=comment, raised_by=actor
    )
    audit(
        EventType.SUBSIDY_REVIEW_REQUESTED,
        application,
        actor=actor,
        role=role,
        division=application.division_id,
        new={"request": request.pk},
        reason=comment,
    )
    with override(settings.LANGUAGE_CODE):
        message = _("%(number)s: the county asks the bureau to review the application: %(text)s")
        message %= {"number": application.number, "text": comment}
    _notify(bureau_reviewers(application.division_id), message[:300])
    return request


@transaction.atomic
def review_request_answer(*, request: ReviewRequest, actor, answer: str) -> ReviewRequest:
    """A reviewer of the bureau answers the county's request in writing (signed); the
    request is answered once — two answers at once cannot both win."""
    role = require(actor, Action.SUBSIDY_REVIEW, request.application.division_id)
    answer = (answer or "").strip()
    if not answer:
        raise ReasonNeeded("answer")
    if len(answer) > TEXT_MAX_CHARS:
        raise TextTooLong("answer", TEXT_MAX_CHARS)
    done = ReviewRequest.objects.filter(pk=request.pk, answered_at=None).update(
        answer=answer, answered_by=actor, answered_at=timezone.now()
    )
    if done != 1:
        raise NotAllowed()
    request.refresh_from_db()
    audit(
        EventType.SUBSIDY_REVIEW_ANSWERED,
        request.application,
        actor=actor,
        role=role,
        division=request.application.division_id,
        new={"request": request.pk},
        reason=answer,
        signer=actor,
    )
    with override(settings.LANGUAGE_CODE):
        message = _("%(number)s: the bureau answered your request for review.") % {
            "number": request.application.number
        }
    _notify([request.raised_by_id], message[:300])
    return request


def requests_to_answer(user) -> QuerySet[ReviewRequest]:
    """The county's unanswered requests on applications the user reviews, oldest first."""
    return (
        ReviewRequest.objects.filter(
            division_q(user, Action.SUBSIDY_REVIEW, "application__division__code"),
            answered_at__isnull=True,
        )
        .select_related("application__unit", "raised_by")
        .order_by("raised_at", "pk")
    )

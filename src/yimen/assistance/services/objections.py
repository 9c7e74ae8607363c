"""The conclusion of an objection's review (the ``conclude`` step of ``assist_review``).

A step of its own form: what follows from a revocation in other services (the roster stops
paying the household) is called by the use case that wraps this one in that service
(``benefits.services.enrolment.objection_conclude``), so this module knows nothing of it."""

from __future__ import annotations

from django.db import transaction

from yimen.workflow.errors import CaseNotFound
from yimen.workflow.models import Case, Task
from yimen.workflow.selectors import access_case_by_id
from yimen.workflow.services import task_complete
from yimen.workflow.states import TaskStatus

from ..errors import WrongStep
from ..models import Objection
from ..process import CONCLUDE


def objection_for(user, objection_id: int) -> Objection:
    """An objection whose review case ``user`` may see; 404 otherwise (fails closed)."""
    objection = Objection.objects.filter(pk=objection_id).select_related("application").first()
    if objection is None or objection.review_case_id is None:
        raise CaseNotFound()  # the objection is the subject of its review case
    access_case_by_id(user, objection.review_case_id)  # 404 outside the user's scope
    return objection


def open_conclusion(objection: Objection) -> Task | None:
    """The open ``conclude`` task of the objection's review, if the review is there."""
    if objection.review_case_id is None:
        return None
    return Task.objects.filter(
        case_id=objection.review_case_id, step=CONCLUDE.code, status=TaskStatus.OPEN
    ).first()


@transaction.atomic
def objection_conclude(*, actor, objection: Objection, outcome: str, reason: str) -> Task:
    """The approver keeps (``upheld``) or revokes (``revoked``) the approval, signed, with
    the reason; the engine checks the role, the outcome and that a reason is given."""
    if objection.review_case_id is not None:
        Case.objects.select_for_update().filter(pk=objection.review_case_id).first()
    task = open_conclusion(objection)
    if task is None:
        raise WrongStep(CONCLUDE.label)
    return task_complete(
        task_id=task.pk, actor=actor, outcome=outcome, reason=reason, via_service=True
    )

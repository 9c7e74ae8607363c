"""Where assistance's decisions reach the roster: the use cases that cause it.

A household joins the roster when the village committee confirms the disclosure of its
approval, and is stopped when the review of an objection revokes the approval. Benefits
sits above assistance (it reads its applications, decisions and rules), so these use cases
live here: each calls assistance's step and then the roster, in one transaction, where a
reader sees both. Assistance itself never calls the roster (no listener, no signal)."""

from __future__ import annotations

from django.db import transaction

from yimen.assistance.models import Application, Objection
from yimen.assistance.services import objections, steps
from yimen.workflow.models import Task

from ..models import Beneficiary
from . import roster


@transaction.atomic
def disclosure_publish(*, actor, application: Application) -> Beneficiary | None:
    """The village committee confirms the approved household is on the public notice; the
    household joins the roster (payment from the month after the approval)."""
    steps.disclosure_publish(actor=actor, application=application)
    application = Application.objects.select_related("decision").get(pk=application.pk)
    return roster.enrol(application, actor)


@transaction.atomic
def objection_conclude(*, actor, objection: Objection, outcome: str, reason: str) -> Task:
    """The approver concludes the review of an objection, signed; a revocation stops the
    household on the roster from the next month."""
    task = objections.objection_conclude(
        actor=actor, objection=objection, outcome=outcome, reason=reason
    )
    if outcome == "revoked":
        roster.stop_revoked(case_ids=[task.case_id], actor=actor)
    return task

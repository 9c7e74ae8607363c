"""The citizen's own applications ("我的申请"): status, notices and the next step.

Only applications the user filed as the applicant are listed (the selector filters on
``applicant``); the case pages of the staff are not linked from here."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for
from yimen.workflow.registry import get_process
from yimen.workflow.states import CaseStatus, TaskStatus

from .models import Application, ApplicationStatus, MissingItemsNotice
from .selectors import applications_of_applicant


def _steps(application: Application) -> list[dict]:
    case = application.case
    if case is None or case.status != CaseStatus.ACTIVE:
        return []
    process = get_process(case.process)
    return [
        {"label": process.step(t.step).label, "due_at": t.due_at}
        for t in case.tasks.filter(status=TaskStatus.OPEN).order_by("stage", "id")
    ]


def next_step(application: Application, steps: list[dict], missing: list) -> str:
    """What the applicant should expect or do next, in plain words."""
    decision = getattr(application, "decision", None)
    case = application.case
    if application.status == ApplicationStatus.DRAFT:
        return _("Not submitted yet: the township office will check it and submit it.")
    if application.status == ApplicationStatus.DISCARDED:
        return _("Not taken further by the township office; ask them for the reason.")
    if missing:
        return _("Bring the missing materials listed here to the township office.")
    if decision is not None:
        if decision.approved:
            return _("Approved: read the notice; assistance is paid every month.")
        return _("Refused: the notice gives the reasons and how to object or ask for a review.")
    if case is not None and case.status == CaseStatus.ACTIVE and steps:
        first = steps[0]
        if first["due_at"]:
            return _("Wait for “%(step)s”, due by %(due)s.") % {
                "step": first["label"],
                "due": date_format(localtime(first["due_at"]), "Y-m-d"),
            }
        return _("Wait for “%(step)s”.") % {"step": first["label"]}
    if case is not None:
        return _("The case is %(status)s.") % {"status": case.get_status_display()}
    return ""


@require_safe
@login_required
def mine(request):
    """Applications the user filed for their own household, with where each one stands."""
    if not bindings_for(request.user, Action.CASE_VIEW_OWN):
        raise PermissionDenied
    rows = []
    for application in applications_of_applicant(request.user):
        notice = (
            MissingItemsNotice.objects.filter(application=application, resolved_at__isnull=True)
            .order_by("-issued_at")
            .first()
        )
        missing = notice.items if notice else []
        steps = _steps(application)
        rows.append(
            {
                "application": application,
                "case": application.case,
                "decision": getattr(application, "decision", None),
                "steps": steps,
                "missing": missing,
                "next": next_step(application, steps, missing),
            }
        )
    return render(request, "assistance/mine.html", {"rows": rows})

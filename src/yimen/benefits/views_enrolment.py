"""The two step forms where an assistance decision reaches the roster: confirming the
disclosure (the household joins the roster) and concluding the review of an objection (a
revocation stops it). They live in benefits because their use cases do
(services/enrolment.py): benefits sits above assistance, which never calls the roster."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from yimen.assistance.services.objections import CONCLUDE, objection_for, open_conclusion
from yimen.assistance.views_staff_steps import step_view
from yimen.errors import NotFound, YimenError
from yimen.web.views import not_found_is_404
from yimen.workflow.services import performer_binding

from .services import enrolment


@step_view("disclose")
def disclosure(request, application, data) -> str:
    """Confirm the approved household is on the public notice (it joins the roster)."""
    enrolment.disclosure_publish(actor=request.user, application=application)
    return _("Public disclosure confirmed.")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@not_found_is_404
def objection_page(request, objection_id: int):
    """The objection and, for the approver, the form that concludes its review."""
    objection = objection_for(request.user, objection_id)
    task = open_conclusion(objection)
    mine = task is not None and performer_binding(request.user, CONCLUDE, task.division_id)
    status = 200
    if request.method == "POST":
        try:
            enrolment.objection_conclude(
                actor=request.user,
                objection=objection,
                outcome=request.POST.get("outcome", "")[:40],
                reason=request.POST.get("reason", "")[:2000],
            )
        except NotFound:
            raise
        except YimenError as exc:
            messages.error(request, exc.render())
            status = exc.status
        else:
            messages.success(request, _("Saved. The case has moved on."))
            return redirect("web:case_detail", case_id=objection.review_case_id)
    context = {"objection": objection, "step": CONCLUDE, "task": task if mine else None}
    return render(request, "benefits/objection.html", context, status=status)

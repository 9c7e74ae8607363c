"""The step forms of the assistance case page: each parses its form, calls the step's one
service and goes back to the case page. A refusal (wrong role, wrong step, invalid entry)
re-renders the page with the message, the entries kept and the service's 4xx status."""

from __future__ import annotations

from collections.abc import Callable

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.errors import Invalid, NotFound, YimenError
from yimen.web.views import not_found_is_404
from yimen.workflow.models import Task

from . import forms_steps
from .selectors import access_application_by_id
from .services import steps
from .views_staff import application_url, render_case


def _run(
    request, application, key: str, form: django_forms.Form | None, call: Callable[[dict], str]
):
    """Validate ``form``, run ``call`` with its data, and answer: back to the case page with
    the success message ``call`` returns, or the page again with the refusal."""
    if form is not None and not form.is_valid():
        messages.error(
            request,
            _("Some entries could not be read; nothing was saved. Correct the marked items."),
        )
        return render_case(request, application, bound={key: form}, status=400)
    try:
        done = call(form.cleaned_data if form is not None else {})
    except NotFound:
        raise
    except YimenError as exc:
        if form is not None and isinstance(exc, Invalid):
            forms_steps.attach_service_errors(form, exc.fields)
        messages.error(request, exc.render())
        return render_case(
            request, application, bound={key: form} if form else None, status=exc.status
        )
    messages.success(request, done)
    return redirect(application_url(application))


def step_view(key: str, make_form: Callable | None = None):
    """A POST-only page view for one step: ``make_form(request, application)`` builds the
    bound form, and the decorated function calls the service."""

    def decorate(call):
        @login_required
        @require_POST
        @not_found_is_404
        def view(request, application_id):
            application = access_application_by_id(request.user, application_id)
            form = make_form(request, application) if make_form else None
            return _run(
                request, application, key, form, lambda data: call(request, application, data)
            )

        view.__name__ = view.__qualname__ = call.__name__
        view.__doc__ = call.__doc__
        return view

    return decorate


@step_view("accept")
def accept(request, application, data) -> str:
    """Accept the application, or issue one notice of everything missing."""
    missing = steps.case_accept(actor=request.user, application=application)
    if missing:
        return _("Not accepted yet: one notice lists every missing item (%(n)d).") % {
            "n": len(missing)
        }
    outcome = (
        Task.objects.filter(case_id=application.case_id, step="accept")
        .values_list("outcome", flat=True)
        .first()
    )
    if outcome == "refused":
        return _("The application was refused; the reason is in the timeline.")
    return _("Accepted. The verification and the household visit have started.")


@step_view("verify", lambda request, a: forms_steps.VerificationForm(request.POST))
def verification(request, application, data) -> str:
    """Record the economic verification's result."""
    steps.verification_record(actor=request.user, application=application, **data)
    return _("Verification result recorded.")


def _visit_form(request, application):
    task = Task.objects.filter(case_id=application.case_id, step="visit").first()
    township = task.division_id if task else application.division.parent_id or ""
    return forms_steps.VisitForm(request.POST, township=township)


@step_view("visit", _visit_form)
def visit(request, application, data) -> str:
    """Record the household visit."""
    steps.visit_record(
        actor=request.user,
        application=application,
        visited_on=data["visited_on"],
        investigator_ids=data["investigators"],
        findings=data["findings"],
        investigators_signed=data["investigators_signed"],
        family_signed=data["family_signed"],
        organisation=data["organisation"],
    )
    return _("Household visit recorded.")


@step_view("dispute", lambda request, a: forms_steps.DisputeForm(request.POST))
def dispute(request, application, data) -> str:
    """Mark the case disputed, so the village holds a democratic appraisal."""
    steps.case_dispute(actor=request.user, application=application, reason=data["reason"])
    return _("The case is marked disputed; the village will hold a democratic appraisal.")


@step_view("appraise", lambda request, a: forms_steps.AppraisalForm(request.POST))
def appraisal(request, application, data) -> str:
    """Record the democratic appraisal meeting."""
    steps.appraisal_record(actor=request.user, application=application, **data)
    return _("Democratic appraisal recorded.")


@step_view("decide", lambda request, a: forms_steps.DecisionForm(request.POST))
def decision(request, application, data) -> str:
    """Approve or refuse, signed by the approver."""
    approve = data["decision"] == "approve"
    steps.case_decide(
        actor=request.user,
        application=application,
        approve=approve,
        reasons=data["reasons"],
        assistance_type=data["assistance_type"],
        monthly_amount=data["monthly_amount"],
    )
    return (
        _("Approved and signed. The confirmation notice is ready.")
        if approve
        else _("Refused and signed. The refusal notice is ready.")
    )

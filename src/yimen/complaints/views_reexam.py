"""Re-examination pages: the citizen's own (their reports, and their refusals or stops
with the day until which a re-examination may be asked), the counter's entry of a
request by case number, the list of the area and one re-examination with the form of the
new signed decision. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, can
from yimen.errors import YimenError

from . import selectors
from .errors import NotInScope
from .forms import CounterRequestForm, DecideForm, ReexamRequestForm
from .models import DecisionKind, ReexamChannel, ReexamStatus
from .services import reexaminations as service
from .views_common import counter_page, form_action, in_scope_or_404


@login_required
@require_GET
def mine(request):
    """The citizen's page: reports made signed in, decisions that may be re-examined."""
    today = timezone.localdate()
    decisions = []
    for application in selectors.my_applications(request.user):
        for kind in DecisionKind.values:
            eligibility = service.reexam_eligibility(application, kind, today)
            if eligibility is not None:
                decisions.append((application, kind, DecisionKind(kind).label, eligibility))
    return render(
        request,
        "complaints/mine.html",
        {
            "reports": selectors.my_reports(request.user),
            "decisions": decisions,
            "reexams": selectors.my_reexaminations(request.user).select_related("application"),
            "form": ReexamRequestForm(),
        },
    )


@login_required
@require_POST
def reexam_apply(request, application_id: int):
    try:
        application = selectors.my_application(request.user, application_id)
    except NotInScope:
        raise Http404 from None
    form = ReexamRequestForm(request.POST)
    if form.is_valid():
        try:
            reexam = service.reexam_request(
                actor=request.user,
                application=application,
                channel=ReexamChannel.ONLINE,
                **form.cleaned_data,
            )
        except YimenError as exc:
            messages.error(request, exc.render())
        else:
            messages.success(
                request,
                _("Your request %(number)s is received; another approver will decide.")
                % {"number": reexam.number},
            )
    else:
        messages.error(request, _("Say why the decision is wrong."))
    return redirect("complaints:mine")


@login_required
@require_GET
def reexam_list(request):
    if not selectors.is_reexam_staff(request.user):
        raise Http404
    rows = selectors.reexaminations_visible_to(request.user).select_related(
        "application", "division"
    )
    status = request.GET.get("status", "")
    if status in ReexamStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/reexams.html",
        {
            "page": page,
            "status": status,
            "statuses": ReexamStatus.choices,
            "can_register": bool(bindings_for(request.user, Action.REEXAM_REGISTER)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reexam_counter(request):
    """A township clerk enters a request brought to the counter."""
    return counter_page(
        request,
        CounterRequestForm,
        Action.REEXAM_REGISTER,
        lambda application, data: service.reexam_request(
            actor=request.user, application=application, channel=ReexamChannel.COUNTER, **data
        ),
        message=_("The request is recorded."),
        page="complaints:reexam",
        template="complaints/reexam_counter.html",
    )


def _reexam(request, pk: int):
    return in_scope_or_404(selectors.access_reexamination, request, pk)


def _reexam_page(request, reexam, form=None, status=200):
    may_decide = reexam.status == ReexamStatus.PENDING and can(
        request.user, Action.CASE_DECIDE, reexam.division_id
    )
    return render(
        request,
        "complaints/reexam.html",
        {
            "x": reexam,
            "may_decide": may_decide,
            "same_signer": reexam.first_signer_id == request.user.pk,
            "form": form or DecideForm(),
        },
        status=status,
    )


@login_required
@require_GET
def reexam_detail(request, reexam_id: int):
    return _reexam_page(request, _reexam(request, reexam_id))


@login_required
@require_POST
def reexam_decide(request, reexam_id: int):
    reexam = _reexam(request, reexam_id)
    return form_action(
        request,
        DecideForm(request.POST),
        lambda data: service.reexam_decide(
            actor=request.user,
            reexam=reexam,
            decision=service.NewDecision(
                outcome=data["outcome"],
                reasons=data["reasons"],
                assistance_type=data["assistance_type"] or "",
                monthly_amount=data["monthly_amount"],
            ),
        ),
        message=_("The new decision is signed and takes effect."),
        done=lambda: redirect("complaints:reexam", reexam.pk),
        again=lambda form, status: _reexam_page(request, reexam, form, status=status),
    )

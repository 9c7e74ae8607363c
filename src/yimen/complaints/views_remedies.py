"""Pages of administrative reconsiderations and lawsuits (recorded by township staff, read
by the county), and of the dated clocks (set by an administrator). Thin."""

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
from yimen.accounts.scoping import bindings_for, can, division_q
from yimen.errors import YimenError
from yimen.regions.models import Division

from . import selectors
from .clocks import clocks_for
from .forms import ConcludeForm, RemedyForm, SettingForm, put_errors
from .models import ComplaintSetting, RemedyStatus
from .services import remedies as service
from .services.settings import complaint_setting_set
from .views_common import counter_page, form_action, in_scope_or_404


@login_required
@require_GET
def remedy_list(request):
    if not selectors.is_reexam_staff(request.user):
        raise Http404
    rows = selectors.remedies_visible_to(request.user).select_related("application__case")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/remedies.html",
        {"page": page, "can_record": bool(bindings_for(request.user, Action.REMEDY_RECORD))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def remedy_new(request):
    """Township staff record a reconsideration or a lawsuit the applicant brought."""
    return counter_page(
        request,
        RemedyForm,
        Action.REMEDY_RECORD,
        lambda application, data: service.remedy_record(
            actor=request.user, application=application, data=service.RemedyInput(**data)
        ),
        message=_("Recorded."),
        page="complaints:remedy",
        template="complaints/remedy_new.html",
    )


def _remedy(request, pk: int):
    return in_scope_or_404(selectors.access_remedy, request, pk)


def _remedy_page(request, remedy, form=None, status=200):
    may_conclude = remedy.status == RemedyStatus.PENDING and can(
        request.user, Action.REMEDY_RECORD, remedy.application.division_id
    )
    return render(
        request,
        "complaints/remedy.html",
        {"m": remedy, "may_conclude": may_conclude, "form": form or ConcludeForm()},
        status=status,
    )


@login_required
@require_GET
def remedy_detail(request, remedy_id: int):
    return _remedy_page(request, _remedy(request, remedy_id))


@login_required
@require_POST
def remedy_conclude(request, remedy_id: int):
    remedy = _remedy(request, remedy_id)
    return form_action(
        request,
        ConcludeForm(request.POST),
        lambda data: service.remedy_conclude(actor=request.user, remedy=remedy, **data),
        message=_("The outcome is recorded."),
        done=lambda: redirect("complaints:remedy", remedy.pk),
        again=lambda form, status: _remedy_page(request, remedy, form, status=status),
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    """The clocks in force for the administrator's area, and a form to set new ones."""
    if not bindings_for(request.user, Action.ACCOUNT_MANAGE):
        raise Http404
    form = SettingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                complaint_setting_set(actor=request.user, **form.cleaned_data)
            except YimenError as exc:
                put_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The setting is saved."))
                return redirect("complaints:settings")
    rows = ComplaintSetting.objects.filter(
        division_q(request.user, Action.ACCOUNT_MANAGE)
    ).select_related("division")
    codes = [b.division_code for b in bindings_for(request.user, Action.ACCOUNT_MANAGE)]
    in_force = [
        (division, clocks_for(division.code, timezone.localdate()))
        for division in Division.objects.filter(pk__in=codes).order_by("code")
    ]
    return render(
        request,
        "complaints/settings.html",
        {"form": form, "rows": rows.order_by("division_id", "-valid_from"), "in_force": in_force},
        status=status,
    )

"""The page where administrators set case time limits and cycle days per division and
date (``/assistance/settings/``), instead of the stock admin: scoped to the administrator's
area and audited through ``services.limits``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for
from yimen.errors import YimenError

from .forms_limits import CycleScheduleForm, TimeLimitForm
from .services import limits as service


def _require(request) -> None:
    if not bindings_for(request.user, Action.ACCOUNT_MANAGE):
        raise PermissionDenied


def _page(request, *, time_form=None, cycle_form=None, status=200):
    return render(
        request,
        "assistance/settings.html",
        {
            "time_limits": service.time_limits_visible_to(request.user).order_by(
                "division_id", "-valid_from"
            )[:500],
            "cycle_schedules": service.cycle_schedules_visible_to(request.user).order_by(
                "division_id", "-valid_from"
            )[:500],
            "time_form": time_form or TimeLimitForm(prefix="limit"),
            "cycle_form": cycle_form or CycleScheduleForm(prefix="cycle"),
        },
        status=status,
    )


@require_safe
@login_required
def index(request):
    _require(request)
    return _page(request)


def _submit(request, form, key: str, call):
    if not form.is_valid():
        messages.error(request, _("Some entries are not valid; nothing was saved."))
        return _page(request, **{key: form}, status=400)
    try:
        call(form.cleaned_data)
    except YimenError as exc:
        for name, problems in getattr(exc, "fields", {}).items():
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
        messages.error(request, exc.render())
        return _page(request, **{key: form}, status=exc.status)
    messages.success(request, _("Saved."))
    return redirect("assistance_settings:index")


@require_POST
@login_required
def time_limit(request):
    _require(request)
    return _submit(
        request,
        TimeLimitForm(request.POST, prefix="limit"),
        "time_form",
        lambda d: service.time_limit_set(
            actor=request.user,
            division_code=d["division_code"],
            valid_from=d["valid_from"],
            calendar_days=d["calendar_days"],
            statutory_working_days=d["statutory_working_days"],
            reassessment_working_days=(
                10 if d["reassessment_working_days"] is None else d["reassessment_working_days"]
            ),
            source=d["source"],
            reason=d["reason"],
        ),
    )


@require_POST
@login_required
def cycle_schedule(request):
    _require(request)
    return _submit(
        request,
        CycleScheduleForm(request.POST, prefix="cycle"),
        "cycle_form",
        lambda d: service.cycle_schedule_set(
            actor=request.user,
            division_code=d["division_code"],
            valid_from=d["valid_from"],
            days=d["days"],
            source=d["source"],
            reason=d["reason"],
        ),
    )

"""Accountability pages: summons with their rectification reports, warnings, notices and
deductions, the incentive standing per county; the county's re-check samples (the
inspection groups: views_inspections.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.accounts.roles import Action
from yimen.accounts.scoping import division_q
from yimen.errors import YimenError
from yimen.regions.models import Division
from yimen.web.views import not_found_is_404

from . import selectors
from .errors import BadInput
from .forms import (
    AssessForm,
    DrawForm,
    FindingForm,
    PenaltyForm,
    RectificationForm,
    SummonsForm,
)
from .models import PenaltyKind
from .services.accountability import (
    deductions_assess,
    incentive_standings,
    penalty_record,
    rectification_receive,
    summons_record,
)
from .services.recheck import recheck_draw, recheck_record

A = Action


@login_required
def accountability(request):
    """Summons, penalties and the incentive standing; forms for the environment inspector."""
    user = request.user
    if not selectors.can_see(user):
        raise Http404
    account = selectors.may(user, A.BURNING_ACCOUNT)
    counties = list(selectors.counties_of(user))
    divisions: list[Division] = []
    if account and counties:
        near = Q()
        for county in counties:
            near |= Q(code__startswith=county.code[:6])
        divisions = list(
            Division.objects.filter(division_q(user, A.BURNING_ACCOUNT, "code"), near)
            .filter(level__in=(3, 4))
            .order_by("code")
        )
    which = request.POST.get("form") if request.method == "POST" else None
    summons_form = SummonsForm(request.POST if which == "summons" else None, divisions=divisions)
    penalty_form = PenaltyForm(request.POST if which == "penalty" else None, counties=counties)
    assess_form = AssessForm(request.POST if which == "assess" else None, counties=counties)
    if which:
        if not account:
            raise Http404
        try:
            if which == "summons" and summons_form.is_valid():
                d = summons_form.cleaned_data
                summons_record(
                    division=Division.objects.get(pk=d["division"]),
                    summoned_name=d["summoned_name"],
                    summoned_post=d["summoned_post"],
                    summoner_office=d["summoner_office"],
                    held_on=d["held_on"],
                    problems=d["problems"],
                    cases=selectors.cases_by_number(user, summons_form.numbers()),
                    actor=user,
                )
            elif which == "penalty" and penalty_form.is_valid():
                d = penalty_form.cleaned_data
                penalty_record(
                    county=Division.objects.get(pk=d["county"]),
                    kind=d["kind"],
                    reason=d["reason"],
                    decided_on=d["decided_on"],
                    actor=user,
                )
            elif which == "assess" and assess_form.is_valid():
                d = assess_form.cleaned_data
                made = deductions_assess(
                    county=Division.objects.get(pk=d["county"]), season_year=d["season"], actor=user
                )
                messages.info(request, _("%(n)s deductions assessed.") % {"n": len(made)})
            else:
                raise BadInput(_("Check the form."))
        except YimenError as exc:
            messages.error(request, exc.render())
        else:
            messages.success(request, _("Saved."))
            return redirect("burning:accountability")
    today = timezone.localdate()
    standings = incentive_standings(counties, today)
    return render(
        request,
        "burning/accountability.html",
        {
            "summonses": selectors.summonses_visible_to(user)
            .select_related("division", "summoner")
            .prefetch_related("cases")[:100],
            "penalties": selectors.penalties_visible_to(user).select_related("county", "case")[
                :200
            ],
            "standings": standings,
            "today": today,
            "account": account,
            "forms": {"summons": summons_form, "penalty": penalty_form, "assess": assess_form},
            "rectification_form": RectificationForm(initial={"received_on": today}),
            "kinds": PenaltyKind,
        },
    )


@login_required
@require_POST
@not_found_is_404
def rectification(request, fire_summons_id: int):
    summons = selectors.access_summons(request.user, fire_summons_id)
    form = RectificationForm(request.POST)
    if form.is_valid():
        try:
            rectification_receive(
                summons=summons,
                received_on=form.cleaned_data["received_on"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
            messages.success(request, _("Saved."))
        except YimenError as exc:
            messages.error(request, exc.render())
    else:
        messages.error(request, _("Check the form."))
    return redirect("burning:accountability")


@login_required
def rechecks(request):
    """The county's re-check samples; the county draws a new one."""
    user = request.user
    if not selectors.can_see(user):
        raise Http404
    supervise = selectors.may(user, A.BURNING_SUPERVISE)
    counties = Division.objects.filter(division_q(user, A.BURNING_SUPERVISE, "code"), level=3)
    today = timezone.localdate()
    form = (
        DrawForm(
            request.POST or None,
            counties=counties,
            initial={"period_from": today.replace(day=1), "period_to": today},
        )
        if supervise
        else None
    )
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            try:
                draw = recheck_draw(
                    county=counties.get(pk=d["county"]),
                    period_from=d["period_from"],
                    period_to=d["period_to"],
                    seed=d["seed"],
                    actor=user,
                )
            except YimenError as exc:
                messages.error(request, exc.render())
            else:
                return redirect("burning:recheck", draw.pk)
    return render(
        request,
        "burning/rechecks.html",
        {
            "draws": selectors.draws_visible_to(user).select_related("county", "drawn_by")[:50],
            "form": form,
        },
    )


@login_required
@not_found_is_404
def recheck(request, recheck_draw_id: int):
    draw = selectors.access_draw(request.user, recheck_draw_id)
    return render(
        request,
        "burning/recheck.html",
        {
            "draw": draw,
            "items": draw.items.select_related("case__unit", "checked_by"),
            "can_check": selectors.may(request.user, A.BURNING_SUPERVISE),
            "form": FindingForm(),
        },
    )


@login_required
@require_POST
@not_found_is_404
def recheck_item(request, recheck_item_id: int):
    item = selectors.access_recheck_item(request.user, recheck_item_id)
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            recheck_record(
                item=item,
                finding=form.cleaned_data["finding"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
            messages.success(request, _("Saved."))
        except YimenError as exc:
            messages.error(request, exc.render())
    return redirect("burning:recheck", item.draw_id)

"""County sampling pages of the straw-to-meat subsidy: the share in force, draws of the
bureau's approved applications, and the county's finding on each sampled application
(no issue, or a request that the bureau review it). Nothing here decides anything.
Thin: parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yimen.accounts.roles import Action
from yimen.accounts.scoping import division_q
from yimen.errors import YimenError
from yimen.subsidy.models import SampledApplication, SampleDraw, SampleFinding

from .areas import period_from
from .errors import PeriodInvalid
from .services import subsidy as supervision
from .services.sampling import DEFAULT_SOURCE, share_for
from .services.subsidy_sampling import subsidy_sample_draw as draw_service
from .services.subsidy_sampling import subsidy_sample_finding_record, subsidy_sample_redraw

TEXT_LIMIT = 5000


def _supervisor(request) -> None:
    if not supervision.may_supervise_subsidy(request.user):
        raise PermissionDenied


def _draws(user):
    return SampleDraw.objects.filter(
        division_q(user, Action.SUBSIDY_SUPERVISE, field="division__code")
    ).select_related("division", "drawn_by")


@login_required
@require_GET
def subsidy_samples(request):
    _supervisor(request)
    areas = list(supervision.subsidy_areas(request.user))
    today = timezone.localdate()
    return render(
        request,
        "supervision/subsidy_samples.html",
        {
            "areas": areas,
            "shares": [(a, share_for(a.code, today)) for a in areas],
            "draws": _draws(request.user)[:100],
            "default_from": f"{today.replace(day=1):%Y-%m}",
        },
    )


@login_required
@require_POST
def subsidy_sample_draw(request):
    _supervisor(request)
    code = request.POST.get("area", "")[:12]
    if not any(a.code == code for a in supervision.subsidy_areas(request.user)):
        messages.error(request, _("Choose an area you supervise."))
        return redirect("supervision:subsidy_samples")
    try:
        period = period_from(request.POST.get("from", "")[:7], request.POST.get("to", "")[:7])
        draw = draw_service(
            actor=request.user,
            division_code=code,
            period=period,
            seed=request.POST.get("seed", "")[:100],
        )
    except (YimenError, PeriodInvalid) as exc:
        messages.error(request, exc.render())
        return redirect("supervision:subsidy_samples")
    messages.success(
        request,
        _("%(n)d of %(of)d approved applications drawn.")
        % {"n": draw.sample_size, "of": draw.population},
    )
    return redirect("supervision:subsidy_sample", draw_id=draw.pk)


def _draw(request, draw_id) -> SampleDraw:
    draw = _draws(request.user).filter(pk=draw_id).first()
    if draw is None:
        raise Http404
    return draw


@login_required
@require_GET
def subsidy_sample(request, draw_id):
    _supervisor(request)
    draw = _draw(request, draw_id)
    rows = list(
        draw.applications.select_related(
            "application__unit", "application__division__parent", "request"
        ).order_by("stratum", "rank")
    )
    same, numbers = subsidy_sample_redraw(draw)
    return render(
        request,
        "supervision/subsidy_sample.html",
        {
            "draw": draw,
            "default_source": DEFAULT_SOURCE,
            "rows": rows,
            "same_population": same,
            "redraw_matches": numbers == [r.application.number for r in rows],
            "findings": [
                (SampleFinding.NO_ISSUE, SampleFinding.NO_ISSUE.label),
                (SampleFinding.REVIEW_REQUESTED, SampleFinding.REVIEW_REQUESTED.label),
            ],
        },
    )


@login_required
@require_POST
def subsidy_sample_finding(request, draw_id, sampled_id):
    _supervisor(request)
    draw = _draw(request, draw_id)
    sampled = SampledApplication.objects.filter(draw=draw, pk=sampled_id).first()
    if sampled is None:
        raise Http404
    try:
        subsidy_sample_finding_record(
            actor=request.user,
            sampled=sampled,
            finding=request.POST.get("finding", "")[:30],
            note=request.POST.get("note", "")[:TEXT_LIMIT],
        )
    except YimenError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, _("The finding was recorded."))
    return redirect("supervision:subsidy_sample", draw_id=draw.pk)

"""County sampling pages: the share in force, draws of approved cases, and the county's
finding on each sampled case (no issue, or a request for the township to review it).
Nothing here decides a case. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

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
from yimen.assistance.models import Member
from yimen.errors import YimenError
from yimen.people import mask_id
from yimen.regions.codes import Level
from yimen.regions.models import Division

from .areas import period_from
from .errors import PeriodInvalid
from .models import Finding, SampledCase, SampleDraw
from .services import flags as supervision
from .services import sampling

TEXT_LIMIT = 5000


def _supervisor(request) -> None:
    if not supervision.may_supervise(request.user):
        raise PermissionDenied


def _areas(user):
    """The counties and townships the user supervises (the draw's area choices)."""
    return Division.objects.filter(
        division_q(user, Action.CASE_SUPERVISE, field="code"),
        level__in=[Level.COUNTY, Level.TOWNSHIP],
    ).order_by("code")


def _draws(user):
    return SampleDraw.objects.filter(
        division_q(user, Action.CASE_SUPERVISE, field="division__code")
    ).select_related("division", "drawn_by")


@login_required
@require_GET
def samples(request):
    _supervisor(request)
    areas = list(_areas(request.user))
    today = timezone.localdate()
    return render(
        request,
        "supervision/dashboard_samples.html",
        {
            "areas": areas,
            "shares": [(a, sampling.share_for(a.code, today)) for a in areas],
            "draws": _draws(request.user)[:100],
            "default_from": f"{today.replace(day=1):%Y-%m}",
            "today": today,
        },
    )


def _posted_area(request) -> str | None:
    """The area code of the form if the supervisor supervises it, else None."""
    _supervisor(request)
    code = request.POST.get("area", "")[:12]
    return code if any(a.code == code for a in _areas(request.user)) else None


@login_required
@require_POST
def sample_draw(request):
    code = _posted_area(request)
    if code is None:
        messages.error(request, _("Choose an area you supervise."))
        return redirect("supervision:samples")
    try:
        period = period_from(request.POST.get("from", "")[:7], request.POST.get("to", "")[:7])
        draw = sampling.sample_draw(
            actor=request.user,
            division_code=code,
            period=period,
            seed=request.POST.get("seed", "")[:100],
        )
    except (YimenError, PeriodInvalid) as exc:
        messages.error(request, exc.render())
        return redirect("supervision:samples")
    messages.success(
        request,
        _("%(n)d of %(of)d approved cases drawn.") % {"n": draw.sample_size, "of": draw.population},
    )
    return redirect("supervision:sample", draw_id=draw.pk)


@login_required
@require_POST
def share_set(request):
    code = _posted_area(request)
    if code is None:
        messages.error(request, _("Choose an area you supervise."))
        return redirect("supervision:samples")
    try:
        percent = Decimal(request.POST.get("percent", "").strip()[:10])
        valid_from = date.fromisoformat(request.POST.get("valid_from", "").strip()[:10])
    except (InvalidOperation, ValueError):
        messages.error(request, _("Give the share in per cent and the day it applies from."))
        return redirect("supervision:samples")
    try:
        sampling.sampling_share_set(
            actor=request.user,
            division_code=code,
            valid_from=valid_from,
            percent=percent,
            source=request.POST.get("source", "")[:300],
        )
    except YimenError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, _("The sampling share was set."))
    return redirect("supervision:samples")


def _draw(request, draw_id) -> SampleDraw:
    draw = _draws(request.user).filter(pk=draw_id).first()
    if draw is None:
        raise Http404
    return draw


@login_required
@require_GET
def sample(request, draw_id):
    _supervisor(request)
    draw = _draw(request, draw_id)
    cases = list(
        draw.cases.select_related(
            "application__case", "application__division__parent", "application__decision", "flag"
        ).order_by("stratum", "rank")
    )
    heads = dict(
        Member.objects.filter(
            application_id__in=[c.application_id for c in cases], relationship="head"
        ).values_list("application_id", "id_number")
    )
    same, numbers = sampling.sample_redraw(draw)
    return render(
        request,
        "supervision/dashboard_sample.html",
        {
            "draw": draw,
            "default_source": sampling.DEFAULT_SOURCE,
            "rows": [
                {"sampled": c, "head_id": mask_id(heads.get(c.application_id, ""))} for c in cases
            ],
            "same_population": same,
            "redraw_matches": numbers == [c.application.case.number for c in cases],
            "findings": [
                (Finding.NO_ISSUE, Finding.NO_ISSUE.label),
                (Finding.REVIEW_REQUESTED, Finding.REVIEW_REQUESTED.label),
            ],
        },
    )


@login_required
@require_POST
def sample_finding(request, draw_id, sampled_id):
    _supervisor(request)
    draw = _draw(request, draw_id)
    sampled = SampledCase.objects.filter(draw=draw, pk=sampled_id).first()
    if sampled is None:
        raise Http404
    try:
        sampling.sample_finding_record(
            actor=request.user,
            sampled=sampled,
            finding=request.POST.get("finding", "")[:30],
            note=request.POST.get("note", "")[:TEXT_LIMIT],
        )
    except YimenError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, _("The finding was recorded."))
    return redirect("supervision:sample", draw_id=draw.pk)

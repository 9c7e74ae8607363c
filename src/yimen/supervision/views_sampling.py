"""County sampling pages, one set for every service: the share in force, draws of approved
cases, and the county's finding on each sampled case (no issue, or a request that the
deciding office review it). Nothing here decides a case. Thin: parse, call one service or
selector, render.

Each URL names its service (``kind``: assistance, subsidy); a ``SamplingPage`` says what
differs on the page — the population, the area choices, the words and the columns of a
drawn case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
from .services import flags
from .services import subsidy as subsidy_supervision
from .services.sampling import (
    DEFAULT_SOURCE,
    Population,
    sample_finding_record,
    sample_redraw,
    sampling_share_set,
    share_for,
)
from .services.sampling import sample_draw as draw_service
from .services.sampling_populations import ASSISTANCE, SUBSIDY

TEXT_LIMIT = 5000


def _assistance_areas(user):
    """The counties and townships the user supervises (the draw's area choices)."""
    return Division.objects.filter(
        division_q(user, Action.CASE_SUPERVISE, field="code"),
        level__in=[Level.COUNTY, Level.TOWNSHIP],
    ).order_by("code")


def _assistance_rows(sampled: list) -> list[dict]:
    heads = dict(
        Member.objects.filter(
            application_id__in=[s.application_id for s in sampled], relationship="head"
        ).values_list("application_id", "id_number")
    )
    return [
        {
            "sampled": s,
            "number": s.application.case.number,
            "detail": reverse("supervision:case_detail", args=[s.application_id]),
            "who": mask_id(heads.get(s.application_id, "")),
            "label": s.application.decision.get_assistance_type_display(),
            "amount": s.application.decision.monthly_amount,
            "answer": s.flag.answer if s.flag and s.flag.answered_at else None,
        }
        for s in sampled
    ]


def _subsidy_rows(sampled: list) -> list[dict]:
    return [
        {
            "sampled": s,
            "number": s.application.number,
            "detail": reverse("supervision:subsidy_case", args=[s.application_id]),
            "who": f"{s.application.unit.name} · {s.application.get_status_display()}",
            "label": "",
            "amount": s.application.approved_amount,
            "answer": s.request.answer if s.request and s.request.answered_at else None,
        }
        for s in sampled
    ]


@dataclass(frozen=True)
class SamplingPage:
    """What one service's sampling pages show; the views are the same for all."""

    population: Population
    may_supervise: Callable[..., bool]
    areas: Callable
    url_prefix: str  # "sample" or "subsidy_sample": the URL names of the pages
    related: str  # the draw's reverse name of its sampled rows
    select: tuple[str, ...]  # what a drawn case's row reads with it
    rows: Callable[[list], list[dict]]
    may_set_share: bool  # the share is one setting; it is set on the assistance page
    title: Promise
    subtitle: Promise
    drawn: Promise  # "%(n)d of %(of)d … drawn."
    hint: Promise
    changed: Promise  # the same seed now draws other cases
    columns: tuple[Promise, Promise, Promise]  # number, who, decision
    note_placeholder: Promise
    answered: Promise
    back: tuple[tuple[str, Promise], ...]  # links above the list

    def url(self, suffix: str = "s") -> str:
        return f"supervision:{self.url_prefix}{suffix}"

    # the URL names the templates reverse
    @property
    def list_url(self) -> str:
        return self.url()

    @property
    def draw_url(self) -> str:
        return self.url("_draw")

    @property
    def share_url(self) -> str:
        return self.url("_share")

    @property
    def detail_url(self) -> str:
        return self.url("")

    @property
    def finding_url(self) -> str:
        return self.url("_finding")


PAGES = {
    "assistance": SamplingPage(
        population=ASSISTANCE,
        may_supervise=flags.may_supervise,
        areas=_assistance_areas,
        url_prefix="sample",
        related="cases",
        select=("application__case", "application__division__parent", "application__decision"),
        rows=_assistance_rows,
        may_set_share=True,
        title=gettext_lazy("Sampling of approved cases"),
        subtitle=gettext_lazy("the county reviews, the townships decide"),
        drawn=gettext_lazy("%(n)d of %(of)d approved cases drawn."),
        hint=gettext_lazy(
            "Within each township, the approved cases with the smallest sha256(seed, case "
            "number) are drawn: the same seed over the same cases always draws the same "
            "sample. The number drawn is the share rounded up."
        ),
        changed=gettext_lazy(
            "the population changed since the draw; the same seed now draws other cases"
        ),
        columns=(
            gettext_lazy("Case number"),
            gettext_lazy("Head's ID number"),
            gettext_lazy("Decision"),
        ),
        note_placeholder=gettext_lazy("What the township should review"),
        answered=gettext_lazy("township answered"),
        back=(
            ("supervision:dashboard_home", gettext_lazy("Supervision dashboard")),
            ("supervision:case_list", gettext_lazy("County supervision")),
        ),
    ),
    "subsidy": SamplingPage(
        population=SUBSIDY,
        may_supervise=subsidy_supervision.may_supervise_subsidy,
        areas=subsidy_supervision.subsidy_areas,
        url_prefix="subsidy_sample",
        related="applications",
        select=("application__unit", "application__division__parent"),
        rows=_subsidy_rows,
        may_set_share=False,
        title=gettext_lazy("Sampling of approved applications"),
        subtitle=gettext_lazy("the county reviews, the bureau decides"),
        drawn=gettext_lazy("%(n)d of %(of)d approved applications drawn."),
        hint=gettext_lazy(
            "Within each township, the approved applications with the smallest sha256(seed, "
            "application number) are drawn: the same seed over the same applications always "
            "draws the same sample. The number drawn is the share rounded up."
        ),
        changed=gettext_lazy(
            "the population changed since the draw; the same seed now draws other applications"
        ),
        columns=(gettext_lazy("Number"), gettext_lazy("Unit"), gettext_lazy("Approved amount")),
        note_placeholder=gettext_lazy("What the bureau should review"),
        answered=gettext_lazy("the bureau answered"),
        back=(("supervision:subsidy_cases", gettext_lazy("Subsidy supervision")),),
    ),
}


def _page(request, kind: str) -> SamplingPage:
    page = PAGES[kind]
    if not page.may_supervise(request.user):
        raise PermissionDenied
    return page


def _draws(user, page: SamplingPage):
    return page.population.draw_model.objects.filter(  # type: ignore[attr-defined]
        division_q(user, page.population.action, field="division__code")
    ).select_related("division", "drawn_by")


@login_required
@require_GET
def samples(request, kind: str):
    page = _page(request, kind)
    areas = list(page.areas(request.user))
    today = timezone.localdate()
    return render(
        request,
        "supervision/samples.html",
        {
            "page": page,
            "areas": areas,
            "shares": [(a, share_for(a.code, today)) for a in areas],
            "draws": _draws(request.user, page)[:100],
            "default_from": f"{today.replace(day=1):%Y-%m}",
            "today": today,
        },
    )


def _posted_area(request, page: SamplingPage) -> str | None:
    """The area code of the form if the supervisor supervises it, else None."""
    code = request.POST.get("area", "")[:12]
    return code if any(a.code == code for a in page.areas(request.user)) else None


@login_required
@require_POST
def sample_draw(request, kind: str):
    page = _page(request, kind)
    code = _posted_area(request, page)
    if code is None:
        messages.error(request, _("Choose an area you supervise."))
        return redirect(page.url())
    try:
        period = period_from(request.POST.get("from", "")[:7], request.POST.get("to", "")[:7])
        draw = draw_service(
            population=page.population,
            actor=request.user,
            division_code=code,
            period=period,
            seed=request.POST.get("seed", "")[:100],
        )
    except (YimenError, PeriodInvalid) as exc:
        messages.error(request, exc.render())
        return redirect(page.url())
    messages.success(request, str(page.drawn) % {"n": draw.sample_size, "of": draw.population})
    return redirect(page.url(""), draw_id=draw.pk)


@login_required
@require_POST
def share_set(request, kind: str):
    page = _page(request, kind)
    if not page.may_set_share:
        raise Http404
    code = _posted_area(request, page)
    if code is None:
        messages.error(request, _("Choose an area you supervise."))
        return redirect(page.url())
    try:
        percent = Decimal(request.POST.get("percent", "").strip()[:10])
        valid_from = date.fromisoformat(request.POST.get("valid_from", "").strip()[:10])
    except (InvalidOperation, ValueError):
        messages.error(request, _("Give the share in per cent and the day it applies from."))
        return redirect(page.url())
    try:
        sampling_share_set(
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
    return redirect(page.url())


def _draw(request, page: SamplingPage, draw_id):
    draw = _draws(request.user, page).filter(pk=draw_id).first()
    if draw is None:
        raise Http404
    return draw


@login_required
@require_GET
def sample(request, kind: str, draw_id):
    page = _page(request, kind)
    draw = _draw(request, page, draw_id)
    field = page.population.request_field
    sampled = list(
        getattr(draw, page.related).select_related(*page.select, field).order_by("stratum", "rank")
    )
    rows = page.rows(sampled)
    same, numbers = sample_redraw(page.population, draw)
    finding = page.population.finding
    return render(
        request,
        "supervision/sample.html",
        {
            "page": page,
            "draw": draw,
            "default_source": DEFAULT_SOURCE,
            "rows": rows,
            "same_population": same,
            "redraw_matches": numbers == [r["number"] for r in rows],
            "findings": [
                (finding.NO_ISSUE, finding.NO_ISSUE.label),  # type: ignore[attr-defined]
                (finding.REVIEW_REQUESTED, finding.REVIEW_REQUESTED.label),  # type: ignore[attr-defined]
            ],
        },
    )


@login_required
@require_POST
def sample_finding(request, kind: str, draw_id, sampled_id):
    page = _page(request, kind)
    draw = _draw(request, page, draw_id)
    sampled = page.population.sampled_model.objects.filter(  # type: ignore[attr-defined]
        draw=draw, pk=sampled_id
    ).first()
    if sampled is None:
        raise Http404
    try:
        sample_finding_record(
            population=page.population,
            actor=request.user,
            sampled=sampled,
            finding=request.POST.get("finding", "")[:30],
            note=request.POST.get("note", "")[:TEXT_LIMIT],
        )
    except YimenError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, _("The finding was recorded."))
    return redirect(page.url(""), draw_id=draw.pk)

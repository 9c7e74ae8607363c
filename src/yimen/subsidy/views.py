"""Pages of the straw-to-meat subsidy for the bureau and the unit: overview with the
deadline's countdown, the scheme and its rate table, the survey list and vetting, the
applications list, the unit's own page. Thin: parse, call one service or selector, render
(house rule 2)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, can, division_q
from yimen.benefits.models import ReturnStatus
from yimen.errors import YimenError
from yimen.regions.models import Division

from . import selectors
from .errors import NotInScope
from .forms import (
    ImportForm,
    UnitForm,
    VetForm,
)
from .models import Application, PaymentReturn, Status, Survey, SurveyStatus
from .services import applications as apps
from .services import county_requests
from .services.survey import UnitData, survey_import, survey_vet, unit_survey
from .views_common import page_of, refused, require_staff, visible_scheme


@login_required
def index(request):
    """The bureau's overview; a unit goes to its own page, a reader to the progress."""
    if not selectors.is_staff(request.user):
        if selectors.is_unit(request.user):
            return redirect("subsidy:mine")
        if bindings_for(request.user, Action.SUBSIDY_STATS):
            return redirect("subsidy:progress")
        raise Http404
    visible = selectors.applications_visible_to(request.user)
    counts = {r["status"]: r["n"] for r in visible.values("status").annotate(n=Count("pk"))}
    surveys = selectors.surveys_visible_to(request.user)
    return render(
        request,
        "subsidy/index.html",
        {
            "schemes": selectors.schemes_visible_to(request.user),
            "now": timezone.now(),
            "statuses": [(s.label, s.value, counts.get(s.value, 0)) for s in Status],
            "surveyed": surveys.count(),
            "vetted": surveys.filter(status=SurveyStatus.VETTED).count(),
            "to_vet": surveys.filter(status=SurveyStatus.SURVEYED).count(),
            "county_requests": county_requests.requests_to_answer(request.user)[:50],
        },
    )


@login_required
def scheme(request, subsidy_scheme_id: int):
    """The scheme as configured: window, admitted types and materials, the rate table."""
    item = visible_scheme(request, subsidy_scheme_id)
    rates = item.rates.order_by("item_type", "valid_from")
    return render(
        request, "subsidy/scheme.html", {"scheme": item, "rates": rates, "now": timezone.now()}
    )


def _villages(user):
    return Division.objects.filter(
        division_q(user, Action.SUBSIDY_SURVEY, "code"), level__gte=4
    ).order_by("code")


@login_required
def units(request):
    """The survey list (调查摸底), its hand entry and Excel import, and vetting."""
    require_staff(request)
    scheme = visible_scheme(request, request.GET.get("scheme") or request.POST.get("scheme"))
    can_survey = can(request.user, Action.SUBSIDY_SURVEY, scheme.division_id)
    form = UnitForm(request.POST or None, divisions=_villages(request.user) if can_survey else ())
    upload = ImportForm()
    if request.method == "POST" and "file" in request.FILES:
        upload = ImportForm(request.POST, request.FILES)
        if upload.is_valid():
            data = upload.cleaned_data["file"]
            try:
                n = survey_import(
                    scheme=scheme,
                    data=data.read(),
                    filename=data.name,
                    actor=request.user,
                    today=timezone.localdate(),
                )
                messages.success(request, _("%(n)s units imported.") % {"n": n})
                return redirect(f"{request.path}?scheme={scheme.pk}")
            except YimenError as exc:
                refused(request, exc)
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            unit_survey(
                scheme=scheme,
                data=UnitData(
                    d["applicant_type"],
                    d["name"],
                    d["identity"],
                    d["division"],
                    d["contact_name"],
                    d["phone"],
                    d["bank_name"],
                    d["card_number"],
                    d["cattle"],
                    d["sheep"],
                ),
                actor=request.user,
                today=timezone.localdate(),
            )
            messages.success(request, _("Unit registered on the survey list."))
            return redirect(f"{request.path}?scheme={scheme.pk}")
        except YimenError as exc:
            refused(request, exc)
    surveys = selectors.surveys_visible_to(request.user).filter(scheme=scheme)
    status = request.GET.get("status", "")[:20]
    if status in SurveyStatus.values:
        surveys = surveys.filter(status=status)
    query = request.GET.get("q", "").strip()[:50]
    if query:
        surveys = surveys.filter(unit__name__contains=query)
    return render(
        request,
        "subsidy/units.html",
        {
            "scheme": scheme,
            "page": page_of(request, surveys.order_by("-surveyed_at", "-pk")),
            "form": form,
            "upload": upload,
            "can_survey": can_survey,
            "can_vet": can(request.user, Action.SUBSIDY_REVIEW, scheme.division_id),
            "vet_form": VetForm(),
            "statuses": SurveyStatus.choices,
            "status": status,
            "q": query,
        },
    )


@login_required
@require_POST
def vet(request, subsidy_survey_id: int):
    try:
        survey = selectors.access_survey(request.user, subsidy_survey_id)
    except NotInScope:
        raise Http404 from None
    form = VetForm(request.POST)
    if form.is_valid():
        try:
            survey_vet(
                survey=survey,
                actor=request.user,
                qualified=form.cleaned_data["qualified"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Vetting recorded."))
        except YimenError as exc:
            refused(request, exc)
    return redirect(f"/subsidy/units/?scheme={survey.scheme_id}")


@login_required
def applications(request):
    require_staff(request)
    qs = selectors.applications_visible_to(request.user)
    status = request.GET.get("status", "")[:20]
    if status in Status.values:
        qs = qs.filter(status=status)
    query = request.GET.get("q", "").strip()[:50]
    if query:
        qs = qs.filter(unit__name__contains=query)
    ready = []
    if bindings_for(request.user, Action.SUBSIDY_SURVEY):
        taken = Application.objects.filter(scheme=OuterRef("scheme"), unit=OuterRef("unit"))
        ready = (
            selectors.surveys_visible_to(request.user)
            .filter(status=SurveyStatus.VETTED)
            .exclude(Exists(taken))
            .order_by("unit__name")[:200]
        )
    return render(
        request,
        "subsidy/applications.html",
        {
            "page": page_of(request, qs.order_by("-created_at", "-pk")),
            "statuses": Status.choices,
            "status": status,
            "q": query,
            "ready": ready,
        },
    )


@login_required
@require_POST
def application_new(request):
    """Open a draft: the unit for itself, or the counter for a vetted unit."""
    try:
        survey = Survey.objects.select_related("unit", "scheme").get(
            pk=int(request.POST.get("survey", "0"))
        )
    except (Survey.DoesNotExist, ValueError):
        raise Http404 from None
    mine = survey.unit.account_id == request.user.pk
    if not mine and not selectors.surveys_visible_to(request.user).filter(pk=survey.pk).exists():
        raise Http404
    try:
        app = apps.application_start(
            scheme=survey.scheme, unit=survey.unit, actor=request.user, now=timezone.now()
        )
    except YimenError as exc:
        refused(request, exc)
        return redirect("subsidy:mine" if mine else "subsidy:applications")
    return redirect("subsidy:application", app.pk)


@login_required
def mine(request):
    """The unit's own page: its survey entries, its 申报书 and the deadline."""
    units = selectors.own_units(request.user)
    if not selectors.is_unit(request.user):
        raise Http404
    surveys = list(Survey.objects.filter(unit__in=units).select_related("scheme", "unit"))
    applications = list(
        selectors.applications_visible_to(request.user)
        .filter(unit__in=units)
        .annotate(
            returned_waiting=Exists(
                PaymentReturn.objects.filter(
                    application=OuterRef("pk"), status=ReturnStatus.RETURNED
                )
            )
        )
        .order_by("-pk")
    )
    # a unit with its 申报书 for a scheme opens it; the button opens one only where none is
    opened = {(a.scheme_id, a.unit_id): a for a in applications}
    return render(
        request,
        "subsidy/mine.html",
        {
            "surveys": [(sv, opened.get((sv.scheme_id, sv.unit_id))) for sv in surveys],
            "applications": applications,
            "now": timezone.now(),
        },
    )

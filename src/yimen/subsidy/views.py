"""Pages of the straw-to-meat subsidy for the bureau and the unit: overview with the
deadline's countdown, the scheme and its rate table, the survey list, applications with
their items, photos, inspection and the signed decision, the printed 申报书.
Thin: parse, call one service or selector, render (house rule 2)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.accounts.models import User
from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, can, division_q
from yimen.errors import YimenError
from yimen.regions.models import Division

from . import selectors
from .documents import application_pdf
from .errors import NotInScope
from .forms import (
    DecisionForm,
    ImportForm,
    InspectionHeadForm,
    ItemForm,
    MeasureForm,
    PhotoForm,
    UnitForm,
    VetForm,
)
from .models import Application, Item, PhotoStage, Status, Survey, SurveyStatus
from .rules import ItemFacts
from .services import applications as apps
from .services import review
from .services.survey import UnitData, survey_import, survey_vet, unit_survey


def _refused(request, exc: YimenError) -> None:
    messages.error(request, exc.render())
    for field, errors in getattr(exc, "fields", {}).items():
        for text in errors:
            messages.error(request, f"{field}: {text}")


def _staff(request) -> None:
    if not selectors.is_staff(request.user):
        raise Http404


def page_of(request, items, size: int = 30):
    return Paginator(items, size).get_page(request.GET.get("page"))


def _scheme(request, pk=None):
    schemes = selectors.schemes_visible_to(request.user)
    scheme = schemes.filter(pk=pk).first() if pk else schemes.first()
    if scheme is None:
        raise Http404
    return scheme


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
        },
    )


@login_required
def scheme(request, subsidy_scheme_id: int):
    """The scheme as configured: window, admitted types and materials, the rate table."""
    item = _scheme(request, subsidy_scheme_id)
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
    _staff(request)
    scheme = _scheme(request, request.GET.get("scheme") or request.POST.get("scheme"))
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
                _refused(request, exc)
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
            _refused(request, exc)
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
            _refused(request, exc)
    return redirect(f"/subsidy/units/?scheme={survey.scheme_id}")


@login_required
def applications(request):
    _staff(request)
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
        _refused(request, exc)
        return redirect("subsidy:mine" if mine else "subsidy:applications")
    return redirect("subsidy:application", app.pk)


def _application(request, pk):
    try:
        return selectors.access_application(request.user, pk)
    except NotInScope:
        raise Http404 from None


def _may_edit(user, app) -> bool:
    if app.status != Status.DRAFT:
        return False
    if app.unit.account_id == user.pk and can(user, Action.SUBSIDY_APPLY, app.division_id):
        return True
    return can(user, Action.SUBSIDY_SURVEY, app.division_id)


@login_required
def application(request, subsidy_application_id: int):
    app = _application(request, subsidy_application_id)
    items = list(app.items.order_by("pk"))
    user = request.user
    may_inspect = app.status == Status.SUBMITTED and can(
        user, Action.SUBSIDY_INSPECT, app.division_id
    )
    may_decide = app.status == Status.INSPECTED and can(
        user, Action.SUBSIDY_REVIEW, app.division_id
    )
    inspectors = []
    if may_inspect:
        inspectors = [
            u
            for u in User.objects.filter(bindings__role="subsidy_inspector", bindings__active=True)
            .exclude(pk=user.pk)
            .distinct()
            if can(u, Action.SUBSIDY_INSPECT, app.division_id)
        ]
    preview = review.compute_for(app, items) if items else []
    return render(
        request,
        "subsidy/application.html",
        {
            "app": app,
            "rows": [
                {"item": i, "amount": a, "measure": MeasureForm(prefix=f"item-{i.pk}")}
                for i, a in zip(items, preview or [None] * len(items), strict=True)
            ],
            "computed_total": sum((a.amount for a in preview), 0) if preview else 0,
            "photos": app.photos.select_related("item").order_by("pk"),
            "objections": app.objections.all(),
            "requests": app.review_requests.select_related("raised_by", "answered_by"),
            "may_edit": _may_edit(user, app),
            "may_inspect": may_inspect,
            "may_decide": may_decide,
            "item_form": ItemForm(),
            "photo_form": PhotoForm(items=items),
            "head_form": InspectionHeadForm(inspectors=inspectors) if may_inspect else None,
            "decision_form": DecisionForm() if may_decide else None,
            "may_answer": can(user, Action.SUBSIDY_REVIEW, app.division_id),
            "now": timezone.now(),
        },
    )


def _facts(data) -> ItemFacts:
    return ItemFacts(
        item_type=data["item_type"],
        latitude=data["latitude"],
        longitude=data["longitude"],
        material=data["material"] or "",
        length_m=data["length_m"],
        width_m=data["width_m"],
        depth_m=data["depth_m"],
        started_on=data["started_on"],
        crop_year=data["crop_year"],
        method=data["method"] or "",
        quantity=data["quantity"],
        quantity_unit=data["quantity_unit"] or "",
        model_name=data["model_name"],
        serial_number=data["serial_number"],
        invoice_number=data["invoice_number"],
        invoice_date=data["invoice_date"],
    )


@login_required
@require_POST
def item_add(request, subsidy_application_id: int):
    app = _application(request, subsidy_application_id)
    form = ItemForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            messages.error(request, f"{label}: {' '.join(errors)}")
        return redirect("subsidy:application", app.pk)
    try:
        apps.item_add(
            application=app, facts=_facts(form.cleaned_data), actor=request.user, now=timezone.now()
        )
        messages.success(request, _("Item added."))
    except YimenError as exc:
        _refused(request, exc)
    return redirect("subsidy:application", app.pk)


@login_required
@require_POST
def item_remove(request, subsidy_application_id: int, subsidy_item_id: int):
    app = _application(request, subsidy_application_id)
    item = Item.objects.filter(pk=subsidy_item_id, application=app).first()
    if item is None:
        raise Http404
    try:
        apps.item_remove(item=item, actor=request.user, now=timezone.now())
    except YimenError as exc:
        _refused(request, exc)
    return redirect("subsidy:application", app.pk)


@login_required
@require_POST
def submit(request, subsidy_application_id: int):
    app = _application(request, subsidy_application_id)
    try:
        apps.application_submit(application=app, actor=request.user, now=timezone.now())
        messages.success(request, _("Application submitted."))
    except YimenError as exc:
        _refused(request, exc)
    return redirect("subsidy:application", app.pk)


@login_required
@require_POST
def photo(request, subsidy_application_id: int):
    app = _application(request, subsidy_application_id)
    items = list(app.items.all())
    form = PhotoForm(request.POST, request.FILES, items=items)
    if not form.is_valid():
        messages.error(request, _("Choose a file and its kind."))
        return redirect("subsidy:application", app.pk)
    d = form.cleaned_data
    stage = PhotoStage.INSPECTION if app.status == Status.SUBMITTED else PhotoStage.APPLICATION
    try:
        added = apps.photo_add(
            application=app,
            actor=request.user,
            file=d["file"],
            kind=d["kind"],
            item=next((i for i in items if i.pk == d["item"]), None),
            latitude=d["latitude"],
            longitude=d["longitude"],
            taken_at=d["taken_at"],
            stage=stage,
        )
        if added.far:
            messages.warning(
                request,
                _("The photo was taken %(m)s m from the declared place: flagged.")
                % {"m": added.distance_m},
            )
        else:
            messages.success(request, _("Photo added."))
    except YimenError as exc:
        _refused(request, exc)
    return redirect("subsidy:application", app.pk)


@login_required
@require_POST
def inspect(request, subsidy_application_id: int):
    app = _application(request, subsidy_application_id)
    if not can(request.user, Action.SUBSIDY_INSPECT, app.division_id):
        raise Http404
    head = InspectionHeadForm(
        request.POST,
        inspectors=User.objects.filter(
            bindings__role="subsidy_inspector", bindings__active=True
        ).distinct(),
    )
    measurements = []
    ok = head.is_valid()
    for item in app.items.order_by("pk"):
        form = MeasureForm(request.POST, prefix=f"item-{item.pk}")
        if not form.is_valid():
            ok = False
            continue
        d = form.cleaned_data
        measurements.append(
            review.Measurement(
                item.pk,
                d["finding"],
                d["length_m"],
                d["width_m"],
                d["depth_m"],
                d["quantity"],
                d["note"],
            )
        )
    if not ok:
        messages.error(request, _("The inspection is incomplete."))
        return redirect("subsidy:application", app.pk)
    try:
        review.inspection_record(
            application=app,
            actor=request.user,
            second_inspector=User.objects.get(pk=head.cleaned_data["second_inspector"]),
            inspected_on=head.cleaned_data["inspected_on"],
            measurements=measurements,
            note=head.cleaned_data["note"],
        )
        messages.success(request, _("Inspection recorded."))
    except YimenError as exc:
        _refused(request, exc)
    return redirect("subsidy:application", app.pk)


@login_required
@require_POST
def decide(request, subsidy_application_id: int):
    app = _application(request, subsidy_application_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the decision."))
        return redirect("subsidy:application", app.pk)
    amounts, reasons = {}, {}
    for item in app.items.all():
        raw = request.POST.get(f"amount-{item.pk}", "").strip()
        if raw:
            amounts[item.pk] = raw
        reasons[item.pk] = request.POST.get(f"reason-{item.pk}", "")[:500]
    try:
        review.application_decide(
            application=app,
            actor=request.user,
            approve=form.cleaned_data["approve"],
            note=form.cleaned_data["note"],
            amounts=amounts,
            reasons=reasons,
        )
        messages.success(request, _("Decision signed."))
    except YimenError as exc:
        _refused(request, exc)
    return redirect("subsidy:application", app.pk)


@login_required
def application_file(request, subsidy_application_id: int):
    app = _application(request, subsidy_application_id)
    response = HttpResponse(application_pdf(app), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{app.number}.pdf"'
    return response


@login_required
def mine(request):
    """The unit's own page: its survey entries, its 申报书 and the deadline."""
    units = selectors.own_units(request.user)
    if not selectors.is_unit(request.user):
        raise Http404
    surveys = Survey.objects.filter(unit__in=units).select_related("scheme", "unit")
    return render(
        request,
        "subsidy/mine.html",
        {
            "surveys": surveys,
            "applications": selectors.applications_visible_to(request.user).filter(unit__in=units),
            "now": timezone.now(),
        },
    )

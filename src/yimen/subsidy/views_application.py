"""One subsidy application's pages: its items, photos, submission, the two inspectors'
findings, the signed decision and the printed 申报书. Thin: parse, call one service,
render (house rule 2)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.accounts.models import User
from yimen.accounts.roles import Action
from yimen.accounts.scoping import can
from yimen.benefits.models import ReturnStatus
from yimen.errors import YimenError

from . import selectors
from .documents import application_pdf
from .errors import NotInScope
from .forms import (
    DecisionForm,
    InspectionHeadForm,
    ItemForm,
    MeasureForm,
    PhotoForm,
)
from .models import Item, PhotoStage, Status
from .rules import ItemFacts
from .services import applications as apps
from .services import review
from .views_common import refused


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
            # a payment the bank sent back flags the application until it is paid again
            "returns": app.returns.exclude(status=ReturnStatus.REISSUED),
            "may_correct_card": can(user, Action.SUBSIDY_PAY, app.division_id),
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
        refused(request, exc)
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
        refused(request, exc)
    return redirect("subsidy:application", app.pk)


@login_required
@require_POST
def submit(request, subsidy_application_id: int):
    app = _application(request, subsidy_application_id)
    try:
        apps.application_submit(application=app, actor=request.user, now=timezone.now())
        messages.success(request, _("Application submitted."))
    except YimenError as exc:
        refused(request, exc)
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
        refused(request, exc)
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
        refused(request, exc)
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
        refused(request, exc)
    return redirect("subsidy:application", app.pk)


@login_required
def application_file(request, subsidy_application_id: int):
    app = _application(request, subsidy_application_id)
    response = HttpResponse(application_pdf(app), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{app.number}.pdf"'
    return response

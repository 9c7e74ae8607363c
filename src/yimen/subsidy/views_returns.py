"""Pages of the subsidy payments the bank sent back: a batch's returns with the import of
the bank's return file, and the correction of a unit's card. Thin: parse, call one service
or selector, render. The file layouts are the assistance rolls' (set per division and bank
on ``/benefits/returns/layouts/``, or by the bureau's finance officer here)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import can
from yimen.benefits.errors import ReturnRowsRefused
from yimen.benefits.models import (
    AmountUnit,
    FileEncoding,
    ReturnFileLayout,
    ReturnReason,
    ReturnStatus,
)
from yimen.benefits.services.return_layouts import layouts_in_force, return_layout_set
from yimen.benefits.views_returns import layout_input, posted_return_file
from yimen.errors import YimenError
from yimen.regions.codes import ancestor_codes

from . import selectors
from .errors import NotInScope
from .models import PaymentReturn
from .services import returns
from .views_common import visible_scheme


def _batch(request, pk):
    try:
        return selectors.access_batch(request.user, pk)
    except NotInScope:
        raise Http404 from None


@login_required
def batch_returns(request, subsidy_batch_id: int, problems=None, status=200):
    """The batch's returned payments and files; the finance officer imports a file."""
    batch = _batch(request, subsidy_batch_id)
    may_import = can(request.user, Action.SUBSIDY_PAY, batch.scheme.division_id)
    return render(
        request,
        "subsidy/batch_returns.html",
        {
            "batch": batch,
            "returns": returns.batch_returns(batch),
            "imports": batch.return_imports.select_related("imported_by", "layout"),
            "layouts": layouts_in_force(batch.scheme.division_id, timezone.localdate()),
            "layouts_link": reverse("subsidy:return_layouts", args=[batch.scheme_id]),
            "may_import": may_import,
            "problems": problems,
        },
        status=status,
    )


@login_required
def returns_upload(request, subsidy_batch_id: int):
    batch = _batch(request, subsidy_batch_id)  # out of scope: 404 whatever the method
    if request.method != "POST":
        return redirect("subsidy:batch_returns", batch.pk)
    try:
        name, data, layout_id = posted_return_file(request)
        result = returns.returns_import(
            actor=request.user, batch=batch, file_name=name, data=data, layout_id=layout_id
        )
    except ReturnRowsRefused as exc:
        messages.error(request, exc.render())
        return batch_returns(request, batch.pk, problems=exc.problems, status=400)
    except YimenError as exc:
        messages.error(request, exc.render())
        return batch_returns(request, batch.pk, status=exc.status)
    if result.created:
        messages.success(
            request,
            _("%(n)s returned payments imported; the units are flagged and told.")
            % {"n": result.imported.returns},
        )
    else:
        messages.info(request, _("This file was imported before; nothing was changed."))
    return redirect("subsidy:batch_returns", batch.pk)


@login_required
def card_correct(request, subsidy_unit_id: int):
    """The bureau records a unit's corrected card; the next batch pays it again."""
    survey = selectors.surveys_visible_to(request.user).filter(unit_id=subsidy_unit_id).first()
    if survey is None:
        raise Http404
    unit = survey.unit
    error = None
    if request.method == "POST":
        post = request.POST
        try:
            returns.return_card_correct(
                actor=request.user,
                unit=unit,
                bank_name=post.get("bank_name", "")[:200],
                card_number=post.get("card_number", "")[:60],
                reason=post.get("reason", "")[:4000],
            )
        except YimenError as exc:
            error = exc.render()
        else:
            messages.success(request, _("The card is corrected; the next batch pays it again."))
            return redirect("subsidy:card_correct", unit.pk)
    history = (
        PaymentReturn.objects.filter(application__unit=unit)
        .select_related("line__batch", "application", "repayment__batch")
        .order_by("-pk")
    )
    return render(
        request,
        "subsidy/card_correct.html",
        {
            "unit": unit,
            "waiting": [r for r in history if r.status == ReturnStatus.RETURNED],
            "history": history,
            "may_correct": can(request.user, Action.SUBSIDY_PAY, unit.division_id),
            "error": error,
            "post": request.POST,
        },
        status=400 if error else 200,
    )


@login_required
def return_layouts(request, subsidy_scheme_id: int):
    """The layouts the bank's return files are read with for the scheme's county: the
    rolls' page and form, set here by the bureau's finance officer (``SUBSIDY_PAY``)."""
    scheme = visible_scheme(request, subsidy_scheme_id)
    county = scheme.division_id
    user = request.user
    error = None
    if request.method == "POST":
        try:
            return_layout_set(
                actor=user,
                data=layout_input(request.POST, county),
                may_see=Action.SUBSIDY_VIEW,
                may_set=Action.SUBSIDY_PAY,
            )
        except YimenError as exc:
            error = exc.render()
        else:
            messages.success(request, _("The layout is saved and applies from its day."))
            return redirect("subsidy:return_layouts", scheme.pk)
    today = timezone.localdate()
    batch = scheme.batches.order_by("-number").first()
    return render(
        request,
        "benefits/return_layouts.html",
        {
            "township": county,
            "townships": [county],
            "in_force": layouts_in_force(county, today),
            "history": ReturnFileLayout.objects.filter(
                division_id__in=[county, *ancestor_codes(county)]
            ).order_by("-valid_from", "bank_name")[:50],
            "can_set": can(user, Action.SUBSIDY_PAY, county),
            "error": error,
            "post": request.POST,
            "today": today,
            "encodings": FileEncoding.choices,
            "units": AmountUnit.choices,
            "reasons": ReturnReason.choices,
            "back_link": reverse("subsidy:batch_returns", args=[batch.pk])
            if batch
            else reverse("subsidy:payments"),
        },
        status=400 if error else 200,
    )

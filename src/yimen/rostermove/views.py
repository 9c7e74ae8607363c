"""Pages: upload a sheet (the dry run), read its problems by row, download them, import.
Thin: each page calls one service or selector."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.accounts.scoping import bindings_for
from yimen.errors import YimenError
from yimen.regions.models import Division
from yimen.subsidy.models import Scheme

from . import selectors
from .exports import problems_xlsx
from .forms import UploadForm
from .models import BatchStatus
from .problems import Problem
from .services import batch_check, batch_import

PAGE_SIZE = 50


def _choices(user):
    kinds = selectors.kinds_for(user)
    if not kinds:
        raise Http404
    codes = sorted(
        {b.division_code for kind in kinds for b in bindings_for(user, selectors.ACTIONS[kind])}
    )
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
    divisions = [(c, names.get(c, c)) for c in codes]
    schemes: list = []
    subsidy = bindings_for(user, selectors.ACTIONS["subsidy"])
    if subsidy:
        for scheme in Scheme.objects.order_by("-pk")[:200]:
            if any(b.covers(scheme.division_id) for b in subsidy):
                schemes.append((scheme.pk, scheme.name))
    return kinds, divisions, schemes


@login_required
def batches(request):
    kinds, divisions, schemes = _choices(request.user)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        kinds=kinds,
        divisions=divisions,
        schemes=schemes,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = batch_check(
                actor=request.user,
                kind=data["kind"],
                division_code=data["division"],
                data=data["file"].read(),
                file_name=data["file"].name,
                mapping=data["mapping"],
                scheme_id=data["scheme"] or None,
            )
        except YimenError as exc:
            messages.error(request, exc.render())
        else:
            return redirect("rostermove:batch", batch.pk)
    rows = selectors.batches_visible_to(request.user).select_related("division", "created_by")
    page = Paginator(rows.order_by("-pk"), 30).get_page(request.GET.get("page"))
    return render(request, "rostermove/batches.html", {"form": form, "page": page})


@login_required
def batch(request, batch_id: int):
    try:
        found = selectors.batch_for(request.user, batch_id)
    except YimenError:
        raise Http404 from None
    show = request.GET.get("show", "")
    blocking = {"blocking": True, "notices": False}.get(show)
    rows = selectors.problems_of(found, blocking=blocking).values_list(
        "row", "column", "code", "value", "detail", "blocking"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    problems = [Problem(*row) for row in page.object_list]
    return render(
        request,
        "rostermove/batch.html",
        {
            "batch": found,
            "page": page,
            "problems": problems,
            "show": show,
            "can_import": found.status == BatchStatus.CHECKED,
        },
    )


@login_required
@require_POST
def batch_import_view(request, batch_id: int):
    try:
        found = selectors.batch_for(request.user, batch_id)
    except YimenError:
        raise Http404 from None
    try:
        outcome = batch_import(actor=request.user, batch=found)
    except YimenError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(
            request,
            _("%(imported)s records moved in; %(skipped)s skipped (see the list).")
            % {"imported": outcome.imported, "skipped": outcome.skipped},
        )
    return redirect("rostermove:batch", batch_id)


@login_required
def problems_download(request, batch_id: int):
    try:
        found = selectors.batch_for(request.user, batch_id)
    except YimenError:
        raise Http404 from None
    response = HttpResponse(
        problems_xlsx(found),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="problems-{found.pk}.xlsx"'
    return response

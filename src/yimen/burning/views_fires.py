"""Fire points: the list and the import of satellite files, and the map of grids, zones and
points per county and day (our own GeoJSON drawn by the vendored ECharts)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from yimen.accounts.roles import Action
from yimen.errors import YimenError

from . import selectors
from .forms import FireImportForm
from .mapdata import map_json
from .models import FireImport, Placement, Source
from .services.fires import fires_import
from .views_field import page_of, parse_day

A = Action


@login_required
def fires(request):
    """Fire points of the user's area, and the import form for those who import."""
    if not selectors.can_see(request.user):
        raise Http404
    may_import = selectors.may(request.user, A.BURNING_IMPORT)
    form = FireImportForm(request.POST or None, request.FILES or None) if may_import else None
    refused, record = [], None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record = fires_import(data=upload.read(), filename=upload.name, actor=request.user)
            except YimenError as exc:
                refused = getattr(exc, "rows", None) or [(0, exc.render())]
            else:
                messages.success(request, _("Fire points imported."))
    qs = selectors.detections_visible_to(request.user).select_related("unit", "case")
    day = parse_day(request.GET.get("day", ""))
    if day:
        qs = qs.filter(day=day)
    source = request.GET.get("source", "")
    if source in Source.values:
        qs = qs.filter(source=source)
    imports = FireImport.objects.filter(imported_by=request.user)[:5] if may_import else []
    return render(
        request,
        "burning/fires.html",
        {
            "form": form,
            "refused": refused,
            "record": record,
            "imports": imports,
            "page": page_of(request, qs.order_by("-acquired_at", "-pk")),
            "day": day,
            "source": source,
            "sources": Source.choices,
            "placements": dict(Placement.choices),
        },
    )


def _map_filters(request):
    counties = list(selectors.counties_of(request.user))
    county = request.GET.get("county", "")
    if county not in {c.code[:6] for c in counties}:
        county = counties[0].code[:6] if counties else ""
    day = parse_day(request.GET.get("day", "")) or timezone.localdate()
    return counties, county, day


@login_required
def map_page(request):
    if not selectors.can_see(request.user):
        raise Http404
    counties, county, day = _map_filters(request)
    return render(
        request,
        "burning/map.html",
        {
            "counties": counties,
            "county": county,
            "day": day,
            "source": request.GET.get("source", ""),
            "confidence": request.GET.get("confidence", ""),
            "sources": Source.choices,
        },
    )


@login_required
def map_data(request):
    if not selectors.can_see(request.user):
        raise Http404
    _counties, county, day = _map_filters(request)
    if not county:
        return JsonResponse({"grids": {"type": "FeatureCollection", "features": []}, "points": []})
    body = map_json(
        request.user,
        county,
        day,
        source=request.GET.get("source", ""),
        confidence=request.GET.get("confidence", ""),
    )
    return HttpResponse(body, content_type="application/json")

"""The 包保 tree: a county's units with who answered for each on a day, a unit's dated
assignments, zones and permits (kept by the county), and the GeoJSON upload of grids."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yimen.accounts.models import RoleBinding, User
from yimen.accounts.roles import Action, role_allows
from yimen.accounts.scoping import bindings_of, division_q
from yimen.errors import YimenError
from yimen.regions.codes import ancestor_codes
from yimen.regions.models import Division
from yimen.web.views import not_found_is_404

from . import selectors
from .errors import NotInScope
from .forms import AssignForm, GridImportForm, PermitForm, SettingsForm, ZoneForm
from .models import Assignment, BurningSettings, UnitLevel
from .services.common import settings_for
from .services.tree import (
    SETTING_FIELDS,
    assignment_set,
    grids_import,
    permit_issue,
    settings_set,
    zone_set,
)
from .views_field import parse_day

A = Action


@login_required
def units(request):
    """ "Who answered for this grid on that day": the tree of a county on a chosen day."""
    if not selectors.can_see(request.user):
        raise Http404
    counties = list(selectors.counties_of(request.user))
    county = request.GET.get("county") or (counties[0].code[:6] if counties else "")
    day = parse_day(request.GET.get("day", "")) or timezone.localdate()
    rows = selectors.tree_rows(request.user, county, day) if county else []
    return render(
        request,
        "burning/units.html",
        {
            "counties": counties,
            "county": county,
            "day": day,
            "rows": rows,
            "can_manage": selectors.may(request.user, A.BURNING_MANAGE),
        },
    )


def _people_for(unit):
    """Users holding a straw-burning role over the unit (the ones who may answer for it)."""
    codes = [unit.division_id, *ancestor_codes(unit.division_id)]
    bound = RoleBinding.objects.filter(active=True, division_id__in=codes).values_list(
        "user_id", "role"
    )
    ids = {uid for uid, role in bound if role_allows(role, A.BURNING_VIEW)}
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "username")


@login_required
@not_found_is_404
def unit(request, burning_unit_id: int):
    found = selectors.access_unit(request.user, burning_unit_id)
    manage = selectors.units_visible_to(request.user, A.BURNING_MANAGE).filter(pk=found.pk).exists()
    today = timezone.localdate()
    forms = {}
    if manage:
        forms["assign"] = AssignForm(
            request.POST if request.POST.get("form") == "assign" else None,
            people=_people_for(found),
            initial={"valid_from": today},
        )
        if found.level >= UnitLevel.GRID:
            forms["zone"] = ZoneForm(
                request.POST if request.POST.get("form") == "zone" else None,
                initial={"valid_from": today},
            )
            forms["permit"] = PermitForm(
                request.POST if request.POST.get("form") == "permit" else None
            )
    if request.method == "POST":
        if not manage:
            raise Http404
        which = request.POST.get("form")
        form = forms.get(which)
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                if which == "assign":
                    person = _people_for(found).get(pk=data["person"])
                    assignment_set(
                        unit=found,
                        kind=data["kind"],
                        person=person,
                        valid_from=data["valid_from"],
                        phone=data["phone"],
                        actor=request.user,
                    )
                elif which == "zone":
                    zone_set(
                        unit=found,
                        kind=data["kind"],
                        valid_from=data["valid_from"],
                        actor=request.user,
                    )
                else:
                    permit_issue(
                        unit=found,
                        holder=data["holder"],
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        area_mu=data["area_mu"],
                        conditions=data["conditions"],
                        actor=request.user,
                    )
            except YimenError as exc:
                messages.error(request, exc.render())
            except User.DoesNotExist:
                messages.error(request, _("Choose a person from the list."))
            else:
                messages.success(request, _("Saved."))
                return redirect("burning:unit", found.pk)
    return render(
        request,
        "burning/unit.html",
        {
            "unit": found,
            "chain": _chain(found),
            "children": found.children.order_by("code"),
            "assignments": Assignment.objects.filter(unit=found)
            .select_related("person", "assigned_by")
            .order_by("kind", "-valid_from"),
            "zones": found.zones.order_by("-valid_from"),
            "permits": found.permits.order_by("-starts_at"),
            "forms": forms,
            "today": today,
        },
    )


def _chain(unit):
    found = []
    current = unit.parent
    while current is not None and len(found) < 8:
        found.append(current)
        current = current.parent
    return list(reversed(found))


@login_required
def grid_import(request):
    """A county uploads its grid boundaries (GeoJSON): refused whole with every bad
    feature's number, overlaps between siblings reported."""
    if not selectors.may(request.user, A.BURNING_MANAGE):
        raise Http404
    counties = Division.objects.filter(
        division_q(request.user, A.BURNING_MANAGE, "code"), level=3
    ).order_by("code")
    form = GridImportForm(request.POST or None, request.FILES or None, counties=counties)
    refused, result = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            county = counties.get(code=form.cleaned_data["county"])
            result = grids_import(
                county=county,
                data=upload.read(),
                filename=upload.name,
                actor=request.user,
                synthetic=form.cleaned_data["synthetic"],
            )
        except Division.DoesNotExist:
            raise Http404 from None
        except NotInScope:
            raise Http404 from None
        except YimenError as exc:
            refused = getattr(exc, "rows", None) or [(0, exc.render())]
        else:
            messages.success(
                request,
                _("%(created)s units added, %(updated)s boundaries replaced.")
                % {"created": result.created, "updated": result.updated},
            )
    return render(
        request,
        "burning/grid_import.html",
        {"form": form, "refused": refused, "result": result},
    )


@login_required
def settings_page(request):
    """The clocks, distances and amounts in force for the user's area, and a new dated row
    (the county's office for its county; the province's inspector for the province)."""
    user = request.user
    bindings = [
        b
        for b in bindings_of(user)
        if role_allows(b.role, A.BURNING_MANAGE) or role_allows(b.role, A.BURNING_ACCOUNT)
    ]
    if not bindings:
        raise Http404
    division = Division.objects.get(pk=bindings[0].division_code)
    today = timezone.localdate()
    current = settings_for(division.code, today)
    form = SettingsForm(request.POST or None, instance=None, initial=_initial(current, today))
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "valid_from"}
        try:
            settings_set(
                division=division,
                valid_from=form.cleaned_data["valid_from"],
                values=values,
                actor=user,
            )
        except YimenError as exc:
            messages.error(request, exc.render())
        else:
            messages.success(request, _("Saved."))
            return redirect("burning:settings")
    rows = BurningSettings.objects.filter(division=division).order_by("-valid_from")
    return render(
        request,
        "burning/settings.html",
        {
            "division": division,
            "current": current,
            "fields": [(f.verbose_name, getattr(current, f.name)) for f in _setting_fields()],
            "rows": rows,
            "form": form,
        },
    )


def _setting_fields():
    return [BurningSettings._meta.get_field(name) for name in SETTING_FIELDS]


def _initial(current, today) -> dict:
    return {"valid_from": today, **{name: getattr(current, name) for name in SETTING_FIELDS}}

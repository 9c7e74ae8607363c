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
from yimen.accounts.scoping import division_q
from yimen.errors import YimenError
from yimen.regions.codes import ancestor_codes
from yimen.regions.models import Division
from yimen.web.views import not_found_is_404

from . import selectors
from .errors import NotInScope
from .forms import AssignForm, GridImportForm, PermitForm, ZoneForm
from .models import Assignment, UnitLevel
from .services.tree import assignment_set, grids_import, permit_issue, zone_set
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

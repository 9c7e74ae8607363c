"""The 包保 tree: a county's units with who answered for each on a day, a unit's dated
assignments, zones and permits (kept by the county), and the GeoJSON upload of grids."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yimen.accounts.models import RoleBinding, User
from yimen.accounts.roles import Action, role_allows
from yimen.accounts.scoping import bindings_of, division_q
from yimen.errors import YimenError
from yimen.regions.codes import Level, ancestor_codes
from yimen.regions.models import Division
from yimen.web.views import not_found_is_404

from . import selectors
from .errors import BadInput, NotInScope
from .forms import AssignForm, GridImportForm, PermitForm, SettingsForm, UnitForm, ZoneForm
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
from .services.units import unit_create, unit_update
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
        forms["edit"] = UnitForm(
            request.POST if request.POST.get("form") == "edit" else None,
            villages=_villages(request.user),
            editing=True,
            initial={
                "name": found.name,
                "parent": found.parent.code if found.parent_id else "",
                "division": found.division_id,
            },
        )
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
                if which == "edit":
                    unit_update(
                        unit=found,
                        name=data["name"],
                        parent=_parent(request.user, data["parent"]),
                        division=_village(request.user, data["division"]),
                        reason=data["reason"],
                        actor=request.user,
                    )
                elif which == "assign":
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
            "parent_codes": _parent_codes(request.user, found.county_code) if manage else [],
        },
    )


def _villages(user):
    return Division.objects.filter(
        division_q(user, A.BURNING_MANAGE, "code"), level=Level.VILLAGE
    ).order_by("code")


def _village(user, code: str) -> Division | None:
    """The village chosen in a form (None when none was); refused outside the user's area."""
    if not code:
        return None
    found = _villages(user).filter(code=code).first()
    if found is None:
        raise BadInput(_("Choose the village from the list."))
    return found


def _parent(user, code: str):
    """The parent unit typed by its code (None when blank); refused outside the area."""
    code = (code or "").strip()
    if not code:
        return None
    found = selectors.units_visible_to(user, A.BURNING_MANAGE).filter(code=code).first()
    if found is None:
        raise BadInput(_("No 包保 unit with that code in your area."))
    return found


def _parent_codes(user, county_code: str) -> list:
    """Codes offered as parents: the villages and grids of the county (at most 2,000)."""
    return list(
        selectors.units_visible_to(user, A.BURNING_MANAGE)
        .filter(county_code=county_code, level__in=(UnitLevel.VILLAGE, UnitLevel.GRID))
        .order_by("code")
        .values("code", "name")[:2000]
    )


@login_required
def unit_new(request):
    """A 包保 unit by hand: a village from the register, or a grid or plot under a unit."""
    user = request.user
    if not selectors.may(user, A.BURNING_MANAGE):
        raise Http404
    form = UnitForm(request.POST or None, villages=_villages(user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            made = unit_create(
                level=int(d["level"]),
                code=d["code"],
                name=d["name"],
                parent=_parent(user, d["parent"]),
                division=_village(user, d["division"]),
                households=d["households"],
                actor=user,
            )
        except YimenError as exc:
            messages.error(request, exc.render())
        else:
            messages.success(request, _("Saved."))
            return redirect("burning:unit", made.pk)
    counties = list(selectors.counties_of(user, A.BURNING_MANAGE))
    return render(
        request,
        "burning/unit_form.html",
        {
            "form": form,
            "parent_codes": _parent_codes(user, counties[0].code[:6]) if counties else [],
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


def _settings_divisions(user) -> list[Division]:
    """Every division the user is bound to with a role that keeps the settings (the county's
    office for its county, the province's inspector for the province), in code order."""
    codes = sorted(
        {
            b.division_code
            for b in bindings_of(user)
            if role_allows(b.role, A.BURNING_MANAGE) or role_allows(b.role, A.BURNING_ACCOUNT)
        }
    )
    return list(Division.objects.filter(code__in=codes).order_by("code"))


@login_required
def settings_page(request):
    """The clocks, distances and amounts in force for one of the user's divisions (chosen
    among every division the user is bound to), and a new dated row for it."""
    user = request.user
    divisions = _settings_divisions(user)
    if not divisions:
        raise Http404
    wanted = request.POST.get("division") or request.GET.get("division") or divisions[0].code
    division = next((d for d in divisions if d.code == wanted), None)
    if division is None:
        raise Http404
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
            return redirect(f"{reverse('burning:settings')}?division={division.code}")
    rows = BurningSettings.objects.filter(division=division).order_by("-valid_from")
    return render(
        request,
        "burning/settings.html",
        {
            "division": division,
            "divisions": divisions,
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

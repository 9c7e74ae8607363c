"""The inspection groups' pages: the list of groups with their counties and visits; a group
created or edited by the city's or province's environment staff (members, counties with
dates); a group's own page, where its members record visits and findings. Thin: parse,
call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import HiddenInput
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yimen.accounts.roles import Action
from yimen.errors import YimenError
from yimen.web.views import not_found_is_404

from . import selectors
from .errors import BadInput
from .forms import VisitForm
from .forms_inspections import CountyRows, GroupForm
from .models import InspectionGroup
from .services.inspections import CountyPeriod, group_create, group_update, visit_record

A = Action


@login_required
def inspections(request):
    """The inspection groups, the counties they answer for, and their visits."""
    user = request.user
    if not selectors.can_see(user):
        raise Http404
    groups = selectors.groups_visible_to(user).prefetch_related("counties__county", "members")
    return render(
        request,
        "burning/inspections.html",
        {
            "groups": groups,
            "visits": selectors.visits_visible_to(user)
            .select_related("group", "county", "recorded_by")
            .prefetch_related("cases")[:100],
            "can_create": selectors.sending_divisions(user).exists(),
            "mine": set(user.inspection_groups.values_list("pk", flat=True)),
        },
    )


def _group_forms(request, group: InspectionGroup | None):
    user = request.user
    post = request.POST if request.method == "POST" else None
    initial: dict = {}
    rows: list[dict] = []
    if group is not None:
        initial = {
            "number": group.number,
            "name": group.name,
            "leader": group.leader,
            "division": group.division_id,
            "members": [str(pk) for pk in group.members.values_list("pk", flat=True)],
        }
        rows = [
            {"county": c.county_id, "date_from": c.date_from, "date_to": c.date_to}
            for c in group.counties.order_by("date_from", "county_id")
        ]
    counties = list(selectors.counties_in_area(user, A.BURNING_ACCOUNT))
    form = GroupForm(
        post,
        initial=initial,
        divisions=selectors.sending_divisions(user),
        people=selectors.inspection_people(user),
        editing=group is not None,
    )
    formset = CountyRows(post, initial=rows, prefix="counties", form_kwargs={"counties": counties})
    return form, formset, {d.code: d for d in counties}


def _periods(formset, counties) -> list[CountyPeriod]:
    periods = []
    for row in formset.cleaned_data:
        if row.get("county"):
            if row["county"] not in counties:
                raise BadInput(_("Choose the counties from the list."))
            periods.append(CountyPeriod(counties[row["county"]], row["date_from"], row["date_to"]))
    return periods


def _save(request, group, form, formset, counties):
    """Call the use case with the parsed forms; the group, or None with a message."""
    user = request.user
    d = form.cleaned_data
    division = selectors.sending_divisions(user).filter(code=d["division"]).first()
    members = list(selectors.inspection_people(user).filter(pk__in=d["members"]))
    try:
        if division is None or len(members) != len(set(d["members"])):
            raise BadInput(_("Choose from the lists."))
        values = {
            "name": d["name"],
            "leader": d["leader"],
            "division": division,
            "members": members,
            "counties": _periods(formset, counties),
            "actor": user,
        }
        if group is None:
            return group_create(number=d["number"], **values)
        return group_update(group=group, reason=d.get("reason", ""), **values)
    except YimenError as exc:
        messages.error(request, exc.render())
        return None


def _group_page(request, group: InspectionGroup | None):
    """The group form (new when ``group`` is None), saved through its use case."""
    form, formset, counties = _group_forms(request, group)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = _save(request, group, form, formset, counties)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("burning:group", saved.pk)
    return render(
        request, "burning/group_form.html", {"form": form, "formset": formset, "group": group}
    )


@login_required
def group_new(request):
    """A new inspection group (city or province environment staff)."""
    if not selectors.sending_divisions(request.user).exists():
        raise Http404
    return _group_page(request, None)


@login_required
@not_found_is_404
def group_edit(request, inspection_group_id: int):
    group = selectors.access_group(request.user, inspection_group_id)
    if not selectors.manages_group(request.user, group):
        raise Http404
    return _group_page(request, group)


@login_required
@not_found_is_404
def group(request, inspection_group_id: int):
    """A group: members, counties with dates, visits; a member records a visit here."""
    user = request.user
    found = selectors.access_group(user, inspection_group_id)
    member = selectors.may(user, A.BURNING_INSPECT) and found.members.filter(pk=user.pk).exists()
    today = timezone.localdate()
    form = None
    if member:
        counties = {c.county_id: c.county for c in found.counties.select_related("county")}
        form = VisitForm(
            request.POST if request.method == "POST" else None,
            groups=[found],
            counties=sorted(counties.values(), key=lambda d: d.code),
            initial={"group": found.pk, "visited_on": today},
        )
        form.fields["group"].widget = HiddenInput()
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            try:
                visit_record(
                    group=found,
                    county=counties[d["county"]],
                    visited_on=d["visited_on"],
                    places=d["places"],
                    findings=d["findings"],
                    cases=selectors.cases_by_number(user, form.numbers()),
                    actor=user,
                )
            except YimenError as exc:
                messages.error(request, exc.render())
            else:
                messages.success(request, _("Visit recorded."))
                return redirect("burning:group", found.pk)
    return render(
        request,
        "burning/group.html",
        {
            "group": found,
            "members": found.members.order_by("full_name", "username"),
            "counties": found.counties.select_related("county").order_by("date_from"),
            "visits": found.visits.select_related("county", "recorded_by")
            .prefetch_related("cases")
            .order_by("-visited_on", "-pk"),
            "manage": selectors.manages_group(user, found),
            "form": form,
            "today": today,
        },
    )

"""Filing pages: counter staff file for a person found by ID number; the insured files online
for themselves (login linked at the counter). Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, can
from yimen.errors import YimenError
from yimen.medins.models import InsuredPerson
from yimen.privacy.access import log_full_record

from .forms import FilingCancelForm, FilingChangeForm, FilingForm, PersonSearchForm
from .models import Filing, FilingChannel, FilingStatus, PersonLink
from .services.filing import filing_cancel, filing_change, filing_create


def _counter_person(request, id_number: str) -> InsuredPerson | None:
    person = InsuredPerson.objects.filter(id_number=id_number.strip().upper()).first()
    if person is None or not can(request.user, Action.MEDINS_HANDLE, person.insured_division_id):
        return None  # absent and out of scope look the same
    return person


def _back(person: InsuredPerson, channel: str) -> HttpResponseRedirect:
    if channel == FilingChannel.ONLINE:
        return HttpResponseRedirect(reverse("settlement:my_filings"))
    url = reverse("settlement:filings") + "?" + urlencode({"id_number": person.id_number})
    return HttpResponseRedirect(url)


def _change_form(filing: Filing) -> FilingChangeForm:
    """The change form of one listed filing, showing its destination, end and documents."""
    code = filing.destination_id
    province = code[:2].ljust(12, "0")
    return FilingChangeForm(
        initial={
            "destination_province": province,
            "destination_city": "" if code == province else code,
            "end_date": filing.end_date,
            "documents": filing.documents,
        },
        auto_id=f"id_{filing.serial}_%s",  # one form per row: ids must not repeat
    )


def _render(request, person, channel, form=None, status=200):
    filings = person.filings.select_related("destination").order_by("-created_at") if person else []
    for filing in filings:
        if filing.status == FilingStatus.ACTIVE:
            filing.change_form = _change_form(filing)
    return render(
        request,
        "settlement/filings.html",
        {
            "person": person,
            "channel": channel,
            "filings": filings,
            "form": form or FilingForm(),
            "search": PersonSearchForm(request.GET or None),
            "cancel_form": FilingCancelForm(),
        },
        status=status,
    )


@login_required
def counter(request):
    if not bindings_for(request.user, Action.MEDINS_HANDLE):
        raise PermissionDenied
    person = None
    if request.GET.get("id_number"):
        person = _counter_person(request, request.GET["id_number"])
        if person is None:
            messages.error(request, _("No insured person with this ID number in your area."))
        else:
            log_full_record(
                actor=request.user,
                record_type="medins.insuredperson",
                record_id=person.pk,
                division_code=person.insured_division_id,
                note="异地就医备案",
            )
    return _render(request, person, FilingChannel.COUNTER)


def _file(request, person, channel):
    form = FilingForm(request.POST)
    if not form.is_valid():
        return _render(request, person, channel, form, status=400)
    try:
        filing = filing_create(request.user, person=person, channel=channel, **form.cleaned_data)
    except YimenError as exc:
        messages.error(request, exc.render())
        return _render(request, person, channel, form, status=400)
    messages.success(request, _("Filed: %(serial)s.") % {"serial": filing.serial})
    return _back(person, channel)


@login_required
@require_POST
def counter_file(request, person_id: int):
    person = InsuredPerson.objects.filter(pk=person_id).first()
    if person is None or not can(request.user, Action.MEDINS_HANDLE, person.insured_division_id):
        raise Http404
    return _file(request, person, FilingChannel.COUNTER)


def _own_filing(request, serial: str, channel: str) -> Filing:
    filing = Filing.objects.select_related("person").filter(serial=serial).first()
    if filing is None:
        raise Http404
    if channel == FilingChannel.ONLINE:
        if not PersonLink.objects.filter(user=request.user, person=filing.person).exists():
            raise Http404
    elif not can(request.user, Action.MEDINS_HANDLE, filing.person.insured_division_id):
        raise Http404
    return filing


@login_required
@require_POST
def change(request, serial: str, channel: str):
    filing = _own_filing(request, serial, channel)
    form = FilingChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in the destination, documents and a reason."))
        return _back(filing.person, channel)
    try:
        filing_change(request.user, filing=filing, channel=channel, **form.cleaned_data)
        messages.success(request, _("The filing was changed."))
    except YimenError as exc:
        messages.error(request, exc.render())
    return _back(filing.person, channel)


@login_required
@require_POST
def cancel(request, serial: str, channel: str):
    filing = _own_filing(request, serial, channel)
    form = FilingCancelForm(request.POST)
    try:
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        filing_cancel(request.user, filing=filing, channel=channel, reason=reason)
        messages.success(request, _("The filing was cancelled."))
    except YimenError as exc:
        messages.error(request, exc.render())
    return _back(filing.person, channel)


@login_required
def mine(request):
    link = PersonLink.objects.filter(user=request.user).select_related("person").first()
    if link is None:
        return render(request, "settlement/not_linked.html", status=403)
    if request.method == "POST":
        return _file(request, link.person, FilingChannel.ONLINE)
    return _render(request, link.person, FilingChannel.ONLINE)

"""The exam administrator's tools: open a session, approve a green channel, import
questions into the bank. Thin: each form calls one service."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for
from yimen.errors import YimenError
from yimen.regions.models import Division

from . import selectors
from .bank import questions_import
from .errors import ImportRefused
from .forms import GreenChannelForm, QuestionImportForm, SessionForm
from .models import GreenChannelRequest, RequestStatus
from .services.scheduling import green_channel_approve, green_channel_decide, session_open
from .views_mine import _categories


@login_required
def manage(request):
    bindings = bindings_for(request.user, Action.EXAM_ADMINISTER)
    if not bindings:
        raise Http404
    division = Division.objects.get(pk=bindings[0].division_code)
    employers = list(selectors.employers_administered(request.user))
    what = request.POST.get("form", "")
    post = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    session_form = SessionForm(post if what == "session" else None, prefix="s")
    green_form = GreenChannelForm(
        post if what == "green" else None, prefix="g", employers=employers
    )
    bank_form = QuestionImportForm(
        post if what == "bank" else None,
        files if what == "bank" else None,
        prefix="b",
        categories=_categories(timezone.localdate()),
    )
    refused: list[tuple[int, str]] = []
    try:
        if what == "session" and session_form.is_valid():
            room = session_open(division=division, actor=request.user, **session_form.cleaned_data)
            return redirect("exams:session", room.pk)
        if what == "green" and green_form.is_valid():
            data = green_form.cleaned_data
            employer = next(e for e in employers if str(e.pk) == data["employer"])
            green_channel_approve(
                employer=employer,
                reason=data["reason"],
                valid_until=data["valid_until"],
                actor=request.user,
            )
            messages.success(request, _("Green channel approved."))
            return redirect("exams:manage")
        if what == "bank" and bank_form.is_valid():
            upload = bank_form.cleaned_data["file"]
            n = questions_import(
                category_code=bank_form.cleaned_data["category"],
                data=upload.read(),
                filename=upload.name,
                actor=request.user,
                division_code=division.code,
            )
            messages.success(request, _("%(n)s questions added to the bank.") % {"n": n})
            return redirect("exams:manage")
    except ImportRefused as exc:
        refused = exc.rows
    except YimenError as exc:
        messages.error(request, exc.render())
    channels = [(e, e.channels.order_by("-approved_at").first()) for e in employers]
    pending = GreenChannelRequest.objects.filter(
        employer__in=employers, status=RequestStatus.REQUESTED
    ).select_related("employer", "requested_by")
    return render(
        request,
        "exams/manage.html",
        {
            "session_form": session_form,
            "green_form": green_form,
            "bank_form": bank_form,
            "refused": refused,
            "channels": channels,
            "pending": pending,
        },
    )


@login_required
@require_POST
def green_decide(request, request_id: int):
    """Approve (valid until a date) or refuse (with a reason) a firm's request."""
    employers = selectors.employers_administered(request.user)
    found = GreenChannelRequest.objects.filter(pk=request_id, employer__in=employers).first()
    if found is None:
        raise Http404
    approve = request.POST.get("decision") == "approve"
    try:
        valid_until = date.fromisoformat(request.POST.get("valid_until", "")) if approve else None
    except ValueError:
        messages.error(request, _("Give the date the green channel is valid until."))
        return redirect("exams:manage")
    try:
        green_channel_decide(
            request=found,
            approve=approve,
            valid_until=valid_until,
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except YimenError as exc:
        messages.error(request, exc.render())
    return redirect("exams:manage")

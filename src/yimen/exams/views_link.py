"""Linking a candidate record registered by the employer or the exam office to the person's
own account: staff issue a one-time code (shown once, to be handed over), the person enters
it with their ID number on "My safety exams". Thin: parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.errors import YimenError

from . import selectors
from .errors import NotInScope
from .forms import LinkForm
from .services.linking import candidate_link, link_code_issue


@login_required
@require_POST
def link_code(request, exam_candidate_id: int):
    """Issue a code for a record in the user's scope; the page shows it once."""
    try:
        person = selectors.access_candidate(request.user, exam_candidate_id)
    except NotInScope:
        raise Http404 from None
    try:
        code = link_code_issue(candidate=person, actor=request.user, now=timezone.now())
    except YimenError as exc:
        messages.error(request, exc.render())
        return redirect("exams:candidate", person.pk)
    person.refresh_from_db()
    return render(request, "exams/link_code.html", {"person": person, "code": code})


@login_required
@require_POST
def link(request):
    """The person links the record to their own account, from "My safety exams"."""
    form = LinkForm(request.POST, prefix="link")
    if not form.is_valid():
        messages.error(request, _("Enter your ID number and the link code."))
        return redirect("exams:mine")
    try:
        candidate_link(
            user=request.user,
            id_number=form.cleaned_data["id_number"],
            code=form.cleaned_data["code"],
            now=timezone.now(),
        )
    except YimenError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, _("Your candidate record is now linked to your account."))
    return redirect("exams:mine")

"""The exam at the seat: sign in with ID number and ticket code (no account: the seat's
computer is shared), then the paper. The browser's session remembers only the paper's id;
signing in again anywhere resumes it. Answers are posted one by one as JSON; the answer key
never leaves the server (see services.sitting.paper_view)."""

from __future__ import annotations

import contextlib
import json

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yimen.errors import YimenError

from .forms import SignInForm
from .models import Paper, PaperStatus
from .services.sitting import answer_save, paper_sign_in, paper_submit, paper_view, seconds_left

KEY = "exam_paper"


def _paper(request) -> Paper:
    """The paper signed in on this browser, submitted first if its time is up."""
    pk = request.session.get(KEY)
    paper = Paper.objects.select_related("session", "application__candidate").filter(pk=pk).first()
    if paper is None:
        raise Http404
    if paper.status == PaperStatus.SITTING and seconds_left(paper) == 0:
        try:
            paper_submit(paper=paper)
        except YimenError:
            paper.refresh_from_db()
    return paper


def sign_in(request):
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            paper = paper_sign_in(
                id_number=form.cleaned_data["id_number"], ticket=form.cleaned_data["ticket"]
            )
        except YimenError as exc:
            error = exc.render()
        else:
            request.session.cycle_key()
            request.session[KEY] = paper.pk
            return redirect("exams:paper")
    return render(
        request,
        "exams/sit_sign_in.html",
        {"form": form, "error": error},
        status=400 if error else 200,
    )


def paper(request):
    try:
        current = _paper(request)
    except Http404:
        return redirect("exams:sit")
    if current.status != PaperStatus.SITTING:
        return render(request, "exams/sit_done.html", {"paper": current})
    return render(
        request,
        "exams/sit_paper.html",
        {
            "paper": current,
            "items": paper_view(current),
            "left": seconds_left(current),
            "candidate": current.application.candidate,
        },
    )


@require_POST
def answer(request):
    """Save one answer: {"position": n, "chosen": [i, ...]} → {"saved": true, "left": s}.
    The paper is read once, by the service (not by ``_paper`` as well): this is the request
    every candidate sends on every click. A paper whose time is up is submitted there."""
    pk = request.session.get(KEY)
    if not isinstance(pk, int):
        return JsonResponse({"saved": False, "closed": True}, status=404)
    try:
        body = json.loads(request.body or b"{}")
        position = int(body["position"])
        chosen = [int(c) for c in body["chosen"]]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"saved": False, "detail": "bad request"}, status=400)
    try:
        left = answer_save(paper_id=pk, position=position, chosen=chosen)
    except YimenError as exc:
        return JsonResponse(
            {"saved": False, "closed": exc.status == 409, "detail": exc.render()}, status=exc.status
        )
    return JsonResponse({"saved": True, "left": left})


@require_POST
def submit(request):
    try:
        current = _paper(request)
    except Http404:
        return redirect("exams:sit")
    if current.status == PaperStatus.SITTING:
        # submitted meanwhile (at time): the page shows the result
        with contextlib.suppress(YimenError):
            paper_submit(paper=current)
    return redirect("exams:paper")

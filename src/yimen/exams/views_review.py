"""The certificate review (复审) — the holder applies inside the window, the certificate
officer records the review and sees every reason of a refusal — and the candidate's photo
(upload by the candidate, the employer or the administrator; shown only within scope).
Thin: parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for
from yimen.errors import YimenError
from yimen.privacy.access import log_full_record

from . import rules, selectors
from .errors import NotInScope
from .forms import PhotoForm, ReviewForm, ReviewRequestForm
from .models import CertificateStatus
from .services import certificates as certs
from .services.candidates import candidate_photo_set

#: a refused review may be redone inside the window (T30 Art 26)
REVIEWABLE = (CertificateStatus.VALID, CertificateStatus.REVIEW_REFUSED)


def _certificate(request, pk: int):
    try:
        return selectors.access_certificate(request.user, pk)
    except NotInScope:
        raise Http404 from None


@login_required
def review(request, exam_certificate_id: int):
    """The officer's review page: the certificate, its window, the holder's application,
    the review form; after a refusal, its reasons."""
    cert = _certificate(request, exam_certificate_id)
    if not selectors.is_staff(request.user):
        raise Http404
    if request.method == "GET":
        log_full_record(
            actor=request.user,
            record_type="exams.candidate",
            record_id=cert.candidate_id,
            division_code=cert.division_id,
            note="证书复审",
        )
    can_certify = any(
        b.covers(cert.division_id) for b in bindings_for(request.user, Action.EXAM_CERTIFY)
    )
    today = timezone.localdate()
    due = cert.review_due_on or cert.valid_until
    initial = {"training_hours": cert.review_training_hours, "violations": 0, "years_in_trade": 0}
    form = ReviewForm(request.POST or None, initial=initial)
    refusals: list[rules.Reason] = []
    if request.method == "POST" and can_certify and cert.status in REVIEWABLE and form.is_valid():
        try:
            refusals = certs.certificate_review(
                certificate=cert, actor=request.user, day=today, **form.cleaned_data
            )
        except YimenError as exc:
            messages.error(request, exc.render())
        else:
            if not refusals:
                messages.success(request, _("Review passed; the next review is recorded."))
                return redirect("exams:certificate_review", cert.pk)
            cert.refresh_from_db()
    return render(
        request,
        "exams/review.html",
        {
            "c": cert,
            "form": form,
            "can_certify": can_certify and cert.status in REVIEWABLE,
            "due": due,
            "opens": due and rules.review_window_opens(due),
            "in_window": bool(due and rules.in_review_window(due, today)),
            "refusals": refusals,
        },
        status=400 if request.method == "POST" and (form.errors or refusals) else 200,
    )


@login_required
@require_POST
def review_request(request, exam_certificate_id: int):
    """The holder applies for the review from ``/exams/mine/``."""
    cert = _certificate(request, exam_certificate_id)
    form = ReviewRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the review training hours done (a whole number)."))
        return redirect("exams:mine")
    try:
        certs.certificate_review_request(
            certificate=cert,
            actor=request.user,
            day=timezone.localdate(),
            training_hours=form.cleaned_data["training_hours"],
        )
    except YimenError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, _("Review applied for; the certificate officer will decide."))
    return redirect("exams:mine")


@login_required
def photo(request, exam_candidate_id: int):
    """The photo, to whoever may see the candidate (never a public address)."""
    try:
        person = selectors.access_candidate(request.user, exam_candidate_id)
    except NotInScope:
        raise Http404 from None
    if not person.photo:
        raise Http404
    try:
        handle = person.photo.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def photo_upload(request, exam_candidate_id: int):
    try:
        person = selectors.access_candidate(request.user, exam_candidate_id)
    except NotInScope:
        raise Http404 from None
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo file."))
    else:
        try:
            candidate_photo_set(
                candidate=person, data=form.cleaned_data["photo"].read(), actor=request.user
            )
        except YimenError as exc:
            messages.error(request, exc.render())
        else:
            messages.success(request, _("Photo saved."))
    back = request.POST.get("back", "")
    if back == "mine":
        return redirect("exams:mine")
    if back == "employer":
        return redirect("exams:employer")
    return redirect("exams:candidate", person.pk)

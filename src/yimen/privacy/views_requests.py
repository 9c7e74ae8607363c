"""Pages of data-subject requests: the staff list and one request (file at the counter,
issue the signed copy, answer a correction), and the citizen's own page (phone-sized)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for
from yimen.errors import NotFound, YimenError
from yimen.people import mask_id

from .models import RequestKind, RequestStatus
from .person_data import id_numbers_of_user, person_data
from .subject_requests import (
    RequestInput,
    bundle_file,
    requests_of,
    requests_visible_to,
    subject_copy_issue,
    subject_correction_answer,
    subject_request_file,
)


def _forbidden(request):
    return render(request, "privacy/forbidden.html", status=403)


def _may_handle(user) -> bool:
    return bool(bindings_for(user, Action.SUBJECT_REQUEST_HANDLE))


def _list_context(request, form: dict | None = None) -> dict:
    today = timezone.localdate()
    open_first = Case(When(status=RequestStatus.OPEN, then=Value(0)), default=Value(1))
    items = requests_visible_to(request.user).order_by(open_first, "due_on", "pk")[:300]
    return {
        "rows": [
            {"r": r, "masked": mask_id(r.id_number), "overdue": r.is_open and r.due_on < today}
            for r in items
        ],
        "kinds": RequestKind.choices,
        "divisions": [
            b.division_code for b in bindings_for(request.user, Action.SUBJECT_REQUEST_HANDLE)
        ],
        "form": form or {},
    }


@login_required
@require_GET
def requests_page(request):
    if not _may_handle(request.user):
        return _forbidden(request)
    return render(request, "privacy/requests.html", _list_context(request))


def _input(post) -> RequestInput:
    return RequestInput(
        kind=post.get("kind", "")[:20],
        id_number=post.get("id_number", "")[:30],
        person_name=post.get("person_name", "")[:50],
        division_code=post.get("division", "")[:12],
        details=post.get("details", "")[:4000],
    )


@login_required
@require_POST
def request_new(request):
    """Staff file a request at the counter for the person present."""
    if not _may_handle(request.user):
        return _forbidden(request)
    try:
        made = subject_request_file(actor=request.user, data=_input(request.POST))
    except YimenError as exc:
        messages.error(request, exc.render())
        return render(
            request,
            "privacy/requests.html",
            _list_context(request, form=request.POST.dict()),
            status=exc.status,
        )
    messages.success(
        request, _("The request is filed; answer it by %(day)s.") % {"day": made.due_on}
    )
    return redirect("privacy:request", made.pk)


def _request_context(request, item) -> dict:
    sections = []
    if item.kind == RequestKind.CORRECTION and item.is_open:
        # what is held about the person, for deciding the correction
        sections = [s for s in person_data(item.id_number).sections if s.rows]
    return {
        "r": item,
        "masked": mask_id(item.id_number),
        "overdue": item.is_open and item.due_on < timezone.localdate(),
        "sections": sections,
        "has_bundle": bundle_file(item) is not None,
    }


@login_required
@require_GET
def request_page(request, subject_request_id: int):
    item = requests_visible_to(request.user).filter(pk=subject_request_id).first()
    if item is None:
        raise Http404
    return render(request, "privacy/request.html", _request_context(request, item))


def _act(request, request_id: int, action, success: str):
    try:
        action()
    except NotFound as exc:
        raise Http404 from exc
    except YimenError as exc:
        messages.error(request, exc.render())
        item = requests_visible_to(request.user).filter(pk=request_id).first()
        if item is None:
            raise Http404 from exc
        return render(
            request, "privacy/request.html", _request_context(request, item), status=exc.status
        )
    messages.success(request, success)
    return redirect("privacy:request", request_id)


@login_required
@require_POST
def request_copy(request, subject_request_id: int):
    return _act(
        request,
        subject_request_id,
        lambda: subject_copy_issue(actor=request.user, request_id=subject_request_id),
        _("The signed copy is ready to download and hand over."),
    )


@login_required
@require_POST
def request_answer(request, subject_request_id: int):
    decision = request.POST.get("decision", "")
    return _act(
        request,
        subject_request_id,
        lambda: subject_correction_answer(
            actor=request.user,
            request_id=subject_request_id,
            accept=decision == "accept",
            answer=request.POST.get("answer", "")[:4000],
        ),
        _("The answer is recorded."),
    )


@login_required
@require_GET
def request_bundle(request, subject_request_id: int):
    """The signed copy: to the staff of the area, and to the person it is about."""
    item = requests_visible_to(request.user).filter(pk=subject_request_id).first()
    if item is None:
        item = requests_of(request.user).filter(pk=subject_request_id).first()
    path = bundle_file(item) if item is not None else None
    if item is None or path is None or item.status != RequestStatus.FULFILLED:
        raise Http404
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"personal-data-{item.pk}.zip"
    )


def _mine_context(request, form: dict | None = None) -> dict:
    numbers = id_numbers_of_user(request.user)
    return {
        "numbers": [(n, mask_id(n)) for n in numbers],
        "items": [
            {"r": r, "has_bundle": bundle_file(r) is not None} for r in requests_of(request.user)
        ],
        "kinds": RequestKind.choices,
        "form": form or {},
    }


@login_required
def mine(request):
    """A citizen's requests about their own data, and the form to file one."""
    if not bindings_for(request.user, Action.SUBJECT_REQUEST_OWN):
        return _forbidden(request)
    if request.method == "POST":
        try:
            subject_request_file(actor=request.user, data=_input(request.POST))
        except YimenError as exc:
            messages.error(request, exc.render())
            return render(
                request,
                "privacy/mine.html",
                _mine_context(request, form=request.POST.dict()),
                status=exc.status,
            )
        messages.success(
            request, _("Your request is filed. You will be answered by the date shown.")
        )
        return redirect("privacy:mine")
    return render(request, "privacy/mine.html", _mine_context(request))

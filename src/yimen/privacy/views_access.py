"""The access-log page (county supervisor, auditor) and the legal-hold page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yimen.accounts.roles import Action, Role
from yimen.accounts.scoping import bindings_for
from yimen.errors import YimenError
from yimen.regions.models import Division

from .holds import hold_lift, hold_place, holds_visible_to, may_place_holds
from .models import AccessKind
from .purposes import purpose_choices, purpose_label
from .retention.categories import HOLDABLE_TYPES
from .selectors import (
    RECORD_TYPE_LABELS,
    may_read_access_log,
    parse_filter,
    record_type_label,
    search_entries,
)

PAGE_SIZE = 50


def _forbidden(request):
    return render(request, "privacy/forbidden.html", status=403)


def _role_label(code: str) -> str:
    try:
        return str(Role(code).label)
    except ValueError:
        return code


@login_required
@require_GET
def access_log(request):
    """Who viewed, exported or unmasked personal data in the user's area, with filters."""
    if not may_read_access_log(request.user):
        return _forbidden(request)
    chosen = parse_filter(request.GET)
    page = Paginator(search_entries(request.user, chosen), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    codes = {e.division_code for e in page}
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
    rows = [
        {
            "entry": e,
            "role": _role_label(e.role),
            "record_type": record_type_label(e.record_type),
            "division": names.get(e.division_code, e.division_code),
            "purpose": purpose_label(e.purpose) if e.purpose else "",
        }
        for e in page
    ]
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "privacy/access_log.html",
        {
            "page": page,
            "rows": rows,
            "chosen": chosen,
            "kinds": AccessKind.choices,
            "types": [(k, str(v)) for k, v in RECORD_TYPE_LABELS.items()],
            "purposes": purpose_choices(),
            "query": urlencode(kept),
        },
    )


def _holds_context(request, form: dict | None = None) -> dict:
    holds = holds_visible_to(request.user).order_by("lifted_at", "-placed_at")[:200]
    return {
        "holds": [{"hold": h, "record_type": record_type_label(h.record_type)} for h in holds],
        "may_place": may_place_holds(request.user),
        "types": [(t, record_type_label(t)) for t in HOLDABLE_TYPES],
        "divisions": [b.division_code for b in bindings_for(request.user, Action.LEGAL_HOLD)],
        "form": form or {},
    }


@login_required
@require_GET
def holds_page(request):
    """Legal holds of the user's area, and the form to place one."""
    if not (may_place_holds(request.user) or may_read_access_log(request.user)):
        return _forbidden(request)
    return render(request, "privacy/holds.html", _holds_context(request))


@login_required
@require_POST
def hold_new(request):
    post = request.POST
    try:
        hold_place(
            actor=request.user,
            division_code=post.get("division", "")[:12],
            reason=post.get("reason", "")[:2000],
            record_type=post.get("record_type", "")[:60] if post.get("record_id") else "",
            record_id=post.get("record_id", "")[:20],
            person_id_number=post.get("person_id_number", "")[:30],
        )
    except YimenError as exc:
        messages.error(request, exc.render())
        return render(
            request,
            "privacy/holds.html",
            _holds_context(request, form=post.dict()),
            status=exc.status,
        )
    messages.success(request, _("The legal hold is placed; retention will keep these records."))
    return redirect("privacy:holds")


@login_required
@require_POST
def hold_end(request, hold_id: int):
    try:
        hold_lift(actor=request.user, hold_id=hold_id, reason=request.POST.get("reason", "")[:2000])
    except YimenError as exc:
        messages.error(request, exc.render())
        return render(request, "privacy/holds.html", _holds_context(request), status=exc.status)
    messages.success(request, _("The legal hold is lifted."))
    return redirect("privacy:holds")

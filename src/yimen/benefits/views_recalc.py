"""The recalculation page: a division's roster re-evaluated at a date, confirmed once."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, can
from yimen.errors import YimenError

from .services import recalc

SHOWN = 1000


def _first_division(user) -> str:
    bindings = bindings_for(user, Action.ROSTER_VIEW)
    return bindings[0].division_code if bindings else ""


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@login_required
def recalc_page(request):
    if not bindings_for(request.user, Action.ROSTER_VIEW):
        return render(request, "benefits/none.html", status=403)
    source = request.POST if request.method == "POST" else request.GET
    division = source.get("division", "")[:12] or _first_division(request.user)
    on = _day(source.get("on", "")) or timezone.localdate()
    status = 200
    if request.method == "POST":
        try:
            applied = recalc.recalc_confirm(
                actor=request.user,
                division_code=division,
                on=on,
                digest=request.POST.get("digest", "")[:64],
            )
        except YimenError as exc:
            messages.error(request, exc.render())
            status = exc.status
        else:
            messages.success(
                request,
                _("%(n)d amounts re-set from %(month)s; %(r)d reviews opened.")
                % {
                    "n": applied.adjusted,
                    "month": f"{applied.effective:%Y-%m}",
                    "r": applied.reviews_opened,
                },
            )
            return redirect(f"{request.path}?division={division}&on={on:%Y-%m-%d}")
    result = error = None
    try:
        result = recalc.recalc_preview(request.user, division, on)
    except YimenError as exc:
        error = exc.render()
    context = {
        "division": division,
        "on": on,
        "result": result,
        "changes": result.changes[:SHOWN] if result else [],
        "error": error,
        "can_confirm": bool(result and result.changes)
        and can(request.user, Action.CASE_DECIDE, division),
    }
    return render(request, "benefits/recalc.html", context, status=status)

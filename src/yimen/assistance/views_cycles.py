"""The cycle page: a township's cases of one cycle, decided on one page, each signed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yimen.accounts.roles import Role
from yimen.accounts.scoping import bindings_of
from yimen.errors import YimenError

from .choices import AssistanceType
from .limits import DEFAULT_SOURCE, cycle_days
from .services.cycles import CycleDecision, current_cycle, cycle_applications, cycle_decide

STEPS = {"decide": Role.TOWNSHIP_APPROVER, "verify": Role.TOWNSHIP_CASEWORKER}


def _township(user) -> str | None:
    for binding in bindings_of(user):
        if binding.role in (Role.TOWNSHIP_APPROVER, Role.TOWNSHIP_CASEWORKER):
            return binding.division_code
    return None


def _rows(post) -> list[CycleDecision]:
    rows = []
    for key in post:
        if not key.startswith("choice-"):
            continue
        choice = post[key]
        if choice not in ("approve", "refuse"):
            continue
        pk = key.removeprefix("choice-")
        try:
            amount = Decimal(post.get(f"amount-{pk}", "") or "0")
        except InvalidOperation:
            amount = Decimal("-1")
        rows.append(
            CycleDecision(
                application_id=int(pk) if pk.isdigit() else 0,
                approve=choice == "approve",
                reasons=post.get(f"reasons-{pk}", "")[:2000],
                assistance_type=post.get(f"type-{pk}", ""),
                monthly_amount=amount if choice == "approve" else None,
            )
        )
    return rows


@login_required
def cycle_page(request):
    township = _township(request.user)
    if township is None:
        return render(request, "assistance/cycles/none.html", status=403)
    step = request.GET.get("step", "decide")
    step = step if step in STEPS else "decide"
    today = timezone.localdate()
    start, following = current_cycle(township, today)
    status = 200
    if request.method == "POST" and step == "decide":
        try:
            made = cycle_decide(
                actor=request.user,
                township_code=township,
                cycle_start=start,
                decisions=_rows(request.POST),
            )
        except YimenError as exc:
            messages.error(request, exc.render())
            status = exc.status
        else:
            messages.success(request, _("%(n)d decisions signed.") % {"n": len(made)})
            return redirect(f"{request.path}?step={step}")
    applications = list(cycle_applications(request.user, township, step, start))
    return render(
        request,
        "assistance/cycles/page.html",
        {
            "step": step,
            "start": start,
            "following": following,
            "applications": applications,
            "days": cycle_days(township, today),
            "source": DEFAULT_SOURCE,
            "types": AssistanceType.choices,
            "can_decide": step == "decide"
            and any(b.role == Role.TOWNSHIP_APPROVER for b in bindings_of(request.user)),
        },
        status=status,
    )

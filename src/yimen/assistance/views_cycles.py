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
from .services.cycles import (
    CycleDecision,
    CycleRowRefused,
    current_cycle,
    cycle_applications,
    cycle_decide,
    cycle_rows,
    cycle_waiting,
)

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


def _entered(row, post) -> dict:
    """What the row's inputs show: what was posted (a refused page keeps every row's
    choices), else the rules' proposal as the default type and amount."""
    pk = row.application.pk
    if post is not None:
        return {
            "choice": post.get(f"choice-{pk}", ""),
            "type": post.get(f"type-{pk}", ""),
            "amount": post.get(f"amount-{pk}", "")[:20],
            "reasons": post.get(f"reasons-{pk}", "")[:2000],
        }
    proposal = row.proposal
    return {
        "choice": "",
        "type": proposal.assistance_type or row.application.assistance_type,
        "amount": proposal.monthly_amount if proposal.assistance_type else "",
        "reasons": "",
    }


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
    posted, failed = None, None
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
            posted = request.POST
            failed = exc.application_id if isinstance(exc, CycleRowRefused) else None
        else:
            messages.success(request, _("%(n)d decisions signed.") % {"n": len(made)})
            return redirect(f"{request.path}?step={step}")
    rows = [
        {
            "application": row.application,
            "proposal": row.proposal,
            "failed": row.application.pk == failed,
            **_entered(row, posted),
        }
        for row in cycle_rows(cycle_applications(request.user, township, step, start), today)
    ]
    return render(
        request,
        "assistance/cycles/page.html",
        {
            "step": step,
            "start": start,
            "following": following,
            "rows": rows,
            "waiting": cycle_waiting(request.user, township, step, start),
            "days": cycle_days(township, today),
            "source": DEFAULT_SOURCE,
            "types": AssistanceType.choices,
            "can_decide": step == "decide"
            and any(b.role == Role.TOWNSHIP_APPROVER for b in bindings_of(request.user)),
        },
        status=status,
    )

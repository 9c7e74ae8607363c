"""The designated-hospital operator's page: the institution's recent visits and
settlements, and whether the hospital interface will accept its messages.

An operator's binding scopes it to the institutions located in its division's subtree
(no institution outside it is ever shown); with several, it picks one."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, division_q
from yimen.people import mask_id

from .fsi.auth import credentials_for
from .models import Encounter, FsiMessage, Institution, Settlement, SignIn
from .rules.money import fen_to_yuan

RECENT = 50
RECENT_DAYS = 31


def institutions_operated_by(user):
    """Active institutions inside the subtree of the user's hospital-operator bindings."""
    return Institution.objects.filter(
        division_q(user, Action.MEDINS_SETTLE, "division__code"), active=True
    ).select_related("division")


@require_safe
@login_required
def hospital(request):
    if not bindings_for(request.user, Action.MEDINS_SETTLE):
        raise PermissionDenied
    institutions = list(institutions_operated_by(request.user).order_by("code")[:500])
    wanted = request.GET.get("institution", "")[:30]
    current = next((i for i in institutions if i.code == wanted), None) or (
        institutions[0] if institutions else None
    )
    context: dict = {"institutions": institutions, "current": current, "days": RECENT_DAYS}
    if current is not None:
        visits = (
            Encounter.objects.filter(institution=current)
            .select_related("person")
            .order_by("-begntime", "-pk")[:RECENT]
        )
        # the settlement table has no index on the institution (see its model); the day
        # index bounds the read to the recent days shown
        since = timezone.localdate() - timedelta(days=RECENT_DAYS)
        settlements = (
            Settlement.objects.filter(day__gte=since, institution=current)
            .select_related("person")
            .order_by("-setl_time", "-pk")[:RECENT]
        )
        context.update(
            visits=[{"visit": v, "id_masked": mask_id(v.person.id_number, head=6)} for v in visits],
            settlements=[
                {
                    "settlement": s,
                    "id_masked": mask_id(s.person.id_number, head=6),
                    "total": fen_to_yuan(s.medfee_sumamt),
                    "fund": fen_to_yuan(s.fund_pay_sumamt),
                    "cash": fen_to_yuan(s.psn_cash_pay),
                }
                for s in settlements
            ],
            credentials=credentials_for(current.code),
            sign_in=SignIn.objects.filter(institution=current, signed_out_at__isnull=True)
            .order_by("-signed_in_at")
            .first(),
            last_message=FsiMessage.objects.filter(fixmedins_code=current.code)
            .order_by("-received_at")
            .only("received_at", "infno", "infcode")
            .first(),
        )
    return render(request, "settlement/hospital.html", context)

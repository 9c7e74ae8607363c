"""What county supervision reads of straw-burning supervision: the fire cases of the
supervisor's county with filters (township, state, overdue, detection days), one case with
its fire points, escalations, verifications and its whole history from the audit log, and
the county's re-check samples of closed cases.

Read-only, like the assistance cases the county supervises: the county supervisor
(``CASE_SUPERVISE``) sees the subtree of its binding and nothing else (fails closed; a
case outside answers "not found"). The burning app keeps the cases and their rules; this
module only reads them."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action, Role
from yimen.accounts.scoping import bindings_for, division_q
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.audit.services import subject_of
from yimen.burning.models import CaseStatus, FireCase, RecheckDraw
from yimen.burning.models.fires import OPEN_STATUSES
from yimen.errors import NotFound
from yimen.regions.codes import Level
from yimen.regions.models import Division

A = Action
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


class BurningCaseNotFound(NotFound):
    code = "supervision.burning_case_not_found"

    def __init__(self):
        super().__init__(_("No such fire case, or it is outside your county."))


def may_oversee(user) -> bool:
    return bool(bindings_for(user, A.CASE_SUPERVISE))


def _visible(user) -> QuerySet[FireCase]:
    return FireCase.objects.filter(division_q(user, A.CASE_SUPERVISE, "division__code"))


def overdue_q(now: datetime) -> Q:
    """Open cases past a clock: not on site by their time, or not verified by theirs."""
    arrival = Q(arrived_at__isnull=True, arrive_due_at__lt=now)
    verification = Q(verified_at__isnull=True, verify_due_at__lt=now)
    return Q(status__in=OPEN_STATUSES) & (arrival | verification)


def fire_cases(
    user,
    *,
    now: datetime,
    township: str = "",
    status: str = "",
    overdue: bool = False,
    day_from: date | None = None,
    day_to: date | None = None,
) -> QuerySet[FireCase]:
    """The county's fire cases, newest first, with the filters applied (an unknown state
    or township matches nothing rather than everything)."""
    cases = _visible(user).select_related("unit", "division", "responsible", "grid_head")
    if township:
        cases = cases.filter(township_code=township[:9])
    if status:
        cases = cases.filter(status=status if status in CaseStatus.values else "-")
    if overdue:
        cases = cases.filter(overdue_q(now))
    zone = timezone.get_current_timezone()
    # a day past these bounds matches nothing anyway; year 1 or 9999 would overflow in UTC
    if day_from is not None:
        day_from = min(max(day_from, FIRST_DAY), LAST_DAY)
    if day_to is not None:
        day_to = min(max(day_to, FIRST_DAY), LAST_DAY)
    if day_from is not None:
        cases = cases.filter(
            first_detected_at__gte=datetime.combine(day_from, time.min, tzinfo=zone)
        )
    if day_to is not None:
        cases = cases.filter(first_detected_at__lte=datetime.combine(day_to, time.max, tzinfo=zone))
    return cases.order_by("-first_detected_at", "-pk")


def townships(user) -> QuerySet[Division]:
    """The townships of the supervisor's area that have fire cases, for the filter."""
    codes = {
        code.ljust(12, "0")
        for code in _visible(user).exclude(township_code="").values_list("township_code", flat=True)
    }
    return Division.objects.filter(code__in=codes, level=Level.TOWNSHIP).order_by("code")


def counts(user, now: datetime) -> dict:
    """The county's cases by state, and how many are overdue now."""
    visible = _visible(user)
    by_status = {r["status"]: r["n"] for r in visible.values("status").annotate(n=Count("pk"))}
    return {
        "states": [(label, by_status.get(value, 0), value) for value, label in CaseStatus.choices],
        "overdue": visible.filter(overdue_q(now)).count(),
    }


def fire_case(user, pk: int) -> FireCase:
    found = (
        _visible(user)
        .filter(pk=pk)
        .select_related("unit", "division", "responsible", "grid_head", "closed_by", "permit")
        .first()
    )
    if found is None:
        raise BurningCaseNotFound()
    return found


def history(case: FireCase) -> list[dict]:
    """Every audit event about the case, in order: who (name and role), what, when, why."""
    subject_type, subject_id = subject_of(case)
    rows = []
    for event in AuditEvent.objects.filter(
        subject_type=subject_type, subject_id=subject_id
    ).order_by("seq"):
        rows.append(
            {
                "at": event.occurred_at,
                "what": _label(EventType, event.event_type),
                "who": event.actor_name or _("the system (clock)"),
                "role": _label(Role, event.role) if event.role else "",
                "signer": event.signer_name,
                "reason": event.reason,
            }
        )
    return rows


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(_("(retired entry)"))


def recheck_draws(user) -> QuerySet[RecheckDraw]:
    return (
        RecheckDraw.objects.filter(division_q(user, A.CASE_SUPERVISE, "county__code"))
        .select_related("county", "drawn_by")
        .annotate(
            sampled=Count("items"),
            checked=Count("items", filter=~Q(items__finding="")),
            discrepancies=Count("items", filter=Q(items__finding="discrepancy")),
        )
        .order_by("-drawn_at")
    )


def recheck_draw(user, pk: int) -> RecheckDraw:
    found = recheck_draws(user).filter(pk=pk).first()
    if found is None:
        raise BurningCaseNotFound()
    return found

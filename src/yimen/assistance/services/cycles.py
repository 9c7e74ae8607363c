"""Twice-monthly cycles (seed §1): each township verifies and approves in cycles. A cycle
collects every case that was ready for the step by the cycle's first day; the approver
decides the cycle's cases on one page, each decision signed on its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yimen.errors import Invalid, NotFound, YimenError
from yimen.workflow.calendar import end_of_day, local_date
from yimen.workflow.models import Case, Task
from yimen.workflow.states import TaskStatus

from ..errors import CycleRowRefused, NotInCycle
from ..limits import cycle_of
from ..models import Application, Decision
from ..proposal import Proposal, proposal_for
from ..selectors import access_application_by_id, applications_visible_to
from . import steps


def cycle_applications(
    user, township_code: str, step: str, cycle_start: date
) -> QuerySet[Application]:
    """Applications in the township waiting at ``step`` since before the cycle began."""
    return (
        applications_visible_to(user)
        .filter(
            division__code__startswith=township_code[:9],
            case__tasks__step=step,
            case__tasks__status=TaskStatus.OPEN,
            case__tasks__opened_at__lte=end_of_day(cycle_start),
        )
        .prefetch_related("members")
        .order_by("case__opened_at", "pk")
        .distinct()
    )


def current_cycle(township_code: str, today: date) -> tuple[date, date]:
    return cycle_of(township_code, today)


@dataclass(frozen=True)
class CycleRow:
    """A case of the cycle with what the rules propose for it (type, amount, and the
    declared per-capita income they compared), so the approver decides with the figures."""

    application: Application
    proposal: Proposal


def cycle_rows(applications, on: date) -> list[CycleRow]:
    """The rules' proposal for each of a cycle's applications (a cycle holds a township's
    cases of half a month: tens, evaluated one by one as on the case page)."""
    return [CycleRow(a, proposal_for(a, on)) for a in applications]


@dataclass(frozen=True)
class Waiting:
    """A case waiting at the step that came too late for the current cycle."""

    application: Application
    since: date  # the day its step opened
    cycle_start: date  # the first day of the cycle that takes it


def cycle_waiting(user, township_code: str, step: str, cycle_start: date) -> list[Waiting]:
    """Applications waiting at ``step`` whose step opened after the cycle's first day: they
    belong to the next cycle, which begins on the first cycle day after they became ready."""
    tasks = (
        Task.objects.filter(
            step=step,
            status=TaskStatus.OPEN,
            opened_at__gt=end_of_day(cycle_start),
            case__application__in=applications_visible_to(user).filter(
                division__code__startswith=township_code[:9]
            ),
        )
        .select_related("case__application__division", "case__application__case")
        .prefetch_related("case__application__members")
        .order_by("opened_at", "pk")
    )
    rows = []
    for task in tasks[:200]:
        since = local_date(task.opened_at)
        rows.append(Waiting(task.case.application, since, _next_start(township_code, since)))
    return rows


def _next_start(township_code: str, since: date) -> date:
    """The cycle that takes a case ready on ``since``: one starting that very day (its
    cases are those ready by the end of its first day), else the next one."""
    start, following = cycle_of(township_code, since)
    return since if start == since else following


@dataclass
class CycleDecision:
    """One row of the cycle page: approve (type, amount) or refuse (reasons)."""

    application_id: int
    approve: bool
    reasons: str = ""
    assistance_type: str = ""
    monthly_amount: Decimal | None = None


@transaction.atomic
def cycle_decide(
    *, actor, township_code: str, cycle_start: date, decisions: list[CycleDecision]
) -> list[Decision]:
    """Decide a cycle's cases together: every decision signed by ``actor``; if any one is
    refused (wrong cycle, missing reasons, separation of duties…), none is written."""
    if not decisions:
        raise Invalid(_("Choose at least one case to decide."), code="assistance.empty_cycle")
    allowed = set(
        cycle_applications(actor, township_code, "decide", cycle_start).values_list("pk", flat=True)
    )
    rows = []
    for row in decisions:
        application = access_application_by_id(actor, row.application_id)
        if application.pk not in allowed:
            raise NotInCycle(application.case.number if application.case else application.pk)
        rows.append((row, application))
    # Every case of the page locked first, in one order (by id), before any decision takes
    # the audit chain's head: deciding case after case would hold the head from the first
    # while waiting for a case another approver is deciding alone, who waits for the head —
    # a deadlock. Case locks, then the chain head, as every single step takes them.
    list(
        Case.objects.select_for_update()
        .filter(pk__in=[application.case_id for _, application in rows])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    made = []
    for row, application in rows:
        try:
            made.append(
                steps.case_decide(
                    actor=actor,
                    application=application,
                    approve=row.approve,
                    reasons=row.reasons,
                    assistance_type=row.assistance_type,
                    monthly_amount=row.monthly_amount,
                )
            )
        except NotFound:
            raise
        except YimenError as exc:
            # the transaction rolls back every decision already made in this cycle
            raise CycleRowRefused(application=application, cause=exc) from exc
    return made

"""The township's overview: its assistance cases by status, and every open case with its
target and statutory deadlines, overdue ones flagged (seed: "about 15 days"); and the
self-care re-assessments due after a reported change (TK2021 Art.23), due or overdue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from yimen.workflow.states import CaseStatus

from .selectors import applications_visible_to, reassessment_rows, reassessments_open


def overview_rows(user, now):
    """Open cases in the user's area, earliest target first, with their deadline flags."""
    rows = []
    applications = (
        applications_visible_to(user)
        .filter(case__status=CaseStatus.ACTIVE)
        .select_related("case", "division")
        .prefetch_related("members")
        .order_by("case__due_at", "case__opened_at")
    )
    for application in applications[:500]:
        case = application.case
        rows.append(
            {
                "application": application,
                "case": case,
                "overdue": case.due_at is not None and case.due_at < now,
                "past_limit": case.limit_at is not None and case.limit_at < now,
            }
        )
    return rows


@login_required
def overview(request):
    now = timezone.now()
    counts = dict(
        applications_visible_to(request.user)
        .exclude(case=None)
        .values_list("case__status")
        .annotate(n=Count("pk"))
    )
    rows = overview_rows(request.user, now)
    reassessments = reassessment_rows(
        reassessments_open(request.user).prefetch_related("member__application__members")[:500],
        timezone.localdate(),
    )
    return render(
        request,
        "assistance/overview/page.html",
        {
            "rows": rows,
            "statuses": [(label, counts.get(value, 0)) for value, label in CaseStatus.choices],
            "overdue": sum(r["overdue"] for r in rows),
            "past_limit": sum(r["past_limit"] for r in rows),
            "reassessments": reassessments,
            "reassessments_overdue": sum(r["overdue"] for r in reassessments),
        },
    )

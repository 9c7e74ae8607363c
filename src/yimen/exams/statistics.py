"""Exam statistics per month, region (city), post and category — the shape of the seed's
figures (sessions held, candidates, passed, certified). Scoped like every read."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import TruncMonth

from . import selectors
from .models import ApplicationStatus, CertificateStatus


def figures(user) -> dict:
    """Totals and per-month rows for the statistics page and its Excel export."""
    sessions = selectors.sessions_visible_to(user).exclude(papers=None)
    apps = selectors.applications_visible_to(user).exclude(status=ApplicationStatus.REFUSED)
    certs = selectors.certificates_visible_to(user).filter(
        status__in=[CertificateStatus.VALID, CertificateStatus.REVIEW_REFUSED]
    )
    passed = apps.filter(status__in=[ApplicationStatus.PASSED, ApplicationStatus.CERTIFIED])
    by_month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, qs, field in (
        ("sessions", sessions, "starts_at"),
        ("candidates", apps, "applied_on"),
        ("passed", passed, "applied_on"),
        ("certified", certs, "issued_on"),
    ):
        for row in (
            qs.annotate(m=TruncMonth(field)).values("m").annotate(n=Count("pk", distinct=True))
        ):
            if row["m"] is not None:
                by_month[row["m"].strftime("%Y-%m")][key] += row["n"]
    by_category = (
        apps.values("category__post", "category__name")
        .annotate(n=Count("pk"))
        .order_by("category__post", "category__name")
    )
    by_region = apps.values("division__name").annotate(n=Count("pk")).order_by("division__name")
    months = sorted(by_month)
    return {
        "totals": {
            "sessions": sessions.count(),
            "candidates": apps.values("candidate").distinct().count(),
            "passed": passed.count(),
            "certified": certs.count(),
        },
        "months": [
            {
                "month": m,
                **{k: by_month[m][k] for k in ("sessions", "candidates", "passed", "certified")},
            }
            for m in months
        ],
        "categories": list(by_category),
        "regions": list(by_region),
    }

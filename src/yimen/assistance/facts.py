"""Keeps the county's read model (models.facts.DecisionFact) up to date: every decision not
yet copied is copied, set-based, before an aggregate reads the table.

Which decisions are new: those with an id above the highest copied one, less a margin
(``RECHECK``) re-checked against the table, because ids are handed out before commit and
a slow transaction can commit a lower id after a higher one. The copy is idempotent
(ignore_conflicts on the decision's primary key), so two readers syncing at once, or a
rerun, never duplicate a row."""

from __future__ import annotations

from django.db.models import Count, IntegerField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from yimen.workflow.models import Task

from .models import Decision, DecisionFact, Member

RECHECK = 1000  # ids below the highest copied one that are checked again
BATCH = 10_000


def _pending(after: int):
    copied = DecisionFact.objects.filter(decision_id__gt=after).values("decision_id")
    accepted = Task.objects.filter(
        case_id=OuterRef("application__case_id"), step="accept", outcome="accepted"
    ).values("completed_at")[:1]
    persons = (
        Member.objects.filter(application_id=OuterRef("application_id"), living_apart=False)
        .order_by()
        .values("application_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Decision.objects.filter(pk__gt=after)
        .exclude(pk__in=copied)
        .annotate(
            accepted=Subquery(accepted),
            size=Coalesce(Subquery(persons, output_field=IntegerField()), 0),
        )
        .order_by("pk")
        .values(
            "pk",
            "application_id",
            "application__division_id",
            "application__hukou_type",
            "accepted",
            "decided_at",
            "approved",
            "assistance_type",
            "monthly_amount",
            "size",
        )
    )


def _seconds(accepted, decided) -> int | None:
    if accepted is None or decided < accepted:
        return None
    return int((decided - accepted).total_seconds())


def facts_sync() -> int:
    """Copy every decision not yet in the read model; returns how many were copied."""
    highest = DecisionFact.objects.aggregate(m=Max("decision_id"))["m"] or 0
    after, copied = max(0, highest - RECHECK), 0
    while True:
        rows = list(_pending(after)[:BATCH])
        if not rows:
            return copied
        DecisionFact.objects.bulk_create(
            [
                DecisionFact(
                    decision_id=r["pk"],
                    application_id=r["application_id"],
                    division_code=r["application__division_id"],
                    accepted_at=r["accepted"],
                    decided_at=r["decided_at"],
                    seconds_to_decide=_seconds(r["accepted"], r["decided_at"]),
                    approved=r["approved"],
                    assistance_type=r["assistance_type"],
                    hukou_type=r["application__hukou_type"],
                    monthly_amount=r["monthly_amount"],
                    persons=r["size"],
                )
                for r in rows
            ],
            ignore_conflicts=True,
        )
        copied += len(rows)
        after = rows[-1]["pk"]

"""The retention run: list what is past its retention (a dry run), then erase it, audited.

``retention_plan`` finds, per category, the records past the rule in force on the day and
splits them three ways: due (erased by ``retention_apply``), held (a legal hold names them,
or the person in them) and needed (an open case still needs them). Holds and open cases
are read again inside the transaction that erases, so a hold placed between the listing
and the run still protects its records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from yimen.audit.events import EventType
from yimen.audit.services import record_event

from ..models import LegalHold
from ..person_data import record_refs_of
from .categories import CATEGORIES, Category, ids_of
from .rules import RetentionRule, cutoff, rule_on

AUDIT_ID_LIMIT = 5000  # ids listed in one audit event; beyond, the count and range


@dataclass
class CategoryPlan:
    """One category on one day: its rule and its records past retention, split."""

    category: Category
    rule: RetentionRule | None
    before: date | None
    due: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    needed: list[int] = field(default_factory=list)


def active_holds() -> dict[str, set[int]]:
    """Record type → ids under an active legal hold, people's holds resolved to their
    records (every application, roster entry, transfer and exam record they appear in)."""
    held: dict[str, set[int]] = {}
    for record_type, record_id, person in LegalHold.objects.filter(
        lifted_at__isnull=True
    ).values_list("record_type", "record_id", "person_id_number"):
        if record_id:
            held.setdefault(record_type, set()).update(ids_of([record_id]))
        if person:
            for kind, ids in record_refs_of(person).items():
                held.setdefault(kind, set()).update(ids)
    return held


def retention_plan(*, today: date | None = None, only: str = "") -> list[CategoryPlan]:
    """What each category would erase today, and what it keeps and why."""
    day = today or timezone.localdate()
    holds = active_holds()
    plans = []
    for category in CATEGORIES:
        if only and category.code != only:
            continue
        if not category.installed():
            continue
        rule = rule_on(category.code, day)
        if rule is None:
            plans.append(CategoryPlan(category, None, None))
            continue
        before = cutoff(rule, day)
        past = category.past(before)
        held = category.held(past, holds)
        needed = category.needed([i for i in past if i not in held])
        due = [i for i in past if i not in held and i not in needed]
        plans.append(CategoryPlan(category, rule, before, due, sorted(held), sorted(needed)))
    return plans


def _listed(ids: list[int]) -> dict[str, Any]:
    if len(ids) <= AUDIT_ID_LIMIT:
        return {"count": len(ids), "ids": ids}
    return {"count": len(ids), "first": ids[0], "last": ids[-1], "ids": ids[:AUDIT_ID_LIMIT]}


@transaction.atomic
def retention_apply(
    *, actor: Any = None, today: date | None = None, only: str = ""
) -> list[CategoryPlan]:
    """Erase what is due in every category (or ``only`` one), one audit event per category
    that erased anything, naming the rule followed and the records. Planned again here, in
    the transaction, so nothing held or needed since the listing is touched."""
    plans = retention_plan(today=today, only=only)
    for plan in plans:
        if not plan.due or plan.rule is None:
            continue
        erased = plan.category.erase(plan.due)
        record_event(
            event_type=EventType.RETENTION_APPLIED,
            subject=("privacy.retention", plan.category.code),
            actor=actor,
            new={
                "category": plan.category.code,
                "action": plan.rule.action,
                "rule_from": plan.rule.valid_from.isoformat(),
                "years": plan.rule.years,
                "before": plan.before.isoformat() if plan.before else None,
                "record_type": plan.category.record_type,
                "erased": erased,
                **_listed(plan.due),
                "kept_held": len(plan.held),
                "kept_needed": len(plan.needed),
            },
            reason=plan.rule.source,
        )
    return plans

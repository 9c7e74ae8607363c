"""Writing a checked old-system roster: applications, members, roster rows, first
entitlements, the households' stored facts, the moved-in notes and the migration's audit
event (split from ``roster`` by subdomain)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
from django.utils import timezone

from yimen.assistance.choices import AssistanceType, Channel, WorkAbility
from yimen.assistance.models import Application, Member
from yimen.assistance.rules.vectorised_members import years_before
from yimen.benefits.models import (
    Beneficiary,
    BeneficiaryStatus,
    Entitlement,
    EntitlementStatus,
    Stability,
)
from yimen.benefits.services.policy import policy_for
from yimen.benefits.services.roster import SUBJECT
from yimen.months import add_months
from yimen.people import initials_of

from .. import checks
from ..moving import (
    insert_columns,
    migration_reason,
    note_moved,
    reserve_ids,
)
from . import Checked, Context
from .roster_facts import write_facts


def write_roster(kind: str, checked: Checked, ctx: Context) -> int:
    people = checked.valid
    if people is None or people.is_empty():
        return 0
    now = timezone.now()
    today = ctx.today
    people = people.sort("head_row", "row")
    heads = people.filter(pl.col("row") == pl.col("head_row"))
    n = heads.height
    reason = migration_reason(ctx.batch_id)
    application_ids = reserve_ids(Application, n)
    beneficiary_ids = reserve_ids(Beneficiary, n)
    ids = pl.DataFrame(
        {
            "hid": heads["hid"],
            "application_id": application_ids,
            "beneficiary_id": beneficiary_ids,
        },
        schema={"hid": pl.String, "application_id": pl.Int64, "beneficiary_id": pl.Int64},
    )
    people = people.join(ids, on="hid", maintain_order="left")
    heads = heads.join(ids, on="hid", maintain_order="left")
    accounts = heads["account_digits"].to_list()
    insert_columns(
        Application,
        {
            "id": application_ids,
            "status": ["submitted"] * n,
            "division_id": heads["division_id"].to_list(),
            "address": heads["address"].to_list(),
            "hukou_type": heads["hukou_type"].to_list(),
            "assistance_type": heads["kind"].to_list(),
            "channel": [Channel.MOVED_IN.value] * n,
            "reason": [reason] * n,
            "payment_bank": heads["bank"].to_list(),
            "payment_account_kind": ["yikatong" if a else "" for a in accounts],
            "payment_account": accounts,
            "head_initials": [_initials(x) for x in heads["name"].to_list()],
            "created_by_id": [ctx.actor.pk] * n,
        },
        now,
    )
    birth = checks.id_birth(pl.col("pid"))
    tekun = pl.col("kind") == AssistanceType.TEKUN.value
    people = people.with_columns(
        birth.alias("birth_date"),
        pl.when(pl.col("pid").str.slice(16, 1).cast(pl.Int64) % 2 == 1)
        .then(pl.lit("M"))
        .otherwise(pl.lit("F"))
        .alias("sex"),
        # a 特困 household was found unable to work when approved [TK2021 Art.4]; the
        # old sheet does not say more, so its members are recorded as such
        pl.when(tekun)
        .then(pl.lit(WorkAbility.NONE.value))
        .otherwise(pl.lit(WorkAbility.FULL.value))
        .alias("work_ability"),
    )
    insert_columns(
        Member,
        {
            "application_id": people["application_id"].to_list(),
            "name": people["name"].to_list(),
            "id_number": people["pid"].to_list(),
            "relationship": people["rel"].to_list(),
            "birth_date": people["birth_date"].to_list(),
            "sex": people["sex"].to_list(),
            "work_ability": people["work_ability"].to_list(),
        },
        now,
    )
    working = (
        (pl.col("work_ability") == WorkAbility.FULL.value)
        & (pl.col("birth_date") <= years_before(today, 16))
        & (pl.col("birth_date") > years_before(today, 60))
    )
    per_household = people.group_by("hid").agg(
        pl.len().alias("members"), working.any().alias("unstable")
    )
    heads = heads.join(per_household, on="hid", maintain_order="left")
    starts = heads["start"].to_list()
    divisions = heads["division_id"].to_list()
    stabilities = [
        Stability.UNSTABLE.value if u else Stability.STABLE.value
        for u in heads["unstable"].to_list()
    ]
    policies: dict[str, Any] = {}
    reviews = []
    for start, division, stability in zip(starts, divisions, stabilities, strict=True):
        if division not in policies:
            policies[division] = policy_for(division, today)
        policy = policies[division]
        interval = policy.stable_months if stability == Stability.STABLE else policy.unstable_months  # type: ignore[attr-defined]
        reviews.append(_next_review(start, interval, today))
    names = heads["name"].to_list()
    insert_columns(
        Beneficiary,
        {
            "id": beneficiary_ids,
            "application_id": application_ids,
            "division_id": divisions,
            "assistance_type": heads["kind"].to_list(),
            "head_name": names,
            "head_id_number": heads["pid"].to_list(),
            "initials": [_initials(x) for x in names],
            "members": heads["members"].to_list(),
            "start_month": starts,
            "stability": stabilities,
            "next_review_on": reviews,
            "status": [BeneficiaryStatus.ACTIVE.value] * n,
            "payee_name": names,
            "bank_name": heads["bank"].to_list(),
            "account_number": accounts,
        },
        now,
    )
    amounts = [Decimal(a or 0).scaleb(-2) for a in heads["amount_fen"].to_list()]
    insert_columns(
        Entitlement,
        {
            "beneficiary_id": beneficiary_ids,
            "effective_month": starts,
            "status": [EntitlementStatus.PAYING.value] * n,
            "monthly_amount": amounts,
            "reason": [reason] * n,
            "decided_by_id": [ctx.actor.pk] * n,
        },
        now,
    )
    write_facts(
        heads.select("beneficiary_id", "hukou_type"),
        people.select("beneficiary_id", "birth_date", "work_ability"),
    )
    note_moved(
        ctx,
        kind=kind,
        subject_type=SUBJECT,
        keys=heads["hid"].to_list(),
        rows=heads["row"].to_list(),
        object_ids=beneficiary_ids,
    )
    return n


_INITIALS: dict[str, str] = {}


def _initials(name: str) -> str:
    found = _INITIALS.get(name)
    if found is None:
        found = _INITIALS[name] = initials_of(name)
        if len(_INITIALS) > 100_000:
            _INITIALS.clear()
    return found


def _next_review(start: date, interval: int, today: date) -> date:
    """The household's review dates run every ``interval`` months from its start; the next
    one is the first after today (a household moved in keeps its rhythm, and is not due at
    once for every review the old system may have held)."""
    months = (today.year - start.year) * 12 + today.month - start.month
    steps = max(1, months // max(interval, 1) + 1)
    due = add_months(start, steps * interval)
    while due <= today:
        due = add_months(due, interval)
    return due

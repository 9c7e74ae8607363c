"""Re-evaluating the whole roster of a division at a date (issue 4, item 4).

After a standard changes, every household on assistance is evaluated again in one
vectorised pass (assistance.rules.vectorised over roster frames read set-based), and the
households whose eligibility or amount would change are listed with the rules that failed.
Nothing is written by the preview. The township approver then confirms the list he saw
(its digest must still match, or the roster changed meanwhile):

* an amount that changes for a household still eligible for the same type is re-set from
  the effective month, signed and audited per household, with one batch event;
* a household that would lose its eligibility or change type is not stopped by the
  computer: a review case is opened for it, so the township re-checks, decides with
  reasons and notifies the household, as the law requires for a reduction or stop
  [A2021 Art.32]. It goes on being paid until that review decides."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import can
from yimen.assistance.models import ParameterSet
from yimen.assistance.parameters import parameter_set_in_force, to_params
from yimen.assistance.rules.fen import from_fen
from yimen.assistance.rules.params import Params
from yimen.assistance.rules.vectorised import RULE_CODES, evaluate_frame
from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, record_events
from yimen.errors import Forbidden, NotFound
from yimen.id_sets import IdSet
from yimen.months import add_months, month_of, next_month
from yimen.regions.codes import prefix_of
from yimen.regions.models import Division

from ..errors import RosterChanged
from ..frames import roster_frames
from ..models import Beneficiary, Entitlement, EntitlementStatus, Review, ReviewTrigger
from .reviews import open_review, open_review_case
from .roster import SUBJECT

RULE_LABELS = {
    "household_size": _("at least one member counted"),
    "dibao_income": _("per-capita income below the standard"),
    "deposits": _("deposits within the limit"),
    "vehicles": _("no non-exempt vehicle"),
    "homes": _("homes within the limit"),
    "market_entities": _("no market-entity registration"),
    "tekun_no_work_ability": _("no work ability (extreme poverty)"),
    "tekun_no_living_source": _("no source of living (extreme poverty)"),
    "tekun_no_supporter": _("no able supporter (extreme poverty)"),
    "low_income": _("income below the low-income threshold"),
}


@dataclass(frozen=True)
class Change:
    beneficiary_id: int
    head_name: str
    division_id: str
    old_type: str
    old_amount: Decimal
    new_type: str  # "" when no longer eligible
    new_amount: Decimal
    failed: tuple[str, ...]  # rule codes that failed

    @property
    def eligibility_changes(self) -> bool:
        return self.new_type != self.old_type

    def reasons(self) -> list[str]:
        return [str(RULE_LABELS.get(code, code)) for code in self.failed]


@dataclass
class Recalculation:
    """The result of a preview. The changes stay a frame (one row per household whose type
    or amount would change) until someone looks at them: a city's roster can list hundreds
    of thousands, and a page shows the first thousand."""

    division: Division
    on: date
    evaluated: int = 0
    parameter_sets: list[str] = field(default_factory=list)
    # the same, for a page: (division code, in force from), shown as 长春市, 2020-11-01 起
    parameter_sources: list[tuple[str, date]] = field(default_factory=list)
    frame: pl.DataFrame = field(default_factory=lambda: _no_changes())

    @property
    def count(self) -> int:
        return self.frame.height

    def changes_list(self, limit: int | None = None, *, names: bool = True) -> list[Change]:
        """The first ``limit`` changes (all if None) in household order, as objects; the
        heads' names are looked up only for these."""
        rows = self.frame if limit is None else self.frame.head(limit)
        heads = _head_names(rows["household_id"].to_list()) if names else {}
        return [
            Change(
                beneficiary_id=row["household_id"],
                head_name=heads.get(row["household_id"], ""),
                division_id=row["division_id"],
                old_type=row["current_type"],
                old_amount=from_fen(row["current_amount_fen"]),
                new_type=row["new_type"],
                new_amount=from_fen(row["new_amount_fen"]),
                failed=tuple(c for k, c in enumerate(RULE_CODES) if row["failed"] >> k & 1),
            )
            for row in rows.iter_rows(named=True)
        ]

    @cached_property
    def changes(self) -> list[Change]:
        return self.changes_list()

    @property
    def digest(self) -> str:
        """SHA-256 of the area, the date and every change (household, old and new type and
        amount in fen), so a confirmation applies exactly the list that was shown."""
        lines = self.frame.select(
            pl.format(
                "{}|{}|{}|{}|{}",
                "household_id",
                "current_type",
                "current_amount_fen",
                "new_type",
                "new_amount_fen",
            ).str.join("\n")
        ).item()
        text = f"{self.division.code}|{self.on}|{lines or ''}"
        return hashlib.sha256(text.encode()).hexdigest()


def _no_changes() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "household_id": pl.Int64,
            "division_id": pl.String,
            "current_type": pl.String,
            "current_amount_fen": pl.Int64,
            "new_type": pl.String,
            "new_amount_fen": pl.Int64,
            "failed": pl.Int64,
        }
    )


def _head_names(ids: list[int]) -> dict[int, str]:
    return dict(Beneficiary.objects.filter(pk__any_of=IdSet(ids)).values_list("pk", "head_name"))


def _params_groups(households: pl.DataFrame, on: date) -> list[tuple[Params, list[str]]]:
    """The parameters in force at ``on`` with the villages they govern (one lookup each)."""
    rows: dict[int, ParameterSet] = {}
    villages: dict[int, list[str]] = {}
    for village in households.get_column("division_id").unique().to_list():
        row = parameter_set_in_force(village, on)
        rows[row.pk] = row
        villages.setdefault(row.pk, []).append(village)
    return [(to_params(rows[pk]), villages[pk]) for pk in rows]


def _upcoming_if_not_yet_paid(households: pl.DataFrame) -> pl.DataFrame:
    """A household approved this month is paid from next month: no entitlement is in force
    yet at the date, and without one it would be listed as a change from 0.00 to the very
    amount it was just granted. Its first entitlement (the one its decision set) is what
    the rules' amount is compared with. One query for all of them; there are few (only
    households approved since the start of the month)."""
    waiting = households.filter(pl.col("current_amount_fen").is_null())["household_id"]
    if waiting.is_empty():
        return households
    first: dict[int, tuple[bool, int]] = {}
    for beneficiary_id, status, amount in (
        Entitlement.objects.filter(beneficiary_id__in=waiting.to_list())
        .order_by("beneficiary_id", "effective_month", "id")
        .values_list("beneficiary_id", "status", "monthly_amount")
    ):
        first.setdefault(beneficiary_id, (status == EntitlementStatus.PAYING, int(amount * 100)))
    ids = list(first)
    upcoming = pl.DataFrame(
        {
            "household_id": ids,
            "_paying": [first[i][0] for i in ids],
            "_amount": [first[i][1] for i in ids],
        },
        schema={"household_id": pl.Int64, "_paying": pl.Boolean, "_amount": pl.Int64},
    )
    return (
        households.join(upcoming, on="household_id", how="left", maintain_order="left")
        .with_columns(
            pl.col("current_paying").fill_null(pl.col("_paying")),
            pl.col("current_amount_fen").fill_null(pl.col("_amount")),
        )
        .drop("_paying", "_amount")
    )


def recalc_compute(division_code: str, on: date) -> Recalculation:
    """Evaluate every household on assistance under ``division_code`` at ``on``."""
    division = Division.objects.filter(code=division_code).first()
    if division is None:
        raise NotFound(_("No such division."))
    result = Recalculation(division=division, on=on)
    frames = roster_frames(prefix_of(division_code), month_of(on))
    households = _upcoming_if_not_yet_paid(
        frames.households.join(frames.current, on="household_id", how="left", maintain_order="left")
    )
    result.evaluated = households.height
    if households.height == 0:
        return result
    evaluated: list[pl.DataFrame] = []
    for params, villages in _params_groups(households, on):
        result.parameter_sets.append(f"{params.division_code} {params.valid_from}")
        result.parameter_sources.append((params.division_code, params.valid_from))
        part = households.filter(pl.col("division_id").is_in(villages))
        members, supporters = frames.members, frames.supporters
        if part.height != households.height:
            ids = part.select("household_id")
            members = members.join(ids, on="household_id", how="semi")
            supporters = supporters.join(ids, on="household_id", how="semi")
        evaluated.append(evaluate_frame(part, members, params, on, supporters))
    outcome = pl.concat(evaluated).join(
        households.select(
            "household_id", "division_id", "current_type", "current_amount_fen", "current_paying"
        ),
        on="household_id",
    )
    new_type = pl.col("proposed_type").cast(pl.String).fill_null("")
    new_amount = pl.when(new_type == "low_income").then(0).otherwise(pl.col("proposed_amount_fen"))
    failed = pl.sum_horizontal(  # bit k set: rule RULE_CODES[k] not met
        (~pl.col(f"rule_{code}")).cast(pl.Int64) * (1 << k) for k, code in enumerate(RULE_CODES)
    )
    result.frame = (
        outcome.with_columns(
            new_type.alias("new_type"),
            new_amount.alias("new_amount_fen"),
            pl.col("current_type").cast(pl.String),
            pl.col("current_amount_fen").fill_null(0),
        )
        .filter(  # a household phasing out keeps the amount its review decided
            (pl.col("new_type") != pl.col("current_type"))
            | (
                (pl.col("new_amount_fen") != pl.col("current_amount_fen"))
                & pl.col("current_paying").fill_null(True)
            )
        )
        .with_columns(failed.alias("failed"))
        .select(_no_changes().columns)
        .sort("household_id")
    )
    return result


def recalc_preview(actor, division_code: str, on: date) -> Recalculation:
    if not can(actor, Action.ROSTER_VIEW, division_code):
        raise NotFound(_("No such division."))
    return recalc_compute(division_code, on)


def effective_month(on: date, today: date) -> date:
    """The first month starting on or after ``on``, never before next month (a roll
    already issued is never changed)."""
    first = month_of(on) if on.day == 1 else add_months(month_of(on), 1)
    return max(first, next_month(today))


@dataclass(frozen=True)
class RecalcApplied:
    adjusted: int
    reviews_opened: int
    already_in_review: int
    effective: date


@transaction.atomic
def recalc_confirm(
    *, actor, division_code: str, on: date, digest: str, today: date | None = None
) -> RecalcApplied:
    """Apply the list the approver saw; refused if the roster changed since (digest)."""
    if not can(actor, Action.CASE_DECIDE, division_code):
        raise Forbidden(_("Only the township's approver confirms a recalculation."))
    today = today or timezone.localdate()
    result = recalc_compute(division_code, on)
    if result.digest != digest:
        raise RosterChanged(_("The roster changed since the list was shown; look at it again."))
    effective = effective_month(on, today)
    batch = uuid.uuid4().hex
    reason = str(_("Recalculated under the parameters in force on %(date)s")) % {"date": on}
    changes = result.changes_list(names=False)
    amounts = [c for c in changes if not c.eligibility_changes]
    Beneficiary.objects.select_for_update().filter(pk__in=[c.beneficiary_id for c in changes]).only(
        "pk"
    ).order_by("pk").count()  # lock the households in id order
    Entitlement.objects.bulk_create(
        [
            Entitlement(
                beneficiary_id=c.beneficiary_id,
                effective_month=effective,
                status=EntitlementStatus.PAYING,
                monthly_amount=c.new_amount,
                reason=reason,
                decided_by=actor,
            )
            for c in amounts
        ],
        batch_size=2000,
    )
    drafts = [
        EventDraft(
            event_type=EventType.AMOUNT_RECALCULATED,
            subject_type=SUBJECT,
            subject_id=str(c.beneficiary_id),
            actor=actor,
            division_code=c.division_id,
            old={"amount": c.old_amount},
            new={"amount": c.new_amount, "from": effective, "batch": batch},
            reason=reason,
            signer=actor,
        )
        for c in amounts
    ]
    opened = skipped = 0
    for change in (c for c in changes if c.eligibility_changes):
        beneficiary = Beneficiary.objects.select_related("division").get(pk=change.beneficiary_id)
        if open_review(beneficiary):
            skipped += 1
            continue
        report = "; ".join(change.reasons()) or str(_("type of assistance would change"))
        case = open_review_case(beneficiary, report[:200])
        Review.objects.create(
            beneficiary=beneficiary,
            case=case,
            trigger=ReviewTrigger.RECALCULATION,
            report=report,
            due_on=add_months(today, 1),
        )
        opened += 1
    drafts.append(
        EventDraft(
            event_type=EventType.ROSTER_RECALCULATED,
            subject_type="benefits.recalculation",
            subject_id=batch,
            actor=actor,
            division_code=division_code,
            new={
                "on": on,
                "evaluated": result.evaluated,
                "adjusted": len(amounts),
                "reviews": opened,
                "digest": digest,
                "parameters": result.parameter_sets,
            },
            reason=reason,
            signer=actor,
        )
    )
    record_events(drafts)
    return RecalcApplied(len(amounts), opened, skipped, effective)

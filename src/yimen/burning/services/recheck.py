"""The county re-checks a random sample of its closed cases (抽查复核), drawn reproducibly:
the same seed over the same closed cases draws the same ones (yimen.sampling, the same
draw as the assistance sampling), stratified by township."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yimen.accounts.roles import Action
from yimen.audit.events import EventType
from yimen.regions.models import Division
from yimen.sampling import draw_sample, population_digest

from ..errors import AlreadyChecked, BadInput, NothingToSample
from ..models import CaseStatus, FireCase, RecheckDraw, RecheckFinding, RecheckItem
from .common import audit, require, settings_for

SEED_MAX = 64


def closed_population(county_code6: str, period_from: date, period_to: date) -> list[FireCase]:
    """The county's cases signed closed in the period (permitted burnings are not re-checked:
    nobody went on site)."""
    start = timezone.make_aware(datetime.combine(period_from, time.min))
    end = timezone.make_aware(datetime.combine(period_to, time.max))
    return list(
        FireCase.objects.filter(
            county_code=county_code6, status=CaseStatus.CLOSED, closed_at__range=(start, end)
        ).order_by("number")
    )


@transaction.atomic
def recheck_draw(
    *,
    county: Division,
    period_from: date,
    period_to: date,
    actor,
    seed: str = "",
    percent: Decimal | None = None,
) -> RecheckDraw:
    """Draw ceil(share × closed cases) per township for re-checking (share: a setting,
    10 % by default, a placeholder); a seed left empty is drawn at random and recorded."""
    role = require(actor, Action.BURNING_SUPERVISE, county.code)
    if period_to < period_from:
        raise BadInput("period")
    seed = (seed or "").strip() or secrets.token_hex(8)
    if len(seed) > SEED_MAX:
        raise BadInput("seed")
    if percent is None:
        percent = settings_for(county.code, timezone.localdate()).recheck_percent
    cases = closed_population(county.code[:6], period_from, period_to)
    if not cases:
        raise NothingToSample()
    by_number = {c.number: c for c in cases}
    drawn = draw_sample([(c.number, c.township_code or "-") for c in cases], seed, percent)
    draw = RecheckDraw.objects.create(
        county=county,
        period_from=period_from,
        period_to=period_to,
        seed=seed,
        percent=percent,
        population=len(cases),
        population_digest=population_digest(by_number),
        drawn_by=actor,
    )
    RecheckItem.objects.bulk_create(
        [
            RecheckItem(draw=draw, case=by_number[n], stratum=stratum, rank=rank)
            for n, stratum, rank in drawn
        ]
    )
    audit(
        EventType.BURNING_RECHECK_DRAWN,
        draw,
        actor=actor,
        role=role,
        division=county.code,
        new={
            "seed": seed,
            "percent": percent,
            "population": len(cases),
            "digest": draw.population_digest,
            "drawn": [n for n, _s, _r in drawn],
        },
    )
    return draw


@transaction.atomic
def recheck_record(*, item: RecheckItem, finding: str, note: str, actor) -> RecheckItem:
    """The county's finding on one re-checked case (once)."""
    role = require(actor, Action.BURNING_SUPERVISE, item.draw.county_id)
    finding = RecheckFinding(finding)
    if finding == RecheckFinding.DISCREPANCY and not note.strip():
        raise BadInput("note")
    done = RecheckItem.objects.filter(pk=item.pk, finding="").update(
        finding=finding, note=note.strip()[:1000], checked_by=actor, checked_at=timezone.now()
    )
    if done != 1:
        raise AlreadyChecked()
    item.refresh_from_db()
    audit(
        EventType.BURNING_RECHECKED,
        item.case,
        actor=actor,
        role=role,
        division=item.case.division_id,
        new={"draw": item.draw_id, "finding": finding, "note": item.note},
    )
    return item

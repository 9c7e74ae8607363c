"""Answering for fire points: summons (约谈) and their rectification reports, warnings and
notices, and the dated deductions per fire point (the inspection groups are in
``inspections``)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.audit.events import EventType
from yimen.regions.codes import Level, level_of
from yimen.regions.models import Division

from ..errors import BadInput
from ..models import (
    CaseStatus,
    FireCase,
    Outcome,
    Penalty,
    PenaltyKind,
    Summons,
    ZoneKind,
)
from ..rules import deductions, season_of, season_year_for
from .common import audit, require, required_text, settings_for


@transaction.atomic
def summons_record(
    *,
    division: Division,
    summoned_name: str,
    summoned_post: str,
    summoner_office: str,
    held_on: date,
    problems: str,
    cases: list[FireCase],
    actor,
) -> Summons:
    """A summons held: who was summoned, by whom, over which fire points; the
    rectification report falls due after the configured days (30 by default)."""
    role = require(actor, Action.BURNING_ACCOUNT, division.code)
    for case in cases:
        if not case.division_id.startswith(division.prefix):
            raise BadInput(_("A fire case named is not in the division summoned."))
    days = settings_for(division.code, held_on).rectification_days
    summons = Summons.objects.create(
        division=division,
        summoned_name=required_text(summoned_name, 100, _("Name the person summoned.")),
        summoned_post=required_text(summoned_post, 100, _("Give the post of the person summoned.")),
        summoner=actor,
        summoner_office=required_text(summoner_office, 100, _("Name the summoning office.")),
        held_on=held_on,
        problems=required_text(problems, 1000, _("Name the problems.")),
        rectification_due=held_on + timedelta(days=days),
    )
    summons.cases.set(cases)
    audit(
        EventType.BURNING_SUMMONS,
        summons,
        actor=actor,
        role=role,
        division=division.code,
        new={
            "summoned": summons.summoned_name,
            "post": summons.summoned_post,
            "held_on": held_on,
            "cases": [c.number for c in cases],
            "due": summons.rectification_due,
        },
    )
    return summons


@transaction.atomic
def rectification_receive(*, summons: Summons, received_on: date, note: str, actor) -> Summons:
    """The summoned side's written rectification report has come."""
    role = require(actor, Action.BURNING_ACCOUNT, summons.division_id)
    if summons.report_received_on is not None:
        raise BadInput(_("The report is recorded already."))
    summons.report_received_on = received_on
    summons.report_note = required_text(note, 1000, _("Summarise the report."))
    summons.save(update_fields=["report_received_on", "report_note"])
    audit(
        EventType.BURNING_RECTIFIED,
        summons,
        actor=actor,
        role=role,
        division=summons.division_id,
        new={"received_on": received_on, "late": received_on > summons.rectification_due},
    )
    return summons


@transaction.atomic
def penalty_record(
    *, county: Division, kind: str, reason: str, decided_on: date, actor, case=None
) -> Penalty:
    """A warning or public notice (通报) against a county."""
    role = require(actor, Action.BURNING_ACCOUNT, county.code)
    kind = PenaltyKind(kind)
    if kind == PenaltyKind.DEDUCTION:
        raise BadInput(_("Deductions are assessed from the fire points, not typed in."))
    rules = settings_for(county.code, decided_on)
    penalty = Penalty.objects.create(
        county=county,
        kind=kind,
        case=case,
        season=season_year_for(decided_on, rules.season_start_month, rules.season_start_day),
        decided_on=decided_on,
        reason=required_text(reason, 500, _("Give the reason.")),
        recorded_by=actor,
    )
    audit(
        EventType.BURNING_PENALTY,
        penalty,
        actor=actor,
        role=role,
        division=county.code,
        new={"kind": kind, "reason": penalty.reason},
    )
    return penalty


def season_cases(county: Division, season_year: int):
    """A county's verified straw fires in ban zones in the season (the points that count)."""
    rules = settings_for(county.code, date(season_year, 12, 31))
    season = season_of(
        season_year,
        rules.season_start_month,
        rules.season_start_day,
        rules.season_end_month,
        rules.season_end_day,
    )
    cases = FireCase.objects.filter(
        county_code=county.code[:6],
        outcome=Outcome.STRAW_FIRE,
        zone_kind=ZoneKind.BAN,
        status__in=[CaseStatus.VERIFIED, CaseStatus.CLOSED],
    ).order_by("first_detected_at", "number")
    return season, [
        c for c in cases if season.contains(timezone.localtime(c.first_detected_at).date())
    ]


def incentive_standings(counties, today: date) -> list[dict]:
    """Per county, the incentive window containing ``today`` (1 Oct – 1 May in Jilin's
    rules, a setting) and whether the county is still eligible: no verified straw fire in a
    ban zone in the window so far."""
    found = []
    for county in counties:
        rules = settings_for(county.code, today)
        year = season_year_for(today, rules.season_start_month, rules.season_start_day)
        season, fires = season_cases(county, year)
        found.append(
            {
                "county": county,
                "season": season,
                "fires": len(fires),
                "eligible": not fires,
                "placeholder": rules.placeholder,
            }
        )
    return found


@transaction.atomic
def deductions_assess(*, county: Division, season_year: int, actor, today=None) -> list[Penalty]:
    """Deductions for the county's verified straw fires in ban zones in the season, at the
    dated amounts (Jilin 2018: first point 500,000 yuan, each later one 300,000): one per
    fire case, so assessing again adds only the new ones."""
    role = require(actor, Action.BURNING_ACCOUNT, county.code)
    if level_of(county.code) != Level.COUNTY:
        raise BadInput(_("Deductions are assessed per county."))
    today = today or timezone.localdate()
    season, cases = season_cases(county, season_year)
    assessed = set(
        Penalty.objects.filter(kind=PenaltyKind.DEDUCTION, case__in=cases).values_list(
            "case_id", flat=True
        )
    )
    before = Penalty.objects.filter(
        kind=PenaltyKind.DEDUCTION, county=county, season=season_year
    ).count()
    new = [c for c in cases if c.pk not in assessed]
    if not new:
        return []
    rules = settings_for(county.code, season.start)
    amounts = deductions(before, len(new), rules.first_point_yuan, rules.later_point_yuan)
    made = []
    for case, amount in zip(new, amounts, strict=True):
        made.append(
            Penalty.objects.create(
                county=county,
                kind=PenaltyKind.DEDUCTION,
                case=case,
                amount=Decimal(amount).quantize(Decimal("0.01")),
                season=season_year,
                decided_on=today,
                reason=str(_("Verified straw fire in a ban zone: %(number)s"))
                % {"number": case.number},
                recorded_by=actor,
            )
        )
    audit(
        EventType.BURNING_PENALTY,
        county,
        actor=actor,
        role=role,
        division=county.code,
        new={
            "kind": PenaltyKind.DEDUCTION,
            "season": season_year,
            "cases": [c.number for c in new],
            "amounts": [str(a) for a in amounts],
        },
    )
    return made

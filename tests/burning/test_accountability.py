"""Accountability: the county's re-check sample is reproducible; summons with the
rectification report due after the configured days; deductions per fire point at the dated
amounts, once per case (inspection groups: test_inspections.py)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.burning.conftest import NONGAN, centre, firms, jpeg, utc
from yimen.burning.errors import AlreadyChecked, NotAllowed, NothingToSample
from yimen.burning.models import BurningSettings, FireCase, Penalty, RecheckItem
from yimen.burning.services.accountability import (
    deductions_assess,
    penalty_record,
    rectification_receive,
    summons_record,
)
from yimen.burning.services.dispatch import PhotoIn, case_close, case_verify
from yimen.burning.services.fires import fires_import
from yimen.burning.services.recheck import recheck_draw, recheck_record
from yimen.burning.services.tree import zone_set
from yimen.regions.models import Division

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def closed_cases(w, n: int, outcome="straw_fire") -> list[FireCase]:
    """``n`` cases in 东榛柴村's grids, verified and closed."""
    units = [w.grid, w.unit("220122101201-G03"), w.unit("220122101201-G04")]
    points = []
    for i in range(n):
        lon, lat = centre(units[i % 3])
        points.append((lon + 0.0001 * (i // 3), lat, utc(2026, 12, 1 + i // 3, 1, i), "n"))
    fires_import(data=firms(points), filename="f.csv", actor=w.county)
    cases = list(FireCase.objects.order_by("number"))
    for case in cases:
        case_verify(
            case=case,
            actor=w.grid_head,
            outcome=outcome,
            burnt_area_m2=100 if outcome == "straw_fire" else None,
            reason="" if outcome == "straw_fire" else "误报",
            photos=[PhotoIn("a.jpg", jpeg(case.longitude, case.latitude))],
        )
        case_close(case=case, actor=w.township)
    return cases


def test_the_recheck_sample_is_reproducible(burning_world):
    w = burning_world
    cases = closed_cases(w, 12, outcome="false")
    county = Division.objects.get(pk=NONGAN)
    today = timezone.localdate()
    one = recheck_draw(
        county=county, period_from=today, period_to=today, actor=w.county, seed="s-1"
    )
    two = recheck_draw(
        county=county, period_from=today, period_to=today, actor=w.county, seed="s-1"
    )
    other = recheck_draw(
        county=county, period_from=today, period_to=today, actor=w.county, seed="s-2"
    )
    picked = [list(d.items.values_list("case__number", flat=True)) for d in (one, two, other)]
    assert picked[0] == picked[1] and len(picked[0]) == 2  # ceil(10 % × 12)
    assert one.population == 12 and one.population_digest == two.population_digest
    assert other.population_digest == one.population_digest  # the same population
    assert set(picked[0]) <= {c.number for c in cases}
    with pytest.raises(NotAllowed):
        recheck_draw(county=county, period_from=today, period_to=today, actor=w.township)
    with pytest.raises(NothingToSample):
        recheck_draw(
            county=county,
            period_from=today - timedelta(days=30),
            period_to=today - timedelta(days=20),
            actor=w.county,
        )
    item = one.items.first()
    recheck_record(item=item, finding="confirmed", note="", actor=w.county)
    with pytest.raises(AlreadyChecked):
        recheck_record(
            item=RecheckItem.objects.get(pk=item.pk), finding="confirmed", note="", actor=w.county
        )


def test_summons_and_its_rectification_report(burning_world):
    w = burning_world
    case = closed_cases(w, 1)[0]
    town = Division.objects.get(pk="220122101000")
    summons = summons_record(
        division=town,
        summoned_name="王某",
        summoned_post="伏龙泉镇党委书记",
        summoner_office="省生态环境厅",
        held_on=date(2026, 12, 7),
        problems="卫星火点，禁烧区出现焚烧",
        cases=[case],
        actor=w.inspector,
    )
    assert summons.rectification_due == date(2027, 1, 6)  # 30 days
    assert summons.report_overdue(date(2027, 1, 7)) and not summons.report_overdue(date(2027, 1, 6))
    rectification_receive(
        summons=summons, received_on=date(2027, 1, 3), note="已整改", actor=w.inspector
    )
    assert not summons.report_overdue(date(2027, 2, 1))
    with pytest.raises(NotAllowed):
        summons_record(
            division=town,
            summoned_name="x",
            summoned_post="y",
            summoner_office="z",
            held_on=date(2026, 12, 7),
            problems="p",
            cases=[],
            actor=w.county,
        )


def test_deductions_first_point_and_later_points_once_per_case(burning_world):
    w = burning_world
    cases = closed_cases(w, 3)
    county = Division.objects.get(pk=NONGAN)
    made = deductions_assess(county=county, season_year=2026, actor=w.inspector)
    assert [p.amount for p in made] == [
        Decimal("500000.00"),
        Decimal("300000.00"),
        Decimal("300000.00"),
    ]
    assert [p.case for p in made] == sorted(cases, key=lambda c: (c.first_detected_at, c.number))
    assert deductions_assess(county=county, season_year=2026, actor=w.inspector) == []
    # a dated change of the amounts applies to the seasons from its date on
    BurningSettings.objects.create(
        division_id="220000000000", valid_from=date(2027, 10, 1), first_point_yuan=Decimal("100000")
    )
    assert Penalty.objects.filter(kind="deduction").count() == 3
    warning = penalty_record(
        county=county,
        kind="notice",
        reason="通报批评",
        decided_on=date(2026, 12, 7),
        actor=w.inspector,
    )
    assert warning.season == 2026


def test_a_limited_zone_fire_is_not_deducted(burning_world):
    w = burning_world
    zone_set(unit=w.grid, kind="limited", valid_from=date(2026, 11, 1), actor=w.county)
    closed_cases(w, 1)
    county = Division.objects.get(pk=NONGAN)
    assert deductions_assess(county=county, season_year=2026, actor=w.inspector) == []

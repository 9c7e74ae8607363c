"""The county's sample of the bureau's approved subsidy applications: reproducible (same
seed, same sample), per township with the share rounded up, over the approvals of the
period only; recorded and audited; a finding asks the bureau for a review or closes the
check, once; nothing is written when a draw or finding is refused."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.errors import Invalid
from yimen.subsidy.models import ReviewRequest, SampledApplication, SampleDraw, SampleFinding
from yimen.subsidy.services.county_requests import requests_to_answer
from yimen.supervision.areas import Period
from yimen.supervision.errors import AlreadyChecked, NothingToSample, SupervisionNotAllowed
from yimen.supervision.models import SamplingShare
from yimen.supervision.services.sampling import (
    sample_draw,
    sample_finding_record,
    sample_redraw,
)
from yimen.supervision.services.sampling_populations import SUBSIDY, approved_subsidy_population

from .conftest import BJ, approved, feed

pytestmark = pytest.mark.django_db
YUSHU = "220182000000"
DECEMBER = Period(date(2020, 12, 1), date(2020, 12, 1))
OTHER_VILLAGE = "220182002200"


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2020, 12, 20, 9, 0, tzinfo=BJ), tick=False):
        yield


@pytest.fixture
def approvals(world):
    """Five approvals in December in 华昌街道, two in 正阳街道, one in November."""
    here = [approved(world, feed(str(100 + n))) for n in range(5)]
    there = [
        approved(world, feed("150"), survey=world.unit(village=OTHER_VILLAGE, name=f"正阳{n}"))
        for n in range(2)
    ]
    november = approved(world, feed("90"), at=datetime(2020, 11, 28, 10, tzinfo=BJ))
    return here, there, november


def test_the_population_is_the_approvals_of_the_period_by_township(world, approvals):
    here, there, november = approvals
    world.submitted(feed())  # submitted, not approved: not in it
    population = dict(approved_subsidy_population(YUSHU, DECEMBER))
    assert sorted(population) == sorted(a.number for a in here + there)
    assert population[here[0].number] == "220182001000"
    assert population[there[0].number] == "220182002000"
    assert november.number not in population


def test_the_same_seed_draws_the_same_sample_per_township_rounded_up(world, approvals, clock):
    first = sample_draw(
        population=SUBSIDY,
        actor=world.supervisor,
        division_code=YUSHU,
        period=DECEMBER,
        seed="抽查-2020",
    )
    # default share 30 %: ceil(5 × 0.3) = 2 and ceil(2 × 0.3) = 1
    assert (first.population, first.sample_size, first.percent) == (7, 3, Decimal("30"))
    strata = sorted(s.stratum for s in first.applications.all())
    assert strata == ["220182001000", "220182001000", "220182002000"]
    again = sample_draw(
        population=SUBSIDY,
        actor=world.supervisor,
        division_code=YUSHU,
        period=DECEMBER,
        seed="抽查-2020",
    )
    drawn = lambda d: [s.application_id for s in d.applications.order_by("stratum", "rank")]  # noqa: E731
    assert drawn(first) == drawn(again)
    same, redrawn = sample_redraw(SUBSIDY, first)
    assert same and redrawn == [s.application.number for s in first.applications.all()]
    event = AuditEvent.objects.filter(event_type=EventType.SAMPLE_DRAWN).first()
    assert event.new["service"] == "subsidy" and event.new["seed"] == "抽查-2020"
    assert event.actor_id == world.supervisor.pk
    # a new approval in the period changes the population, and the redraw says so
    with time_machine.travel(datetime(2020, 12, 21, tzinfo=BJ)):
        approved(world, feed("300"), at=datetime(2020, 12, 21, tzinfo=BJ))
    same, _ = sample_redraw(SUBSIDY, first)
    assert not same


def test_the_countys_share_in_force_applies(world, approvals, clock):
    SamplingShare.objects.create(
        division_id=YUSHU,
        valid_from=date(2020, 12, 1),
        percent=Decimal("100"),
        source="榆树市监督抽查方案",
        set_by=world.supervisor,
    )
    draw = sample_draw(
        population=SUBSIDY, actor=world.supervisor, division_code=YUSHU, period=DECEMBER
    )
    assert draw.sample_size == 7 and draw.share_source == "榆树市监督抽查方案"
    assert len(draw.seed) == 16  # a blank seed is drawn at random and recorded


def test_a_refused_draw_writes_nothing(world, approvals, other_supervisor, clock):
    with pytest.raises(SupervisionNotAllowed):
        sample_draw(
            population=SUBSIDY, actor=other_supervisor, division_code=YUSHU, period=DECEMBER
        )
    with pytest.raises(SupervisionNotAllowed):
        sample_draw(population=SUBSIDY, actor=world.reviewer, division_code=YUSHU, period=DECEMBER)
    with pytest.raises(NothingToSample):
        sample_draw(
            population=SUBSIDY,
            actor=world.supervisor,
            division_code=YUSHU,
            period=Period(date(2020, 6, 1), date(2020, 6, 1)),
        )
    with pytest.raises(Invalid):
        sample_draw(
            population=SUBSIDY,
            actor=world.supervisor,
            division_code=YUSHU,
            period=DECEMBER,
            seed="x" * 65,
        )
    assert not SampleDraw.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.SAMPLE_DRAWN).exists()


def test_a_finding_asks_the_bureau_for_a_review_once(world, approvals, clock):
    draw = sample_draw(
        population=SUBSIDY, actor=world.supervisor, division_code=YUSHU, period=DECEMBER, seed="s"
    )
    first, second = list(draw.applications.all())[:2]
    # a review request needs its note: refused whole, nothing written
    with pytest.raises(Invalid):
        sample_finding_record(
            population=SUBSIDY,
            actor=world.supervisor,
            sampled=first,
            finding=SampleFinding.REVIEW_REQUESTED,
            note="",
        )
    assert not ReviewRequest.objects.exists()
    with pytest.raises(Invalid):
        sample_finding_record(
            population=SUBSIDY, actor=world.supervisor, sampled=first, finding="approved", note="x"
        )
    with pytest.raises(SupervisionNotAllowed):
        sample_finding_record(
            population=SUBSIDY,
            actor=world.reviewer,
            sampled=first,
            finding=SampleFinding.NO_ISSUE,
            note="",
        )
    checked = sample_finding_record(
        population=SUBSIDY,
        actor=world.supervisor,
        sampled=first,
        finding=SampleFinding.REVIEW_REQUESTED,
        note="饲料数量与存栏量不符",
    )
    assert checked.request.comment == "饲料数量与存栏量不符"
    assert list(requests_to_answer(world.reviewer)) == [checked.request]
    sample_finding_record(
        population=SUBSIDY,
        actor=world.supervisor,
        sampled=second,
        finding=SampleFinding.NO_ISSUE,
        note="",
    )
    with pytest.raises(AlreadyChecked):
        sample_finding_record(
            population=SUBSIDY,
            actor=world.supervisor,
            sampled=second,
            finding=SampleFinding.NO_ISSUE,
            note="",
        )
    findings = dict(SampledApplication.objects.values_list("pk", "finding"))
    assert findings[first.pk] == SampleFinding.REVIEW_REQUESTED
    assert findings[second.pk] == SampleFinding.NO_ISSUE
    assert AuditEvent.objects.filter(event_type=EventType.SAMPLE_CHECKED).count() == 2
    # the decision itself is untouched
    first.application.refresh_from_db()
    assert first.application.status == "approved"

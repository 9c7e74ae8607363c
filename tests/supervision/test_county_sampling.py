"""County sampling: reproducible draws (same seed and population → same sample, in any
row order), the share and its rounding, the record and audit of a draw, findings sent
back to the township, and a county that never changes a decision."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import NANGUAN, NANLING, ZIQIANG, user_with
from tests.supervision.test_dashboard_world import at, build_case
from yimen.accounts.roles import Role
from yimen.assistance.models import Decision
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.errors import Invalid
from yimen.supervision import errors
from yimen.supervision.areas import Period
from yimen.supervision.models import Finding, SampledCase, SampleDraw, SupervisionFlag
from yimen.supervision.services import flags as supervision
from yimen.supervision.services import sampling
from yimen.supervision.services.sampling_populations import ASSISTANCE
from yimen.workflow.models import Notification

D = Decimal
H1 = Period(date(2026, 1, 1), date(2026, 6, 1))
HUAYANG, BEIAN = "220102001001", "220102002001"


# --- the pure draw ------------------------------------------------------------------------


def population(n: int, stratum: str = NANLING) -> list[tuple[str, str]]:
    return [(f"YM-2026-{i:06d}", stratum) for i in range(n)]


def test_same_seed_same_sample_in_any_order():
    people = population(200)
    first = sampling.draw_sample(people, "seed-1", D("10"))
    shuffled = people[:]
    random.Random(7).shuffle(shuffled)
    assert sampling.draw_sample(shuffled, "seed-1", D("10")) == first
    assert sampling.draw_sample(list(reversed(people)), "seed-1", D("10")) == first
    assert len(first) == 20


def test_another_seed_draws_another_sample():
    people = population(200)
    a = {n for n, _, _ in sampling.draw_sample(people, "seed-1", D("10"))}
    b = {n for n, _, _ in sampling.draw_sample(people, "seed-2", D("10"))}
    assert a != b and len(a) == len(b) == 20


def test_a_new_case_never_reshuffles_the_others():
    people = population(100)
    before = [n for n, _, _ in sampling.draw_sample(people, "s", D("100"))]
    after = [n for n, _, _ in sampling.draw_sample([*people, ("YM-NEW", NANLING)], "s", D("100"))]
    assert [n for n in after if n != "YM-NEW"] == before


@pytest.mark.parametrize(
    ("n", "percent", "size"),
    [
        (0, "30", 0),
        (1, "30", 1),  # any approved case: at least one drawn
        (3, "30", 1),  # 0.9 → 1
        (10, "30", 3),  # exactly 3
        (11, "30", 4),  # 3.3 → 4: rounded up, the share is a floor
        (7, "10", 1),  # 0.7 → 1
        (100, "12.5", 13),  # 12.5 → 13
        (1000, "0.1", 1),
        (5, "100", 5),
    ],
)
def test_share_and_rounding_rule(n, percent, size):
    assert sampling.sample_size(n, D(percent)) == size
    drawn = sampling.draw_sample(population(n), "seed", D(percent))
    assert len(drawn) == size


def test_each_township_gets_its_share():
    people = population(10, NANLING) + population(1, ZIQIANG)
    people[-1] = ("YM-Z-1", ZIQIANG)
    drawn = sampling.draw_sample(people, "x", D("30"))
    by = {}
    for _, stratum, _rank in drawn:
        by[stratum] = by.get(stratum, 0) + 1
    assert by == {NANLING: 3, ZIQIANG: 1}
    assert [r for _, s, r in drawn if s == NANLING] == [1, 2, 3]


# --- the recorded draw --------------------------------------------------------------------


@pytest.fixture
def approved_cases(tree):
    clerk = user_with(Role.TOWNSHIP_APPROVER, NANLING, full_name="刘洋")
    built = []
    for i in range(12):
        village = BEIAN if i % 4 == 0 else HUAYANG  # 3 in 自强, 9 in 南岭
        built.append(
            build_case(
                clerk,
                village=village,
                opened=at(2, 1),
                status="completed",
                accepted=at(2, 2),
                decided=at(2, 10 + i),
                amount="500.00",
                size=2,
            )
        )
    # a refusal and an approval outside the period are not in the population
    build_case(
        clerk,
        village=HUAYANG,
        opened=at(2, 1),
        status="rejected",
        accepted=at(2, 2),
        decided=at(2, 25),
        approved=False,
    )
    build_case(
        clerk,
        village=HUAYANG,
        opened=at(8, 1),
        status="completed",
        accepted=at(8, 2),
        decided=at(8, 10),
        amount="500.00",
    )
    return built


@pytest.fixture
def supervisor(tree):
    return user_with(Role.COUNTY_SUPERVISOR, NANGUAN, full_name="黄志强")


def test_draw_is_recorded_audited_and_reproducible(supervisor, approved_cases):
    draw = sampling.sample_draw(
        population=ASSISTANCE, actor=supervisor, division_code=NANGUAN, period=H1, seed="abc"
    )
    assert (draw.population, draw.percent, draw.seed) == (12, D("30"), "abc")
    assert draw.sample_size == 3 + 1  # ceil(9 × 30 %) + ceil(3 × 30 %)
    assert draw.drawn_by == supervisor and draw.share_source == sampling.DEFAULT_SOURCE
    cases = list(draw.cases.order_by("stratum", "rank"))
    assert [c.stratum for c in cases] == [NANLING] * 3 + [ZIQIANG]
    event = AuditEvent.objects.get(event_type=EventType.SAMPLE_DRAWN)
    assert event.actor_id == supervisor.pk and event.new["seed"] == "abc"
    assert event.new["population"] == 12 and len(event.new["drawn"]) == 4
    # again with the same seed: the same cases; the recorded draw re-draws identically
    again = sampling.sample_draw(
        population=ASSISTANCE, actor=supervisor, division_code=NANGUAN, period=H1, seed="abc"
    )
    ids = lambda d: [c.application_id for c in d.cases.order_by("stratum", "rank")]  # noqa: E731
    assert ids(again) == ids(draw)
    same, numbers = sampling.sample_redraw(ASSISTANCE, draw)
    assert same and numbers == [c.application.case.number for c in cases]
    other = sampling.sample_draw(
        population=ASSISTANCE, actor=supervisor, division_code=NANGUAN, period=H1, seed="xyz"
    )
    assert ids(other) != ids(draw)


def test_a_blank_seed_is_generated_and_kept(supervisor, approved_cases):
    draw = sampling.sample_draw(
        population=ASSISTANCE, actor=supervisor, division_code=NANLING, period=H1
    )
    assert len(draw.seed) == 16 and draw.population == 9 and draw.sample_size == 3


def test_the_share_in_force_is_dated_and_inherited(supervisor, approved_cases):
    today = timezone.localdate()
    sampling.sampling_share_set(
        actor=supervisor,
        division_code=NANGUAN,
        valid_from=today,
        percent=D("50"),
        source="南关区民政局 2026 年抽查方案",
    )
    assert sampling.share_for(NANLING, today).percent == D("50")  # inherited
    assert sampling.share_for(NANLING, today - timedelta(days=1)).percent == D("30")
    draw = sampling.sample_draw(
        population=ASSISTANCE, actor=supervisor, division_code=NANLING, period=H1, seed="s"
    )
    assert draw.sample_size == 5 and draw.share_source == "南关区民政局 2026 年抽查方案"
    assert AuditEvent.objects.filter(event_type=EventType.SAMPLING_SHARE_SET).count() == 1
    with pytest.raises(errors.ShareExists):
        sampling.sampling_share_set(
            actor=supervisor, division_code=NANGUAN, valid_from=today, percent=D("40"), source="x"
        )


@pytest.mark.parametrize(
    ("percent", "source", "days"),
    [
        ("0", "s", 0),
        ("100.01", "s", 0),
        ("12.345", "s", 0),
        ("NaN", "s", 0),
        ("Infinity", "s", 0),
        ("30", " ", 0),
        ("30", "s", -1),
    ],
)
def test_bad_share_is_refused(supervisor, tree, percent, source, days):
    with pytest.raises(Invalid):
        sampling.sampling_share_set(
            actor=supervisor,
            division_code=NANGUAN,
            valid_from=timezone.localdate() + timedelta(days=days),
            percent=D(percent),
            source=source,
        )
    assert not AuditEvent.objects.filter(event_type=EventType.SAMPLING_SHARE_SET).exists()


def test_only_the_county_may_draw(approved_cases, tree):
    for actor in (
        user_with(Role.TOWNSHIP_APPROVER, NANLING),
        user_with(Role.CITY_VIEWER, "220100000000"),
        user_with(Role.COUNTY_SUPERVISOR, "220103000000"),
    ):
        with pytest.raises(errors.SupervisionNotAllowed):
            sampling.sample_draw(
                population=ASSISTANCE, actor=actor, division_code=NANGUAN, period=H1, seed="s"
            )
    assert not SampleDraw.objects.exists()


def test_an_empty_population_writes_nothing(supervisor, tree):
    with pytest.raises(errors.NothingToSample):
        sampling.sample_draw(
            population=ASSISTANCE, actor=supervisor, division_code=NANGUAN, period=H1, seed="s"
        )
    assert (
        not SampleDraw.objects.exists()
        and not AuditEvent.objects.filter(event_type=EventType.SAMPLE_DRAWN).exists()
    )


def test_bad_seed(supervisor, approved_cases):
    with pytest.raises(Invalid):
        sampling.sample_draw(
            population=ASSISTANCE, actor=supervisor, division_code=NANGUAN, period=H1, seed="x" * 65
        )


# --- findings, and the decision is never changed ------------------------------------------


def snapshot(decision: Decision) -> tuple:
    decision.refresh_from_db()
    return (
        decision.approved,
        decision.assistance_type,
        decision.monthly_amount,
        decision.reasons,
        decision.signer_id,
        decision.decided_at,
    )


def test_findings_go_back_to_the_township_and_the_decision_stays(supervisor, approved_cases):
    draw = sampling.sample_draw(
        population=ASSISTANCE, actor=supervisor, division_code=NANLING, period=H1, seed="s"
    )
    first, second = draw.cases.order_by("rank")[:2]
    decision = Decision.objects.get(application=first.application)
    before = snapshot(decision)
    caseworker = user_with(Role.TOWNSHIP_CASEWORKER, NANLING)
    checked = sampling.sample_finding_record(
        population=ASSISTANCE,
        actor=supervisor,
        sampled=first,
        finding=Finding.REVIEW_REQUESTED,
        note="存款核对结果与申报不符，请复核",
    )
    assert checked.finding == Finding.REVIEW_REQUESTED and checked.flag is not None
    flag = SupervisionFlag.objects.get()
    assert flag.application_id == first.application_id and flag.raised_by == supervisor
    assert list(supervision.flags_to_answer(caseworker)) == [flag]
    assert Notification.objects.filter(recipient=caseworker, message__contains="存款").exists()
    assert snapshot(decision) == before  # the county never changes a decision
    sampling.sample_finding_record(
        population=ASSISTANCE, actor=supervisor, sampled=second, finding=Finding.NO_ISSUE, note=""
    )
    assert SupervisionFlag.objects.count() == 1
    events = AuditEvent.objects.filter(event_type=EventType.SAMPLE_CHECKED)
    assert sorted(e.new["finding"] for e in events) == ["no_issue", "review_requested"]
    with pytest.raises(errors.AlreadyChecked):
        sampling.sample_finding_record(
            population=ASSISTANCE,
            actor=supervisor,
            sampled=first,
            finding=Finding.NO_ISSUE,
            note="",
        )


def test_a_review_request_needs_a_note_and_writes_nothing_without(supervisor, approved_cases):
    draw = sampling.sample_draw(
        population=ASSISTANCE, actor=supervisor, division_code=NANLING, period=H1, seed="s"
    )
    sampled = draw.cases.first()
    with pytest.raises(Invalid):
        sampling.sample_finding_record(
            population=ASSISTANCE,
            actor=supervisor,
            sampled=sampled,
            finding=Finding.REVIEW_REQUESTED,
            note=" ",
        )
    with pytest.raises(Invalid):
        sampling.sample_finding_record(
            population=ASSISTANCE, actor=supervisor, sampled=sampled, finding="approve", note=""
        )
    sampled.refresh_from_db()
    assert sampled.finding == Finding.PENDING and not SupervisionFlag.objects.exists()


def test_another_county_cannot_record_findings(supervisor, approved_cases):
    draw = sampling.sample_draw(
        population=ASSISTANCE, actor=supervisor, division_code=NANLING, period=H1, seed="s"
    )
    other = user_with(Role.COUNTY_SUPERVISOR, "220103000000")
    with pytest.raises(errors.SupervisionNotAllowed):
        sampling.sample_finding_record(
            population=ASSISTANCE,
            actor=other,
            sampled=draw.cases.first(),
            finding=Finding.NO_ISSUE,
            note="",
        )
    assert SampledCase.objects.filter(finding=Finding.PENDING).count() == draw.sample_size

"""The county dashboard's figures equal the ones worked out by hand for the history in
test_dashboard_world.py (read its table first)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.supervision.test_dashboard_world import NOW, build_history
from yimen.supervision.areas import Period
from yimen.supervision.dashboard import dashboard
from yimen.supervision.funds import FundRow, funds_by_month_from_decisions

NANGUAN, NANLING, ZIQIANG = "220102000000", "220102001000", "220102002000"
H1 = Period(date(2026, 1, 1), date(2026, 6, 1))


@pytest.fixture
def history(tree):
    return build_history()


def rows_by_code(board):
    return {row.code: row for row in board.rows}


def test_county_rows_by_township(history):
    board = dashboard(NANGUAN, H1, NOW)
    rows = rows_by_code(board)
    assert [r.code for r in board.rows] == [NANLING, ZIQIANG, NANGUAN]
    nanling, ziqiang, total = rows[NANLING], rows[ZIQIANG], board.total
    # opened in the period (G was opened in December), by current status
    assert nanling.by_status == {"completed": 1, "rejected": 1, "active": 2, "withdrawn": 1}
    assert ziqiang.by_status == {"completed": 1, "active": 1}
    assert total.by_status == {"completed": 2, "rejected": 1, "active": 3, "withdrawn": 1}
    assert total.opened == 7
    # in progress now: C (past target and limit), F (an overdue step), E (past both)
    assert (nanling.active, nanling.overdue, nanling.past_limit) == (2, 2, 1)
    assert (ziqiang.active, ziqiang.overdue, ziqiang.past_limit) == (1, 1, 1)
    assert (total.active, total.overdue, total.past_limit) == (3, 3, 2)
    # decisions in the period: A approved, B refused, C approved | D approved
    assert (nanling.decided, nanling.approved, nanling.refused) == (3, 2, 1)
    assert nanling.approval_rate == Decimal("66.7")
    assert ziqiang.approval_rate == Decimal("100.0")
    assert total.approval_rate == Decimal("75.0")
    # medians: {4.5, 10, 20} → 10; {7} → 7; {4.5, 7, 10, 20} → 8.5
    assert nanling.median_days == Decimal("10.0")
    assert ziqiang.median_days == Decimal("7.0")
    assert total.median_days == Decimal("8.5")


def test_township_drills_into_villages(history):
    board = dashboard(NANLING, H1, NOW)
    rows = rows_by_code(board)
    huayang, hengan = rows["220102001001"], rows["220102001002"]
    assert huayang.by_status == {"completed": 1, "active": 2}
    assert hengan.by_status == {"rejected": 1, "withdrawn": 1}
    assert (huayang.decided, huayang.approved, huayang.median_days) == (2, 2, Decimal("7.3"))
    assert (hengan.decided, hengan.approved, hengan.median_days) == (1, 0, Decimal("20.0"))
    assert hengan.approval_rate == Decimal("0.0")
    assert board.total.median_days == Decimal("10.0")


def test_city_sees_counties(history):
    board = dashboard("220100000000", H1, NOW)
    rows = rows_by_code(board)
    assert rows[NANGUAN].decided == 4 and rows[NANGUAN].median_days == Decimal("8.5")
    assert rows["220103000000"].decided == 0 and rows["220103000000"].median_days is None
    assert rows["220103000000"].approval_rate is None


def test_a_shorter_period_changes_only_the_period_figures(history):
    board = dashboard(NANGUAN, Period(date(2026, 3, 1), date(2026, 4, 1)), NOW)
    total = board.total
    assert total.by_status == {"active": 1, "completed": 1}  # C and D
    assert (total.decided, total.approved, total.median_days) == (2, 2, Decimal("5.8"))
    assert (total.active, total.overdue) == (3, 3)  # the present does not depend on it


def test_funds_per_month_and_type(history):
    rows = funds_by_month_from_decisions(NANGUAN, date(2026, 1, 1), date(2026, 6, 1))
    d = Decimal
    assert rows == [
        FundRow(date(2026, 1, 1), "dibao", 1, d("500.00")),  # G from January
        FundRow(date(2026, 2, 1), "dibao", 2, d("1400.00")),  # + A
        FundRow(date(2026, 3, 1), "dibao", 2, d("1400.00")),
        FundRow(date(2026, 4, 1), "dibao", 1, d("900.00")),  # G revoked in March
        FundRow(date(2026, 4, 1), "tekun", 1, d("1500.00")),  # C from April
        FundRow(date(2026, 5, 1), "dibao", 2, d("1500.00")),  # + D
        FundRow(date(2026, 5, 1), "tekun", 1, d("1500.00")),
        FundRow(date(2026, 6, 1), "dibao", 2, d("1500.00")),
        FundRow(date(2026, 6, 1), "tekun", 1, d("1500.00")),
    ]
    ziqiang = funds_by_month_from_decisions(ZIQIANG, date(2026, 5, 1), date(2026, 5, 1))
    assert ziqiang == [FundRow(date(2026, 5, 1), "dibao", 1, d("600.00"))]


def test_empty_area(tree):
    board = dashboard(NANGUAN, H1, NOW)
    assert board.total.opened == 0 and board.total.approval_rate is None
    assert board.funds == []


def test_the_read_model_copies_each_decision_once(history):
    from yimen.assistance.facts import facts_sync
    from yimen.assistance.models import Decision, DecisionFact

    assert facts_sync() == 5  # A, B, C, D and G were decided
    assert DecisionFact.objects.count() == Decision.objects.count() == 5
    assert facts_sync() == 0  # nothing new: nothing copied
    fact = DecisionFact.objects.get(application=history["C"].application)
    assert (fact.division_code, fact.approved, fact.assistance_type, fact.hukou_type) == (
        "220102001001",
        True,
        "tekun",
        "rural",
    )
    assert (fact.persons, fact.monthly_amount, fact.seconds_to_decide) == (
        1,
        Decimal("1500.00"),
        4 * 86400 + 12 * 3600,
    )
    # a decision committed late with a lower id than the last copied one is still copied
    DecisionFact.objects.filter(pk=fact.pk).delete()
    assert facts_sync() == 1 and DecisionFact.objects.filter(pk=fact.pk).exists()


def test_a_decision_through_the_services_reaches_every_figure(staff, settings, tmp_path):
    """No hand-made rows: accepted and approved through the township's own services."""
    from django.utils import timezone

    from tests.assistance.test_public import approved, use_public_urls
    from yimen.supervision.areas import period_from
    from yimen.supervision.statistics import monthly_statistics

    use_public_urls(settings, tmp_path)
    application = approved(staff, amount="876.50")
    period = period_from(None, None)
    board = dashboard(NANGUAN, period, timezone.now())
    nanling = rows_by_code(board)[NANLING]
    assert (nanling.decided, nanling.approved, nanling.by_status) == (1, 1, {"active": 1})
    assert nanling.median_days == Decimal("0.0")  # accepted and decided within the test
    this_month = timezone.localdate().replace(day=1)
    assert board.funds == []  # counted from the month after approval
    from yimen.months import next_month

    later = funds_by_month_from_decisions(NANGUAN, next_month(this_month), next_month(this_month))
    assert later == [FundRow(next_month(this_month), "dibao", 1, Decimal("876.50"))]
    stats = monthly_statistics(NANGUAN, next_month(this_month))
    assert stats.total.tally("dibao", "urban").persons == application.members.count()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_median_equals_the_textbook_median(tree, seed):
    """Random durations, many in the same hour and some equal, odd and even counts: the
    histogram median equals statistics.median over the same durations."""
    import random
    import statistics
    from datetime import timedelta

    from tests.factories import user_with
    from tests.supervision.test_dashboard_world import at, build_case
    from yimen.accounts.roles import Role

    rng = random.Random(seed)
    clerk = user_with(Role.TOWNSHIP_APPROVER, NANLING)
    durations: dict[str, list[float]] = {NANLING: [], ZIQIANG: []}
    for _ in range(rng.randint(20, 40)):
        village = rng.choice(["220102001001", "220102001002", "220102002001"])
        accepted = at(3, 1) + timedelta(minutes=rng.randrange(0, 60 * 24 * 20))
        took = timedelta(seconds=rng.choice([rng.randrange(0, 30 * 86400), 5 * 86400 + 7]))
        build_case(
            clerk,
            village=village,
            opened=accepted,
            status="completed",
            accepted=accepted,
            decided=accepted + took,
            amount="100.00",
        )
        durations[village[:9] + "000"].append(took.total_seconds())

    def expected(values):
        return (Decimal(str(statistics.median(values))) / 86400).quantize(
            Decimal("0.1"), "ROUND_HALF_UP"
        )

    board = dashboard(NANGUAN, H1, NOW)
    rows = rows_by_code(board)
    for township, values in durations.items():
        if values:
            assert rows[township].median_days == expected(values), township
    assert board.total.median_days == expected(durations[NANLING] + durations[ZIQIANG])


def test_the_sync_command(history):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("county_facts_sync", stdout=out)
    assert out.getvalue().startswith("5 decisions copied")
    call_command("county_facts_sync", stdout=out)
    assert "0 decisions copied" in out.getvalue()

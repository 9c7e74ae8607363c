"""Dynamic management: scheduling across the calendar, reported changes, each outcome."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.benefits.conftest import quick_household
from tests.factories import HUAYANG, NANLING
from yimen.audit.models import AuditEvent
from yimen.benefits.models import (
    BeneficiaryStatus,
    Review,
    ReviewPolicy,
    ReviewTrigger,
)
from yimen.benefits.services import reviews
from yimen.benefits.services.payments import roll_compute
from yimen.benefits.services.policy import policy_for
from yimen.benefits.services.reviews import ChangeReport, ReviewDecision
from yimen.errors import Invalid, YimenError
from yimen.workflow import services as workflow
from yimen.workflow.models import Task

# changes are reported on fixed days, which must lie in the past: the clock is pinned
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]
NANLING_TOWN = NANLING


def _recheck(staff, review):
    task = Task.objects.get(case=review.case, step="recheck")
    workflow.task_complete(task_id=task.pk, actor=staff.caseworker, reason="入户核查")


def _decide(staff, review, outcome, today, **extra):
    return reviews.review_decide(
        actor=staff.approver,
        decision=ReviewDecision(review.pk, outcome, "复核结论", **extra),
        today=today,
    )


@pytest.mark.parametrize(
    ("due", "today", "opens"),
    [
        (date(2026, 1, 1), date(2025, 12, 16), False),  # 16 days ahead: not yet
        (date(2026, 1, 1), date(2025, 12, 17), True),  # 15 days ahead (lead time)
        (date(2026, 3, 1), date(2026, 2, 14), True),  # across February
        (date(2025, 6, 1), date(2026, 1, 1), True),  # overdue is opened too
    ],
)
def test_scheduled_reviews_open_within_the_lead_time(staff, due, today, opens):
    home = quick_household(staff.caseworker)
    home.next_review_on = due
    home.save()
    assert reviews.reviews_open_due(today) == int(opens)
    assert reviews.reviews_open_due(today) == 0  # idempotent
    if opens:
        review = Review.objects.get(beneficiary=home)
        assert review.trigger == ReviewTrigger.SCHEDULED and review.due_on == due
        assert review.case.tasks.get(step="recheck").status == "open"


def test_a_dated_division_policy_overrides_the_statute(staff):
    assert policy_for(HUAYANG, date(2026, 1, 1)).unstable_months == 6
    ReviewPolicy.objects.create(
        division_id="220102000000", valid_from=date(2026, 3, 1), unstable_months=3, source="测"
    )
    assert policy_for(HUAYANG, date(2026, 2, 28)).unstable_months == 6
    assert policy_for(HUAYANG, date(2026, 3, 1)).unstable_months == 3
    assert policy_for("220104000000", date(2026, 3, 1)).unstable_months == 6


def test_a_death_opens_a_review_due_within_three_months(staff):
    home = quick_household(staff.caseworker)
    review = reviews.change_report(
        actor=staff.village,
        change=ChangeReport(home.pk, "death", "户主之母去世", date(2026, 11, 30)),
        today=date(2026, 12, 2),
    )
    assert review.trigger == ReviewTrigger.CHANGE_REPORTED
    assert review.due_on == date(2027, 2, 28)  # 30 Nov + 3 months, clipped to February
    # a second report joins the open review instead of opening another
    again = reviews.change_report(
        actor=staff.caseworker,
        change=ChangeReport(home.pk, "income", "子女就业", date(2026, 12, 1)),
        today=date(2026, 12, 2),
    )
    assert again.pk == review.pk and "子女就业" in again.report
    assert AuditEvent.objects.filter(event_type="benefits.change_reported").count() == 2


def test_bad_reports_are_refused_and_write_nothing(staff):
    home = quick_household(staff.caseworker)
    for change in (
        ChangeReport(home.pk, "lottery", "x", date(2026, 1, 1)),
        ChangeReport(home.pk, "income", "  ", date(2026, 1, 1)),
        ChangeReport(home.pk, "income", "x", date(2030, 1, 1)),
    ):
        with pytest.raises(Invalid):
            reviews.change_report(actor=staff.village, change=change, today=date(2026, 12, 1))
    assert Review.objects.count() == 0
    with pytest.raises(YimenError):  # another township's caseworker cannot see it
        reviews.change_report(
            actor=staff.other_caseworker,
            change=ChangeReport(home.pk, "income", "x", date(2026, 1, 1)),
        )


def _reported(staff, home, today):
    review = reviews.change_report(
        actor=staff.village,
        change=ChangeReport(home.pk, "income", "收入变化", today),
        today=today,
    )
    _recheck(staff, review)
    return review


def _paid(month):
    return {ln.beneficiary_id: ln.amount for ln in roll_compute(NANLING_TOWN, month).lines}


@pytest.mark.parametrize(
    ("outcome", "extra", "december", "january", "status"),
    [
        ("continue", {}, Decimal("500.00"), Decimal("500.00"), BeneficiaryStatus.ACTIVE),
        (
            "adjust",
            {"new_amount": Decimal("420.50")},
            Decimal("500.00"),
            Decimal("420.50"),
            BeneficiaryStatus.ACTIVE,
        ),
        ("suspend", {}, Decimal("500.00"), None, BeneficiaryStatus.SUSPENDED),
        ("stop", {}, Decimal("500.00"), None, BeneficiaryStatus.STOPPED),
    ],
)
def test_each_outcome_takes_effect_in_the_next_roll(
    staff, outcome, extra, december, january, status
):
    home = quick_household(staff.caseworker)
    review = _reported(staff, home, date(2026, 12, 10))
    _decide(staff, review, outcome, date(2026, 12, 10), **extra)
    home.refresh_from_db()
    assert home.status == status
    assert _paid(date(2026, 12, 1)).get(home.pk) == december
    assert _paid(date(2027, 1, 1)).get(home.pk) == january
    event = AuditEvent.objects.get(event_type="benefits.review_decided")
    assert event.signer_name if hasattr(event, "signer_name") else True


def test_phase_out_pays_on_for_the_months_then_stops(staff):
    home = quick_household(staff.caseworker)
    review = _reported(staff, home, date(2026, 12, 10))
    _decide(staff, review, "phase_out", date(2026, 12, 10), phase_out_months=3)
    paid = [_paid(date(y, m, 1)).get(home.pk) for y, m in [(2027, 1), (2027, 3), (2027, 4)]]
    assert paid == [Decimal("500.00"), Decimal("500.00"), None]


def test_phase_out_longer_than_the_policy_is_refused(staff):
    home = quick_household(staff.caseworker)
    review = _reported(staff, home, date(2026, 12, 10))
    with pytest.raises(Invalid):
        _decide(staff, review, "phase_out", date(2026, 12, 10), phase_out_months=7)
    assert home.entitlements.count() == 1


def test_continue_resumes_a_suspension(staff):
    home = quick_household(staff.caseworker)
    first = _reported(staff, home, date(2026, 12, 10))
    _decide(staff, first, "suspend", date(2026, 12, 10))
    second = _reported(staff, home, date(2027, 2, 3))
    _decide(staff, second, "continue", date(2027, 2, 3))
    assert _paid(date(2027, 2, 1)).get(home.pk) is None
    assert _paid(date(2027, 3, 1)).get(home.pk) == Decimal("500.00")


def test_only_the_approver_decides_and_only_once(staff):
    home = quick_household(staff.caseworker)
    review = _reported(staff, home, date(2026, 12, 10))
    with pytest.raises(YimenError):
        reviews.review_decide(
            actor=staff.caseworker,
            decision=ReviewDecision(review.pk, "stop", "理由"),
            today=date(2026, 12, 10),
        )
    with pytest.raises(YimenError):  # the county supervises, never decides
        reviews.review_decide(
            actor=staff.supervisor,
            decision=ReviewDecision(review.pk, "stop", "理由"),
            today=date(2026, 12, 10),
        )
    _decide(staff, review, "stop", date(2026, 12, 10))
    with pytest.raises(YimenError):
        _decide(staff, review, "continue", date(2026, 12, 10))
    assert home.entitlements.count() == 2


def test_decision_needs_reasons(staff):
    home = quick_household(staff.caseworker)
    review = _reported(staff, home, date(2026, 12, 10))
    with pytest.raises(Invalid):
        reviews.review_decide(
            actor=staff.approver,
            decision=ReviewDecision(review.pk, "adjust", " ", new_amount=Decimal("1")),
            today=date(2026, 12, 10),
        )


def test_the_next_review_is_scheduled_from_the_decision(staff):
    home = quick_household(staff.caseworker)
    review = _reported(staff, home, date(2026, 12, 10))
    _decide(staff, review, "continue", date(2026, 12, 10))
    home.refresh_from_db()
    assert home.next_review_on == date(2028, 1, 1)  # stable: 12 months from January 2027


def test_a_reported_change_is_due_within_the_process_limit(staff):
    from yimen.workflow.calendar import add_working_days

    home = quick_household(staff.caseworker)
    review = reviews.change_report(
        actor=staff.village,
        change=ChangeReport(home.pk, "moved", "迁往外省", date(2026, 11, 30)),
        today=date(2026, 12, 1),
    )
    assert review.due_on == add_working_days(date(2026, 12, 1), 20)


def test_a_county_finding_on_a_household_opens_a_review(staff, approved):
    from yimen.supervision.services.flags import supervision_flag_raise

    application = approved()
    home = application.beneficiary
    supervision_flag_raise(
        actor=staff.supervisor, application=application, comment="抽查发现有经营性收入"
    )
    review = Review.objects.get(beneficiary=home)
    assert review.trigger == ReviewTrigger.COUNTY_REQUEST and "经营性收入" in review.report
    assert review.case.tasks.get(step="recheck").status == "open"
    with pytest.raises(YimenError):  # and the county still cannot decide it
        reviews.review_decide(
            actor=staff.supervisor,
            decision=ReviewDecision(review.pk, "stop", "理由"),
            today=date(2026, 12, 10),
        )

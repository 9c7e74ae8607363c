"""Dated per-division time limits, cycle dates, and deciding a cycle on one page."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.assistance.conftest import household_input
from tests.assistance.test_case_paths import attach_basics, investigate
from tests.factories import HUAYANG, NANGUAN, NANLING
from yimen.assistance.limits import cycle_of, deadlines_from, time_limit_for
from yimen.assistance.models import CaseTimeLimit, CycleSchedule, Decision
from yimen.assistance.services import intake, steps
from yimen.workflow.models import Task

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("on", "start", "following"),
    [
        (date(2026, 11, 29), date(2026, 11, 16), date(2026, 12, 1)),
        (date(2026, 12, 1), date(2026, 12, 1), date(2026, 12, 16)),
        (date(2026, 12, 20), date(2026, 12, 16), date(2027, 1, 1)),
        (date(2026, 1, 15), date(2026, 1, 1), date(2026, 1, 16)),
    ],
)
def test_default_cycles_are_the_1st_and_16th(db, on, start, following):
    assert cycle_of(NANLING, on) == (start, following)


def test_a_township_schedule_applies_from_its_date(tree):
    CycleSchedule.objects.create(
        division_id=NANLING,
        valid_from=date(2026, 12, 1),
        days="5,20",
        source="南岭街道 2026 年 11 月通知",
    )
    assert cycle_of(NANLING, date(2026, 11, 29))[0] == date(2026, 11, 16)
    assert cycle_of(NANLING, date(2026, 12, 10)) == (date(2026, 12, 5), date(2026, 12, 20))
    assert cycle_of(HUAYANG, date(2026, 12, 10))[0] == date(2026, 12, 5)  # villages inherit


def test_time_limit_default_and_nearest_ancestor(tree):
    assert time_limit_for(HUAYANG, date(2026, 11, 1)).calendar_days == 15
    CaseTimeLimit.objects.create(
        division_id=NANGUAN,
        valid_from=date(2026, 1, 1),
        calendar_days=12,
        statutory_working_days=20,
        source="区民政局",
    )
    CaseTimeLimit.objects.create(
        division_id=NANLING,
        valid_from=date(2026, 12, 1),
        calendar_days=10,
        statutory_working_days=18,
        source="街道",
    )
    assert time_limit_for(HUAYANG, date(2026, 11, 1)).calendar_days == 12
    limit = time_limit_for(HUAYANG, date(2026, 12, 2))
    assert (limit.calendar_days, limit.statutory_working_days) == (10, 18)


def test_deadlines_count_calendar_and_working_days_across_national_day_2020(tree):
    accepted = datetime(2020, 9, 30, 10, 0, tzinfo=SH)
    due = deadlines_from(HUAYANG, accepted)
    assert due.target.date() == date(2020, 10, 15)
    # 20 working days: Oct 1–8 are holidays, Sat Oct 10 is a make-up workday
    assert due.statutory.date() == date(2020, 11, 4)


def _ready_for_decision(staff, settings, tmp_path, *, head="张建明", area_serial="011"):
    settings.MEDIA_ROOT = tmp_path
    data = household_input()
    data.members = data.members[:1]
    data.members[0].name = head
    from tests.assistance.conftest import id_number

    data.members[0].id_number = id_number("19700312", area_serial)
    application = intake.application_create(actor=staff.caseworker, data=data)
    attach_basics(staff.caseworker, application)
    steps.case_accept(actor=staff.caseworker, application=application)
    investigate(staff, application)
    return application


def test_approver_decides_a_cycle_on_one_page(client, staff, settings, tmp_path):
    first = _ready_for_decision(staff, settings, tmp_path)
    second = _ready_for_decision(staff, settings, tmp_path, head="赵淑珍", area_serial="013")
    late = _ready_for_decision(staff, settings, tmp_path, head="孙立", area_serial="015")
    start = cycle_of(NANLING, date.today())[0]
    before = datetime.combine(start - timedelta(days=1), datetime.min.time(), tzinfo=SH)
    Task.objects.filter(step="decide", case__in=[first.case, second.case]).update(opened_at=before)
    Task.objects.filter(step="decide", case=late.case).update(
        opened_at=datetime.combine(start + timedelta(days=1), datetime.min.time(), tzinfo=SH)
    )
    client.force_login(staff.approver)
    page = client.get("/assistance/cycles/?step=decide")
    assert page.status_code == 200
    body = page.content.decode()
    assert first.case.number in body and second.case.number in body
    # the late case is not decided here; it is listed as waiting for the next cycle
    assert f'id="row-{late.pk}"' not in body and f'id="waiting-{late.pk}"' in body

    refused = client.post(
        "/assistance/cycles/?step=decide",
        {
            f"choice-{first.pk}": "approve",
            f"type-{first.pk}": "dibao",
            f"amount-{first.pk}": "800.00",
            f"choice-{second.pk}": "refuse",
            f"reasons-{second.pk}": "",
        },
    )
    assert refused.status_code == 400
    assert Decision.objects.count() == 0  # all or nothing

    done = client.post(
        "/assistance/cycles/?step=decide",
        {
            f"choice-{first.pk}": "approve",
            f"type-{first.pk}": "dibao",
            f"amount-{first.pk}": "800.00",
            f"choice-{second.pk}": "refuse",
            f"reasons-{second.pk}": "存款超过规定",
        },
    )
    assert done.status_code == 302
    signed = Decision.objects.order_by("pk")
    assert [d.approved for d in signed] == [True, False]
    assert {d.signer_name for d in signed} == {"刘洋"}


def test_cycle_page_refuses_users_without_a_township_role(client, staff):
    client.force_login(staff.supervisor)
    assert client.get("/assistance/cycles/").status_code == 403

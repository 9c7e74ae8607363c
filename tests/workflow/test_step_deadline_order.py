"""A later step is never due before an earlier one: when the verification and the visit
finish early, the approval keeps at least their deadline."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from tests.assistance.conftest import household_input, staff  # noqa: F401  (fixture)
from tests.assistance.test_case_paths import attach_basics, investigate
from yimen.assistance.services import intake, steps
from yimen.workflow.models import Task
from yimen.workflow.planning import not_before

SH = ZoneInfo("Asia/Shanghai")


def test_not_before_keeps_the_later_of_the_two():
    early, late = datetime(2026, 11, 2, tzinfo=SH), datetime(2026, 11, 9, tzinfo=SH)
    assert not_before(early, late) == late
    assert not_before(late, early) == late
    assert not_before(None, late) is None and not_before(early, None) == early


def test_the_approval_is_not_due_before_the_verification(staff, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(datetime(2026, 11, 9, 9, 0, tzinfo=SH), tick=False):  # Monday
        application = intake.application_create(actor=staff.caseworker, data=household_input())
        attach_basics(staff.caseworker, application)
        steps.case_accept(actor=staff.caseworker, application=application)
    # both investigations done the next day: the approval (3 working days) would be due on
    # Friday the 13th, before the verification's own deadline (10 working days: the 23rd)
    with time_machine.travel(datetime(2026, 11, 10, 9, 0, tzinfo=SH), tick=False):
        investigate(staff, application)
    due = dict(Task.objects.filter(case=application.case).values_list("step", "due_at"))
    assert due["verify"] is not None and due["decide"] is not None
    assert due["decide"] >= due["verify"] >= due["accept"]
    assert due["decide"].astimezone(SH).date().isoformat() == "2026-11-23"

"""Fixtures of the complaints tests: the staff of 南岭街道 (tests/assistance/conftest.py),
complaint handlers of the two townships and of the county, a second approver, a citizen
with an account, and decisions to challenge — a refused application, a household stopped
by a review — all made through the real use cases, at the pinned clock."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests.assistance.conftest import household_input, staff  # noqa: F401
from tests.assistance.test_case_paths import attach_basics, investigate
from tests.benefits.conftest import approved  # noqa: F401
from tests.factories import HUAYANG, NANGUAN, NANLING, ZIQIANG, user_with
from yimen.accounts.roles import Role
from yimen.assistance.services import intake, steps
from yimen.benefits.models import Review
from yimen.benefits.services import reviews
from yimen.benefits.services.reviews import ChangeReport, ReviewDecision
from yimen.complaints.services.reports import ReportInput, report_submit
from yimen.workflow import services as workflow
from yimen.workflow.models import Task

REPORTER_NAME = "举报人甲乙丙"
REPORTER_PHONE = "13704315566"


@pytest.fixture
def people(staff):  # noqa: F811
    return SimpleNamespace(
        **vars(staff),
        handler=user_with(Role.COMPLAINT_HANDLER, NANLING, full_name="宋雅琴"),
        handler_b=user_with(Role.COMPLAINT_HANDLER, NANLING, full_name="孔令辉"),
        county_handler=user_with(Role.COMPLAINT_HANDLER, NANGUAN, full_name="邓国华"),
        other_handler=user_with(Role.COMPLAINT_HANDLER, ZIQIANG, full_name="韩立新"),
        approver_b=user_with(Role.TOWNSHIP_APPROVER, NANLING, full_name="钱晓东"),
        citizen=user_with(Role.APPLICANT, HUAYANG, full_name="王秀英", username="citizen1"),
    )


def lodge(
    *,
    kind="household",
    where=HUAYANG,
    level="",
    reporter=None,
    name="",
    phone="",
    address="10.0.0.1",
    limited=True,
):
    return report_submit(
        data=ReportInput(
            kind=kind,
            division_code=where,
            subject_name="王某某",
            text="该户有营运车辆仍领取低保",
            staff_level=level,
            reporter_name=name,
            reporter_phone=phone,
        ),
        reporter=reporter,
        address=address,
        limited=limited,
    )


@pytest.fixture
def refused(people, settings, tmp_path):
    """A refused application of 华阳社区, signed by ``people.approver``; the applicant's
    account is ``people.citizen``."""
    settings.MEDIA_ROOT = tmp_path
    application = intake.application_create(actor=people.caseworker, data=household_input())
    application.applicant = people.citizen
    application.save(update_fields=["applicant"])
    attach_basics(people.caseworker, application)
    steps.case_accept(actor=people.caseworker, application=application)
    investigate(people, application)
    steps.case_decide(
        actor=people.approver,
        application=application,
        approve=False,
        reasons="家庭存款超过规定标准",
    )
    return application


@pytest.fixture
def stopped(people, approved):  # noqa: F811
    """A household approved, enrolled, then stopped by a review signed by the approver."""
    application = approved()
    beneficiary = application.beneficiary
    review = reviews.change_report(
        actor=people.caseworker,
        change=ChangeReport(beneficiary.pk, "income", "家庭成员就业", date(2026, 12, 1)),
    )
    task = Task.objects.get(case=review.case, step="recheck")
    workflow.task_complete(task_id=task.pk, actor=people.caseworker, reason="入户核查")
    reviews.review_decide(
        actor=people.approver,
        decision=ReviewDecision(review.pk, "stop", "收入超过保障标准"),
    )
    application.refresh_from_db()
    return SimpleNamespace(application=application, review=Review.objects.get(pk=review.pk))


AMOUNT = Decimal("650.00")

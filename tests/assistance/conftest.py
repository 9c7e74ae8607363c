"""Fixtures for assistance: staff of 南岭街道 and a household's application input."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone
from stdnum.cn import ric

from tests.factories import HUAYANG, NANGUAN, NANLING, ZIQIANG, user_with
from yimen.accounts.roles import Role
from yimen.assistance.inputs import (
    ApplicationInput,
    AssetInput,
    IncomeInput,
    MemberInput,
)


def id_number(birth: str, serial: str = "001", area: str = "220102") -> str:
    """A valid 18-digit ID number for a birth date YYYYMMDD (odd serial: male)."""
    body = f"{area}{birth}{serial}"
    return body + ric.calc_check_digit(body + "0")  # the argument includes a check slot


def signed_before_today() -> date:
    """The day the test households signed their promise and authorisation."""
    return timezone.localdate() - timedelta(days=35)


def household_input(*, signed=True, disputed_income=False, **overrides) -> ApplicationInput:
    """A three-person urban household of 华阳社区 applying for 低保."""
    # five weeks before today (2026-11-02 on the pinned day): a fixed day would lie in the
    # future, and be refused, with the clock set back
    signed_on = signed_before_today() if signed else None
    members = [
        MemberInput(
            name="张建明",
            id_number=id_number("19700312", "011"),
            relationship="head",
            work_ability="partial",
            incomes=[
                IncomeInput("wages", Decimal("900.00")),
                IncomeInput("x_assistance", Decimal("50")),
            ],
            promise_signed_on=signed_on,
            authorisation_signed_on=signed_on,
        ),
        MemberInput(
            name="李秀兰",
            id_number=id_number("19720508", "022"),
            relationship="spouse",
            disability_kind="physical",
            disability_grade=2,
            work_ability="none",
            promise_signed_on=signed_on,
            authorisation_signed_on=signed_on,
        ),
        MemberInput(
            name="张小雨",
            id_number=id_number("20120901", "042"),
            relationship="child",
            student=True,
        ),
    ]
    data = ApplicationInput(
        division_code=HUAYANG,
        address="南关区华阳街 12 号 3 单元 201",
        hukou_type="urban",
        assistance_type="dibao",
        channel="counter",
        members=members,
        assets=[
            AssetInput("deposit", Decimal("3000.00")),
            AssetInput("vehicle", Decimal("0"), 1, "ebike"),
        ],
        phone="13912345678",
        reason="丈夫打零工收入低，妻子肢体残疾，孩子上学，生活困难",
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


@pytest.fixture
def staff(tree):
    return SimpleNamespace(
        caseworker=user_with(Role.TOWNSHIP_CASEWORKER, NANLING, full_name="张丽"),
        caseworker_b=user_with(Role.TOWNSHIP_CASEWORKER, NANLING, full_name="王芳"),
        social_worker=user_with(Role.SOCIAL_WORKER, NANLING, full_name="陈静"),
        approver=user_with(Role.TOWNSHIP_APPROVER, NANLING, full_name="刘洋"),
        village=user_with(Role.VILLAGE_STAFF, HUAYANG, full_name="李桂兰"),
        supervisor=user_with(Role.COUNTY_SUPERVISOR, NANGUAN, full_name="黄志强"),
        other_caseworker=user_with(Role.TOWNSHIP_CASEWORKER, ZIQIANG, full_name="杨帆"),
    )

"""A small world for page and API tests: two townships of 南关区, a case in each, and one
user for every role the tests exercise. Shared by tests/web, tests/api and tests/browser."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import GENERIC_ASSIST, HUAYANG, NANGUAN, NANLING, ZIQIANG, user_with
from yimen.accounts.models import User
from yimen.accounts.roles import Role
from yimen.assistance.process import ACCEPT
from yimen.regions.models import Division
from yimen.workflow import services
from yimen.workflow.models import Case, Task

BEIAN = "220102002001"  # 北安社区, a community of 自强街道
PASSWORD = "correct horse battery"  # tests/factories.UserFactory sets it

MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"

# Outcomes of the acceptance step, read from the declaration so the tests follow it.
ACCEPTED = "accepted"
NEEDS_REASON = next(o.code for o in ACCEPT.outcomes if o.needs_reason)
ACCEPT_CHOICES = ", ".join(o.code for o in ACCEPT.outcomes)
assert ACCEPT.outcome(ACCEPTED) is not None


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 (first in production) costs ~0.4 s per hash on a CI machine, and these tests
    create and log in many users; hashing with MD5 first keeps them fast. Argon2 itself is
    checked in tests/accounts/test_login.py against the real list."""
    settings.PASSWORD_HASHERS = [MD5, *[h for h in settings.PASSWORD_HASHERS if h != MD5]]


@dataclass
class World:
    caseworker: User  # 南岭街道 township caseworker
    other_caseworker: User  # 自强街道 township caseworker
    approver: User  # 南岭街道 approver
    supervisor: User  # 南关区 county supervisor
    citizen: User  # applicant living in 华阳社区
    case: Case  # 南岭街道 (华阳社区), the citizen's own application
    neighbour_case: Case  # 南岭街道 (华阳社区), somebody else's
    other_case: Case  # 自强街道 (北安社区)

    def task(self, case: Case, step: str = "accept") -> Task:
        return Task.objects.get(case=case, step=step)


def build_world() -> World:
    caseworker = user_with(Role.TOWNSHIP_CASEWORKER, NANLING, full_name="张丽")
    other = user_with(Role.TOWNSHIP_CASEWORKER, ZIQIANG, full_name="杨帆")
    approver = user_with(Role.TOWNSHIP_APPROVER, NANLING, full_name="刘洋")
    supervisor = user_with(Role.COUNTY_SUPERVISOR, NANGUAN, full_name="黄志强")
    citizen = user_with(Role.APPLICANT, HUAYANG, full_name="王秀英")
    huayang = Division.objects.get(pk=HUAYANG)
    case = services.case_open(
        process_code=GENERIC_ASSIST,
        division=huayang,
        actor=caseworker,
        title="王秀英家庭 低保申请",
        applicant=citizen,
    )
    neighbour = services.case_open(
        process_code=GENERIC_ASSIST, division=huayang, actor=caseworker, title="李建华家庭 低保申请"
    )
    other_case = services.case_open(
        process_code=GENERIC_ASSIST,
        division=Division.objects.get(pk=BEIAN),
        actor=other,
        title="赵淑珍 特困供养申请",
    )
    return World(caseworker, other, approver, supervisor, citizen, case, neighbour, other_case)


@pytest.fixture
def world(tree) -> World:
    return build_world()

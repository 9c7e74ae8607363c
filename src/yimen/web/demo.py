"""Demo data: one user for every role around 南岭街道 (Changchun, 南关区).

Loaded by `yimen load_demo` (part of `make demo`); safe to rerun. The passwords are for a
local demonstration only and are printed so a newcomer can log in as each role at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from yimen.accounts.models import RoleBinding, User
from yimen.accounts.roles import Role
from yimen.regions.models import Division

DEMO_PASSWORD = "yimen-demo-2026"  # noqa: S105 — printed on purpose, demo only

PROVINCE, CITY, DISTRICT = "220000000000", "220100000000", "220102000000"
TOWNSHIP, OTHER_TOWNSHIP = "220102001000", "220102002000"
VILLAGE, OTHER_VILLAGE = "220102001001", "220102001002"
YUSHU = "220182000000"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    division: str


DEMO_USERS = [
    DemoUser("citizen", "王秀英", Role.APPLICANT, VILLAGE),
    DemoUser("village", "李桂兰", Role.VILLAGE_STAFF, VILLAGE),
    DemoUser("grid", "赵建国", Role.GRID_WORKER, VILLAGE),
    DemoUser("caseworker", "张丽", Role.TOWNSHIP_CASEWORKER, TOWNSHIP),
    DemoUser("approver", "刘洋", Role.TOWNSHIP_APPROVER, TOWNSHIP),
    DemoUser("socialworker", "陈静", Role.SOCIAL_WORKER, TOWNSHIP),
    DemoUser("caseworker2", "杨帆", Role.TOWNSHIP_CASEWORKER, OTHER_TOWNSHIP),
    DemoUser("supervisor", "黄志强", Role.COUNTY_SUPERVISOR, DISTRICT),
    DemoUser("cityviewer", "周敏", Role.CITY_VIEWER, CITY),
    DemoUser("medins", "吴海燕", Role.MEDINS_AGENCY, CITY),
    DemoUser("hospital", "徐磊", Role.HOSPITAL_OPERATOR, CITY),
    DemoUser("subsidy", "孙立军", Role.SUBSIDY_REVIEWER, YUSHU),
    DemoUser("inspector", "马超", Role.ENV_INSPECTOR, PROVINCE),
    DemoUser("examadmin", "朱红梅", Role.EXAM_ADMIN, PROVINCE),
    DemoUser("admin", "胡文", Role.SYSTEM_ADMIN, PROVINCE),
    # a county administrator: manages the users, roles and settings of 南关区 only
    DemoUser("countyadmin", "孟庆华", Role.SYSTEM_ADMIN, DISTRICT),
]


@transaction.atomic
def load_demo_users() -> list[DemoUser]:
    """Create (or reset) the demo accounts and their role bindings."""
    for demo in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=demo.username)
        user.full_name = demo.full_name
        # only the province's administrator is also a Django superuser (/admin/); a
        # superuser is out of every county administrator's reach
        user.is_staff = user.is_superuser = (
            demo.role == Role.SYSTEM_ADMIN and demo.division == PROVINCE
        )
        # the demo's password obeys the same rules as everyone's (a ValidationError here
        # means DEMO_PASSWORD was weakened, not that the demo may skip them)
        validate_password(DEMO_PASSWORD, user)
        user.set_password(DEMO_PASSWORD)
        user.save()
        RoleBinding.objects.get_or_create(
            user=user, role=demo.role, division=Division.objects.get(pk=demo.division)
        )
    return DEMO_USERS

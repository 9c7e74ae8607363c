"""Demo data: one user for every role around 南岭街道 (Changchun, 南关区).

Loaded by `yimen load_demo` (part of `make demo`) through ``demo_loader`` on the accounts
app config, right after the divisions; safe to rerun. The accounts are the kernel's: every
service's role is an accounts role, and a service that needs more people (a second
township's staff) creates them with ``ensure_demo_users`` and lists them in its own
``demo_accounts``. The passwords are for a local demonstration only and are printed so a
newcomer can log in as each role at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from yimen.regions.models import Division

from .models import RoleBinding, User
from .roles import Role

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
    return ensure_demo_users(DEMO_USERS)


def load() -> str:
    """The accounts app's ``demo_loader``."""
    return f"{len(load_demo_users())} 个账号 accounts"


@transaction.atomic
def ensure_demo_users(users) -> list[DemoUser]:
    """Create (or reset) ``users`` with the demo password and their role bindings; any app's
    demo calls it for the accounts it adds."""
    users = list(users)
    for demo in users:
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
    return users

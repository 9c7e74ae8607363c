"""Factories for tests: users with role bindings, and a small real division tree."""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password

from yimen.accounts.models import RoleBinding, User
from yimen.accounts.roles import Role
from yimen.regions.codes import level_of, normalize_code, parent_code
from yimen.regions.models import Division

# Real codes (统计用区划代码 2023): Jilin › Changchun › 南关区 › 南岭街道 / 自强街道 › communities,
# and 榆树市 for a county-level city; 宽城区 for another district.
TREE = [
    ("220000000000", "吉林省"),
    ("220100000000", "长春市"),
    ("220102000000", "南关区"),
    ("220102001000", "南岭街道"),
    ("220102001001", "华阳社区"),
    ("220102001002", "恒安社区"),
    ("220102002000", "自强街道"),
    ("220102002001", "北安社区"),
    ("220103000000", "宽城区"),
    ("220182000000", "榆树市"),
    ("460000000000", "海南省"),
    ("460100000000", "海口市"),
]
NANLING = "220102001000"
ZIQIANG = "220102002000"
NANGUAN = "220102000000"
HUAYANG = "220102001001"


def build_tree() -> dict[str, Division]:
    """Create the small tree above (parents first) and return it by code."""
    made: dict[str, Division] = {}
    for code, name in TREE:
        made[code] = Division.objects.create(
            code=code,
            name=name,
            level=level_of(code),
            parent=made.get(parent_code(code)) if parent_code(code) else None,
        )
    return made


TEST_PASSWORD = "correct horse battery"
TEST_PASSWORD_HASH = make_password(TEST_PASSWORD, hasher="md5")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    # hashed once with MD5 for speed (Argon2 costs ~0.4 s per user); login still works
    password = factory.LazyFunction(lambda: TEST_PASSWORD_HASH)


def user_with(role: Role, division: str, **kwargs) -> User:
    """A user holding ``role`` bound to ``division`` (6/9/12-digit code)."""
    user = UserFactory(**kwargs)
    user.save()
    RoleBinding.objects.create(user=user, role=role, division_id=normalize_code(division))
    return user


GENERIC_ASSIST = "assist_generic"


def register_generic_assist() -> str:
    """The assistance process with ordinary steps, for tests of the generic engine, pages
    and API: the real one's steps are completed only through their own services."""
    from dataclasses import replace

    from yimen.assistance.process import ASSISTANCE_PROCESS
    from yimen.workflow.process import Stage
    from yimen.workflow.registry import _PROCESSES, register

    if GENERIC_ASSIST not in _PROCESSES:
        stages = tuple(
            Stage(tuple(replace(step, service_only=False) for step in stage.steps))
            for stage in ASSISTANCE_PROCESS.stages
        )
        register(replace(ASSISTANCE_PROCESS, code=GENERIC_ASSIST, stages=stages))
    return GENERIC_ASSIST

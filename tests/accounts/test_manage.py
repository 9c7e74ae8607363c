"""Managing users and role bindings (issue 14): scoped to the administrator's area (a
system_admin bound to a county is the county's administrator) and audited with who, what,
when, why and the old and new values."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from tests.factories import HUAYANG, NANGUAN, NANLING, UserFactory, user_with
from yimen.accounts.managing import (
    NothingChanged,
    ReasonRequired,
    UserInvalid,
    user_create,
    user_password_set,
    user_update,
)
from yimen.accounts.models import RoleBinding, User
from yimen.accounts.reach import NotManager, NotYourUser, SelfManagement
from yimen.accounts.roles import Role
from yimen.accounts.services import role_grant
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.audit.verify import verify_chain
from yimen.regions.models import Division

pytestmark = pytest.mark.django_db

JILIN, KUANCHENG = "220000000000", "220103000000"
STRONG = "Ch4ngchun-civil-2026"
MANAGE = "/accounts/manage/"


@pytest.fixture
def province_admin(tree):
    return user_with(Role.SYSTEM_ADMIN, JILIN, full_name="胡文")


@pytest.fixture
def county_admin(tree):
    """The 南关区 administrator: system_admin bound to the county."""
    return user_with(Role.SYSTEM_ADMIN, NANGUAN, full_name="南关管理员")


@pytest.fixture
def ours(tree):
    return user_with(Role.TOWNSHIP_CASEWORKER, NANLING, full_name="张丽", phone="13800000001")


@pytest.fixture
def theirs(tree):
    """A caseworker of 宽城区, another county."""
    return user_with(Role.TOWNSHIP_CASEWORKER, KUANCHENG, full_name="宽城人")


def events(kind):
    return list(AuditEvent.objects.filter(event_type=kind).order_by("seq"))


# --- the services --------------------------------------------------------------------


def test_creating_a_user_is_audited_without_the_password(county_admin):
    user = user_create(
        actor=county_admin,
        username="zhangsan",
        full_name="张三",
        phone="13900000000",
        password=STRONG,
        role=Role.VILLAGE_STAFF,
        division=Division.objects.get(pk=HUAYANG),
        reason="新入职",
    )
    assert authenticate(username="zhangsan", password=STRONG) == user
    assert RoleBinding.objects.get(user=user).granted_by == county_admin
    created, granted = events(EventType.USER_CREATED), events(EventType.ROLE_GRANTED)
    assert len(created) == 1 and len(granted) == 1
    event = created[0]
    assert event.actor == county_admin and event.actor_name == "南关管理员"
    assert (event.role, event.division_code, event.reason) == (Role.SYSTEM_ADMIN, NANGUAN, "新入职")
    assert event.old is None
    assert event.new == {
        "username": "zhangsan",
        "full_name": "张三",
        "phone": "13900000000",
        "is_active": True,
    }
    assert STRONG not in str(event.new) and event.occurred_at is not None
    assert granted[0].new == {"role": Role.VILLAGE_STAFF, "division": HUAYANG}
    assert verify_chain().ok


def test_a_county_admin_cannot_create_a_user_in_another_county(county_admin):
    with pytest.raises(NotManager):
        user_create(
            actor=county_admin,
            username="lisi",
            full_name="李四",
            phone="",
            password=STRONG,
            role=Role.TOWNSHIP_CASEWORKER,
            division=Division.objects.get(pk=KUANCHENG),
            reason="x",
        )
    assert not User.objects.filter(username="lisi").exists()
    assert not AuditEvent.objects.exists()


def test_every_bad_entry_is_reported_at_once_and_nothing_written(county_admin, ours):
    with pytest.raises(UserInvalid) as refused:
        user_create(
            actor=county_admin,
            username="bad name!",
            full_name="",
            phone="1" * 21,
            password="123",
            role=Role.VILLAGE_STAFF,
            division=Division.objects.get(pk=HUAYANG),
            reason="x",
        )
    assert set(refused.value.fields) == {"username", "full_name", "phone", "password"}
    assert refused.value.render("zh-hans") != refused.value.render("en")
    with pytest.raises(ReasonRequired):
        user_update(
            actor=county_admin, user=ours, full_name="x", phone="", is_active=True, reason=" "
        )
    assert not AuditEvent.objects.exists()
    assert User.objects.count() == 2


def test_a_change_is_audited_with_old_and_new_values_of_what_changed(county_admin, ours):
    user_update(
        actor=county_admin, user=ours, full_name="张丽", phone="13800000002", is_active=False,
        reason="调离",
    )  # fmt: skip
    ours.refresh_from_db()
    assert not ours.is_active and ours.phone == "13800000002"
    (event,) = events(EventType.USER_CHANGED)
    assert event.subject_id == str(ours.pk) and event.actor == county_admin
    assert (event.role, event.division_code) == (Role.SYSTEM_ADMIN, NANGUAN)
    assert event.old == {"phone": "13800000001", "is_active": True}
    assert event.new == {"phone": "13800000002", "is_active": False}
    assert event.reason == "调离"
    with pytest.raises(NothingChanged):
        user_update(
            actor=county_admin, user=ours, full_name="张丽", phone="13800000002",
            is_active=False, reason="again",
        )  # fmt: skip
    assert len(events(EventType.USER_CHANGED)) == 1


def test_a_county_admin_cannot_touch_another_countys_user(county_admin, theirs):
    before = (theirs.full_name, theirs.password, theirs.is_active)
    with pytest.raises(NotYourUser):
        user_update(
            actor=county_admin, user=theirs, full_name="改名", phone="", is_active=False,
            reason="x",
        )  # fmt: skip
    with pytest.raises(NotYourUser):
        user_password_set(actor=county_admin, user=theirs, password=STRONG, reason="x")
    # granting a role in its own county to another county's user is touching that user too
    with pytest.raises(NotYourUser):
        role_grant(
            actor=county_admin, user=theirs, role=Role.VILLAGE_STAFF,
            division=Division.objects.get(pk=HUAYANG), reason="x",
        )  # fmt: skip
    theirs.refresh_from_db()
    assert (theirs.full_name, theirs.password, theirs.is_active) == before
    assert RoleBinding.objects.filter(user=theirs).count() == 1
    assert not AuditEvent.objects.exists()


def test_a_user_with_roles_in_two_counties_belongs_to_the_province(
    county_admin, province_admin, ours
):
    RoleBinding.objects.create(user=ours, role=Role.SOCIAL_WORKER, division_id=KUANCHENG)
    with pytest.raises(NotYourUser):
        user_update(
            actor=county_admin, user=ours, full_name="x", phone="", is_active=True, reason="r"
        )
    user_update(
        actor=province_admin, user=ours, full_name="张丽丽", phone="", is_active=True, reason="r"
    )
    assert events(EventType.USER_CHANGED)[0].actor == province_admin


def test_nobody_manages_their_own_account_or_a_superuser(county_admin, province_admin, tree):
    with pytest.raises(SelfManagement):
        user_update(
            actor=county_admin, user=county_admin, full_name="x", phone="", is_active=True,
            reason="r",
        )  # fmt: skip
    root = UserFactory(is_superuser=True)
    RoleBinding.objects.create(user=root, role=Role.TOWNSHIP_CASEWORKER, division_id=NANLING)
    with pytest.raises(NotYourUser):
        user_password_set(actor=county_admin, user=root, password=STRONG, reason="r")


def test_a_password_set_by_an_admin_works_and_is_audited_without_it(county_admin, ours):
    from yimen.accounts.tokens import token_issue

    token_issue(ours)
    user_password_set(actor=county_admin, user=ours, password=STRONG, reason="忘记密码")
    assert authenticate(username=ours.username, password=STRONG) is not None
    (event,) = events(EventType.PASSWORD_SET)
    # the password itself is never in the log; the user's API token ended with it
    assert event.reason == "忘记密码" and event.old is None
    assert event.new == {"tokens_revoked": 1} and STRONG not in str(event.new)
    with pytest.raises(UserInvalid):
        user_password_set(actor=county_admin, user=ours, password="short", reason="x")


# --- the pages -----------------------------------------------------------------------


def test_the_county_admin_lists_only_its_users(client, county_admin, ours, theirs):
    client.force_login(county_admin)
    text = client.get(MANAGE).content.decode()
    assert ours.username in text and theirs.username not in text
    assert client.get(f"{MANAGE}{ours.pk}/").status_code == 200
    assert client.get(f"{MANAGE}{theirs.pk}/").status_code == 404
    response = client.post(
        f"{MANAGE}{theirs.pk}/edit/", {"full_name": "改名", "phone": "", "reason": "x"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.full_name == "宽城人" and theirs.is_active


def test_pages_create_grant_and_revoke_with_audit(client, county_admin):
    client.force_login(county_admin)
    response = client.post(
        f"{MANAGE}new/",
        {"username": "wangwu", "full_name": "王五", "phone": "", "password": STRONG,
         "role": Role.GRID_WORKER, "division_code": "220102001001", "reason": "网格员入职"},
    )  # fmt: skip
    user = User.objects.get(username="wangwu")
    assert response.status_code == 302 and response["Location"] == f"{MANAGE}{user.pk}/"
    response = client.post(
        f"{MANAGE}{user.pk}/roles/",
        {"role": Role.VILLAGE_STAFF, "division_code": "220102001002", "reason": "兼任"},
    )
    assert response.status_code == 302
    binding = RoleBinding.objects.get(user=user, role=Role.VILLAGE_STAFF)
    response = client.post(f"{MANAGE}{user.pk}/roles/{binding.pk}/revoke/", {"reason": "不再兼任"})
    assert response.status_code == 302
    binding.refresh_from_db()
    assert not binding.active
    kinds = list(
        AuditEvent.objects.filter(subject_id=str(user.pk))
        .order_by("seq")
        .values_list("event_type", "reason")
    )
    assert kinds == [
        (EventType.USER_CREATED, "网格员入职"),
        (EventType.ROLE_GRANTED, "网格员入职"),
        (EventType.ROLE_GRANTED, "兼任"),
        (EventType.ROLE_REVOKED, "不再兼任"),
    ]


def test_bad_input_on_the_pages_is_refused_with_nothing_written(client, county_admin, ours):
    client.force_login(county_admin)
    response = client.post(
        f"{MANAGE}new/",
        {"username": ours.username.upper(), "full_name": "重名", "password": STRONG,
         "role": Role.GRID_WORKER, "division_code": HUAYANG, "reason": "x"},
    )  # fmt: skip
    assert response.status_code == 409
    response = client.post(
        f"{MANAGE}new/",
        {"username": "x1", "full_name": "区划错", "password": STRONG,
         "role": Role.GRID_WORKER, "division_code": "999999", "reason": "x"},
    )  # fmt: skip
    assert response.status_code == 400
    response = client.post(f"{MANAGE}{ours.pk}/roles/", {"role": "no_such_role"})
    assert response.status_code == 400
    response = client.post(
        f"{MANAGE}{ours.pk}/roles/",
        {"role": Role.GRID_WORKER, "division_code": KUANCHENG, "reason": "x"},
    )
    assert response.status_code == 403
    assert User.objects.count() == 2 and RoleBinding.objects.count() == 2
    assert not AuditEvent.objects.exists()


def test_only_account_managers_open_the_pages(client, ours):
    client.force_login(ours)
    assert client.get(MANAGE).status_code == 403
    assert client.get(f"{MANAGE}new/").status_code == 403
    assert client.get(f"{MANAGE}{ours.pk}/").status_code == 403


def test_the_demo_county_admin_manages_its_county_only(tree, settings):
    from yimen.accounts.demo import load_demo_users

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo_users()
    county, province = User.objects.get(username="countyadmin"), User.objects.get(username="admin")
    assert not county.is_superuser and province.is_superuser
    from yimen.accounts.selectors import users_managed_by

    reached = set(users_managed_by(county).values_list("username", flat=True))
    assert {"caseworker", "approver", "citizen", "supervisor"} <= reached
    # bound to the city, the province or another county: not the county's
    assert not {"medins", "hospital", "cityviewer", "subsidy", "admin"} & reached

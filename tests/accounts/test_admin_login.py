"""The admin site's login shares the lockout, attempt log and audit of the login page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import NANLING, user_with
from tests.web.world import PASSWORD
from yimen.accounts.models import LoginAttempt, User
from yimen.accounts.roles import Role
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def superuser(tree):
    return user_with(Role.SYSTEM_ADMIN, NANLING, username="root", is_staff=True, is_superuser=True)


def admin_login(client, username, password):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password})


def events_of(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_type="accounts.user", subject_id=str(user.pk))
        .order_by("seq")
        .values_list("event_type", flat=True)
    )


def test_the_admin_login_still_logs_a_superuser_in_and_audits_it(client, superuser):
    response = admin_login(client, "root", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert events_of(superuser) == [EventType.LOGIN]
    assert LoginAttempt.objects.filter(username="root", succeeded=True).count() == 1


def test_guessing_the_superuser_password_on_the_admin_locks_the_account(client, superuser):
    limit = settings.YIMEN_LOCKOUT["per_account"]
    for _ in range(limit):
        response = admin_login(client, "root", "guess-123456")
        assert response.status_code == 200
    assert LoginAttempt.objects.filter(username="root", succeeded=False).count() == limit
    # now even the right password is refused, with the lockout's message
    refused = admin_login(client, "root", PASSWORD)
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Too many failed logins" in refused.content.decode() or "登录失败次数过多" in (
        refused.content.decode()
    )
    assert client.get("/admin/").status_code == 302
    events = events_of(superuser)
    assert events.count(EventType.LOGIN_FAILED) == limit
    assert events.count(EventType.ACCOUNT_LOCKED) == 1
    # and the login page refuses it too: one lockout for every door
    assert (
        Client().post("/accounts/login/", {"username": "root", "password": PASSWORD}).status_code
        == 403
    )


def test_failures_on_the_page_lock_the_admin_door_as_well(client, superuser):
    for _ in range(settings.YIMEN_LOCKOUT["per_account"]):
        Client().post("/accounts/login/", {"username": "root", "password": "guess-123456"})
    admin_login(client, "root", PASSWORD)
    assert "_auth_user_id" not in client.session


def test_a_non_staff_user_with_the_right_password_is_refused_by_the_admin(client, tree):
    user_with(Role.TOWNSHIP_CASEWORKER, NANLING, username="zhangli")
    response = admin_login(client, "zhangli", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_admin_logout_is_audited_and_revokes_the_api_token(client, superuser):
    from rest_framework.authtoken.models import Token

    Token.objects.create(user=superuser)
    client.force_login(superuser)
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert not Token.objects.filter(user=superuser).exists()
    assert EventType.LOGOUT in events_of(superuser)


def test_the_admin_password_change_goes_to_the_audited_page(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"


def test_the_admin_lists_users_read_only_with_a_reset_link(client, superuser):
    other = user_with(Role.TOWNSHIP_CASEWORKER, NANLING, username="zhangli")
    client.force_login(superuser)
    listing = client.get("/admin/accounts/user/")
    assert listing.status_code == 200
    assert "/accounts/users/zhangli/password/" in listing.content.decode()
    before = User.objects.get(pk=other.pk).password
    client.post(f"/admin/accounts/user/{other.pk}/change/", {"is_superuser": "on"})
    assert User.objects.get(pk=other.pk).password == before
    assert not User.objects.get(pk=other.pk).is_superuser

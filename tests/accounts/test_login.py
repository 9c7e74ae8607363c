"""Logging in and out through the pages: hashing, lockout, audit, redirects and hardening."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.urls import reverse

from tests.factories import NANLING, user_with
from tests.web.world import MD5, PASSWORD
from yimen.accounts.models import LoginAttempt
from yimen.accounts.roles import Role
from yimen.accounts.services import AccountLocked, LoginRefused
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.audit.verify import verify_chain

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.fixture
def caseworker(tree):
    return user_with(Role.TOWNSHIP_CASEWORKER, NANLING, username="zhangli")


def login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def events_of(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            subject_type="accounts.user", subject_id=str(user.pk)
        ).values_list("event_type", flat=True)
    )


def test_argon2_is_the_first_hasher_in_production_and_tests(settings, tree):
    from yimen.settings import base, test

    assert base.PASSWORD_HASHERS[0] == ARGON2
    assert test.PASSWORD_HASHERS[0] == ARGON2
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS  # undo the fast hashing of conftest
    user = user_with(Role.TOWNSHIP_CASEWORKER, NANLING)
    user.set_password("a long enough password")
    user.save()
    assert user.password.startswith("argon2$")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("a long enough password")
    assert login(Client(), user.username, "a long enough password").status_code == 302


def test_an_md5_hash_is_upgraded_to_argon2_at_login(caseworker, settings):
    assert caseworker.password.startswith("md5$")
    from yimen.settings import base

    settings.PASSWORD_HASHERS = [*base.PASSWORD_HASHERS, MD5]
    assert login(Client(), "zhangli", PASSWORD).status_code == 302
    caseworker.refresh_from_db()
    assert caseworker.password.startswith("argon2$")


def test_login_page_renders_a_form_in_chinese_by_default(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    assert 'name="username"' in html and 'name="password"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_right_password_logs_in_and_lands_on_my_tasks(client, caseworker):
    response = login(client, "zhangli", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200
    assert EventType.LOGIN in events_of(caseworker)


def test_wrong_password_is_refused_with_a_message(client, caseworker):
    response = login(client, "zhangli", "not the password")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-code="accounts.login_refused"' in html
    assert LoginRefused().render() in html
    assert "_auth_user_id" not in client.session
    assert events_of(caseworker) == [EventType.LOGIN_FAILED]


def test_unknown_user_gets_the_same_message_as_a_wrong_password(client, caseworker):
    unknown = login(client, "nobody-here", "whatever it is").content.decode()
    assert 'data-code="accounts.login_refused"' in unknown
    assert LoginRefused().render() in unknown


def test_incomplete_form_is_shown_again_without_counting_a_failure(client, caseworker):
    response = client.post(LOGIN, {"username": "zhangli"})
    assert response.status_code == 200
    assert not LoginAttempt.objects.exists()


def test_account_locks_after_the_configured_failures_even_for_the_right_password(
    client, caseworker
):
    limit = settings.YIMEN_LOCKOUT["per_account"]
    for _ in range(limit - 1):
        assert (
            'data-code="accounts.login_refused"'
            in login(client, "zhangli", "wrong").content.decode()
        )
    locking = login(client, "zhangli", "wrong")
    assert locking.status_code == 403
    assert 'data-code="accounts.locked"' in locking.content.decode()

    refused = login(client, "zhangli", PASSWORD)
    assert refused.status_code == 403
    html = refused.content.decode()
    assert 'data-code="accounts.locked"' in html
    assert AccountLocked(settings.YIMEN_LOCKOUT["window_minutes"]).render() in html
    assert "_auth_user_id" not in client.session
    # and from another address as well: the account itself is locked
    assert login(Client(REMOTE_ADDR="10.9.8.7"), "zhangli", PASSWORD).status_code == 403

    events = events_of(caseworker)
    assert events.count(EventType.LOGIN_FAILED) == limit
    assert events.count(EventType.ACCOUNT_LOCKED) == 1
    assert EventType.LOGIN not in events
    assert verify_chain().ok


def test_user_name_case_does_not_dodge_the_lockout(client, caseworker):
    for _ in range(settings.YIMEN_LOCKOUT["per_account"]):
        login(client, "ZhangLi", "wrong")
    assert login(client, "zhangli", PASSWORD).status_code == 403


def test_a_success_before_the_limit_resets_the_account_count(client, caseworker):
    limit = settings.YIMEN_LOCKOUT["per_account"]
    for _ in range(limit - 1):
        login(client, "zhangli", "wrong")
    assert login(client, "zhangli", PASSWORD).status_code == 302
    client.post(LOGOUT)
    for _ in range(limit - 1):
        assert login(client, "zhangli", "wrong").status_code == 200
    assert login(client, "zhangli", PASSWORD).status_code == 302
    client.post(LOGOUT)
    for _ in range(limit):
        last = login(client, "zhangli", "wrong")
    assert last.status_code == 403


def test_one_address_trying_many_accounts_is_locked_out(caseworker, settings):
    limit = settings.YIMEN_LOCKOUT["per_address"]
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(limit):
        response = login(attacker, f"guess{n}", "password123")
    assert response.status_code == 403
    assert 'data-code="accounts.locked"' in response.content.decode()
    # the real owner at that address is refused too, but not from their own office
    assert login(attacker, "zhangli", PASSWORD).status_code == 403
    assert login(Client(REMOTE_ADDR="198.51.100.1"), "zhangli", PASSWORD).status_code == 302


def test_logout_requires_post_and_is_audited(client, caseworker):
    client.force_login(caseworker)
    assert client.get(LOGOUT).status_code == 405
    assert client.get(reverse("web:home")).status_code == 200  # still logged in
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert client.get(reverse("web:home")).status_code == 302
    assert EventType.LOGOUT in events_of(caseworker)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "http:evil.example",
        "https:///evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_may_not_leave_the_site(client, caseworker, target):
    response = client.post(LOGIN, {"username": "zhangli", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_next_inside_the_site_is_followed(client, caseworker):
    login_page = client.get(LOGIN, {"next": "/cases/?status=active"}).content.decode()
    assert 'value="/cases/?status=active"' in login_page
    response = client.post(
        LOGIN, {"username": "zhangli", "password": PASSWORD, "next": "/cases/?status=active"}
    )
    assert response["Location"] == "/cases/?status=active"


def test_session_cookie_is_http_only_and_rotated(client, caseworker):
    client.get(LOGIN)
    response = login(client, "zhangli", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    before = cookie.value
    client.post(LOGOUT)
    again = login(client, "zhangli", PASSWORD).cookies[settings.SESSION_COOKIE_NAME].value
    assert again != before


def test_csrf_is_enforced_on_login_and_logout(caseworker):
    strict = Client(enforce_csrf_checks=True)
    assert login(strict, "zhangli", PASSWORD).status_code == 403
    assert not LoginAttempt.objects.exists()  # refused before the password was even tried

    strict.get(LOGIN)
    token = strict.cookies[settings.CSRF_COOKIE_NAME].value
    response = strict.post(
        LOGIN, {"username": "zhangli", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert strict.post(LOGOUT).status_code == 403  # no token: still logged in
    assert strict.get(reverse("web:home")).status_code == 200
    assert (
        strict.post(LOGOUT, HTTP_X_CSRFTOKEN=strict.cookies["csrftoken"].value).status_code == 302
    )


@pytest.mark.parametrize("path", [LOGIN, "/", "/api/schema/"])
def test_security_headers(client, path, tree):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_authenticated_pages_are_not_cached(client, caseworker):
    client.force_login(caseworker)
    assert "no-store" in client.get("/")["Cache-Control"]

"""API tokens expire and are revoked on logout and on a password change or reset; users
change their own password and administrators reset one, audited, under the password rules."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.api.helpers import post_json, problem
from tests.factories import NANGUAN, NANLING, ZIQIANG, user_with
from tests.web.world import PASSWORD
from yimen.accounts.managing import ReasonRequired, user_password_reset
from yimen.accounts.models import User
from yimen.accounts.passwords import PasswordRejected, WrongPassword, user_password_change
from yimen.accounts.reach import NotYourUser
from yimen.accounts.roles import Role
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.audit.verify import verify_chain

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a pinned Monday
NEW = "Lanzhou-river-2026"  # passes every rule


@pytest.fixture
def caseworker(tree):
    return user_with(Role.TOWNSHIP_CASEWORKER, NANLING, username="zhangli", full_name="张丽")


def token_login(username="zhangli", password=PASSWORD):
    return post_json(Client(), "/api/auth/token/", {"username": username, "password": password})


def me(key):
    return Client(headers={"Authorization": f"Token {key}"}).get("/api/me/")


def events(user, kind) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            subject_type="accounts.user", subject_id=str(user.pk), event_type=kind
        )
    )


# --- expiry -----------------------------------------------------------------------------------


def test_a_token_works_until_its_lifetime_ends_then_is_refused(caseworker, settings):
    settings.YIMEN_API_TOKEN_TTL_HOURS = 8
    with time_machine.travel(DAY, tick=False) as clock:
        response = token_login()
        assert response.status_code == 200
        key = response.json()["token"]
        assert response.json()["expires_at"] == "2026-03-02T17:00:00+08:00"
        clock.move_to(DAY + timedelta(hours=7, minutes=59))
        assert me(key).status_code == 200
        clock.move_to(DAY + timedelta(hours=8))
        refused = me(key)
        assert refused.status_code == 401
        problem(refused, 401)
        assert not Token.objects.filter(key=key).exists()  # deleted, not merely refused
        # logging in again gives a new token
        fresh = token_login().json()["token"]
        assert fresh != key
        assert me(fresh).status_code == 200


def test_an_expired_token_is_replaced_at_login_not_handed_out_again(caseworker, settings):
    settings.YIMEN_API_TOKEN_TTL_HOURS = 1
    with time_machine.travel(DAY, tick=False) as clock:
        first = token_login().json()["token"]
        assert token_login().json()["token"] == first  # still valid: the same one
        clock.move_to(DAY + timedelta(hours=2))
        second = token_login().json()["token"]
        assert second != first
        assert me(second).status_code == 200


# --- revocation -------------------------------------------------------------------------------


def test_logging_out_of_the_pages_revokes_the_api_token(caseworker):
    key = token_login().json()["token"]
    page = Client()
    page.post("/accounts/login/", {"username": "zhangli", "password": PASSWORD})
    assert page.post("/accounts/logout/").status_code == 302
    assert me(key).status_code == 401
    assert events(caseworker, EventType.LOGOUT)[-1].new == {"tokens_revoked": 1}


def test_an_api_client_can_revoke_its_own_token(caseworker):
    key = token_login().json()["token"]
    api = Client(headers={"Authorization": f"Token {key}"})
    assert api.post("/api/auth/logout/").status_code == 204
    assert me(key).status_code == 401
    assert api.post("/api/auth/logout/").status_code == 401
    assert Client().post("/api/auth/logout/").status_code in (401, 403)
    assert len(events(caseworker, EventType.LOGOUT)) == 1


def test_changing_the_password_revokes_the_token_and_is_audited(caseworker):
    key = token_login().json()["token"]
    page = Client()
    page.post("/accounts/login/", {"username": "zhangli", "password": PASSWORD})
    form = page.get("/accounts/password/")
    assert form.status_code == 200
    assert 'name="new_password2"' in form.content.decode()
    # the rules are listed as the validators state them (in Chinese by default)
    assert "10 个字符" in form.content.decode() and "常见" in form.content.decode()
    response = page.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert me(key).status_code == 401
    assert page.get("/").status_code == 200  # this session stays logged in
    caseworker.refresh_from_db()
    assert caseworker.check_password(NEW)
    (event,) = events(caseworker, EventType.PASSWORD_CHANGED)
    assert event.actor_id == caseworker.pk
    assert event.new == {"tokens_revoked": 1}
    assert NEW not in str(event.new) and "password" not in str(event.new)
    assert token_login(password=PASSWORD).status_code == 400
    assert token_login(password=NEW).status_code == 200
    assert verify_chain().ok


def test_the_user_menu_links_to_the_password_page(client, caseworker):
    client.force_login(caseworker)
    html = client.get("/").content.decode()
    assert 'href="/accounts/password/"' in html


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("not my password", NEW, "accounts.wrong_password"),
        (PASSWORD, "short1A", "accounts.password_rejected"),  # under 10 characters
        (PASSWORD, "password1234", "accounts.password_rejected"),  # a common password
        (PASSWORD, "20260302123456", "accounts.password_rejected"),  # digits only
        (PASSWORD, "zhangli2026", "accounts.password_rejected"),  # like the user name
    ],
)
def test_a_bad_password_change_is_refused_and_changes_nothing(client, caseworker, old, new, code):
    key = token_login().json()["token"]
    client.force_login(caseworker)
    response = client.post(
        "/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 400
    assert f'data-code="{code}"' in response.content.decode()
    caseworker.refresh_from_db()
    assert caseworker.check_password(PASSWORD)
    assert me(key).status_code == 200
    assert not events(caseworker, EventType.PASSWORD_CHANGED)


def test_two_different_new_passwords_are_refused_by_the_form(client, caseworker):
    client.force_login(caseworker)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"},
    )
    assert response.status_code == 200
    caseworker.refresh_from_db()
    assert caseworker.check_password(PASSWORD)


def test_the_password_page_needs_a_login(client):
    response = client.get("/accounts/password/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_rejection_is_bilingual(caseworker):
    with pytest.raises(PasswordRejected) as refused:
        user_password_change(user=caseworker, old_password=PASSWORD, new_password="short")
    assert "10" in refused.value.render("en") and "10" in refused.value.render("zh-hans")
    assert refused.value.render("en") != refused.value.render("zh-hans")
    assert refused.value.as_problem()["errors"]["new_password"]
    with pytest.raises(WrongPassword):
        user_password_change(user=caseworker, old_password="x", new_password=NEW)


# --- reset by an administrator ----------------------------------------------------------------


@pytest.fixture
def county_admin(tree):
    return user_with(Role.SYSTEM_ADMIN, NANGUAN, username="admin", full_name="胡文")


def test_an_administrator_resets_a_password_audited_with_the_reason(
    client, caseworker, county_admin
):
    key = token_login().json()["token"]
    victim_session = Client()
    victim_session.force_login(caseworker)
    client.force_login(county_admin)
    url = "/accounts/users/zhangli/password/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"new_password1": NEW, "new_password2": NEW, "reason": "本人遗忘密码，电话核实"}
    )
    assert response.status_code == 302
    caseworker.refresh_from_db()
    assert caseworker.check_password(NEW)
    assert me(key).status_code == 401  # the token ended
    assert victim_session.get("/").status_code == 302  # and the user's session
    (event,) = events(caseworker, EventType.PASSWORD_RESET)
    assert event.actor_id == county_admin.pk
    assert event.reason == "本人遗忘密码，电话核实"
    assert event.role == Role.SYSTEM_ADMIN
    assert event.division_code == NANGUAN
    assert event.new == {"tokens_revoked": 1}
    assert verify_chain().ok


def test_a_reset_needs_a_reason_and_a_good_password(caseworker, county_admin):
    with pytest.raises(ReasonRequired):
        user_password_reset(actor=county_admin, user=caseworker, new_password=NEW, reason=" ")
    with pytest.raises(PasswordRejected):
        user_password_reset(
            actor=county_admin, user=caseworker, new_password="12345678901", reason="遗忘"
        )
    caseworker.refresh_from_db()
    assert caseworker.check_password(PASSWORD)
    assert not events(caseworker, EventType.PASSWORD_RESET)


def test_only_an_account_manager_above_the_user_may_reset(client, caseworker, tree):
    elsewhere = user_with(Role.SYSTEM_ADMIN, ZIQIANG, username="admin2")  # another township
    colleague = user_with(Role.TOWNSHIP_APPROVER, NANLING, username="liuyang")  # no such right
    url = "/accounts/users/zhangli/password/"
    body = {"new_password1": NEW, "new_password2": NEW, "reason": "试图接管账号"}
    for actor in (elsewhere, colleague):
        with pytest.raises(NotYourUser):
            user_password_reset(actor=actor, user=caseworker, new_password=NEW, reason="x")
        client.force_login(actor)
        assert client.get(url).status_code == 404
        assert client.post(url, body).status_code == 404
    # nor one's own password (that is the change page, with the current password)
    with pytest.raises(NotYourUser):
        user_password_reset(actor=caseworker, user=caseworker, new_password=NEW, reason="x")
    assert client.get("/accounts/users/nobody/password/").status_code == 404
    caseworker.refresh_from_db()
    assert caseworker.check_password(PASSWORD)


def test_a_county_admin_may_not_reset_a_superuser(county_admin, tree):
    root = User.objects.create(username="root", is_superuser=True, is_staff=True)
    with pytest.raises(NotYourUser):
        user_password_reset(actor=county_admin, user=root, new_password=NEW, reason="x")


def test_a_superuser_resets_through_the_admin_link(client, caseworker):
    root = User.objects.create(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.post(
        "/accounts/users/zhangli/password/",
        {"new_password1": NEW, "new_password2": NEW, "reason": "遗忘"},
    )
    assert response.status_code == 302
    (event,) = events(caseworker, EventType.PASSWORD_RESET)
    assert event.actor_id == root.pk and event.role == ""


def test_a_login_racing_another_gets_the_token_that_one_issued(caseworker, settings):
    """Two token logins after expiry: the second finds the first's fresh token (deleting
    only expired ones) or loses the insert race; either way one valid token, no 500."""
    from yimen.accounts import tokens

    settings.YIMEN_API_TOKEN_TTL_HOURS = 1
    with time_machine.travel(DAY, tick=False) as clock:
        old = tokens.token_issue(caseworker)
        clock.move_to(DAY + timedelta(hours=2))
        fresh = Token.objects.filter(pk=old.pk).update(created=DAY + timedelta(hours=2))
        assert fresh == 1  # as if a concurrent login had just replaced it
        assert tokens.token_issue(caseworker).key == old.key  # kept, not deleted
        Token.objects.all().delete()
        real_atomic = transaction.atomic

        @contextlib.contextmanager
        def racing(*args, **kwargs):
            with real_atomic(*args, **kwargs):
                yield

        def other_login_first(*args, **kwargs):
            # token_issue's own block (no arguments; Django's internal ones pass some):
            # the racing login's token is inserted just before it opens
            if not args and not kwargs and not raced:
                raced.append(real_create(user=caseworker).key)
            return racing(*args, **kwargs)

        real_create = Token.objects.create
        raced: list[str] = []
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(tokens.transaction, "atomic", other_login_first)
            issued = tokens.token_issue(caseworker)
        assert raced and issued.key == raced[0]  # the racing login's token, handed out
        assert Token.objects.get(user=caseworker).key == issued.key

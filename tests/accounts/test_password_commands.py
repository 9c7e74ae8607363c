"""The password rules on the command line and in the demo loader."""

from __future__ import annotations

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token

from tests.factories import NANLING, user_with
from tests.web.world import PASSWORD
from yimen.accounts.models import User
from yimen.accounts.roles import Role
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW = "Lanzhou-river-2026"


def test_our_commands_replace_djangos():
    assert get_commands()["changepassword"] == "yimen.accounts"
    assert get_commands()["createsuperuser"] == "yimen.accounts"


def test_createsuperuser_without_prompts_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "123")
    with pytest.raises(CommandError, match="password rules"):
        call_command("createsuperuser", "--noinput", "--username", "root", "--email", "")
    assert not User.objects.filter(username="root").exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", NEW)
    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "")
    root = User.objects.get(username="root")
    assert root.is_superuser and root.check_password(NEW)


def fake_prompts(monkeypatch, answers):
    answers = iter(answers)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))


def test_changepassword_applies_the_rules_revokes_tokens_and_is_audited(tree, monkeypatch):
    user = user_with(Role.TOWNSHIP_CASEWORKER, NANLING, username="zhangli")
    Token.objects.create(user=user)
    fake_prompts(monkeypatch, ["short", "short", NEW, NEW])
    call_command("changepassword", "zhangli")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert not Token.objects.filter(user=user).exists()
    (event,) = AuditEvent.objects.filter(
        subject_id=str(user.pk), event_type=EventType.PASSWORD_RESET
    )
    assert event.actor_id is None and event.reason == "yimen changepassword"


def test_changepassword_gives_up_after_three_bad_tries(tree, monkeypatch):
    user = user_with(Role.TOWNSHIP_CASEWORKER, NANLING, username="zhangli")
    fake_prompts(monkeypatch, ["1234567890123"] * 6)
    with pytest.raises(CommandError, match="after 3 attempts"):
        call_command("changepassword", "zhangli")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(event_type=EventType.PASSWORD_RESET).exists()


def test_the_demo_loader_still_works_and_checks_its_password(monkeypatch):
    from django.core.exceptions import ValidationError

    from yimen.accounts import demo

    call_command("load_divisions", verbosity=0)
    demo.load_demo_users()
    admin = User.objects.get(username="admin")
    assert admin.check_password(demo.DEMO_PASSWORD)
    monkeypatch.setattr(demo, "DEMO_PASSWORD", "12345678")
    with pytest.raises(ValidationError):
        demo.load_demo_users()
    admin.refresh_from_db()
    assert admin.check_password("yimen-demo-2026")

"""Passwords: the rules every password obeys, the user's own change and the operator's
command. Whoever sets a password stores it through ``store_password``, which also ends the
user's API tokens; the managers' resets are in ``managing``."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation

from yimen.audit.events import EventType
from yimen.audit.services import record_event

from .errors import PasswordRejected, WrongPassword
from .models import User


def password_problems(password: str, user: User | None) -> list[str]:
    """What Django's validators (settings.AUTH_PASSWORD_VALIDATORS: length, common passwords,
    similarity to the user's name, all digits) say against ``password``, in the active
    language; empty when it is accepted."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [str(m) for m in exc.messages]
    return []


def check_password_rules(password: str, user: User) -> None:
    """The rules as one bilingual refusal (PasswordRejected carries both languages)."""
    problems: dict[str, list[str]] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            found = password_problems(password, user)
        if found:
            problems[language] = found
    if problems:
        raise PasswordRejected(problems)


def store_password(user: User, password: str) -> int:
    """Set and save the password and revoke the user's API tokens; how many were revoked."""
    from .tokens import tokens_revoke

    user.set_password(password)
    user.save(update_fields=["password"])
    return tokens_revoke(user)


def password_replace(user: User, new_password: str) -> int:
    """Check the rules, then ``store_password``."""
    check_password_rules(new_password, user)
    return store_password(user, new_password)


@transaction.atomic
def user_password_change(*, user: User, old_password: str, new_password: str) -> User:
    """The user changes their own password: the current one must be right, the new one
    must pass the password rules; their API tokens are revoked; audited."""
    if not user.check_password(old_password or ""):
        raise WrongPassword()
    revoked = password_replace(user, new_password)
    record_event(
        event_type=EventType.PASSWORD_CHANGED,
        subject=user,
        actor=user,
        new={"tokens_revoked": revoked},
    )
    return user


@transaction.atomic
def user_password_set_from_command_line(*, user: User, new_password: str, command: str) -> User:
    """The operator on the server sets a password (``yimen changepassword``): the same
    rules, revocation and audit as a reset, the actor being the system and the reason
    naming the command."""
    revoked = password_replace(user, new_password)
    record_event(
        event_type=EventType.PASSWORD_RESET,
        subject=user,
        reason=f"yimen {command}",
        new={"tokens_revoked": revoked},
    )
    return user

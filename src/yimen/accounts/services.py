"""Use cases of accounts: logging in (with lockout and audit) and granting roles."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import Conflict, Forbidden, Invalid
from yimen.regions.models import Division

from . import lockout
from .models import RoleBinding, User
from .roles import Action, Role
from .scoping import Binding, bindings_for, forget_bindings


class LoginRefused(Invalid):
    code = "accounts.login_refused"

    def __init__(self):
        super().__init__(_("The user name or password is not correct."))


class AccountLocked(Forbidden):
    code = "accounts.locked"

    def __init__(self, minutes: int):
        super().__init__(
            _(
                "Too many failed logins. Try again in %(minutes)d minutes or ask "
                "the system administrator."
            ),
            minutes=minutes,
        )


def user_login(*, username: str, password: str, address: str | None, request=None) -> User:
    """Check credentials unless the account or address is locked; audit the outcome.

    The attempt and its audit event commit in their own transaction before the refusal is
    raised, so a refused login still counts towards the lockout (callers must not wrap this
    in a transaction that the refusal rolls back)."""
    from django.conf import settings

    username = (username or "").strip()
    minutes = settings.YIMEN_LOCKOUT["window_minutes"]
    if lockout.is_locked(username, address):
        raise AccountLocked(minutes)
    user = authenticate(request, username=username, password=password)
    with transaction.atomic():
        lockout.note_attempt(username, address, succeeded=user is not None)
        target = user or User.objects.filter(username__iexact=username).first()
        if target is not None:
            record_event(
                event_type=EventType.LOGIN if user else EventType.LOGIN_FAILED,
                subject=target,
                actor=user,
                new={"address": address},
            )
        if user is None and target is not None and lockout.is_locked(username, address):
            record_event(
                event_type=EventType.ACCOUNT_LOCKED, subject=target, new={"address": address}
            )
    if user is None:
        if lockout.is_locked(username, address):
            raise AccountLocked(minutes)
        raise LoginRefused()
    return user


class RoleExists(Conflict):
    code = "accounts.role_exists"

    def __init__(self):
        super().__init__(_("This user already holds this role in this division."))


class NotManager(Forbidden):
    code = "accounts.not_manager"

    def __init__(self):
        super().__init__(_("You may not manage accounts in this division."))


class UnknownRole(Invalid):
    code = "accounts.unknown_role"

    def __init__(self, role):
        super().__init__(_("There is no role “%(role)s”."), role=role)


class RoleNotActive(Conflict):
    code = "accounts.role_not_active"

    def __init__(self):
        super().__init__(_("This role was already revoked."))


def _manager_binding(actor, division_code: str) -> Binding:
    """The actor's binding that allows managing accounts at ``division_code`` (the one the
    audit event names), or NotManager."""
    for binding in bindings_for(actor, Action.ACCOUNT_MANAGE):
        if binding.covers(division_code):
            return binding
    raise NotManager()


@transaction.atomic
def role_grant(*, actor, user: User, role: Role, division: Division, reason: str) -> RoleBinding:
    """Bind ``user`` to ``role`` in ``division``; only account managers above it may."""
    try:
        role = Role(role)
    except ValueError:
        raise UnknownRole(role) from None
    manager = _manager_binding(actor, division.code)
    binding, created = RoleBinding.objects.get_or_create(user=user, role=role, division=division)
    if not created and binding.active:
        raise RoleExists()
    binding.active = True
    binding.granted_by = actor
    binding.save()
    forget_bindings(user)
    record_event(
        event_type=EventType.ROLE_GRANTED,
        subject=user,
        actor=actor,
        role=manager.role,
        division_code=manager.division_code,
        reason=reason,
        new={"role": role, "division": division.code},
    )
    return binding


@transaction.atomic
def role_revoke(*, actor, binding: RoleBinding, reason: str) -> RoleBinding:
    """Deactivate a binding (kept for the record, never deleted)."""
    manager = _manager_binding(actor, binding.division_id)
    # guarded update: of two revocations at once, exactly one is recorded
    if not RoleBinding.objects.filter(pk=binding.pk, active=True).update(active=False):
        raise RoleNotActive()
    binding.active = False
    forget_bindings(binding.user)
    record_event(
        event_type=EventType.ROLE_REVOKED,
        subject=binding.user,
        actor=actor,
        role=manager.role,
        division_code=manager.division_code,
        reason=reason,
        old={"role": binding.role, "division": binding.division_id},
    )
    return binding


# --- passwords (issue 15) ------------------------------------------------------------------


class PasswordRejected(Invalid):
    code = "accounts.password_rejected"

    def __init__(self, problems: dict[str, list[str]]):
        # Django's validators translate their messages when they raise, so the reasons are
        # kept in both languages (``problems`` by language) and picked when rendered
        self.problems = problems
        active = "en" if (translation.get_language() or "").startswith("en") else "zh-hans"
        super().__init__(
            _("The new password is not accepted: %(problems)s"),
            problems="",
            fields={"new_password": problems[active]},
        )

    def render(self, language: str | None = None) -> str:
        language = language or translation.get_language() or "zh-hans"
        reasons = self.problems["en" if language.startswith("en") else "zh-hans"]
        with translation.override(language):
            return str(self.message) % {"problems": " ".join(reasons)}


class WrongPassword(Invalid):
    code = "accounts.wrong_password"

    def __init__(self):
        super().__init__(_("The current password is not correct."))


class ReasonRequired(Invalid):
    code = "accounts.reason_required"

    def __init__(self):
        super().__init__(_("Give the reason for the reset (it is kept in the audit log)."))


class NotYourUser(Forbidden):
    code = "accounts.not_your_user"

    def __init__(self):
        super().__init__(_("You may not reset the password of this user."))


def _check_password_rules(password: str, user: User) -> None:
    """Django's validators of settings.AUTH_PASSWORD_VALIDATORS (length, common passwords,
    similarity to the user's name, all digits), as one bilingual refusal."""
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    problems: dict[str, list[str]] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                problems[language] = [str(m) for m in exc.messages]
    if problems:
        raise PasswordRejected(problems)


def _reset_manager(actor, user: User) -> Binding | None:
    """The actor's account-manager binding that covers every role ``user`` holds (None for
    a superuser); NotYourUser otherwise. A user without roles, a superuser or the actor
    themself is left to superusers and to the password-change page respectively."""
    if actor.pk == user.pk:
        raise NotYourUser()
    if actor.is_superuser:
        return None
    if user.is_superuser:
        raise NotYourUser()
    divisions = set(
        RoleBinding.objects.filter(user=user, active=True).values_list("division_id", flat=True)
    )
    if not divisions:
        raise NotYourUser()
    for binding in bindings_for(actor, Action.ACCOUNT_MANAGE):
        if all(binding.covers(code) for code in divisions):
            return binding
    raise NotYourUser()


def can_reset_password(actor, user: User) -> bool:
    """Whether ``actor`` may reset the password of ``user`` (the reset page's guard)."""
    try:
        _reset_manager(actor, user)
    except NotYourUser:
        return False
    return True


@transaction.atomic
def user_password_change(*, user: User, old_password: str, new_password: str) -> User:
    """The user changes their own password: the current one must be right, the new one
    must pass the password rules; their API tokens are revoked; audited."""
    if not user.check_password(old_password or ""):
        raise WrongPassword()
    revoked = _password_set(user, new_password)
    record_event(
        event_type=EventType.PASSWORD_CHANGED,
        subject=user,
        actor=user,
        new={"tokens_revoked": revoked},
    )
    return user


def _password_set(user: User, new_password: str) -> int:
    """Check the rules, set the password, revoke the API tokens; how many were revoked."""
    from .tokens import tokens_revoke

    _check_password_rules(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return tokens_revoke(user)


@transaction.atomic
def user_password_reset(*, actor, user: User, new_password: str, reason: str) -> User:
    """An account manager above every role of ``user`` (or a superuser) sets a new
    password, for instance when the user forgot theirs; the user's API tokens and sessions
    end (the session hash changes with the password); audited with the reason."""
    reason = (reason or "").strip()
    manager = _reset_manager(actor, user)
    if not reason:
        raise ReasonRequired()
    revoked = _password_set(user, new_password)
    record_event(
        event_type=EventType.PASSWORD_RESET,
        subject=user,
        actor=actor,
        role=manager.role if manager else "",
        division_code=manager.division_code if manager else "",
        reason=reason[:2000],
        new={"tokens_revoked": revoked},
    )
    return user


@transaction.atomic
def user_password_set_from_command_line(*, user: User, new_password: str, command: str) -> User:
    """The operator on the server sets a password (``yimen changepassword``): the same
    rules, revocation and audit as a reset, the actor being the system and the reason
    naming the command."""
    revoked = _password_set(user, new_password)
    record_event(
        event_type=EventType.PASSWORD_RESET,
        subject=user,
        reason=f"yimen {command}",
        new={"tokens_revoked": revoked},
    )
    return user

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
    _check_reach(actor, user)
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
    _check_reach(actor, binding.user)
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


# --- managing users (issue 14) -----------------------------------------------------------
# An administrator manages the users of its area: a system_admin binding at a county (县级
# 管理员) manages users whose roles all lie in that county; at the province, the province's.
# A user with a role outside the actor's area, a superuser, or the actor themselves is out
# of reach (another administrator changes an administrator's own account).


class NotYourUser(Forbidden):
    code = "accounts.not_your_user"

    def __init__(self):
        super().__init__(_("This user holds roles outside your area; you may not change them."))


class SelfManagement(Forbidden):
    code = "accounts.self_management"

    def __init__(self):
        super().__init__(
            _("You may not change your own account or roles; ask another administrator.")
        )


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
        super().__init__(
            _("Give the reason for the change; it is kept in the audit log."),
            fields={"reason": [str(_("This field is required."))]},
        )


class UserInvalid(Invalid):
    code = "accounts.user_invalid"

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__(_("Some entries are not valid; nothing was saved."), fields=fields)


class UsernameTaken(Conflict):
    code = "accounts.username_taken"

    def __init__(self, username: str):
        super().__init__(_("The user name “%(username)s” is already taken."), username=username)


class NothingChanged(Invalid):
    code = "accounts.nothing_changed"

    def __init__(self):
        super().__init__(_("Nothing was changed."))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    return reason[:2000]


def user_in_reach(actor, user: User) -> bool:
    """True when ``actor`` may change ``user``: no active role of the user lies outside the
    actor's account-managing area, the user is not a superuser (unless the actor is one)
    and is not the actor. A user without any role is in reach (a newcomer)."""
    if user.pk == getattr(actor, "pk", None):
        return False
    if user.is_superuser and not getattr(actor, "is_superuser", False):
        return False
    managing = bindings_for(actor, Action.ACCOUNT_MANAGE)
    if not managing:
        return False
    codes = RoleBinding.objects.filter(user=user, active=True).values_list("division_id", flat=True)
    return all(any(b.covers(code) for b in managing) for code in codes)


def _check_reach(actor, user: User) -> Binding:
    """The actor's binding the audit event names (the narrowest one covering every active
    role of ``user``), or SelfManagement / NotYourUser."""
    if user.pk == getattr(actor, "pk", None):
        raise SelfManagement()
    if not user_in_reach(actor, user):
        raise NotYourUser()
    codes = list(
        RoleBinding.objects.filter(user=user, active=True).values_list("division_id", flat=True)
    )
    managing = bindings_for(actor, Action.ACCOUNT_MANAGE)
    covering = [b for b in managing if all(b.covers(code) for code in codes)]
    return max(covering or managing, key=lambda b: len(b.prefix))


def _check_password(password: str, user: User | None) -> list[str]:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [str(m) for m in exc.messages]
    return []


def _user_values(user: User) -> dict:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "phone": user.phone,
        "is_active": user.is_active,
    }


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    phone: str,
    password: str,
    role: Role | str,
    division: Division,
    reason: str,
) -> User:
    """Create a user with a first role in ``division`` (so it belongs to an area at once);
    only an administrator above the division may. Every problem is reported at once and
    nothing is written; the creation and the grant are both audited."""
    from django.contrib.auth.validators import UnicodeUsernameValidator
    from django.core.exceptions import ValidationError

    reason = _reason(reason)
    try:
        role = Role(role)
    except ValueError:
        raise UnknownRole(role) from None
    manager = _manager_binding(actor, division.code)
    username = (username or "").strip()
    full_name = (full_name or "").strip()
    phone = (phone or "").strip()
    errors: dict[str, list[str]] = {}
    if not username or len(username) > 150:
        errors["username"] = [str(_("Enter a user name of at most 150 characters."))]
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError as exc:
            errors["username"] = [str(m) for m in exc.messages]
    if not full_name or len(full_name) > 100:
        errors["full_name"] = [str(_("Enter the full name (at most 100 characters)."))]
    if len(phone) > 20:
        errors["phone"] = [str(_("At most 20 characters."))]
    problems = _check_password(password, User(username=username, full_name=full_name))
    if problems:
        errors["password"] = problems
    if errors:
        raise UserInvalid(errors)
    if User.objects.filter(username__iexact=username).exists():
        raise UsernameTaken(username)
    user = User(username=username, full_name=full_name, phone=phone)
    user.set_password(password)
    user.save()
    binding = RoleBinding.objects.create(user=user, role=role, division=division, granted_by=actor)
    common = {
        "subject": user,
        "actor": actor,
        "role": manager.role,
        "division_code": manager.division_code,
        "reason": reason,
    }
    record_event(event_type=EventType.USER_CREATED, new=_user_values(user), **common)
    record_event(
        event_type=EventType.ROLE_GRANTED,
        new={"role": binding.role, "division": division.code},
        **common,
    )
    return user


@transaction.atomic
def user_update(
    *, actor, user: User, full_name: str, phone: str, is_active: bool, reason: str
) -> User:
    """Change a user's name, phone or whether it may log in; audited with old and new
    values of what changed. Deactivating keeps the user and its history."""
    reason = _reason(reason)
    user = User.objects.select_for_update().get(pk=user.pk)
    manager = _check_reach(actor, user)
    full_name, phone = (full_name or "").strip(), (phone or "").strip()
    errors: dict[str, list[str]] = {}
    if not full_name or len(full_name) > 100:
        errors["full_name"] = [str(_("Enter the full name (at most 100 characters)."))]
    if len(phone) > 20:
        errors["phone"] = [str(_("At most 20 characters."))]
    if errors:
        raise UserInvalid(errors)
    before = _user_values(user)
    user.full_name, user.phone, user.is_active = full_name, phone, bool(is_active)
    after = _user_values(user)
    changed = [k for k in after if after[k] != before[k]]
    if not changed:
        raise NothingChanged()
    user.save(update_fields=changed)
    forget_bindings(user)
    record_event(
        event_type=EventType.USER_CHANGED,
        subject=user,
        actor=actor,
        role=manager.role,
        division_code=manager.division_code,
        reason=reason,
        old={k: before[k] for k in changed},
        new={k: after[k] for k in changed},
    )
    return user


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


@transaction.atomic
def user_password_set(*, actor, user: User, password: str, reason: str) -> User:
    """Set a new password for a user who lost theirs; audited (never the password)."""
    reason = _reason(reason)
    user = User.objects.select_for_update().get(pk=user.pk)
    manager = _check_reach(actor, user)
    problems = _check_password(password, user)
    if problems:
        raise UserInvalid({"password": problems})
    from .tokens import tokens_revoke

    user.set_password(password)
    user.save(update_fields=["password"])
    revoked = tokens_revoke(user)  # a new password ends the API tokens, as every reset does
    record_event(
        event_type=EventType.PASSWORD_SET,
        subject=user,
        actor=actor,
        role=manager.role,
        division_code=manager.division_code,
        reason=reason,
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

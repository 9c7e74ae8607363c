"""Account managers' use cases: creating and changing users, setting or resetting their
passwords, within the manager's area (``user_in_reach``); every change audited with a reason.
Granting and revoking roles is in ``services``, the password rules in ``passwords``."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.regions.models import Division

from .errors import NothingChanged, ReasonRequired, UserInvalid, UsernameTaken
from .models import RoleBinding, User
from .passwords import password_problems, password_replace, store_password
from .reach import NotYourUser, check_reach, manager_binding
from .roles import Action, Role
from .scoping import Binding, bindings_for, forget_bindings
from .services import UnknownRole


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    return reason[:2000]


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
    manager = manager_binding(actor, division.code)
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
    problems = password_problems(password, User(username=username, full_name=full_name))
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
    manager = check_reach(actor, user)
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
def user_password_set(*, actor, user: User, password: str, reason: str) -> User:
    """Set a new password for a user who lost theirs; audited (never the password)."""
    reason = _reason(reason)
    user = User.objects.select_for_update().get(pk=user.pk)
    manager = check_reach(actor, user)
    problems = password_problems(password, user)
    if problems:
        raise UserInvalid({"password": problems})
    revoked = store_password(user, password)  # a new password ends the API tokens
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


@transaction.atomic
def user_password_reset(*, actor, user: User, new_password: str, reason: str) -> User:
    """An account manager above every role of ``user`` (or a superuser) sets a new
    password, for instance when the user forgot theirs; the user's API tokens and sessions
    end (the session hash changes with the password); audited with the reason."""
    reason = (reason or "").strip()
    manager = _reset_manager(actor, user)
    if not reason:
        raise ReasonRequired()
    revoked = password_replace(user, new_password)
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

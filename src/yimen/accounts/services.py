"""Use cases of accounts: logging in (with lockout and audit) and granting roles."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db import transaction

from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.regions.models import Division

from . import lockout
from .errors import AccountLocked, LoginRefused, RoleExists, RoleNotActive, UnknownRole
from .models import RoleBinding, User
from .reach import check_reach, manager_binding
from .roles import Role
from .scoping import forget_bindings


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


@transaction.atomic
def role_grant(*, actor, user: User, role: Role, division: Division, reason: str) -> RoleBinding:
    """Bind ``user`` to ``role`` in ``division``; only account managers above it may."""
    try:
        role = Role(role)
    except ValueError:
        raise UnknownRole(role) from None
    manager = manager_binding(actor, division.code)
    check_reach(actor, user)
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
    manager = manager_binding(actor, binding.division_id)
    check_reach(actor, binding.user)
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

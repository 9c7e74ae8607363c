"""Scoped reads of users for the account pages: an administrator sees the users of its
area only (fails closed: no account-managing binding, no users)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .errors import UserNotFound
from .models import RoleBinding, User
from .reach import user_in_reach
from .roles import Action
from .scoping import bindings_for, division_q


def users_managed_by(actor) -> QuerySet[User]:
    """Users with a role (active or past) in the actor's area and no active role outside
    it; superusers only for a superuser. The actor is listed but cannot change itself."""
    if not bindings_for(actor, Action.ACCOUNT_MANAGE):
        return User.objects.none()
    inside = division_q(actor, Action.ACCOUNT_MANAGE, "division__code")
    outside_users = RoleBinding.objects.filter(active=True).exclude(inside).values("user_id")
    users = User.objects.filter(
        pk__in=RoleBinding.objects.filter(inside).values("user_id")
    ).exclude(pk__in=outside_users)
    if not getattr(actor, "is_superuser", False):
        users = users.exclude(is_superuser=True)
    return users


def search_users(actor, query: str = "") -> QuerySet[User]:
    users = users_managed_by(actor)
    query = (query or "").strip()[:50]
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(full_name__icontains=query) | Q(phone=query)
        )
    return users.order_by("username")


def access_user_by_id(actor, user_id) -> User:
    """A user the actor may see (listed in its area) or UserNotFound; a user not in reach
    (the actor itself) is still shown, read-only."""
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        raise UserNotFound() from None
    user = users_managed_by(actor).filter(pk=pk).first()
    if user is None:
        raise UserNotFound()
    return user


__all__ = ["access_user_by_id", "search_users", "user_in_reach", "users_managed_by"]

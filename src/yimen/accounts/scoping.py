"""Scoping, in one place: which divisions a user may read or act in. Fails closed.

A binding acts only inside the subtree of its division. Division codes are 12-digit
statistical codes, so "inside" is a prefix match (see regions.codes): one query, no
recursion. Every selector of every app builds its filter from `division_q` here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from yimen.regions.codes import prefix_of

from .models import RoleBinding
from .roles import Action, Role, role_allows


@dataclass(frozen=True)
class Binding:
    """A role binding as plain data, cached on the request's user."""

    role: Role
    division_code: str

    @property
    def prefix(self) -> str:
        return prefix_of(self.division_code)

    def covers(self, division_code: str) -> bool:
        return division_code.startswith(self.prefix)


def bindings_of(user) -> list[Binding]:
    """The active bindings of ``user`` (none for anonymous or inactive users)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_yimen_bindings", None)
    if cached is None:
        # A role no longer in the code (renamed or retired) grants nothing: skip it rather
        # than fail every request of that user.
        cached = [
            Binding(Role(role), code)
            for role, code in RoleBinding.objects.filter(user=user, active=True)
            .order_by("role", "division_id")
            .values_list("role", "division_id")
            if role in Role.values
        ]
        user._yimen_bindings = cached
    return cached


def forget_bindings(user) -> None:
    """Drop the cached bindings after a grant or revocation."""
    if hasattr(user, "_yimen_bindings"):
        del user._yimen_bindings


def bindings_for(user, action: Action | str) -> list[Binding]:
    """The bindings of ``user`` whose role carries ``action``."""
    return [b for b in bindings_of(user) if role_allows(b.role, action)]


def acting_role(user, action: Action | str, division_code: str) -> str | None:
    """The role under which ``user`` may do ``action`` at ``division_code`` (its first binding
    there carrying the action), for the audit record; None when no binding allows it."""
    for binding in bindings_for(user, action):
        if binding.covers(division_code):
            return str(binding.role)
    return None


def can(user, action: Action | str, division_code: str) -> bool:
    """True when some binding of ``user`` allows ``action`` at ``division_code``."""
    return any(b.covers(division_code) for b in bindings_for(user, action))


def division_q(user, action: Action | str, field: str = "division__code") -> Q:
    """A filter on ``field`` (a division code column) for where ``user`` may do ``action``.

    With no such binding the filter matches nothing: scoping fails closed."""
    prefixes = sorted({b.prefix for b in bindings_for(user, action)})
    if not prefixes:
        return Q(pk__in=[])
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{field}__startswith": prefix})
    return q

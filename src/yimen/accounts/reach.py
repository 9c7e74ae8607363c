"""Whom an account manager may act on (issue 14): a system_admin binding at a county (县级
管理员) manages the users whose roles all lie in that county; at the province, the province's.
A user with a role outside the actor's area, a superuser, or the actor themselves is out of
reach (another administrator changes an administrator's own account). Used by granting roles
(``services``) and by the managers' use cases (``managing``)."""

from __future__ import annotations

from .errors import NotManager, NotYourUser, SelfManagement
from .models import RoleBinding, User
from .roles import Action
from .scoping import Binding, bindings_for


def manager_binding(actor, division_code: str) -> Binding:
    """The actor's binding that allows managing accounts at ``division_code`` (the one the
    audit event names), or NotManager."""
    for binding in bindings_for(actor, Action.ACCOUNT_MANAGE):
        if binding.covers(division_code):
            return binding
    raise NotManager()


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


def check_reach(actor, user: User) -> Binding:
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

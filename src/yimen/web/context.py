"""What every workbench page needs: the user's roles, menu and unread reminders."""

from __future__ import annotations

from yimen.accounts.scoping import bindings_of


def workbench(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from yimen.workflow.selectors import unread_notifications

    from .menu import menu_for

    return {
        "my_bindings": bindings_of(user),
        "menu": menu_for(user),
        "unread_count": unread_notifications(user).count(),
    }

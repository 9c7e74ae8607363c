"""What every workbench page needs: the user's roles and unread reminders."""

from __future__ import annotations

from yimen.accounts.scoping import bindings_of


def workbench(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from yimen.workflow.selectors import unread_notifications

    return {
        "my_bindings": bindings_of(user),
        "unread_count": unread_notifications(user).count(),
    }

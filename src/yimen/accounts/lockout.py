"""Lock an account, or an address, after repeated failed logins.

Counts failures inside a sliding window (settings.YIMEN_LOCKOUT); a success clears the
account's count. Both limits apply: a guessed password from many addresses locks the
account, and one address trying many accounts is locked out itself.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import LoginAttempt


def _window_start():
    return timezone.now() - timedelta(minutes=settings.YIMEN_LOCKOUT["window_minutes"])


def _failures_since_success(**where) -> int:
    since = _window_start()
    last_ok = (
        LoginAttempt.objects.filter(succeeded=True, at__gte=since, **where)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return LoginAttempt.objects.filter(succeeded=False, at__gte=last_ok or since, **where).count()


def is_locked(username: str, address: str | None) -> bool:
    """True while the account or the address has too many recent failures."""
    limits = settings.YIMEN_LOCKOUT
    if _failures_since_success(username=username.lower()) >= limits["per_account"]:
        return True
    return (
        bool(address)
        and LoginAttempt.objects.filter(
            address=address, succeeded=False, at__gte=_window_start()
        ).count()
        >= limits["per_address"]
    )


def note_attempt(username: str, address: str | None, *, succeeded: bool) -> None:
    LoginAttempt.objects.create(
        username=username.lower()[:150], address=address or None, succeeded=succeeded
    )

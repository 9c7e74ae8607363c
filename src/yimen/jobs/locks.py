"""Named locks shared by every process on every machine: in Redis when YIMEN_REDIS_URL
configures the shared cache (SET NX PX, released only by its holder's token), else in the
database (a NamedLock row: the primary key refuses a second holder). Each lock expires
after ``ttl`` seconds, so a holder that died (kill -9, a lost machine) cannot keep it."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict

from .models import NamedLock

# delete the key only if it still holds our token (another holder's lock is left alone)
_RELEASE = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
)


class LockHeld(Conflict):
    code = "locks.held"

    def __init__(self):
        super().__init__(_("Someone else is doing this right now; try again when they are done."))


def _redis():
    """Django's cache when it is the configured Redis, else None (lock in the database)."""
    return caches["default"] if settings.YIMEN_CACHE_URL else None


def acquire(name: str, *, ttl: float = 300) -> str | None:
    """Take lock ``name`` for ``ttl`` seconds; its token, or None while another holds it."""
    token = secrets.token_hex(16)
    cache = _redis()
    if cache is not None:
        key = cache.make_and_validate_key(f"lock:{name}")
        client = cache._cache.get_client(key, write=True)
        return token if client.set(key, token, nx=True, px=int(ttl * 1000)) else None
    now = timezone.now()
    with transaction.atomic():
        NamedLock.objects.filter(name=name, expires_at__lte=now).delete()
        try:
            with transaction.atomic():
                NamedLock.objects.create(
                    name=name, token=token, expires_at=now + timedelta(seconds=ttl)
                )
        except IntegrityError:
            return None
    return token


def release(name: str, token: str) -> None:
    """Let go of lock ``name`` if ``token`` still holds it."""
    cache = _redis()
    if cache is not None:
        key = cache.make_and_validate_key(f"lock:{name}")
        cache._cache.get_client(key, write=True).eval(_RELEASE, 1, key, token)
        return
    NamedLock.objects.filter(name=name, token=token).delete()


@contextlib.contextmanager
def held(name: str, *, ttl: float = 300) -> Iterator[str]:
    """Hold lock ``name`` for the block; LockHeld (409) at once while another holds it."""
    token = acquire(name, ttl=ttl)
    if token is None:
        raise LockHeld()
    try:
        yield token
    finally:
        release(name, token)

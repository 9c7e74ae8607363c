"""Counters for rate limits shared by every worker and server process.

A fixed window starts with the first use of a key and lasts ``window`` seconds. The store
is the database (RateCounter, one row per key, incremented with a single UPDATE … SET
count = count + 1, so two workers counting at once never lose a use), or Redis when
YIMEN_CACHE_URL configures it as Django's cache (SET NX to start a window, atomic INCR).
Never Django's default local-memory cache: that is each worker's own. Keys are hashed with
the secret key, so no address is stored in the clear.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import RateCounter


def counter_key(kind: str, subject: str | None) -> str:
    """The stored key of ``subject`` (an address, say) for the limit ``kind``."""
    digest = salted_hmac("yimen.ratelimit", subject or "unknown").hexdigest()
    return f"yimen:limit:{kind}:{digest[:40]}"


def _redis():
    """Django's cache when it is the configured Redis, else None (count in the database)."""
    return caches["default"] if settings.YIMEN_CACHE_URL else None


def used(kind: str, subject: str | None) -> int:
    """How many uses ``subject`` has made of ``kind`` in its current window."""
    key = counter_key(kind, subject)
    cache = _redis()
    if cache is not None:
        return int(cache.get(key, 0))
    count = (
        RateCounter.objects.filter(key=key, expires_at__gt=timezone.now())
        .values_list("count", flat=True)
        .first()
    )
    return count or 0


def use(kind: str, subject: str | None, *, window: int) -> int:
    """Count one use; the count after it. The window (seconds) starts with the first use."""
    key = counter_key(kind, subject)
    cache = _redis()
    if cache is not None:
        return _use_in_redis(cache, key, window)
    now = timezone.now()
    for _ in range(3):
        with transaction.atomic():
            if RateCounter.objects.filter(key=key, expires_at__gt=now).update(count=F("count") + 1):
                return RateCounter.objects.get(key=key).count
            # no live window: the first use starts one (replacing an expired row)
            RateCounter.objects.filter(key=key, expires_at__lte=now).delete()
            try:
                with transaction.atomic():
                    RateCounter.objects.create(
                        key=key, count=1, expires_at=now + timedelta(seconds=window)
                    )
            except IntegrityError:
                continue  # another worker started the window first: count in it
            return 1
    raise RuntimeError("rate counter kept changing under us")  # pragma: no cover


def _use_in_redis(cache, key: str, window: int) -> int:
    for _ in range(3):
        if cache.add(key, 1, timeout=window):  # SET NX EX: the first use starts the window
            return 1
        try:
            return cache.incr(key)  # INCR keeps the key's expiry
        except ValueError:
            continue  # the window ended between the two calls: start a new one
    raise RuntimeError("rate counter kept changing under us")  # pragma: no cover


def purge_expired() -> int:
    """Delete counters whose window has passed (they are replaced on use anyway; Redis
    expires its keys by itself)."""
    deleted, _ = RateCounter.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted

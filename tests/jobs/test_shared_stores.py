"""The web tier's shared stores: named locks (database or Redis) held across processes, and
the read-replica router (dashboards read from the replica alias, writes stay on the primary)."""

# ruff: noqa: S603 — the harness runs our own interpreter
from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.accounts.test_ratelimit import REDIS, redis_running
from tests.factories import NANGUAN, user_with
from tests.jobs.test_queue import database_url
from tests.supervision.test_dashboard_world import build_history
from yimen.accounts.roles import Role
from yimen.db_router import REPLICA, reading_alias, replica_reads
from yimen.jobs import locks
from yimen.jobs.models import NamedLock

REPO = Path(__file__).resolve().parents[2]
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL")


@pytest.fixture(params=["database", "redis"])
def store(request, settings):
    """Locks in the database (default) or in the Redis the machine runs."""
    if request.param == "redis":
        if not redis_running():
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        settings.YIMEN_CACHE_URL = REDIS
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS,
                "KEY_PREFIX": f"yimen-test-{os.getpid()}",
            }
        }
        caches["default"].clear()
    return request.param


@pytest.mark.django_db
def test_a_lock_refuses_a_second_holder_until_released(store):
    with locks.held("roll:220102001") as token:
        assert locks.acquire("roll:220102001") is None
        with pytest.raises(locks.LockHeld) as refused, locks.held("roll:220102001"):
            pass  # pragma: no cover
        assert refused.value.status == 409 and "正在" in refused.value.render("zh-hans")
        assert locks.acquire("roll:220102002")  # another name is free
        locks.release("roll:220102001", "not-the-token")  # a stranger cannot free it
        assert locks.acquire("roll:220102001") is None
    assert token and locks.acquire("roll:220102001")  # released
    assert NamedLock.objects.exists() == (store == "database")


@pytest.mark.django_db
def test_a_dead_holders_lock_expires():
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        assert locks.acquire("medins.outbox", ttl=30)
        assert locks.acquire("medins.outbox", ttl=30) is None
        clock.move_to(now + timedelta(seconds=31))
        assert locks.acquire("medins.outbox", ttl=30)


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_a_lock_held_by_one_process_refuses_another(store, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YIMEN_", "DJANGO_"))}
    env.update(
        YIMEN_DATABASE_URL=database_url(),
        YIMEN_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="yimen.settings.test",
        PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
    )
    if store == "redis":
        env["YIMEN_REDIS_URL"] = REDIS
    script = (
        "import django; django.setup(); from yimen.jobs import locks; "
        "print(locks.acquire('bench-lock', ttl=60) is not None)"
    )

    def other_process() -> str:
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, cwd=REPO, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip()

    if store == "redis":  # the other process uses its own key prefix: the default one
        caches["default"].key_prefix = "yimen"
        caches["default"].delete("lock:bench-lock")
    token = locks.acquire("bench-lock", ttl=60)
    try:
        assert token and other_process() == "False"
    finally:
        locks.release("bench-lock", token)
    assert other_process() == "True"  # free again: the other process takes it


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
@postgres_only
def test_dashboards_read_from_the_replica_when_one_is_configured(client, settings, tree):
    build_history()
    supervisor = user_with(Role.COUNTY_SUPERVISOR, NANGUAN)
    client.force_login(supervisor)
    query = {"from": "2026-01", "to": "2026-06"}
    url = f"/county/dashboard/{NANGUAN}/"
    off = client.get(url, query)
    settings.REPLICA_READS = True
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        on = client.get(url, query)
    assert on.status_code == off.status_code == 200
    assert on.context["board"].total == off.context["board"].total  # same figures
    assert any("workflow_case" in q["sql"] for q in on_replica.captured_queries)
    assert not any("workflow_case" in q["sql"] for q in on_primary.captured_queries)
    # the session and the user come from the primary (a new session may not be replicated)
    assert any("django_session" in q["sql"] for q in on_primary.captured_queries)
    # outside the marked pages (and for every write) the primary
    assert reading_alias() == "default"
    with replica_reads():
        assert reading_alias() == REPLICA
    settings.REPLICA_READS = False
    with replica_reads():
        assert reading_alias() == "default"

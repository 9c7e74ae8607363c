"""Rate-limit counters in the store every worker shares: windows, atomic counting, and two
server processes on one database counting against the same limit."""

# ruff: noqa: S603, S310 — the harness runs our own server and calls it on loopback
from __future__ import annotations

import contextlib
import http.cookiejar
import ipaddress
import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from yimen.accounts import ratelimit
from yimen.accounts.models import RateCounter
from yimen.assistance.services import public

REDIS = "redis://127.0.0.1:6379/15"
REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DAY = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def redis_running() -> bool:
    with socket.socket() as s, contextlib.suppress(OSError):
        s.settimeout(1)
        s.connect(("127.0.0.1", 6379))
        return True
    return False


def fresh_address() -> str:
    """An address no earlier run has used (Redis keeps a key for its whole window)."""
    return str(ipaddress.IPv6Address((0x20010DB8 << 96) + random.getrandbits(64)))


@pytest.fixture
def redis_store(settings):
    """The counters in Redis (YIMEN_CACHE_URL), as a deployment with Redis has them."""
    if not redis_running():
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.YIMEN_CACHE_URL = REDIS
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": "yimen",
        }
    }


@pytest.mark.django_db
def test_a_window_counts_uses_then_starts_afresh():
    with time_machine.travel(DAY, tick=False) as clock:
        assert ratelimit.used("t", "198.51.100.1") == 0
        assert [ratelimit.use("t", "198.51.100.1", window=3600) for _ in range(3)] == [1, 2, 3]
        assert ratelimit.used("t", "198.51.100.1") == 3
        assert ratelimit.used("t", "198.51.100.2") == 0  # per subject
        assert ratelimit.used("other", "198.51.100.1") == 0  # per kind
        clock.move_to(DAY + timedelta(minutes=59))
        assert ratelimit.used("t", "198.51.100.1") == 3
        clock.move_to(DAY + timedelta(hours=1))
        assert ratelimit.used("t", "198.51.100.1") == 0
        assert ratelimit.use("t", "198.51.100.1", window=3600) == 1
        assert RateCounter.objects.count() == 1  # the expired row was replaced


@pytest.mark.django_db
def test_addresses_are_not_stored_in_the_clear():
    ratelimit.use("public.status", "203.0.113.77", window=60)
    (key,) = RateCounter.objects.values_list("key", flat=True)
    assert "203.0.113.77" not in key


@pytest.mark.django_db
def test_purge_removes_only_finished_windows():
    with time_machine.travel(DAY, tick=False) as clock:
        ratelimit.use("a", "x", window=60)
        ratelimit.use("b", "x", window=7200)
        clock.move_to(DAY + timedelta(minutes=5))
        assert ratelimit.purge_expired() == 1
        assert ratelimit.used("b", "x") == 1


@pytest.mark.django_db
def test_with_redis_configured_the_counters_live_in_redis(redis_store):
    who = fresh_address()
    assert [ratelimit.use("t", who, window=1) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.used("t", who) == 3
    assert not RateCounter.objects.exists()
    time.sleep(1.2)  # Redis expires the key by its own clock
    assert ratelimit.used("t", who) == 0
    assert ratelimit.use("t", who, window=1) == 1


@pytest.fixture(params=["database", "redis"])
def store(request) -> str:
    if request.param == "redis":
        request.getfixturevalue("redis_store")
    return request.param


@pytest.mark.django_db(transaction=True)
def test_uses_at_the_same_moment_are_all_counted_once(store):
    """Four threads (each its own database connection, as workers have) count 10 uses
    each, starting on a key with no window: every use gets its own number, none lost."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    who = fresh_address()

    def hammer(_):
        try:
            return [ratelimit.use("race", who, window=3600) for _ in range(10)]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        numbers = [n for chunk in pool.map(hammer, range(4)) for n in chunk]
    assert sorted(numbers) == list(range(1, 41))
    assert ratelimit.used("race", who) == 40


# --- two server processes ---------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    """The URL of the test database this test runs on, for the servers to share."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user, host, port = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT")
    return f"postgres://{user}@{host}:{port or 5432}/{db['NAME']}"


class Server:
    """A gunicorn process serving yimen on its own port, on the test database."""

    def __init__(self, workdir: Path, cache_url: str = ""):
        self.port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("YIMEN_", "DJANGO_"))}
        if cache_url:
            env["YIMEN_CACHE_URL"] = cache_url
        env.update(
            YIMEN_DATABASE_URL=_database_url(),
            YIMEN_DATA_DIR=str(workdir),
            YIMEN_ALLOW_INSECURE_KEY="1",
            YIMEN_TRUSTED_PROXIES="1",
            DJANGO_SETTINGS_MODULE="yimen.settings.base",
            # this checkout's sources, not whichever the virtualenv's editable install names
            PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
        )
        self.log = workdir / f"server-{self.port}.log"
        cmd = [
            str(BIN / "gunicorn"), "yimen.wsgi:application", "-b", f"127.0.0.1:{self.port}",
            "--workers", "1", "--timeout", "60", "--graceful-timeout", "1",
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd, env=env, cwd=REPO, stdout=self.log.open("a"), stderr=subprocess.STDOUT
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-3000:]
            with contextlib.suppress(OSError):
                urllib.request.urlopen(self.url + "/accounts/login/", timeout=2).read()
                return
            time.sleep(0.3)
        raise AssertionError("server did not start: " + self.log.read_text()[-3000:])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def failed_lookup(server: Server, client_ip: str) -> int:
    """One status look-up with wrong details, as a citizen behind the reverse proxy."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    headers = {"X-Forwarded-For": client_ip}
    opener.open(urllib.request.Request(server.url + "/public/status/", headers=headers)).read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode(
        {"case_number": "YM-NOPE", "id_number": "110101199003077777", "receipt_code": "000000"}
    ).encode()
    request = urllib.request.Request(
        server.url + "/public/status/",
        data=body,
        headers={**headers, "X-CSRFToken": token},
    )
    try:
        return opener.open(request).status
    except urllib.error.HTTPError as refused:
        return refused.code


@pytest.mark.django_db(transaction=True)
def test_the_status_limit_holds_across_two_server_processes(tmp_path, store):
    limit = public.LIMITS["status_failures_per_hour"]
    cache_url = REDIS if store == "redis" else ""
    servers = [Server(tmp_path, cache_url), Server(tmp_path, cache_url)]
    try:
        for server in servers:
            server.wait()
        attacker, citizen = fresh_address(), fresh_address()
        # the attacker's failures alternate between the two processes
        codes = [failed_lookup(servers[n % 2], attacker) for n in range(limit)]
        assert codes == [404] * limit
        # blocked on both: each process saw only half of the failures, yet the limit holds
        assert failed_lookup(servers[0], attacker) == 429
        assert failed_lookup(servers[1], attacker) == 429
        # another citizen behind the same proxy is not blocked
        assert failed_lookup(servers[1], citizen) == 404
    finally:
        for server in servers:
            server.stop()
    # the count is in the shared store, not in a process
    key = ratelimit.counter_key("public.status", attacker)
    assert RateCounter.objects.filter(key=key).exists() == (store == "database")
    # and a restart forgets nothing
    restarted = Server(tmp_path, cache_url)
    try:
        restarted.wait()
        assert failed_lookup(restarted, attacker) == 429
    finally:
        restarted.stop()


@pytest.mark.django_db
def test_the_purge_command_reports_what_it_deleted():
    from io import StringIO

    from django.core.management import call_command

    with time_machine.travel(DAY, tick=False) as clock:
        ratelimit.use("a", "x", window=60)
        clock.move_to(DAY + timedelta(minutes=2))
        out = StringIO()
        call_command("ratelimit_purge", stdout=out)
    assert out.getvalue().strip() == "deleted 1 expired rate counters"
    assert not RateCounter.objects.exists()

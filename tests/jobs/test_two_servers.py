"""Two granian server processes sharing PostgreSQL and Redis behave as one web tier: a
session made on one is valid on the other, a rate limit counts the uses on both, and the
lock one takes (a verification run queued) refuses the other."""

# ruff: noqa: S603, S310 — the harness runs our own servers and calls them on loopback
from __future__ import annotations

import http.cookiejar
import os
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.accounts.test_ratelimit import (
    BIN,
    REDIS,
    Server,
    _free_port,
    failed_lookup,
    fresh_address,
    redis_running,
)
from tests.jobs.test_queue import database_url
from yimen.assistance.services import public
from yimen.verification.models import RunStatus, VerificationRun

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "Two-servers-2026!"
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL and Redis"),
]


class Granian(Server):
    """A granian process (as bench/settlement_load.py starts it) on the shared stores."""

    def __init__(self, workdir: Path):
        self.port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("YIMEN_", "DJANGO_"))}
        env.update(
            YIMEN_DATABASE_URL=database_url(),
            YIMEN_REDIS_URL=REDIS,
            YIMEN_SESSIONS="cache",
            YIMEN_JOBS_BACKEND="procrastinate",  # no worker: a queued run stays queued
            YIMEN_DATA_DIR=str(workdir),
            YIMEN_ALLOW_INSECURE_KEY="1",
            YIMEN_TRUSTED_PROXIES="1",
            DJANGO_SETTINGS_MODULE="yimen.settings.base",
            PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
        )
        self.log = workdir / f"granian-{self.port}.log"
        cmd = [
            str(BIN / "granian"), "--interface", "wsgi", "yimen.wsgi:application",
            "--workers", "1", "--blocking-threads", "2", "--runtime-threads", "1",
            "--host", "127.0.0.1", "--port", str(self.port), "--http", "1", "--no-ws",
            "--log-level", "warning",
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd, env=env, cwd=REPO, stdout=self.log.open("a"), stderr=subprocess.STDOUT
        )


class Browser:
    """One user's cookies, used against either server."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> tuple[int, str, str]:
        try:
            with self.opener.open(url) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()

    def post(self, url: str, fields: dict) -> tuple[int, str, str]:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        try:
            with self.opener.open(request) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()


@pytest.fixture
def servers(tmp_path):
    if not redis_running():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    pair = [Granian(tmp_path), Granian(tmp_path)]
    try:
        for server in pair:
            server.wait()
        yield pair
    finally:
        for server in pair:
            server.stop()


@pytest.mark.django_db(transaction=True)
def test_two_granian_processes_share_sessions_limits_and_locks(servers, staff):
    a, b = servers
    staff.caseworker.set_password(PASSWORD)
    staff.caseworker.save()
    user = Browser()
    user.get(a.url + "/accounts/login/")
    status, landed, _ = user.post(
        a.url + "/accounts/login/", {"username": staff.caseworker.username, "password": PASSWORD}
    )
    assert status == 200 and "/accounts/login/" not in landed  # signed in on A
    # the session (in Redis) is valid on B: B shows the verification page, not the login
    status, landed, page = user.get(b.url + "/verification/")
    assert status == 200 and "/accounts/login/" not in landed
    # a stranger with no session is sent to the login on B
    assert "/accounts/login/" in Browser().get(b.url + "/verification/")[1]

    # the lock: a run queued through A refuses the one asked of B
    status, landed, _ = user.post(a.url + "/verification/runs/new/", {})
    run = VerificationRun.objects.get()
    assert landed.endswith(f"/verification/runs/{run.pk}/") and run.status == RunStatus.QUEUED
    status, landed, page = user.post(b.url + "/verification/runs/new/", {})
    assert landed.endswith("/verification/") and VerificationRun.objects.count() == 1
    assert "已有核对批次在排队或运行中" in page  # RunActive, in the session's language

    # the rate limit counts the failures made on both processes
    limit = public.LIMITS["status_failures_per_hour"]
    attacker = fresh_address()
    assert [failed_lookup(servers[n % 2], attacker) for n in range(limit)] == [404] * limit
    assert failed_lookup(a, attacker) == 429 and failed_lookup(b, attacker) == 429

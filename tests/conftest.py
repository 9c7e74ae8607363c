"""Shared fixtures. The network is blocked for every test (house rule 11)."""

from __future__ import annotations

import datetime as dt
import os
import socket
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from tests.factories import build_tree, register_generic_assist


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Refuse connections to anything but this machine (the database and live servers)."""
    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in {"localhost", "::1"} or host.startswith("/")
        ):
            raise RuntimeError(f"network access blocked in tests: {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def tree(db):
    """The small real division tree of tests/factories.py."""
    return build_tree()


@pytest.fixture(autouse=True, scope="session")
def _generic_assist_process():
    """Register the test-only copy of the assistance process (see factories)."""
    register_generic_assist()


CLOCK_SHIFT_ENV = "YIMEN_TEST_CLOCK_SHIFT_DAYS"


@pytest.fixture(autouse=True, scope="session")
def _shifted_clock():
    """Opt-in: run the whole session with the clock moved by $YIMEN_TEST_CLOCK_SHIFT_DAYS days.

    A test that depends on today's date passes on the day it was written and fails months
    later on a fresh clone; CI runs the suite once more a year ahead so such a test fails
    at once. The clock keeps ticking (tick=True) so timeouts, live servers and Playwright
    keep working; only the wall clock (time.time, datetime.now, date.today) moves —
    time.monotonic, which asyncio and socket timeouts use, is left alone. A test that pins
    its own day with time_machine.travel still gets that day.
    """
    days = os.environ.get(CLOCK_SHIFT_ENV, "").strip()
    if not days or int(days) == 0:
        yield
        return
    # a destination in the project's zone: time-machine then also sets the local zone, so
    # date.today() is Beijing's day as outside the travel (Django sets TZ to TIME_ZONE);
    # with a UTC destination it was the UTC day, a day behind from 16:00 UTC on
    here = ZoneInfo(settings.TIME_ZONE)
    with time_machine.travel(dt.datetime.now(here) + dt.timedelta(days=int(days)), tick=True):
        yield


#: the day a test that needs "today" sees (a Monday, in the system's zone)
PINNED_NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def pinned_clock():
    """Pin the clock to PINNED_NOW (ticking from there) for a test whose expectations follow
    from today's date; use it as ``pytest.mark.usefixtures("pinned_clock")`` on the module so
    it is in place before the fixtures that create data."""
    with time_machine.travel(PINNED_NOW, tick=True):
        yield PINNED_NOW

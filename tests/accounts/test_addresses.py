"""The client address behind trusted reverse proxies (YIMEN_TRUSTED_PROXIES), and the
lockout and public limits keyed on it: one client's failures do not lock out everybody
behind the same proxy, and a forged X-Forwarded-For does not dodge a limit."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import NANLING, user_with
from tests.web.world import PASSWORD
from yimen.accounts.addresses import client_address
from yimen.accounts.models import LoginAttempt
from yimen.accounts.roles import Role

LOGIN = reverse("accounts:login")
PROXY = "10.0.0.2"  # the reverse proxy, as the app sees it


def address(settings, trusted, remote, forwarded=None):
    settings.YIMEN_TRUSTED_PROXIES = trusted
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        # no proxy trusted: the header is the client's own word and is ignored
        (0, "203.0.113.9", "1.2.3.4", "203.0.113.9"),
        # one proxy: the address it appended, not what the client put before it
        (1, PROXY, "198.51.100.7", "198.51.100.7"),
        (1, PROXY, "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        (1, PROXY, " 6.6.6.6 ,1.2.3.4 , 198.51.100.7 ", "198.51.100.7"),
        # two proxies (a load balancer before nginx): skip both
        (2, PROXY, "1.2.3.4, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        # IPv6 clients
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
        # a request that skipped the proxy (straight to the app port): its own address
        (1, "198.51.100.8", None, "198.51.100.8"),
        (2, PROXY, "198.51.100.7", "198.51.100.7"),
        # the proxy wrote something that is not an address: fall back to REMOTE_ADDR
        (1, PROXY, "unknown", PROXY),
    ],
)
def test_the_client_is_the_rightmost_address_no_trusted_proxy_stands_for(
    settings, trusted, remote, forwarded, expected
):
    assert address(settings, trusted, remote, forwarded) == expected


def test_the_default_trusts_no_proxy(settings):
    from yimen.settings import base

    assert base.YIMEN_TRUSTED_PROXIES == 0
    assert address(settings, base.YIMEN_TRUSTED_PROXIES, PROXY, "198.51.100.7") == PROXY


def login_via_proxy(client_ip, username, password, forged=""):
    header = f"{forged}, {client_ip}" if forged else client_ip
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header).post(
        LOGIN, {"username": username, "password": password}
    )


@pytest.mark.django_db
def test_one_client_behind_the_proxy_does_not_lock_out_the_others(settings, tree):
    settings.YIMEN_TRUSTED_PROXIES = 1
    user_with(Role.TOWNSHIP_CASEWORKER, NANLING, username="zhangli")
    limit = settings.YIMEN_LOCKOUT["per_address"]
    for n in range(limit):
        last = login_via_proxy("203.0.113.66", f"guess{n}", "password123")
    assert last.status_code == 403  # the guessing client is locked out
    assert set(LoginAttempt.objects.values_list("address", flat=True)) == {"203.0.113.66"}
    # a colleague behind the same proxy logs in as usual
    assert login_via_proxy("198.51.100.20", "zhangli", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_forged_forwarded_header_does_not_dodge_the_address_lockout(settings, tree):
    settings.YIMEN_TRUSTED_PROXIES = 1
    limit = settings.YIMEN_LOCKOUT["per_address"]
    for n in range(limit):
        # each try claims another address at the left; the proxy's entry stays the same
        last = login_via_proxy("203.0.113.66", f"guess{n}", "password123", forged=f"10.1.1.{n}")
    assert last.status_code == 403
    assert 'data-code="accounts.locked"' in last.content.decode()

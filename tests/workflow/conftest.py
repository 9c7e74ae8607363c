"""Fixtures of the workflow tests: a settable clock and the people of 南岭街道."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.factories import HUAYANG, NANGUAN, NANLING, ZIQIANG, user_with
from tests.web.world import _fast_password_hashing, world  # noqa: F401  (fixtures of the pages and API moved from web)
from yimen.accounts.roles import Role

from .helpers import HENGAN, Clock, shanghai


@pytest.fixture
def clock(monkeypatch):
    """Freeze "now" (services, audit and model defaults read timezone.now) and move it by hand.

    Starts on Tuesday 29 September 2020, 10:00 in Shanghai: the day before the National Day
    holiday of 1–8 October, which has make-up workdays on Sunday 27 September and Saturday
    10 October."""
    fake = Clock(shanghai(2020, 9, 29))
    monkeypatch.setattr(timezone, "now", fake)
    return fake


@pytest.fixture
def people(tree):
    """One user per role that matters, in the case's township and elsewhere."""
    return SimpleNamespace(
        caseworker=user_with(Role.TOWNSHIP_CASEWORKER, NANLING),
        approver=user_with(Role.TOWNSHIP_APPROVER, NANLING),
        social=user_with(Role.SOCIAL_WORKER, NANLING),
        village=user_with(Role.VILLAGE_STAFF, HUAYANG),
        other_village=user_with(Role.VILLAGE_STAFF, HENGAN),
        township_village=user_with(Role.VILLAGE_STAFF, NANLING),
        other_caseworker=user_with(Role.TOWNSHIP_CASEWORKER, ZIQIANG),
        other_approver=user_with(Role.TOWNSHIP_APPROVER, ZIQIANG),
        county_caseworker=user_with(Role.TOWNSHIP_CASEWORKER, NANGUAN),
        supervisor=user_with(Role.COUNTY_SUPERVISOR, NANGUAN),
    )

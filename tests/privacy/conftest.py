"""Fixtures for personal-data protection: the assistance staff of 南岭街道, the county
supervisor of 南关区, an auditor bound at 长春市, and households through the real paths."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.assistance.conftest import household_input, id_number, staff  # noqa: F401
from tests.benefits.conftest import approved, quick_household  # noqa: F401
from tests.factories import NANGUAN, TEST_PASSWORD, user_with
from yimen.accounts.roles import Role

CITY = "220100"
OTHER_DISTRICT = "220103"  # 宽城区


@pytest.fixture
def people(staff):  # noqa: F811
    """The staff of the assistance tests, with the privacy roles added."""
    return SimpleNamespace(
        **vars(staff),
        auditor=user_with(Role.PRIVACY_AUDITOR, CITY, full_name="柏晓岚"),
        other_supervisor=user_with(Role.COUNTY_SUPERVISOR, OTHER_DISTRICT, full_name="宽城监督"),
        county_admin=user_with(Role.SYSTEM_ADMIN, NANGUAN, full_name="县级管理员"),
    )


def login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


__all__ = ["household_input", "id_number", "login", "quick_household"]

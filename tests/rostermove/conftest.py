"""Fixtures of moving in: the county (南关区) with a few more villages — two of them called
新村, so a name alone is ambiguous —, the shipped parameters, the county's civil-affairs
staff, and the rules' amount for a household of a given kind, registration and size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.management import call_command

from tests.factories import NANGUAN, user_with
from yimen.accounts.roles import Role
from yimen.regions.models import Division
from yimen.rostermove.kinds.roster_amounts import rules_amount as amount_of

TODAY = date(2026, 12, 7)  # tests.conftest.PINNED_NOW's day
KINDS = {"低保": "dibao", "特困": "tekun", "低收入": "low_income"}


def rules_amount(kind: str, hukou: str, births: list[date]) -> str:
    """The amount the shipped rules give a household without income (what the old system's
    amount should be), as the sheet writes it."""
    code = "urban" if hukou == "城市" else "rural"
    return amount_of(KINDS[kind], code, births, "220102001001", TODAY)


@dataclass
class County:
    staff: object
    divisions: dict


@pytest.fixture
def county(tree) -> County:
    call_command("load_parameters", verbosity=0)
    nanguan = tree[NANGUAN]
    quanan = Division.objects.create(code="220102003000", name="全安街道", level=4, parent=nanguan)
    Division.objects.create(code="220102003001", name="新村", level=5, parent=quanan)
    Division.objects.create(code="220102001003", name="新村", level=5, parent=tree["220102001000"])
    staff = user_with(Role.COUNTY_SUPERVISOR, "220102", username="county")
    return County(staff=staff, divisions=tree)

"""Fixtures of the county's subsidy supervision tests: Yushu's subsidy world (the
subsidy tests' fixture, re-exported), a supervisor of another county, and applications
brought to the bureau's approval at a pinned instant."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from tests.factories import user_with
from tests.subsidy.conftest import BJ, NOV, World, feed, pit, world  # noqa: F401
from yimen.accounts.roles import Role
from yimen.subsidy.models import Application, Finding
from yimen.subsidy.services.review import Measurement, application_decide, inspection_record

DECIDED = datetime(2020, 12, 8, 10, 0, tzinfo=BJ)


@pytest.fixture
def other_supervisor(world):  # noqa: F811  (the fixture above)
    """The county supervisor of 南关区: another county than Yushu."""
    return user_with(Role.COUNTY_SUPERVISOR, "220102000000", full_name="南关监督")


def approved(world: World, *items, survey=None, at: datetime = DECIDED) -> Application:  # noqa: F811
    """An application submitted in the window, inspected and approved (signed) at ``at``."""
    app = world.submitted(*(items or (feed(),)), survey=survey)
    inspection_record(
        application=app,
        actor=world.inspector,
        second_inspector=world.inspector2,
        inspected_on=date(2020, 12, 5),
        measurements=[
            Measurement(i.pk, Finding.AS_DECLARED, i.length_m, i.width_m, i.depth_m, i.quantity)
            for i in app.items.all()
        ],
        now=datetime(2020, 12, 5, 12, tzinfo=BJ),
    )
    with time_machine.travel(at, tick=False):
        return application_decide(application=app, actor=world.reviewer, approve=True, note="属实")

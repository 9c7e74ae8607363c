"""The demo's month of hospital traffic goes through the national interface (the envelope
parser, the handlers and the fast settlement), so the indicators page shows real figures."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import user_with
from yimen.accounts.roles import Role
from yimen.settlement import demo
from yimen.settlement.indicators import indicators, recount
from yimen.settlement.models import Filing, FsiMessage, Settlement, SignIn

PINNED = datetime(2026, 3, 15, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MONTH = (date(2026, 2, 13), date(2026, 3, 14))  # the 30 days before the pinned day


@pytest.fixture
def agency(world):
    return user_with(Role.MEDINS_AGENCY, "220100")


@time_machine.travel(PINNED, tick=False)
def test_a_month_of_settlements_is_replayed_through_the_interface(agency):
    made = demo.load_traffic(today=PINNED.date())
    settlements = Settlement.objects.all()
    assert made == settlements.count() >= 60
    # every settlement was answered by the interface, which stores its answer per msgid
    msgids = set(
        FsiMessage.objects.filter(infno__in=["2207", "2304"]).values_list("msgid", flat=True)
    )
    assert set(settlements.values_list("msgid", flat=True)) <= msgids
    assert SignIn.objects.filter(signed_out_at__isnull=False).count() >= 30
    days = set(settlements.values_list("day", flat=True))
    assert min(days) == MONTH[0] and max(days) == MONTH[1] and len(days) == 30
    # the long-stay filings were made at the counter, through the filing service
    assert Filing.objects.filter(channel="counter", created_by=agency).count() == 7
    result = indicators("220100", *MONTH)
    assert result.outbound.count > 40 and result.outbound.cross_count == result.outbound.count
    assert result.outbound.emergency_count > 0 and result.persons_filed == 7
    assert recount("220100", *MONTH) == (result.outbound, result.inbound)
    # local care in Changchun is settled but, being local, not among the indicators
    local = settlements.filter(institution__division__code__startswith="2201").count()
    assert local > 0 and result.outbound.count == made - local


@time_machine.travel(PINNED, tick=False)
def test_loading_again_adds_nothing(agency):
    first = demo.load_traffic(today=PINNED.date())
    assert demo.load_traffic(today=PINNED.date()) == 0
    assert Settlement.objects.count() == first and Filing.objects.count() == 7


def test_without_agency_staff_or_reference_data_nothing_is_loaded(world):
    assert demo.load_traffic(today=PINNED.date()) == 0
    assert not Settlement.objects.exists() and not FsiMessage.objects.exists()

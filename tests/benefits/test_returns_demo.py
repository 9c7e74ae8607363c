"""The demo's returned payments: one corrected and paid again by the next roll, one in the
last roll still waiting for its account, and the pages that show them."""

from __future__ import annotations

import pytest

from tests.benefits.test_demo_and_commands import demo_loaded  # noqa: F401  (the fixture)
from yimen.accounts.models import User
from yimen.benefits import demo
from yimen.benefits.models import PaymentReturn, PaymentRoll, ReturnStatus
from yimen.benefits.models.payments import LineKind
from yimen.benefits.services.payments import reconcile
from yimen.benefits.services.returns_ledger import reconcile_returns
from yimen.months import add_months

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def test_the_demo_has_a_returned_and_a_reissued_payment(demo_loaded, client):  # noqa: F811
    assert "returned payments" in demo_loaded
    rolls = list(PaymentRoll.objects.filter(division_id=demo.TOWNSHIP).order_by("month"))
    paid_again, waiting = PaymentReturn.objects.order_by("roll__month")
    assert (paid_again.status, waiting.status) == (ReturnStatus.REISSUED, ReturnStatus.RETURNED)
    assert paid_again.reissued_in.month == add_months(paid_again.roll.month, 1)
    [line] = paid_again.reissued_in.lines.filter(kind=LineKind.REISSUE)
    assert line.amount == paid_again.amount and line.beneficiary_id == paid_again.beneficiary_id
    assert waiting.roll == rolls[-1]  # the demo's last paid roll
    assert reconcile() == [] and reconcile_returns() == []
    client.force_login(User.objects.get(username="caseworker"))
    page = client.get("/benefits/returns/").content.decode()
    assert waiting.beneficiary.head_name in page
    household = client.get(f"/benefits/households/{waiting.beneficiary_id}/").content.decode()
    assert f"return-{waiting.pk}" in household
    client.logout()
    client.force_login(User.objects.get(username="supervisor"))
    assert waiting.beneficiary.head_name in client.get("/benefits/returns/").content.decode()
    assert "示例参数，待确认" in client.get("/benefits/returns/layouts/").content.decode()

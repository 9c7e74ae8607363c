"""The demo roster loads through the real roll issue, and the commands work on it."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from yimen.accounts.demo import load_demo_users
from yimen.assistance.demo import load_assistance_demo
from yimen.benefits import demo
from yimen.benefits.models import Beneficiary, FundLedgerEntry, PaymentRoll, Review
from yimen.benefits.services.payments import reconcile
from yimen.benefits.services.recalc import recalc_compute

# the demo's dates follow today: pinned, so that what a test expects does not move
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


@pytest.fixture
def demo_loaded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_divisions", verbosity=0)
    load_demo_users()
    load_assistance_demo()
    return demo.load()


def test_demo_roster_has_a_year_of_rolls_that_reconcile(demo_loaded):
    assert "rolls" in demo_loaded
    assert PaymentRoll.objects.filter(division_id=demo.TOWNSHIP).count() == 12
    assert reconcile() == []
    # the household the assistance demo disclosed joined through the listener
    assert Beneficiary.objects.filter(application__case__isnull=False).count() == 2
    assert demo.load() == "已存在 already loaded"


def test_the_demo_roster_is_what_the_rules_give(demo_loaded):
    """Every household on the demo roster (the historical ones and those the assistance demo
    approved) is on the type and amount its facts give: a recalculation at the same date
    with the same parameters proposes nothing (it proposed 19 changes of 19, most 低保 →
    特困 1110.00)."""
    district = recalc_compute("220102000000", date(2026, 12, 7))
    assert district.evaluated == 19  # 17 paying in 南岭街道, one approved in each township
    assert district.changes == []
    kinds = dict(Beneficiary.objects.values_list("head_name", "assistance_type"))
    assert list(kinds.values()).count("tekun") >= 3 and list(kinds.values()).count("dibao") >= 12


def test_commands_open_reviews_show_and_reconcile(demo_loaded):
    out = io.StringIO()
    call_command("benefits_daily", stdout=out)
    assert Review.objects.count() >= 1 and "reviews opened" in out.getvalue()
    out = io.StringIO()
    call_command("benefits_roll", demo.TOWNSHIP, "2026-12", stdout=out)
    assert "合计 total" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("benefits_roll", demo.TOWNSHIP, "2026-13")
    out = io.StringIO()
    call_command("benefits_reconcile", stdout=out)
    assert "reconciles with 12 rolls" in out.getvalue()


def test_reconcile_command_fails_on_a_mismatch(demo_loaded):
    roll = PaymentRoll.objects.first()
    entry = roll.ledger.first()
    FundLedgerEntry.objects.bulk_create(
        [
            FundLedgerEntry(
                division_id=roll.division_id,
                month=roll.month,
                assistance_type="low_income",
                households=1,
                amount=entry.amount,
                roll=roll,
            )
        ]
    )
    with pytest.raises(CommandError):
        call_command("benefits_reconcile", stdout=io.StringIO())

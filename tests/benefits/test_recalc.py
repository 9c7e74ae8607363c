"""The roster re-evaluated at a date: the list of changes equals the one-by-one rules,
nothing is written before the approver confirms, and what is confirmed is what was shown."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.benefits.conftest import members_earning
from tests.factories import NANLING, user_with
from yimen.accounts.roles import Role
from yimen.assistance.models import ParameterSet
from yimen.assistance.parameters import _values, parameter_set_add
from yimen.assistance.proposal import proposal_for
from yimen.audit.models import AuditEvent
from yimen.benefits.models import Beneficiary, Entitlement, Review
from yimen.benefits.services.recalc import (
    RosterChanged,
    effective_month,
    recalc_compute,
    recalc_confirm,
)
from yimen.errors import Forbidden

# the households are approved "today": pinned, since the dates below follow from it
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]
ON = date(2027, 1, 1)


@pytest.fixture
def roster(staff, approved):
    """Three households approved under the shipped parameters: one at the rules' amount,
    one at a different amount, one that earns too much by the date of the recalculation."""
    call_command("load_parameters", verbosity=0)
    exact = approved(amount=Decimal("1"))
    proposal = proposal_for(exact, ON)
    Entitlement.objects.filter(beneficiary__application=exact).update(
        monthly_amount=proposal.monthly_amount
    )
    other = approved(amount=Decimal("99.99"), members=members_earning(wages="800", serial="5"))
    rich = approved(amount=Decimal("300"), members=members_earning(wages="20000", serial="7"))
    return {"exact": exact, "other": other, "rich": rich}


def test_changes_equal_the_one_by_one_rules(staff, roster):
    result = recalc_compute(NANLING, ON)
    assert result.evaluated == 3
    by_app = {c.beneficiary_id: c for c in result.changes}
    for application in roster.values():
        beneficiary = Beneficiary.objects.get(application=application)
        proposal = proposal_for(application, ON)
        change = by_app.get(beneficiary.pk)
        if change is None:  # unchanged: the rules agree with what is paid
            assert proposal.assistance_type == beneficiary.assistance_type
            continue
        assert change.new_type == (proposal.assistance_type or "")
        if change.new_type in ("dibao", "tekun"):
            assert change.new_amount == proposal.monthly_amount
    exact = Beneficiary.objects.get(application=roster["exact"])
    assert exact.pk not in by_app
    assert by_app[Beneficiary.objects.get(application=roster["other"]).pk].old_amount == Decimal(
        "99.99"
    )
    rich = by_app[Beneficiary.objects.get(application=roster["rich"]).pk]
    assert rich.eligibility_changes and "dibao_income" in rich.failed
    assert Entitlement.objects.count() == 3  # the preview wrote nothing


def test_a_household_approved_this_month_is_compared_with_the_amount_it_was_granted(staff, roster):
    """Approved today, paid from next month: no entitlement is in force yet today, and it
    was listed as a change from 0.00 to the amount it had just been granted."""
    today = date(2026, 12, 7)  # the pinned day; the households start in January
    changes = {c.beneficiary_id: c for c in recalc_compute(NANLING, today).changes}
    assert roster["exact"].beneficiary.pk not in changes
    other = changes[roster["other"].beneficiary.pk]
    assert other.old_amount == Decimal("99.99") and other.new_amount != Decimal("99.99")
    assert changes[roster["rich"].beneficiary.pk].old_amount == Decimal("300.00")


def test_confirm_applies_amounts_and_opens_reviews(staff, roster):
    result = recalc_compute(NANLING, ON)
    with pytest.raises(Forbidden):
        recalc_confirm(actor=staff.caseworker, division_code=NANLING, on=ON, digest=result.digest)
    applied = recalc_confirm(
        actor=staff.approver,
        division_code=NANLING,
        on=ON,
        digest=result.digest,
        today=date(2026, 12, 5),
    )
    assert (applied.adjusted, applied.reviews_opened) == (1, 1)
    assert applied.effective == ON
    other = Beneficiary.objects.get(application=roster["other"])
    newest = other.entitlements.order_by("-effective_month", "-id").first()
    assert (
        newest.effective_month == ON
        and newest.monthly_amount == proposal_for(roster["other"], ON).monthly_amount
    )
    rich = Beneficiary.objects.get(application=roster["rich"])
    review = Review.objects.get(beneficiary=rich)
    assert review.trigger == "recalculation" and review.case.tasks.filter(step="recheck").exists()
    assert rich.entitlements.count() == 1  # still paid until the review decides
    assert AuditEvent.objects.filter(event_type="benefits.amount_recalculated").count() == 1
    assert AuditEvent.objects.filter(event_type="benefits.recalculated").count() == 1
    # the same list cannot be applied twice: the roster changed
    with pytest.raises(RosterChanged):
        recalc_confirm(actor=staff.approver, division_code=NANLING, on=ON, digest=result.digest)


def test_a_new_standard_changes_every_amount_from_its_date(staff, roster):
    admin = user_with(Role.SYSTEM_ADMIN, "220000000000")
    current = ParameterSet.objects.get()
    data = _values(current)
    data.update(
        valid_from=date(2027, 3, 1),
        valid_to=None,
        dibao_standard_urban=str(current.dibao_standard_urban + 100),
        dibao_standard_rural=str(current.dibao_standard_rural + 100),
    )
    parameter_set_add(actor=admin, data=data, today=date(2026, 12, 1))
    before = {c.beneficiary_id for c in recalc_compute(NANLING, date(2027, 2, 28)).changes}
    after = recalc_compute(NANLING, date(2027, 3, 1))
    exact = Beneficiary.objects.get(application=roster["exact"])
    assert exact.pk not in before and exact.pk in {c.beneficiary_id for c in after.changes}


def test_a_stale_digest_is_refused_and_writes_nothing(staff, roster):
    with pytest.raises(RosterChanged):
        recalc_confirm(actor=staff.approver, division_code=NANLING, on=ON, digest="0" * 64)
    assert Entitlement.objects.count() == 3 and Review.objects.count() == 0


@pytest.mark.parametrize(
    ("on", "today", "expected"),
    [
        (date(2027, 1, 1), date(2026, 12, 5), date(2027, 1, 1)),
        (date(2027, 1, 15), date(2026, 12, 5), date(2027, 2, 1)),
        (date(2026, 10, 1), date(2026, 12, 5), date(2027, 1, 1)),  # never retroactive
    ],
)
def test_effective_month(on, today, expected):
    assert effective_month(on, today) == expected


def test_the_page_shows_the_list_and_the_approver_confirms_it(client, staff, roster):
    from tests.factories import TEST_PASSWORD

    assert client.login(username=staff.caseworker.username, password=TEST_PASSWORD)
    page = client.get(f"/benefits/recalc/?division={NANLING}&on=2027-01-01")
    text = page.content.decode()
    assert page.status_code == 200 and 'id="recalc-changes"' in text
    assert 'id="recalc-confirm"' not in text  # a caseworker cannot confirm
    digest = recalc_compute(NANLING, ON).digest
    refused = client.post(
        "/benefits/recalc/", {"division": NANLING, "on": "2027-01-01", "digest": digest}
    )
    assert refused.status_code == 403
    client.logout()
    assert client.login(username=staff.approver.username, password=TEST_PASSWORD)
    assert (
        'id="recalc-confirm"'
        in client.get(f"/benefits/recalc/?division={NANLING}&on=2027-01-01").content.decode()
    )
    done = client.post(
        "/benefits/recalc/", {"division": NANLING, "on": "2027-01-01", "digest": digest}
    )
    assert done.status_code == 302 and Review.objects.count() == 1
    for junk in ({"division": "x" * 50, "on": "zz"}, {"on": "2027-02-30"}):
        assert client.get("/benefits/recalc/", junk).status_code < 500


def test_a_household_phasing_out_keeps_the_amount_its_review_decided(staff, roster):
    other = Beneficiary.objects.get(application=roster["other"])
    assert other.pk in {c.beneficiary_id for c in recalc_compute(NANLING, ON).changes}
    Entitlement.objects.filter(beneficiary=other).update(status="phasing_out")
    changes = {c.beneficiary_id for c in recalc_compute(NANLING, ON).changes}
    assert other.pk not in changes  # same type, amount differs, but it is being phased out
    rich = Beneficiary.objects.get(application=roster["rich"])
    Entitlement.objects.filter(beneficiary=rich).update(status="phasing_out")
    assert rich.pk in {c.beneficiary_id for c in recalc_compute(NANLING, ON).changes}

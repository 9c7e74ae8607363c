"""Full outpatient and inpatient journeys through the interface, against recorded pairs."""

from __future__ import annotations

from datetime import date

from tests.factories import user_with
from yimen.accounts.roles import Role
from yimen.medins.ledger import account_balance
from yimen.medins.models import AccountEntry, EntryKind
from yimen.settlement.models import DailyTotal, Filing, FilingStatus, Settlement, SettlementStatus
from yimen.settlement.services.filing import DOC_COMMITMENT, DOC_FORM, DOC_IDENTITY, filing_create

from . import journeys


def staff(tree):
    return user_with(Role.MEDINS_AGENCY, "220100")


def test_outpatient_journey(client, world, retiree):
    filing_create(
        staff(world), person=retiree, category="retiree", destination_code="460000",
        begin_date=date(2025, 6, 1), documents=[DOC_IDENTITY, DOC_FORM, DOC_COMMITMENT],
        channel="counter",
    )  # fmt: skip
    journeys.run(client, "outpatient_journey", retiree)
    # two settlements: one reversed by 2601, one cancelled by 2208; the account is whole again
    assert account_balance(retiree) == 100000
    kinds = sorted(AccountEntry.objects.filter(person=retiree).values_list("kind", "amount_fen"))
    assert kinds == sorted([
        (EntryKind.ADJUSTMENT, 100000),
        (EntryKind.SETTLEMENT, -73680), (EntryKind.SETTLEMENT_REVERSAL, 73680),
        (EntryKind.SETTLEMENT, -73680), (EntryKind.SETTLEMENT_REVERSAL, 73680),
    ])  # fmt: skip
    assert set(Settlement.objects.values_list("status", flat=True)) == {SettlementStatus.CANCELLED}
    assert sum(DailyTotal.objects.values_list("count", flat=True)) == 0


def test_inpatient_journey(client, world, resident):
    journeys.run(client, "inpatient_journey", resident)
    settlement = Settlement.objects.get()
    assert settlement.status == SettlementStatus.CANCELLED and settlement.basis == "referral"
    assert Filing.objects.get().status == FilingStatus.CANCELLED
    assert sum(DailyTotal.objects.values_list("count", flat=True)) == 0

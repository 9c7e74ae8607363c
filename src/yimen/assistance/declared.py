"""The household's figures as declared beside what the verification found, for the
verification entry (the caseworker types the verified figures next to the declared ones)
and the decision (the approver sees both before signing)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .choices import AssetKind, IncomeCategory
from .models import Application, Income
from .models import VerificationRecord as Verification

ZERO = Decimal("0.00")
DEPOSIT_KINDS = (AssetKind.DEPOSIT, AssetKind.SECURITIES)  # as the rules count them


@dataclass(frozen=True)
class Figure:
    """One figure: declared, verified (None until recorded) and the difference."""

    key: str  # the verification form's field
    label: str
    declared: Decimal
    verified: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        return None if self.verified is None else self.verified - self.declared


def declared_income(application: Application) -> Decimal:
    """The household's declared monthly income in the counted categories (the exempt ones
    [A2021 Art.13] are recorded but not counted, as the verification does)."""
    counted = [c.value for c in IncomeCategory if c.counted]
    amounts = Income.objects.filter(
        member__application=application, category__in=counted
    ).values_list("monthly_amount", flat=True)
    return sum(amounts, ZERO)


def declared_deposits(application: Application) -> Decimal:
    values = application.assets.filter(kind__in=DEPOSIT_KINDS).values_list("value", flat=True)
    return sum(values, ZERO)


def declared_and_verified(
    application: Application, verification: Verification | None
) -> list[Figure]:
    """The monthly income and the deposits, declared and (once recorded) verified."""
    return [
        Figure(
            "verified_monthly_income",
            str(_("Monthly household income (yuan)")),
            declared_income(application),
            verification.verified_monthly_income if verification else None,
        ),
        Figure(
            "verified_deposits",
            str(_("Deposits and securities (yuan)")),
            declared_deposits(application),
            verification.verified_deposits if verification else None,
        ),
    ]

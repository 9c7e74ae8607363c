"""The rules' proposal for a case: shown to the approver, compared with the decision (a
departure needs a written reason, audited), and quoted in plain Chinese on the notice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from yimen.errors import NotFound

from .models import Application


@dataclass(frozen=True)
class Proposal:
    """What the rules propose, or why they could not (no parameters in force)."""

    assistance_type: str | None
    monthly_amount: Decimal | None
    reasons_zh: list[str] = field(default_factory=list)
    grounds_zh: list[str] = field(default_factory=list)  # the proposed scheme's rules only
    rules: tuple = ()
    unavailable: str = ""
    tier: str = ""  # the 分档 tier the amount follows ("code label"), "" for 补差
    # the declared counted income per counted member and month, the figure the rules compare
    per_capita_income: Decimal | None = None

    @property
    def type_label(self) -> str:
        from .choices import AssistanceType

        return str(AssistanceType(self.assistance_type).label) if self.assistance_type else ""

    def as_audit(self) -> dict:
        return {
            "type": self.assistance_type,
            "amount": self.monthly_amount,
            "unavailable": self.unavailable,
        }


def proposal_for(application: Application, on: date | None = None) -> Proposal:
    """Evaluate the household's declared facts with the parameters in force on ``on``."""
    from .application_facts import facts_from_application
    from .parameters import params_for
    from .rules.engine import evaluate, explain_zh

    on = on or timezone.localdate()
    try:
        params = params_for(application.division_id, on)
    except NotFound as exc:
        return Proposal(None, None, unavailable=exc.render())
    evaluation = evaluate(facts_from_application(application), params, on)
    return Proposal(
        assistance_type=evaluation.proposed_type,
        monthly_amount=evaluation.proposed_amount,
        reasons_zh=list(explain_zh(evaluation)),
        grounds_zh=list(explain_zh(evaluation, scheme=evaluation.proposed_type)),
        rules=tuple(evaluation.rules),
        per_capita_income=evaluation.per_capita_income,
        tier=(
            f"{evaluation.tier.code} {evaluation.tier.label}".strip()
            if evaluation.tier is not None and evaluation.proposed_type == "dibao"
            else ""
        ),
    )


def departs_from(
    proposal: Proposal, *, approve: bool, assistance_type: str, monthly_amount: Decimal | None
) -> bool:
    """True when the decision differs from an available proposal."""
    if proposal.unavailable:
        return False
    if not approve:
        return proposal.assistance_type is not None
    return assistance_type != proposal.assistance_type or monthly_amount != proposal.monthly_amount

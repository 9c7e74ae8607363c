"""Pure rules of the transfer (医保办发〔2021〕43号): outgoing preconditions and continuity.

Plain data in, reasons out; each reason carries a stable code and its text in Chinese and
English, so the refusal that travels to the other node reads the same there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from yimen.months import add_months, month_of, months_between

BACK_PAYMENT_MAX_GAP = 3  # months: arrears may be paid, cover is continuous
TYPE_SWITCH_MIN_MONTHS = 24  # ≥ 2 years of continuous cover for 职工↔居民 switches


def reason(code: str, message: Any, **params: Any) -> dict[str, str]:
    """A reason with its text rendered in both languages; a parameter given as
    {"zh": …, "en": …} is filled in per language."""
    texts = {}
    for lang, key in (("zh-hans", "zh"), ("en", "en")):
        filled = {k: v[key] if isinstance(v, dict) else v for k, v in params.items()}
        with translation.override(lang):
            texts[key] = str(message) % filled if params else str(message)
    return {"code": code, **texts}


@dataclass(frozen=True)
class OutgoingFacts:
    """What the outgoing node knows when a request arrives."""

    found: bool
    name_matches: bool = False
    status: str = ""
    region_matches: bool = False
    other_transfer: str = ""  # number of another open or completed transfer-out


def transfer_out_refusals(facts: OutgoingFacts) -> list[dict[str, str]]:
    """Reasons to refuse a transfer out; empty when it may go ahead."""
    if not facts.found:
        return [
            reason(
                "not_insured_here",
                _("No person with this ID number is insured at the outgoing node."),
            )
        ]
    reasons = []
    if not facts.name_matches:
        reasons.append(
            reason(
                "identity_mismatch",
                _("The name does not match the ID number on record at the outgoing node."),
            )
        )
    if not facts.region_matches:
        reasons.append(
            reason(
                "wrong_region",
                _("The person is insured in another pooling region of the outgoing province."),
            )
        )
    if facts.status == "retired":
        reasons.append(
            reason(
                "retired",
                _(
                    "Retired persons' insurance relationship is not transferred "
                    "(医保办发〔2021〕43号)."
                ),
            )
        )
    elif facts.status == "contributing":
        reasons.append(
            reason(
                "still_contributing",
                _("Contributions at the outgoing node have not been stopped yet."),
            )
        )
    if facts.other_transfer:
        reasons.append(
            reason(
                "already_transferred",
                _("Transfer %(number)s already moved or is moving this insurance out."),
                number=facts.other_transfer,
            )
        )
    return reasons


def continuous_months_before(months: list[date]) -> int:
    """Length of the unbroken run of months ending at the last one."""
    if not months:
        return 0
    ordered = sorted({month_of(m) for m in months})
    run = 1
    for a, b in zip(reversed(ordered[:-1]), reversed(ordered[1:]), strict=True):
        if months_between(a, b) != 1:
            break
        run += 1
    return run


def continuity(
    *,
    transferred: list[date],
    start: date,
    type_before: str,
    type_after: str,
    waiting_period_months: int = 6,
) -> dict[str, Any]:
    """Which continuity rule applies between the last month paid at the outgoing node and
    the month cover starts at the incoming one (``start``, first of the month)."""
    start = start.replace(day=1)
    if not transferred:
        return {
            "rule": "new",
            "gap_months": None,
            "arrears_months": [],
            "benefits_from": start.isoformat(),
            "waiting_months": 0,
            "continuous_months_before": 0,
            "reasons": [reason("no_prior_cover", _("No earlier cover was transferred."))],
        }
    last = max(transferred)
    gap = max(0, months_between(last, start) - 1)
    run = continuous_months_before(transferred)
    switched = type_before != type_after
    out: dict[str, Any] = {"gap_months": gap, "continuous_months_before": run}
    if gap == 0:
        out.update(
            rule="continuous",
            arrears_months=[],
            benefits_from=start.isoformat(),
            waiting_months=0,
            reasons=[reason("continuous", _("Cover is continuous: no gap between the nodes."))],
        )
        return out
    if gap <= BACK_PAYMENT_MAX_GAP and (not switched or run >= TYPE_SWITCH_MIN_MONTHS):
        arrears = [add_months(month_of(last), i).isoformat() for i in range(1, gap + 1)]
        out.update(
            rule="back_payment",
            arrears_months=arrears,
            benefits_from=start.isoformat(),
            waiting_months=0,
            reasons=[
                reason(
                    "back_payment",
                    _(
                        "Gap of %(gap)d month(s), at most 3: the arrears may be paid under the "
                        "incoming region's rules; benefits start from the month paid and the gap "
                        "is covered retroactively."
                    ),
                    gap=gap,
                )
            ],
        )
        return out
    wait = max(0, min(6, waiting_period_months))
    benefits = add_months(start, wait)
    why = (
        reason(
            "type_switch_short_cover",
            _(
                "Switching between employee and resident insurance with less than 2 years of "
                "continuous cover: a waiting period of %(wait)d month(s) applies."
            ),
            wait=wait,
        )
        if gap <= BACK_PAYMENT_MAX_GAP
        else reason(
            "waiting_period",
            _("Gap of %(gap)d months, more than 3: a waiting period of %(wait)d month(s) applies."),
            gap=gap,
            wait=wait,
        )
    )
    out.update(
        rule="waiting_period",
        arrears_months=[],
        benefits_from=benefits.isoformat(),
        waiting_months=wait,
        reasons=[why],
    )
    return out

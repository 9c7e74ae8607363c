"""How long each category of personal data is kept: dated rules, the source of each value.

A rule applies from ``valid_from``; the one in force on the day of a run is the latest
that has begun, so a changed period is a new row, never an edited one, and a run can say
which rule it followed. Values found in /work/shared/domain/ cite it; those not found are
marked NOT FOUND and are configuration to be confirmed (staff pages show "示例参数，待确认").
A deployment may replace the table with ``PRIVACY_RETENTION_RULES`` in its settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NOT_FOUND = "NOT FOUND"


class Action:
    ANONYMISE = "anonymise"  # the row stays for statistics; who it was about is erased
    REMOVE = "remove"  # the rows or files are deleted


@dataclass(frozen=True)
class RetentionRule:
    """One category's retention from ``valid_from`` on: ``years`` after the category's
    starting event (closing, import, session end), then ``action``."""

    category: str
    valid_from: date
    years: int
    action: str
    source: str  # the rule's citation, or NOT FOUND with what was looked for

    @property
    def confirmed(self) -> bool:
        return not self.source.startswith(NOT_FOUND)


#: What each category is, for pages and the command's listing.
CATEGORY_LABELS: dict[str, Promise] = {
    "refused_applications": _("Refused assistance applications"),
    "closed_cases": _("Assistance applications returned, withdrawn or discarded"),
    "partner_batches": _("Partner data batches (economic verification)"),
    "exam_answers": _("Exam answer records"),
}

RULES: tuple[RetentionRule, ...] = (
    RetentionRule(
        "refused_applications",
        date(2021, 11, 1),
        5,
        Action.ANONYMISE,
        "NOT FOUND: no retention period for refused 低保/特困 applications in "
        "/work/shared/domain/policy.md; 5 years is a placeholder to confirm with the "
        "civil-affairs archive rules",
    ),
    RetentionRule(
        "closed_cases",
        date(2021, 11, 1),
        3,
        Action.ANONYMISE,
        "NOT FOUND: no retention period for returned, withdrawn or discarded applications "
        "in /work/shared/domain/; 3 years is a placeholder",
    ),
    RetentionRule(
        "partner_batches",
        date(2021, 11, 1),
        1,
        Action.REMOVE,
        "NOT FOUND: partner agreements set how long shared data may be kept; none is in "
        "/work/shared/domain/. 1 year is a placeholder; the newest batch of each source "
        "and partner is always kept",
    ),
    RetentionRule(
        "exam_answers",
        date(2021, 11, 1),
        3,
        Action.REMOVE,
        "domain/exams.md §4 [ZX] Art. 17: the whole exam is video-recorded and kept "
        "≥3 years; answers are kept as long (the score stays on the paper)",
    ),
)


def rules() -> tuple[RetentionRule, ...]:
    """The rule table in force for this deployment."""
    return tuple(getattr(settings, "PRIVACY_RETENTION_RULES", None) or RULES)


def rule_on(category: str, day: date) -> RetentionRule | None:
    """The rule of ``category`` in force on ``day`` (the latest begun), or None."""
    begun = [r for r in rules() if r.category == category and r.valid_from <= day]
    return max(begun, key=lambda r: r.valid_from) if begun else None


def cutoff(rule: RetentionRule, day: date) -> date:
    """The day before which the category's records are past retention on ``day``."""
    try:
        return day.replace(year=day.year - rule.years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - rule.years, day=28)

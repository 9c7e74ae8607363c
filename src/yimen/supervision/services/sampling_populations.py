"""The populations the county samples (抽查), one per service: which cases count as approved
in a period, where a draw is recorded, and how a finding asks the deciding office to look
again. The draw itself is the same for all of them (``sampling.py``)."""

from __future__ import annotations

from yimen.accounts.roles import Action
from yimen.assistance.facts import facts_sync
from yimen.assistance.models import Application, Decision, DecisionFact
from yimen.regions.codes import Level, code_at_level
from yimen.subsidy import models as subsidy
from yimen.subsidy.services.county_requests import review_request_raise

from ..areas import Period, area_q
from ..models import Finding, SampledCase, SampleDraw
from .flags import supervision_flag_raise
from .sampling import Population

#: a subsidy application approved by the bureau's signed review, whatever happened after
SUBSIDY_APPROVED = [subsidy.Status.APPROVED, subsidy.Status.DISCLOSED, subsidy.Status.PAID]


def approved_population(division_code: str, period: Period) -> list[tuple[str, str]]:
    """(case number, township) of every approved assistance decision in the area and
    period: one query, returned in whatever order the database likes (the draw does not
    care)."""
    facts_sync()
    approved = DecisionFact.objects.filter(
        area_q(division_code, "division_code"),
        approved=True,
        decided_at__gte=period.start,
        decided_at__lt=period.end,
    ).values("application_id")
    # the case numbers through a semi-join: the read model picks the few rows first
    rows = Application.objects.filter(pk__in=approved, case__isnull=False).values_list(
        "case__number", "division_id"
    )
    return [(number, code_at_level(village, Level.TOWNSHIP)) for number, village in rows]


def _assistance_ids(numbers: list[str]) -> dict[str, int]:
    return dict(
        Decision.objects.filter(application__case__number__in=numbers).values_list(
            "application__case__number", "application_id"
        )
    )


def _flag_raise(*, actor, application, note: str):
    return supervision_flag_raise(actor=actor, application=application, comment=note)


def approved_subsidy_population(division_code: str, period: Period) -> list[tuple[str, str]]:
    """(application number, township) of every subsidy application of the area approved
    in the period and still approved: one query."""
    rows = subsidy.Application.objects.filter(
        area_q(division_code, "division_id"),
        status__in=SUBSIDY_APPROVED,
        decided_at__gte=period.start,
        decided_at__lt=period.end,
    ).values_list("number", "division_id")
    return [(number, code_at_level(village, Level.TOWNSHIP)) for number, village in rows]


def _subsidy_ids(numbers: list[str]) -> dict[str, int]:
    return dict(subsidy.Application.objects.filter(number__in=numbers).values_list("number", "pk"))


def _review_request_raise(*, actor, application, note: str):
    return review_request_raise(application=application, actor=actor, comment=note)


#: township-approved assistance cases; an issue goes back as a SupervisionFlag
ASSISTANCE = Population(
    key="assistance",
    action=Action.CASE_SUPERVISE,
    draw_model=SampleDraw,
    sampled_model=SampledCase,
    finding=Finding,
    request_field="flag",
    members=approved_population,
    ids_of=_assistance_ids,
    request_review=_flag_raise,
    invalid_code="assistance.sampling_invalid",
)

#: the bureau's approved straw-to-meat applications; an issue goes as a ReviewRequest
SUBSIDY = Population(
    key="subsidy",
    action=Action.SUBSIDY_SUPERVISE,
    draw_model=subsidy.SampleDraw,
    sampled_model=subsidy.SampledApplication,
    finding=subsidy.SampleFinding,
    request_field="request",
    members=approved_subsidy_population,
    ids_of=_subsidy_ids,
    request_review=_review_request_raise,
    invalid_code="subsidy.sampling_invalid",
    audit_service="subsidy",
)

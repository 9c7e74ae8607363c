"""Random sampling of the bureau's approved subsidy applications for county review (抽查),
drawn the way assistance cases are (``services/sampling.py``, ``yimen.sampling``): each
approved application gets the key sha256(seed, its number) and, within each township,
the smallest keys are drawn — ceil(share × the township's approved applications), the
county's share in force (``share_for``, the same dated setting as for assistance). The
same seed over the same population draws the same sample, whatever order rows come in.

A finding is "no issue" or a request for the bureau to review the application, raised
through the subsidy's own use case (notified and audited there). The decision itself is
never touched: the county's roles carry no SUBSIDY_REVIEW."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import Invalid
from yimen.regions.codes import Level, code_at_level
from yimen.regions.models import Division
from yimen.sampling import draw_sample, population_digest
from yimen.subsidy.models import (
    Application,
    SampledApplication,
    SampleDraw,
    SampleFinding,
    Status,
)
from yimen.subsidy.services.county_requests import review_request_raise

from ..areas import Period, area_q
from ..errors import AlreadyChecked, NothingToSample, SampleNotFound, SupervisionNotAllowed
from .sampling import _clean_seed, share_for
from .subsidy import subsidy_supervising_binding

#: approved by the bureau's signed review, whatever happened after (disclosed, paid)
APPROVED = [Status.APPROVED, Status.DISCLOSED, Status.PAID]
NOTE_MAX = 2000


def approved_subsidy_population(division_code: str, period: Period) -> list[tuple[str, str]]:
    """(application number, township) of every application of the area approved in the
    period and still approved: one query."""
    rows = Application.objects.filter(
        area_q(division_code, "division_id"),
        status__in=APPROVED,
        decided_at__gte=period.start,
        decided_at__lt=period.end,
    ).values_list("number", "division_id")
    return [(number, code_at_level(village, Level.TOWNSHIP)) for number, village in rows]


@transaction.atomic
def subsidy_sample_draw(*, actor, division_code: str, period: Period, seed: str = "") -> SampleDraw:
    """Draw the share in force of the area's applications approved in ``period``, per
    township; record the draw and its applications, audited. Nothing is written when
    there is nothing to draw."""
    binding = subsidy_supervising_binding(actor, division_code)
    if binding is None:
        raise SupervisionNotAllowed()
    if not Division.objects.filter(pk=division_code).exists():
        raise SampleNotFound()
    seed = _clean_seed(seed)
    share = share_for(division_code, timezone.localdate())
    population = approved_subsidy_population(division_code, period)
    if not population:
        raise NothingToSample()
    drawn = draw_sample(population, seed, share.percent)
    numbers = [number for number, _stratum, _rank in drawn]
    pk_of = dict(Application.objects.filter(number__in=numbers).values_list("number", "pk"))
    draw = SampleDraw.objects.create(
        division_id=division_code,
        first_month=period.first,
        last_month=period.last,
        seed=seed,
        percent=share.percent,
        share_source=share.source[:200],
        population=len(population),
        sample_size=len(drawn),
        population_digest=population_digest(n for n, _ in population),
        drawn_by=actor,
    )
    SampledApplication.objects.bulk_create(
        SampledApplication(draw=draw, application_id=pk_of[n], stratum=s, rank=r)
        for n, s, r in drawn
    )
    record_event(
        event_type=EventType.SAMPLE_DRAWN,
        subject=draw,
        actor=actor,
        role=binding.role,
        division_code=binding.division_code,
        new={
            "service": "subsidy",
            "area": division_code,
            "period": [f"{period.first:%Y-%m}", f"{period.last:%Y-%m}"],
            "seed": seed,
            "percent": str(share.percent),
            "population": len(population),
            "drawn": numbers,
            "digest": draw.population_digest,
        },
        reason=share.source[:200],
    )
    return draw


def subsidy_sample_redraw(draw: SampleDraw) -> tuple[bool, list[str]]:
    """Draw again with the recorded seed and share over today's population: (whether the
    population is unchanged, the application numbers drawn). Reads only."""
    population = approved_subsidy_population(
        draw.division_id, Period(draw.first_month, draw.last_month)
    )
    same = population_digest(n for n, _ in population) == draw.population_digest
    return same, [n for n, _s, _r in draw_sample(population, draw.seed, draw.percent)]


def _invalid(field: str, message) -> Invalid:
    return Invalid(message, code="subsidy.sampling_invalid", fields={field: [str(message)]})


@transaction.atomic
def subsidy_sample_finding_record(
    *, actor, sampled: SampledApplication, finding: str, note: str
) -> SampledApplication:
    """The county's finding on a sampled application: no issue, or a request that the
    bureau review it (the request carries the note). Recorded once; audited."""
    sampled = (
        SampledApplication.objects.select_for_update(of=("self",))
        .select_related("application")
        .get(pk=sampled.pk)
    )
    binding = subsidy_supervising_binding(actor, sampled.application.division_id)
    if binding is None:
        raise SupervisionNotAllowed()
    if finding not in (SampleFinding.NO_ISSUE, SampleFinding.REVIEW_REQUESTED):
        raise _invalid("finding", _("Choose a finding."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise _invalid("note", _("At most 2000 characters."))
    if sampled.finding != SampleFinding.PENDING:
        raise AlreadyChecked()
    if finding == SampleFinding.REVIEW_REQUESTED:
        # refuses an empty note (the bureau must know what to look at) and notifies it
        sampled.request = review_request_raise(
            application=sampled.application, actor=actor, comment=note
        )
    sampled.finding, sampled.note = finding, note
    sampled.checked_by, sampled.checked_at = actor, timezone.now()
    sampled.save(update_fields=["finding", "note", "request", "checked_by", "checked_at"])
    record_event(
        event_type=EventType.SAMPLE_CHECKED,
        subject=sampled,
        actor=actor,
        role=binding.role,
        division_code=binding.division_code,
        old={"finding": SampleFinding.PENDING},
        new={"finding": finding, "request": sampled.request_id, "draw": sampled.draw_id},
        reason=note,
    )
    return sampled

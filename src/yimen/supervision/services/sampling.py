"""Random sampling of township-approved cases for county review (抽查).

Reproducible by construction: each approved case gets the key sha256(seed, case number)
and, within each township (the stratum), the cases with the smallest keys are drawn. The
key depends only on the seed and the case, so the same seed over the same population
draws the same sample whatever order the database returns rows in, and a case added to
the population never reshuffles the others.

How many: ceil(share × the township's approved cases) — rounded UP, so a township with
any approved case has at least one drawn and the share is a floor, as "≥30 %" reads.
Findings go back to the township as requests for review (SupervisionFlag); the county
never touches the decision (its roles carry no CASE_DECIDE)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.assistance.facts import facts_sync
from yimen.assistance.models import Application, Decision, DecisionFact
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import Invalid
from yimen.regions.codes import Level, code_at_level
from yimen.regions.dated import nearest_row
from yimen.regions.models import Division
from yimen.sampling import draw_sample, population_digest, sample_size, sort_key  # noqa: F401

from ..areas import Period, area_q
from ..errors import (
    AlreadyChecked,
    NothingToSample,
    SampleNotFound,
    ShareExists,
    SupervisionNotAllowed,
)
from ..models import Finding, SampledCase, SampleDraw, SamplingShare
from .flags import supervising_binding, supervision_flag_raise

DEFAULT_PERCENT = Decimal("30")
DEFAULT_SOURCE = (
    "default: county random checks ≥30 % [TK2021 Art.16; A2012 Art.26]; no share is "
    "stated for township-approved cases (policy.md: NOT FOUND) — set per division"
)
SEED_MAX = 64
NOTE_MAX = 2000


@dataclass(frozen=True)
class Share:
    percent: Decimal
    source: str
    division_code: str | None = None
    valid_from: date | None = None

    @property
    def is_default(self) -> bool:
        """No division set a share: the built-in default applies, which staff see as an
        example value awaiting confirmation rather than its developer note."""
        return self.division_code is None


def _invalid(field: str, message) -> Invalid:
    return Invalid(message, code="assistance.sampling_invalid", fields={field: [str(message)]})


# --- configuration ------------------------------------------------------------------------


def share_for(division_code: str, on: date) -> Share:
    """The share in force on ``on``: the division's own or its nearest ancestor's."""
    row = nearest_row(SamplingShare, division_code, on)
    if row is None:
        return Share(DEFAULT_PERCENT, DEFAULT_SOURCE)
    return Share(row.percent, row.source, row.division_id, row.valid_from)


@transaction.atomic
def sampling_share_set(
    *, actor, division_code: str, valid_from: date, percent: Decimal, source: str
) -> SamplingShare:
    """The county sets its sampling share from a day on (a new dated row; history kept)."""
    binding = supervising_binding(actor, division_code)
    if binding is None:
        raise SupervisionNotAllowed()
    if (
        not isinstance(percent, Decimal)
        or not percent.is_finite()  # NaN cannot even be compared
        or not (Decimal(0) < percent <= Decimal(100))
    ):
        raise _invalid("percent", _("Give a share above 0 and at most 100 per cent."))
    if percent != percent.quantize(Decimal("0.01")):
        raise _invalid("percent", _("A share has at most two decimal places."))
    source = (source or "").strip()
    if not source or len(source) > 200:
        raise _invalid("source", _("Say where the share comes from (at most 200 characters)."))
    if valid_from < timezone.localdate():
        raise _invalid("valid_from", _("A share applies from today or a later day."))
    try:
        with transaction.atomic():
            row = SamplingShare.objects.create(
                division_id=division_code,
                valid_from=valid_from,
                percent=percent,
                source=source,
                set_by=actor,
            )
    except IntegrityError:
        raise ShareExists() from None
    record_event(
        event_type=EventType.SAMPLING_SHARE_SET,
        subject=row,
        actor=actor,
        role=binding.role,
        division_code=binding.division_code,
        new={"division": division_code, "from": valid_from.isoformat(), "percent": str(percent)},
        reason=source,
    )
    return row


# --- drawing ------------------------------------------------------------------------------


def approved_population(division_code: str, period: Period) -> list[tuple[str, str]]:
    """(case number, township) of every approved decision in the area and period: one
    query, returned in whatever order the database likes (the draw does not care)."""
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


def _clean_seed(seed: str) -> str:
    seed = (seed or "").strip()
    if not seed:
        return secrets.token_hex(8)
    if len(seed) > SEED_MAX or not seed.isprintable():
        raise _invalid("seed", _("A seed is at most 64 printable characters."))
    return seed


@transaction.atomic
def sample_draw(*, actor, division_code: str, period: Period, seed: str = "") -> SampleDraw:
    """Draw the share in force of the approved cases decided in ``period`` in the area,
    per township; record the draw and its cases, audited. Nothing is written when the
    population is empty."""
    binding = supervising_binding(actor, division_code)
    if binding is None:
        raise SupervisionNotAllowed()
    if not Division.objects.filter(pk=division_code).exists():
        raise SampleNotFound()
    seed = _clean_seed(seed)
    share = share_for(division_code, timezone.localdate())
    population = approved_population(division_code, period)
    if not population:
        raise NothingToSample()
    drawn = draw_sample(population, seed, share.percent)
    numbers = [number for number, _stratum, _rank in drawn]
    application_of = dict(
        Decision.objects.filter(application__case__number__in=numbers).values_list(
            "application__case__number", "application_id"
        )
    )
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
    SampledCase.objects.bulk_create(
        SampledCase(draw=draw, application_id=application_of[n], stratum=s, rank=r)
        for n, s, r in drawn
    )
    record_event(
        event_type=EventType.SAMPLE_DRAWN,
        subject=draw,
        actor=actor,
        role=binding.role,
        division_code=binding.division_code,
        new={
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


def sample_redraw(draw: SampleDraw) -> tuple[bool, list[str]]:
    """Draw again with the recorded seed and share over today's population: (whether the
    population is unchanged, the case numbers drawn). Reads only."""
    population = approved_population(draw.division_id, Period(draw.first_month, draw.last_month))
    same = population_digest(n for n, _ in population) == draw.population_digest
    return same, [n for n, _s, _r in draw_sample(population, draw.seed, draw.percent)]


# --- findings -----------------------------------------------------------------------------


@transaction.atomic
def sample_finding_record(*, actor, sampled: SampledCase, finding: str, note: str) -> SampledCase:
    """The county's finding on a sampled case: no issue, or a request for the township to
    review it (raised as a SupervisionFlag, with its notification and audit). The decision
    itself is never touched."""
    sampled = (
        SampledCase.objects.select_for_update(of=("self",))
        .select_related("application")
        .get(pk=sampled.pk)
    )
    binding = supervising_binding(actor, sampled.application.division_id)
    if binding is None:
        raise SupervisionNotAllowed()
    if finding not in (Finding.NO_ISSUE, Finding.REVIEW_REQUESTED):
        raise _invalid("finding", _("Choose a finding."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise _invalid("note", _("At most 2000 characters."))
    if sampled.finding != Finding.PENDING:
        raise AlreadyChecked()
    if finding == Finding.REVIEW_REQUESTED:
        # validates the comment (required) and notifies the township
        sampled.flag = supervision_flag_raise(
            actor=actor, application=sampled.application, comment=note
        )
    sampled.finding, sampled.note = finding, note
    sampled.checked_by, sampled.checked_at = actor, timezone.now()
    sampled.save(update_fields=["finding", "note", "flag", "checked_by", "checked_at"])
    record_event(
        event_type=EventType.SAMPLE_CHECKED,
        subject=sampled,
        actor=actor,
        role=binding.role,
        division_code=binding.division_code,
        old={"finding": Finding.PENDING},
        new={"finding": finding, "flag": sampled.flag_id, "draw": sampled.draw_id},
        reason=note,
    )
    return sampled

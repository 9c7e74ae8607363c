"""Random sampling of approved cases for county review (抽查), for every service.

Reproducible by construction: each approved case gets the key sha256(seed, case number)
and, within each township (the stratum), the cases with the smallest keys are drawn. The
key depends only on the seed and the case, so the same seed over the same population
draws the same sample whatever order the database returns rows in, and a case added to
the population never reshuffles the others.

How many: ceil(share × the township's approved cases) — rounded UP, so a township with
any approved case has at least one drawn and the share is a floor, as "≥30 %" reads.
Findings go back to the deciding office as requests for review; the county never touches
the decision (its roles carry no decision permission).

One service draws for every service: what differs — which cases are approved, where the
draw is recorded, how a review is requested — is a ``Population``
(``sampling_populations.py``: assistance cases, subsidy applications). The share is one
dated setting per division, the same for all of them."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Model, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import Binding, bindings_for
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import Invalid
from yimen.regions.dated import nearest_row
from yimen.regions.models import Division
from yimen.sampling import draw_sample, population_digest, sample_size, sort_key  # noqa: F401

from ..areas import Period
from ..errors import (
    AlreadyChecked,
    NothingToSample,
    SampleNotFound,
    ShareExists,
    SupervisionNotAllowed,
)
from ..models import SamplingShare
from .flags import supervising_binding

DEFAULT_PERCENT = Decimal("30")
DEFAULT_SOURCE = (
    "default: county random checks ≥30 % [TK2021 Art.16; A2012 Art.26]; no share is "
    "stated for township-approved cases (policy.md: NOT FOUND) — set per division"
)
SEED_MAX = 64
NOTE_MAX = 2000


@dataclass(frozen=True)
class Population:
    """What one service's sampling is made of; the draw, the redraw and the finding are
    the same for all. ``members(area, period)`` lists (number, township) of the cases
    approved in the period, ``ids_of(numbers)`` maps numbers to the case rows' keys, and
    ``request_review(actor=, application=, note=)`` is the service's own use case that asks
    the deciding office to look again (it validates the note, notifies and audits)."""

    key: str  # "assistance", "subsidy": the page's and the audit's name of the service
    action: Action  # the permission that lets a county supervise these cases
    draw_model: type[Model]  # where a draw is recorded
    sampled_model: type[Model]  # one drawn case: draw, application, stratum, rank, finding…
    finding: type[TextChoices]  # PENDING, NO_ISSUE, REVIEW_REQUESTED
    request_field: str  # the sampled row's link to the review request it raised
    members: Callable[[str, Period], list[tuple[str, str]]]
    ids_of: Callable[[list[str]], dict[str, int]]
    request_review: Callable[..., Model]
    invalid_code: str  # the error code of a bad finding
    audit_service: str | None = None  # named in the draw's audit (assistance predates it)

    def binding(self, actor, division_code: str) -> Binding | None:
        """The actor's binding that lets it supervise these cases at ``division_code``."""
        return next((b for b in bindings_for(actor, self.action) if b.covers(division_code)), None)


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


def _invalid(field: str, message, code: str = "assistance.sampling_invalid") -> Invalid:
    return Invalid(message, code=code, fields={field: [str(message)]})


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


def _clean_seed(seed: str) -> str:
    seed = (seed or "").strip()
    if not seed:
        return secrets.token_hex(8)
    if len(seed) > SEED_MAX or not seed.isprintable():
        raise _invalid("seed", _("A seed is at most 64 printable characters."))
    return seed


@transaction.atomic
def sample_draw(
    *, population: Population, actor, division_code: str, period: Period, seed: str = ""
):
    """Draw the share in force of the population's cases approved in ``period`` in the
    area, per township; record the draw and its cases, audited. Nothing is written when
    the population is empty."""
    binding = population.binding(actor, division_code)
    if binding is None:
        raise SupervisionNotAllowed()
    if not Division.objects.filter(pk=division_code).exists():
        raise SampleNotFound()
    seed = _clean_seed(seed)
    share = share_for(division_code, timezone.localdate())
    members = population.members(division_code, period)
    if not members:
        raise NothingToSample()
    drawn = draw_sample(members, seed, share.percent)
    numbers = [number for number, _stratum, _rank in drawn]
    id_of = population.ids_of(numbers)
    draw = population.draw_model.objects.create(  # type: ignore[attr-defined]
        division_id=division_code,
        first_month=period.first,
        last_month=period.last,
        seed=seed,
        percent=share.percent,
        share_source=share.source[:200],
        population=len(members),
        sample_size=len(drawn),
        population_digest=population_digest(n for n, _ in members),
        drawn_by=actor,
    )
    population.sampled_model.objects.bulk_create(  # type: ignore[attr-defined]
        population.sampled_model(draw=draw, application_id=id_of[n], stratum=s, rank=r)
        for n, s, r in drawn
    )
    service = {"service": population.audit_service} if population.audit_service else {}
    record_event(
        event_type=EventType.SAMPLE_DRAWN,
        subject=draw,
        actor=actor,
        role=binding.role,
        division_code=binding.division_code,
        new={
            **service,
            "area": division_code,
            "period": [f"{period.first:%Y-%m}", f"{period.last:%Y-%m}"],
            "seed": seed,
            "percent": str(share.percent),
            "population": len(members),
            "drawn": numbers,
            "digest": draw.population_digest,
        },
        reason=share.source[:200],
    )
    return draw


def sample_redraw(population: Population, draw) -> tuple[bool, list[str]]:
    """Draw again with the recorded seed and share over today's population: (whether the
    population is unchanged, the case numbers drawn). Reads only."""
    members = population.members(draw.division_id, Period(draw.first_month, draw.last_month))
    same = population_digest(n for n, _ in members) == draw.population_digest
    return same, [n for n, _s, _r in draw_sample(members, draw.seed, draw.percent)]


# --- findings -----------------------------------------------------------------------------


@transaction.atomic
def sample_finding_record(*, population: Population, actor, sampled, finding: str, note: str):
    """The county's finding on a sampled case: no issue, or a request that the deciding
    office review it (raised by the service's own use case, with its notification and
    audit). Recorded once; the decision itself is never touched."""
    sampled = (
        population.sampled_model.objects.select_for_update(of=("self",))  # type: ignore[attr-defined]
        .select_related("application")
        .get(pk=sampled.pk)
    )
    binding = population.binding(actor, sampled.application.division_id)
    if binding is None:
        raise SupervisionNotAllowed()
    pending, no_issue, review = (
        population.finding.PENDING,  # type: ignore[attr-defined]
        population.finding.NO_ISSUE,  # type: ignore[attr-defined]
        population.finding.REVIEW_REQUESTED,  # type: ignore[attr-defined]
    )
    if finding not in (no_issue, review):
        raise _invalid("finding", _("Choose a finding."), population.invalid_code)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise _invalid("note", _("At most 2000 characters."), population.invalid_code)
    if sampled.finding != pending:
        raise AlreadyChecked()
    field = population.request_field
    if finding == review:
        # the service validates the note (required: the office must know what to look at)
        request = population.request_review(actor=actor, application=sampled.application, note=note)
        setattr(sampled, field, request)
    sampled.finding, sampled.note = finding, note
    sampled.checked_by, sampled.checked_at = actor, timezone.now()
    sampled.save(update_fields=["finding", "note", field, "checked_by", "checked_at"])
    record_event(
        event_type=EventType.SAMPLE_CHECKED,
        subject=sampled,
        actor=actor,
        role=binding.role,
        division_code=binding.division_code,
        old={"finding": pending},
        new={"finding": finding, field: getattr(sampled, f"{field}_id"), "draw": sampled.draw_id},
        reason=note,
    )
    return sampled

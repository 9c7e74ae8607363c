"""The facts of a stored application as the rules read them (reads only, writes nothing).

Kept out of ``rules/`` so the rules stay plain functions of plain data and never import
the models (the acyclic contract)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from .models import Application
from .rules.facts import ZERO, HouseholdFacts, MemberFacts, SupporterFacts


def facts_from_application(application: Application) -> HouseholdFacts:
    """The facts of an application as declared (reads only; writes nothing).

    A vehicle recorded without a kind counts as a car: the rule must not exempt what the
    household did not say was exempt. Whether a legal supporter is able to support and the
    hardship tier are the caseworker's findings recorded on the application."""
    members = []
    # in the order they were entered: members have no default ordering, and PostgreSQL
    # returns an updated row after the others
    rows = application.members.order_by("pk").prefetch_related(
        "incomes", "certificates", "self_care_assessments"
    )
    for member in rows:
        incomes: dict[str, Decimal] = defaultdict(lambda: ZERO)
        periods: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for income in member.incomes.all():
            incomes[income.category] += income.monthly_amount
            if income.period_amount:
                periods[income.category] += income.period_amount
        members.append(
            MemberFacts(
                birth_date=member.birth_date,
                disability_kind=member.disability_kind or "",
                disability_grade=member.disability_grade,
                work_ability=member.work_ability,
                student=member.student,
                living_apart=member.living_apart,
                serious_illness=member.serious_illness,
                incomes=dict(incomes),
                period_incomes=dict(periods),
                tekun_as_minor=member.tekun_as_minor,
                disabilities=tuple((c.kind, c.grade) for c in member.certificates.all()),
                # the latest assessment (the model orders newest first)
                self_care_failed=next(
                    (a.failed_items for a in member.self_care_assessments.all()), None
                ),
            )
        )
    deposits = ZERO
    vehicles: list[str] = []
    homes = market_entities = 0
    for asset in application.assets.all():
        if asset.kind in ("deposit", "securities"):
            deposits += asset.value
        elif asset.kind == "vehicle":
            vehicles.extend([asset.vehicle_kind or "car"] * max(asset.quantity, 1))
        elif asset.kind == "housing":
            homes += asset.quantity
        elif asset.kind == "market_entity":
            market_entities += asset.quantity
    return HouseholdFacts(
        hukou_type=application.hukou_type,
        members=tuple(members),
        deposits=deposits,
        vehicles=tuple(vehicles),
        homes=homes,
        market_entities=market_entities,
        supporters=tuple(
            SupporterFacts(
                birth_date=s.birth_date,
                is_tekun=s.is_tekun,
                dibao_recipient=s.dibao_recipient,
                annual_income=s.annual_income,
                deposits=s.deposits,
                homes=s.homes,
                vehicles=tuple(s.vehicles),
                market_entities=s.market_entities,
                disability_kind=s.disability_kind,
                disability_grade=s.disability_grade,
                incapacitated=s.incapacitated,
                missing=s.missing,
                imprisoned=s.imprisoned,
            )
            for s in application.supporters.all()
        ),
        has_able_supporter=application.has_able_supporter,
        hardship_tier=application.hardship_tier,
    )

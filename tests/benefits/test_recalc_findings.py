"""The roster's frames carry the caseworker's findings (able supporter, 分档 tier) and the
members' schooling, so the vectorised recalculation gives what the one-by-one rules give."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.benefits.conftest import members_earning
from tests.benefits.test_recalc import ON
from tests.factories import HUAYANG, NANLING
from yimen.assistance.models import Application, Member, ParameterSet
from yimen.assistance.proposal import proposal_for
from yimen.benefits.frames import roster_frames, store_household_facts
from yimen.benefits.models import Beneficiary
from yimen.benefits.services.recalc import recalc_compute

pytestmark = pytest.mark.django_db


def _facts_changed() -> None:
    """These tests change an application's facts in the tables after enrolment, which no
    service does (facts are written once, at intake); the roster's copy is written again."""
    store_household_facts(list(Beneficiary.objects.values_list("pk", flat=True)))


@pytest.fixture
def households(staff, approved):
    call_command("load_parameters", verbosity=0)
    plain = approved(amount=Decimal("1"))
    tiered = approved(amount=Decimal("1"), members=members_earning(wages="800", serial="5"))
    return plain, tiered


def test_frames_read_supporter_tier_and_student(households):
    plain, tiered = households
    Application.objects.filter(pk=tiered.pk).update(has_able_supporter=True, hardship_tier="2")
    _facts_changed()
    frames = roster_frames(HUAYANG[:6], date(2027, 1, 1))
    by_id = {Beneficiary.objects.get(application=a).pk: a for a in (plain, tiered)}
    rows = {r["household_id"]: r for r in frames.households.iter_rows(named=True)}
    assert {
        by_id[k].pk: (r["has_able_supporter"], r["hardship_tier"]) for k, r in rows.items()
    } == {plain.pk: (None, ""), tiered.pk: (True, "2")}  # None: no finding, the rules decide
    students = frames.members.filter("student")["household_id"].to_list()
    # household_input's third member (born 2012) is a student in both households
    assert sorted(by_id[k].pk for k in students) == sorted([plain.pk, tiered.pk])
    assert Member.objects.filter(student=True).count() == 2


def test_recalculation_pays_the_tier_amount_like_the_proposal(households):
    plain, tiered = households
    ParameterSet.objects.update(
        tiers=[{"code": "2", "label": "二类", "amount_per_person": "190.00"}]
    )
    Application.objects.filter(pk=tiered.pk).update(hardship_tier="2")
    _facts_changed()
    tiered.refresh_from_db()
    result = recalc_compute(NANLING, ON)
    changes = {c.beneficiary_id: c for c in result.changes}
    for application in (plain, tiered):
        proposal = proposal_for(application, ON)
        change = changes[Beneficiary.objects.get(application=application).pk]
        assert (change.new_type, change.new_amount) == (
            proposal.assistance_type,
            proposal.monthly_amount,
        )
    assert proposal_for(tiered, ON).monthly_amount == Decimal("570.00")  # 190 × 3
    assert proposal_for(plain, ON).tier == ""


def test_an_able_supporter_in_the_table_refuses_tekun_in_the_batch(households):
    plain, _ = households
    Member.objects.filter(application=plain).update(work_ability="none", student=False)
    _facts_changed()
    Member.objects.filter(application=plain, relationship="child").update(student=True)
    _facts_changed()
    before = {c.beneficiary_id: c.new_type for c in recalc_compute(NANLING, ON).changes}
    Application.objects.filter(pk=plain.pk).update(has_able_supporter=True)
    _facts_changed()
    after = {c.beneficiary_id: c.new_type for c in recalc_compute(NANLING, ON).changes}
    pk = Beneficiary.objects.get(application=plain).pk
    plain.refresh_from_db()
    assert after[pk] == (proposal_for(plain, ON).assistance_type or "")
    assert before[pk] != after[pk]

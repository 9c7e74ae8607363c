"""The roster (花名册): enrolment after disclosure, payment accounts, search.

A household joins when the village committee confirms the public disclosure of its
approval; payment starts the month after the approval [A2021 Art.21; TK2021 Art.17]. If
the review of an objection revokes the approval, the household is stopped from the next
month — it stays on record, as every past payment must."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, can, division_q
from yimen.assistance.choices import Relationship, WorkAbility
from yimen.assistance.models import Application, Objection
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import Forbidden, NotFound
from yimen.months import add_months, next_month
from yimen.people import age_on, initials_of
from yimen.spreadsheets import FORMULA_TEXT_MESSAGE, starts_like_formula

from .. import transitions
from ..errors import AccountRefused
from ..frames import store_household_facts
from ..models import (
    Beneficiary,
    BeneficiaryStatus,
    Entitlement,
    EntitlementStatus,
    Stability,
)
from .policy import policy_for

SUBJECT = "benefits.beneficiary"
ACCOUNT_DIGITS = (8, 32)


def subject(beneficiary: Beneficiary) -> tuple[str, str]:
    return (SUBJECT, str(beneficiary.pk))


def _stability(application: Application, on: date) -> str:
    """Unstable when a member of working age is able to work [A2021 Art.31]."""
    for member in application.members.all():
        age = age_on(member.birth_date, on)
        if member.work_ability == WorkAbility.FULL and 16 <= age < 60:
            return Stability.UNSTABLE
    return Stability.STABLE


def enrol(application: Application, actor) -> Beneficiary | None:
    """Put an approved, disclosed household on the roster (idempotent); None if refused.
    Called by enrolment.disclosure_publish, the use case of the disclosure."""
    decision = getattr(application, "decision", None)
    if decision is None or not decision.approved:
        return None
    existing = Beneficiary.objects.filter(application=application).first()
    if existing is not None:
        return existing
    members = list(application.members.all())
    head = next((m for m in members if m.relationship == Relationship.HEAD), members[0])
    decided_on = timezone.localtime(decision.decided_at).date()
    start = next_month(decided_on)
    stability = _stability(application, decided_on)
    policy = policy_for(application.division_id, decided_on)
    interval = policy.stable_months if stability == Stability.STABLE else policy.unstable_months
    beneficiary = Beneficiary.objects.create(
        application=application,
        division_id=application.division_id,
        assistance_type=decision.assistance_type,
        head_name=head.name,
        head_id_number=head.id_number,
        initials=initials_of(head.name),
        members=len(members),
        start_month=start,
        stability=stability,
        next_review_on=add_months(start, interval),
        payee_name=head.name,
        # the account given at intake (validated there); staff change it with account_set
        bank_name=application.payment_bank,
        account_number=application.payment_account,
    )
    Entitlement.objects.create(
        beneficiary=beneficiary,
        effective_month=start,
        status=EntitlementStatus.PAYING,
        monthly_amount=decision.monthly_amount or 0,
        reason=decision.reasons or str(_("Approved")),
        decided_by=decision.signer,
    )
    store_household_facts([beneficiary.pk])  # the rules' batch reads them (models.facts)
    record_event(
        event_type=EventType.BENEFICIARY_ENROLLED,
        subject=subject(beneficiary),
        actor=actor,
        division_code=application.division_id,
        new={
            "application": application.pk,
            "type": decision.assistance_type,
            "amount": decision.monthly_amount,
            "start_month": start,
            "stability": stability,
        },
        reason=str(_("Approval disclosed")),
    )
    return beneficiary


def stop_revoked(*, case_ids: list[int], actor) -> None:
    """Stop the households whose approval the review cases ``case_ids`` revoked, from the
    next month (called by enrolment.objection_conclude)."""
    objections = Objection.objects.filter(review_case_id__in=case_ids)
    for beneficiary in Beneficiary.objects.filter(application__objections__in=objections).exclude(
        status=BeneficiaryStatus.STOPPED
    ):
        effective = next_month(timezone.localdate())
        Entitlement.objects.create(
            beneficiary=beneficiary,
            effective_month=max(effective, beneficiary.start_month),
            status=EntitlementStatus.STOPPED,
            monthly_amount=0,
            reason=str(_("Approval revoked after an objection")),
            decided_by=actor,
        )
        transitions.set_household_status(beneficiary, BeneficiaryStatus.STOPPED)
        record_event(
            event_type=EventType.APPROVAL_REVOKED,
            subject=subject(beneficiary),
            actor=actor,
            division_code=beneficiary.division_id,
            old={"status": beneficiary.status},
            new={"status": BeneficiaryStatus.STOPPED, "from": effective},
            reason=str(_("Approval revoked after an objection")),
        )


# --- reading the roster ---------------------------------------------------------------


def roster_visible_to(user) -> QuerySet[Beneficiary]:
    """Households in the divisions where ``user`` may read the roster (fails closed)."""
    return Beneficiary.objects.filter(division_q(user, Action.ROSTER_VIEW))


def roster_search(user, query: str = "", *, status: str = "", kind: str = "") -> QuerySet:
    """Search by name, any member's ID number, or pinyin initials; newest first."""
    rows = roster_visible_to(user).select_related("division")
    text = query.strip()
    if text:
        if text.isascii() and text.isalpha():
            rows = rows.filter(initials__startswith=text.lower())
        elif text[:1].isdigit():
            rows = rows.filter(
                Q(head_id_number__startswith=text.upper())
                | Q(application__members__id_number=text.upper())
            ).distinct()
        else:
            rows = rows.filter(
                Q(head_name__contains=text) | Q(application__members__name__contains=text)
            ).distinct()
    if status in BeneficiaryStatus.values:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(assistance_type=kind)
    return rows.order_by("division_id", "head_name", "pk")


def beneficiary_for(user, pk: int, action: Action = Action.ROSTER_VIEW) -> Beneficiary:
    """One household, 404 outside ``user``'s scope for ``action``."""
    found = Beneficiary.objects.filter(pk=pk).select_related("division").first()
    if found is None or not can(user, action, found.division_id):
        raise NotFound(_("No such household on the roster."))
    return found


def entitlements_in_force(households: QuerySet, month: date) -> dict[int, tuple[str, Decimal]]:
    """household id → (status, monthly amount) in force in ``month``, for many households
    in one ordered read (the last entitlement per household not after the month wins)."""
    in_force: dict[int, tuple[str, Decimal]] = {}
    for pk, status, amount in (
        Entitlement.objects.filter(beneficiary__in=households, effective_month__lte=month)
        .order_by("beneficiary_id", "effective_month", "id")
        .values_list("beneficiary_id", "status", "monthly_amount")
        .iterator(chunk_size=5000)
    ):
        in_force[pk] = (status, amount)
    return in_force


def current_entitlement(beneficiary: Beneficiary, month: date) -> Entitlement | None:
    """What the household is entitled to in ``month`` (the latest decision in force)."""
    return (
        beneficiary.entitlements.filter(effective_month__lte=month)
        .order_by("-effective_month", "-id")
        .first()
    )


@transaction.atomic
def account_set(*, actor, beneficiary_id: int, payee_name: str, bank_name: str, number: str):
    """Record where the allowance is paid (社会化发放); audited with the old value."""
    if not bindings_for(actor, Action.PAYMENT_PREPARE):
        raise Forbidden(_("Only township staff may record payment accounts."))
    beneficiary = beneficiary_for(actor, beneficiary_id, Action.PAYMENT_PREPARE)
    beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    number = "".join(number.split())
    payee_name, bank_name = payee_name.strip(), bank_name.strip()
    if not payee_name or len(payee_name) > 50:
        raise AccountRefused(_("Give the payee's name (at most 50 characters)."))
    if not bank_name or len(bank_name) > 100:
        raise AccountRefused(_("Give the bank (at most 100 characters)."))
    if starts_like_formula(payee_name) or starts_like_formula(bank_name):
        # both go into the bank file and the roster (see yimen.spreadsheets)
        raise AccountRefused(FORMULA_TEXT_MESSAGE)
    low, high = ACCOUNT_DIGITS
    if not (number.isdigit() and low <= len(number) <= high):
        raise AccountRefused(_("An account number has 8 to 32 digits."))
    old = {
        "payee": beneficiary.payee_name,
        "bank": beneficiary.bank_name,
        "account": beneficiary.account_number,
    }
    Beneficiary.objects.filter(pk=beneficiary.pk).update(
        payee_name=payee_name, bank_name=bank_name, account_number=number
    )
    record_event(
        event_type=EventType.BENEFICIARY_ACCOUNT_SET,
        subject=subject(beneficiary),
        actor=actor,
        division_code=beneficiary.division_id,
        old=old,
        new={"payee": payee_name, "bank": bank_name, "account": number},
    )
    beneficiary.refresh_from_db()
    return beneficiary

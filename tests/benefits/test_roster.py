"""Enrolment after disclosure, revocation, search, accounts and the roster export."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.benefits.conftest import quick_household
from yimen.audit.models import AuditEvent
from yimen.benefits.exports import roster_xlsx
from yimen.benefits.models import Beneficiary, BeneficiaryStatus, EntitlementStatus, Stability
from yimen.benefits.services import roster
from yimen.errors import Invalid, NotFound
from yimen.months import next_month

# the households are approved "today": pinned, since the dates below follow from it
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def test_disclosure_enrols_the_household_from_the_month_after_approval(staff, approved):
    application = approved(amount=Decimal("812.30"))
    beneficiary = Beneficiary.objects.get(application=application)
    assert beneficiary.head_name == "张建明"
    assert beneficiary.initials == "zjm"
    assert beneficiary.members == 3
    assert beneficiary.start_month == next_month(timezone.localdate())
    (entitlement,) = beneficiary.entitlements.all()
    assert (entitlement.status, entitlement.monthly_amount) == (
        EntitlementStatus.PAYING,
        Decimal("812.30"),
    )
    # the head is partly able to work and nobody else is able-bodied: reviewed yearly
    assert beneficiary.stability == Stability.STABLE
    assert AuditEvent.objects.filter(
        event_type="benefits.enrolled", subject_id=str(beneficiary.pk)
    ).exists()
    # enrolling again changes nothing
    assert roster.enrol(application, staff.village) == beneficiary
    assert Beneficiary.objects.count() == 1


def test_able_bodied_member_makes_the_household_unstable(staff, approved):
    data_member_able = approved(amount=Decimal("300"))
    beneficiary = data_member_able.beneficiary
    member = data_member_able.members.get(relationship="head")
    member.work_ability = "full"
    member.save()
    assert roster._stability(data_member_able, date(2026, 11, 1)) == Stability.UNSTABLE
    assert beneficiary.next_review_on.year in (2027, 2028)


def test_roster_search_by_name_id_number_and_initials(staff):
    a = quick_household(staff.caseworker, name="张三丰")
    b = quick_household(staff.caseworker, name="李四")
    assert list(roster.roster_search(staff.caseworker, "zs")) == [a]
    assert list(roster.roster_search(staff.caseworker, "李")) == [b]
    assert list(roster.roster_search(staff.caseworker, a.head_id_number)) == [a]
    assert list(roster.roster_search(staff.caseworker, a.head_id_number[:17])) == [a]
    assert set(roster.roster_search(staff.caseworker)) == {a, b}
    # another township's caseworker sees none of them; the county supervisor sees both
    assert list(roster.roster_search(staff.other_caseworker)) == []
    assert set(roster.roster_search(staff.supervisor)) == {a, b}


def test_account_is_validated_and_audited(staff):
    home = quick_household(staff.caseworker, account="")
    with pytest.raises(Invalid):
        roster.account_set(
            actor=staff.caseworker,
            beneficiary_id=home.pk,
            payee_name="王小明",
            bank_name="工行",
            number="12ab",
        )
    home.refresh_from_db()
    assert home.account_number == ""
    roster.account_set(
        actor=staff.caseworker,
        beneficiary_id=home.pk,
        payee_name="王小明",
        bank_name="工行",
        number="6222 0202 0011 2233",
    )
    home.refresh_from_db()
    assert home.account_number == "6222020200112233"
    event = AuditEvent.objects.get(event_type="benefits.account_set")
    assert event.old["account"] == "" and event.new["account"] == "6222020200112233"
    with pytest.raises(NotFound):
        roster.account_set(
            actor=staff.other_caseworker,
            beneficiary_id=home.pk,
            payee_name="x",
            bank_name="y",
            number="12345678",
        )


def test_roster_export_reads_back(staff):
    quick_household(staff.caseworker, name="张三丰", amount=Decimal("612.40"))
    quick_household(staff.caseworker, name="李四", amount=Decimal("300"), kind="tekun")
    data = roster_xlsx(roster.roster_search(staff.caseworker))
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "户主姓名 Head"
    by_name = {r[3]: r for r in rows[1:]}
    assert by_name["张三丰"][7] == 612.4
    assert (
        by_name["李四"][5] == "特困人员救助供养" or by_name["李四"][5] == "Extreme-poverty support"
    )
    assert by_name["张三丰"][9] in ("救助中", "On assistance")


def test_revoked_approval_stops_the_household_next_month(staff, approved):
    from yimen.assistance.models import Objection
    from yimen.assistance.services.public import objection_lodge
    from yimen.benefits.services import enrolment
    from yimen.workflow import services as workflow
    from yimen.workflow.models import Task

    application = approved()
    objection = objection_lodge(
        application_id=application.pk, text="此户有营业执照", contact="13800000000", address=None
    )
    objection = Objection.objects.get(pk=objection.pk)
    review = objection.review_case
    task = Task.objects.get(case=review, step="review")
    workflow.task_complete(task_id=task.pk, actor=staff.caseworker, outcome="founded")
    enrolment.objection_conclude(
        actor=staff.approver, objection=objection, outcome="revoked", reason="核实有经营收入"
    )
    beneficiary = Beneficiary.objects.get(application=application)
    assert beneficiary.status == BeneficiaryStatus.STOPPED
    last = beneficiary.entitlements.order_by("-effective_month", "-id").first()
    assert last.status == EntitlementStatus.STOPPED

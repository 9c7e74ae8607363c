"""Re-examination (复核): asked for within the dated period (late requests refused), a NEW
signed decision by someone other than the first signer, and a change taking effect on
the case — the refusal becomes an approval on the roster, a stop is lifted."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.complaints.conftest import AMOUNT
from tests.factories import NANGUAN, ZIQIANG, user_with
from yimen.accounts.roles import Role
from yimen.assistance.models import Decision
from yimen.assistance.services.public import disclosed_applications
from yimen.audit.models import AuditEvent
from yimen.benefits.models import Beneficiary, BeneficiaryStatus, EntitlementStatus
from yimen.complaints.errors import (
    AlreadyReexamined,
    NotAllowed,
    NothingToReexamine,
    NotInScope,
    ReexamInvalid,
    ReexamLate,
    ReexamPending,
    SameSigner,
    WrongState,
)
from yimen.complaints.models import ComplaintSetting, Reexamination, ReexamStatus
from yimen.complaints.services.reexaminations import NewDecision, reexam_decide, reexam_request
from yimen.workflow.states import CaseStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]
SHANGHAI = ZoneInfo("Asia/Shanghai")
UPHOLD = NewDecision("upheld", "存款为本人定期存款，维持原决定")


def _ask(people, application, kind="refusal", **extra):
    return reexam_request(
        actor=extra.pop("actor", people.citizen),
        application=application,
        kind=kind,
        grounds="存款系代管的医疗费",
        channel=extra.pop("channel", "online"),
        **extra,
    )


def test_asked_online_within_the_period(people, refused):
    reexam = _ask(people, refused)
    decided = refused.decision.decided_at.astimezone(SHANGHAI).date()
    assert reexam.last_day == decided + timedelta(days=60)  # the example value, labelled
    assert reexam.first_signer == people.approver and reexam.status == ReexamStatus.PENDING
    event = AuditEvent.objects.get(event_type="complaints.reexam_requested")
    assert event.actor == people.citizen and event.subject_id == str(refused.case_id)
    with pytest.raises(ReexamPending):
        _ask(people, refused)


def test_only_the_applicant_online_and_the_township_at_the_counter(people, refused):
    stranger = user_with(Role.APPLICANT, "220102001001", username="stranger")
    with pytest.raises(NotInScope):
        _ask(people, refused, actor=stranger)
    other_clerk = user_with(Role.TOWNSHIP_CASEWORKER, ZIQIANG)
    with pytest.raises(NotAllowed):
        _ask(people, refused, actor=other_clerk, channel="counter")
    with pytest.raises(ReexamInvalid):
        reexam_request(
            actor=people.caseworker,
            application=refused,
            kind="refusal",
            grounds="  ",
            channel="counter",
        )
    reexam = _ask(people, refused, actor=people.caseworker, channel="counter")
    assert reexam.channel == "counter" and reexam.requested_by == people.caseworker


def test_a_late_request_is_refused_with_the_last_day(people, refused):
    ComplaintSetting.objects.create(
        division_id=NANGUAN,
        valid_from=date(2020, 1, 1),
        answer_working_days=15,
        reexam_request_days=30,
        source="南关区民政局通知",
    )
    decided = refused.decision.decided_at.astimezone(SHANGHAI).date()
    last = decided + timedelta(days=30)
    moment = datetime.combine(last, datetime.min.time(), SHANGHAI) + timedelta(hours=10)
    with time_machine.travel(moment, tick=False):
        assert _ask(people, refused).last_day == last  # the last day itself is in time
    Reexamination.objects.all().delete()
    with (
        time_machine.travel(moment + timedelta(days=1), tick=False),
        pytest.raises(ReexamLate) as caught,
    ):
        _ask(people, refused)
    assert f"{last:%Y-%m-%d}" in caught.value.render("en")
    assert f"{last:%Y-%m-%d}" in caught.value.render("zh-hans")
    assert not Reexamination.objects.exists()


def test_the_first_signer_may_not_sign_again_another_upholds(people, refused):
    reexam = _ask(people, refused)
    with pytest.raises(SameSigner) as caught:
        reexam_decide(actor=people.approver, reexam=reexam, decision=UPHOLD)
    assert caught.value.code == "complaints.same_signer" and "刘洋" in caught.value.render()
    with pytest.raises(NotAllowed):  # a caseworker signs nothing
        reexam_decide(actor=people.caseworker, reexam=reexam, decision=UPHOLD)
    reexam_decide(actor=people.approver_b, reexam=reexam, decision=UPHOLD)
    reexam.refresh_from_db()
    assert reexam.status == ReexamStatus.DECIDED and reexam.signer == people.approver_b
    assert not Decision.objects.get(application=refused).approved  # upheld: still refused
    event = AuditEvent.objects.get(event_type="complaints.reexam_decided")
    assert event.signer == people.approver_b and event.old["signer"] == "刘洋"
    with pytest.raises(AlreadyReexamined):  # one re-examination per decision
        _ask(people, refused)


def test_two_approvers_at_once_one_wins(people, refused):
    reexam = _ask(people, refused)
    third = user_with(Role.TOWNSHIP_APPROVER, "220102001000", full_name="第三审批人")
    stale = Reexamination.objects.get(pk=reexam.pk)
    reexam_decide(actor=people.approver_b, reexam=reexam, decision=UPHOLD)
    with pytest.raises(WrongState):
        reexam_decide(
            actor=third, reexam=stale, decision=NewDecision("changed", "改", "dibao", AMOUNT)
        )
    assert not Decision.objects.get(application=refused).approved


def test_a_changed_refusal_approves_enrols_and_discloses(people, refused):
    refused.case.refresh_from_db()
    assert refused.case.status == CaseStatus.REJECTED
    reexam = _ask(people, refused)
    with pytest.raises(ReexamInvalid):  # a change needs the type and the amount
        reexam_decide(actor=people.approver_b, reexam=reexam, decision=NewDecision("changed", "改"))
    reexam_decide(
        actor=people.approver_b,
        reexam=reexam,
        decision=NewDecision("changed", "存款系代管医疗费，不计入家庭财产", "dibao", AMOUNT),
    )
    decision = Decision.objects.get(application=refused)
    assert decision.approved and decision.signer == people.approver_b
    assert decision.monthly_amount == AMOUNT and decision.assistance_type == "dibao"
    household = Beneficiary.objects.get(application=refused)
    assert household.status == BeneficiaryStatus.ACTIVE
    assert household.entitlements.get().monthly_amount == AMOUNT
    assert household.start_month == date(2027, 1, 1)  # the month after the new decision
    assert disclosed_applications().filter(pk=refused.pk).exists()
    changed = AuditEvent.objects.get(event_type="assistance.decision_changed")
    assert changed.old["signer"] == "刘洋" and changed.signer == people.approver_b
    # the case's outcome follows the new decision, by its declared transition, audited
    refused.case.refresh_from_db()
    assert refused.case.status == CaseStatus.COMPLETED
    assert changed.old["case_status"] == "rejected"
    assert changed.new["case_status"] == "completed"
    with pytest.raises(NothingToReexamine):  # nothing refused is left
        _ask(people, refused)


def test_only_a_refused_case_is_overturned_and_only_once(people, refused):
    from django.utils import timezone

    from yimen.workflow.transitions import overturn_refusal

    assert overturn_refusal(case_id=refused.case_id, now=timezone.now()) is True
    assert overturn_refusal(case_id=refused.case_id, now=timezone.now()) is False
    refused.case.refresh_from_db()
    assert refused.case.status == CaseStatus.COMPLETED


def test_a_changed_stop_puts_the_household_back(people, stopped):
    application = stopped.application
    application.applicant = people.citizen
    application.save(update_fields=["applicant"])
    household = application.beneficiary
    assert household.status == BeneficiaryStatus.STOPPED
    reexam = _ask(people, application, kind="stop")
    assert reexam.stop_review == stopped.review and reexam.first_signer == people.approver
    with pytest.raises(SameSigner):
        reexam_decide(actor=people.approver, reexam=reexam, decision=UPHOLD)
    reexam_decide(
        actor=people.approver_b,
        reexam=reexam,
        decision=NewDecision("changed", "就业收入为临时收入", monthly_amount=Decimal("480.00")),
    )
    household.refresh_from_db()
    assert household.status == BeneficiaryStatus.ACTIVE
    latest = household.entitlements.order_by("-effective_month", "-id").first()
    assert latest.status == EntitlementStatus.PAYING and latest.monthly_amount == Decimal("480.00")
    assert latest.effective_month == date(2027, 1, 1)
    event = AuditEvent.objects.get(event_type="benefits.reinstated")
    assert event.signer == people.approver_b and event.new["ground"] == reexam.number


def test_pages_of_the_citizen_and_the_approvers(people, refused, client):
    client.force_login(people.citizen)
    page = client.get("/complaints/mine/").content.decode()
    assert f'id="offer-{refused.pk}-refusal"' in page
    asked = client.post(
        f"/complaints/mine/{refused.pk}/reexamine/", {"kind": "refusal", "grounds": "存款为代管"}
    )
    assert asked.status_code == 302
    reexam = Reexamination.objects.get()
    client.force_login(people.approver)
    own = client.get(f"/complaints/reexaminations/{reexam.pk}/").content.decode()
    assert 'id="same-signer-note"' in own
    refused_post = client.post(
        f"/complaints/reexaminations/{reexam.pk}/decide/", {"outcome": "upheld", "reasons": "维持"}
    )
    assert refused_post.status_code == 403
    client.force_login(people.approver_b)
    signed = client.post(
        f"/complaints/reexaminations/{reexam.pk}/decide/", {"outcome": "upheld", "reasons": "维持"}
    )
    assert signed.status_code == 302
    html = client.get(f"/complaints/reexaminations/{reexam.pk}/").content.decode()
    assert "钱晓东" in html and 'id="reexam-outcome"' in html
    client.force_login(user_with(Role.TOWNSHIP_APPROVER, ZIQIANG))
    assert client.get(f"/complaints/reexaminations/{reexam.pk}/").status_code == 404


def test_the_citizen_page_says_when_the_period_ended(people, refused, client):
    with time_machine.travel(datetime(2027, 3, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        client.force_login(people.citizen)
        page = client.get("/complaints/mine/").content.decode()
        late = client.post(
            f"/complaints/mine/{refused.pk}/reexamine/", {"kind": "refusal", "grounds": "晚了"}
        )
    assert 'class="late"' in page
    assert late.status_code == 302 and not Reexamination.objects.exists()


BEIJING = ZoneInfo("Asia/Shanghai")


def _arrears_of(household):
    from yimen.benefits.models import PaymentAdjustment

    return list(PaymentAdjustment.objects.filter(beneficiary=household))


def test_a_refusal_overturned_later_pays_the_months_it_was_wrongly_unpaid(people, refused):
    from yimen.benefits.services.payments import roll_compute

    with time_machine.travel(datetime(2027, 1, 20, 10, tzinfo=BEIJING), tick=False):
        reexam = _ask(people, refused)
    with time_machine.travel(datetime(2027, 2, 15, 10, tzinfo=BEIJING), tick=False):
        reexam_decide(
            actor=people.approver_b,
            reexam=reexam,
            decision=NewDecision("changed", "存款系代管医疗费", "dibao", AMOUNT),
        )
    household = Beneficiary.objects.get(application=refused)
    assert household.start_month == date(2027, 3, 1)
    # refused 2026-12-07: approved then, it would have been paid from January
    [arrears] = _arrears_of(household)
    assert arrears.amount == AMOUNT * 2 and "2027-01" in arrears.reason
    assert "2027-02" in arrears.reason and reexam.number in arrears.reason
    event = AuditEvent.objects.get(event_type="benefits.adjustment_added")
    assert event.new["months"] == ["2027-01", "2027-02"]
    assert event.signer == people.approver_b
    roll = roll_compute(household.division_id[:9] + "000", date(2027, 3, 1))
    lines = [ln for ln in roll.lines if ln.beneficiary_id == household.pk]
    assert sorted(ln.amount for ln in lines) == [AMOUNT, AMOUNT * 2]


def test_a_stop_overturned_later_pays_the_stopped_months(people, stopped):
    application = stopped.application
    application.applicant = people.citizen
    application.save(update_fields=["applicant"])
    with time_machine.travel(datetime(2027, 1, 20, 10, tzinfo=BEIJING), tick=False):
        reexam = _ask(people, application, kind="stop")
    with time_machine.travel(datetime(2027, 2, 15, 10, tzinfo=BEIJING), tick=False):
        reexam_decide(
            actor=people.approver_b,
            reexam=reexam,
            decision=NewDecision("changed", "收入系临时性", "", AMOUNT),
        )
    household = application.beneficiary
    household.refresh_from_db()
    assert household.status == BeneficiaryStatus.ACTIVE
    [arrears] = _arrears_of(household)  # stopped from January, paid again from March
    assert arrears.amount == AMOUNT * 2 and arrears.settled_in is None


def test_a_stop_overturned_at_once_owes_nothing(people, stopped):
    application = stopped.application
    application.applicant = people.citizen
    application.save(update_fields=["applicant"])
    reexam = _ask(people, application, kind="stop")
    reexam_decide(
        actor=people.approver_b, reexam=reexam, decision=NewDecision("changed", "改", "", AMOUNT)
    )
    assert _arrears_of(application.beneficiary) == []

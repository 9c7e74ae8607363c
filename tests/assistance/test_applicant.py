"""The applicant's view: status by case number + ID number + receipt code, the notice,
and withdrawal."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.assistance.test_case_paths import investigate
from tests.assistance.test_public import approved, submitted, use_public_urls
from tests.factories import HUAYANG, user_with
from yimen.accounts.roles import Role
from yimen.assistance.services import public, steps
from yimen.assistance.views_public import SESSION_KEY, both_languages
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.errors import Invalid
from yimen.workflow.states import CaseStatus

STATUS = "/public/status/"
CASE_PAGE = "/public/status/case/"
NOTICE = "/public/status/notice.pdf"


@pytest.fixture
def public_urls(settings, tmp_path):
    use_public_urls(settings, tmp_path)


def details(application, *, member: int = 1) -> dict:
    """The three values, with the ID number of a member other than the head by default."""
    person = application.members.order_by("pk")[member]
    return {
        "case_number": application.case.number,
        "id_number": person.id_number,
        "receipt_code": application.receipt_code,
    }


def look_up(client, application, **changes):
    return client.post(STATUS, {**details(application), **changes}, REMOTE_ADDR="10.1.1.1")


def test_receipt_code_is_six_digits(staff, public_urls):
    application = submitted(staff)
    assert len(application.receipt_code) == 6 and application.receipt_code.isdigit()


def test_status_of_a_case_in_progress(client, staff, public_urls):
    application = submitted(staff)
    response = look_up(client, application, case_number=" " + application.case.number.lower() + " ")
    assert response.status_code == 302 and response["Location"] == CASE_PAGE
    page = client.get(CASE_PAGE)
    assert page.status_code == 200 and page["X-Robots-Tag"].startswith("noindex")
    text = page.content.decode()
    assert application.case.number in text
    assert str(CaseStatus.ACTIVE.label) in text
    steps_html = text.split('id="current-steps"')[1].split("</ul>")[0]
    for task in application.case.tasks.filter(status="open"):
        assert f"{timezone.localtime(task.due_at):%Y-%m-%d}" in steps_html
    assert steps_html.count("<li>") == 2  # verification and visit, in parallel
    assert 'id="decision"' not in text and 'id="notice-link"' not in text
    assert client.get(NOTICE).status_code == 404  # nothing decided yet


def test_status_shows_the_decision_and_the_notice(client, staff, public_urls):
    application = approved(staff, amount="1234.50")
    look_up(client, application, id_number=application.head.id_number)
    text = client.get(CASE_PAGE).content.decode()
    decision = text.split('id="decision"')[1].split("</dl>")[0]
    assert "1,234.50" in decision
    assert str(application.decision.get_assistance_type_display()) in decision
    pdf = client.get(NOTICE)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    extracted = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "1234.50" in extracted and "壹仟贰佰叁拾肆元伍角" in extracted


def test_refusal_shows_its_reasons(client, staff, public_urls):
    application = submitted(staff)
    investigate(staff, application)
    steps.case_decide(
        actor=staff.approver, application=application, approve=False, reasons="家庭存款超过规定"
    )
    look_up(client, application)
    text = client.get(CASE_PAGE).content.decode()
    assert "家庭存款超过规定" in text and str(CaseStatus.REJECTED.label) in text


@pytest.mark.parametrize(
    "wrong", ["case_number", "id_number", "receipt_code", "other_code", "empty"]
)
def test_every_wrong_value_gives_the_same_message(client, staff, public_urls, wrong):
    application = submitted(staff, serial="01")
    other = submitted(staff, head="赵德胜", serial="02")
    good = details(application)
    bad = {
        "case_number": {"case_number": other.case.number},
        "id_number": {"id_number": other.head.id_number},
        "receipt_code": {"receipt_code": f"{(int(good['receipt_code']) + 1) % 10**6:06d}"},
        "other_code": {"receipt_code": other.receipt_code},
        "empty": {"case_number": "", "id_number": "", "receipt_code": ""},
    }[wrong]
    if wrong == "other_code" and other.receipt_code == good["receipt_code"]:
        pytest.skip("the two random receipt codes happen to agree")
    response = look_up(client, application, **bad)
    assert response.status_code == 404
    # one generic message for every mismatch, in Chinese with the English alongside
    assert response.context["error"] == both_languages(public.StatusLookupFailed())
    assert "(No case matches" in response.context["error"]
    assert SESSION_KEY not in client.session
    assert client.get(CASE_PAGE)["Location"] == STATUS
    assert good["id_number"] not in response.content.decode()  # the inputs are not echoed


def test_failed_look_ups_are_rate_limited_per_address(client, staff, public_urls):
    application = submitted(staff)
    for _ in range(public.LIMITS["status_failures_per_hour"]):
        assert look_up(client, application, receipt_code="000000x").status_code == 404
    blocked = look_up(client, application)  # even the right values, from this address
    assert blocked.status_code == 429
    assert "Too many unsuccessful look-ups" in blocked.context["error"]
    elsewhere = client.post(STATUS, details(application), REMOTE_ADDR="10.2.2.2")
    assert elsewhere.status_code == 302


def test_successful_look_ups_do_not_count(client, staff, public_urls):
    application = submitted(staff)
    for _ in range(public.LIMITS["status_failures_per_hour"] + 2):
        assert look_up(client, application).status_code == 302


def test_done_forgets_the_case(client, staff, public_urls):
    application = submitted(staff)
    look_up(client, application)
    client.post("/public/status/leave/")
    assert client.get(CASE_PAGE)["Location"] == STATUS


def test_tampered_session_token_is_refused(client, staff, public_urls):
    application = submitted(staff)
    look_up(client, application)
    session = client.session
    session[SESSION_KEY] = session[SESSION_KEY].replace(":", ";", 1)
    session.save()
    assert client.get(CASE_PAGE)["Location"] == STATUS


# --- withdrawal --------------------------------------------------------------------------


@pytest.fixture
def applicant(tree):
    return user_with(Role.APPLICANT, HUAYANG, full_name="张建明")


def test_applicant_with_an_account_withdraws(client, staff, public_urls, applicant):
    application = submitted(staff, actor=applicant)
    assert application.applicant == applicant
    client.force_login(applicant)
    look_up(client, application)
    assert 'id="withdraw"' in client.get(CASE_PAGE).content.decode()
    response = client.post("/public/status/withdraw/", {"reason": "家庭收入已改善"})
    assert response.status_code == 302
    application.case.refresh_from_db()
    assert application.case.status == CaseStatus.WITHDRAWN
    event = AuditEvent.objects.get(event_type=EventType.CASE_WITHDRAWN)
    assert event.actor_id == applicant.pk and event.reason == "家庭收入已改善"
    assert 'id="withdraw"' not in client.get(CASE_PAGE).content.decode()


def test_anonymous_applicant_withdraws_after_the_status_look_up(
    client, staff, public_urls, applicant
):
    """The look-up (case number, an ID number of the household, the receipt code) proves
    who asks; the withdrawal is audited with role "applicant" and how it was proven."""
    application = submitted(staff, actor=applicant)
    client.post("/public/status/withdraw/", {"reason": "撤回"})
    application.case.refresh_from_db()
    assert application.case.status == CaseStatus.ACTIVE  # no look-up in this session yet
    look_up(client, application)
    assert 'id="withdraw"' in client.get(CASE_PAGE).content.decode()
    client.post("/public/status/withdraw/", {"reason": "家庭收入已提高，不再申请"})
    application.case.refresh_from_db()
    assert application.case.status == CaseStatus.WITHDRAWN
    event = AuditEvent.objects.filter(event_type="workflow.case_withdrawn").last()
    assert (event.actor_id, event.role, event.new["via"]) == (None, "applicant", "status_lookup")


def test_another_account_cannot_withdraw(client, staff, public_urls, applicant):
    application = submitted(staff, actor=applicant)
    stranger = user_with(Role.APPLICANT, HUAYANG)
    with pytest.raises(public.WithdrawalNeedsAccount):
        public.application_withdraw_by_applicant(
            application=application, reason="撤回", actor=stranger
        )
    client.force_login(stranger)
    look_up(client, application)
    client.post("/public/status/withdraw/", {"reason": "撤回"})
    application.case.refresh_from_db()
    assert application.case.status == CaseStatus.ACTIVE


def test_withdrawal_service_needs_the_applicant_and_a_reason(staff, public_urls, applicant):
    application = submitted(staff, actor=applicant)
    counter = submitted(staff, head="赵德胜", serial="02")  # entered at the counter: no account
    with pytest.raises(public.WithdrawalNeedsAccount):
        public.application_withdraw_by_applicant(
            application=counter, reason="撤回", actor=applicant
        )
    with pytest.raises(Invalid):
        public.application_withdraw_by_applicant(
            application=application, reason="  ", actor=applicant
        )
    case = public.application_withdraw_by_applicant(
        application=application, reason="撤回", actor=applicant
    )
    assert case.status == CaseStatus.WITHDRAWN

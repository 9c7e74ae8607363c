"""The rules propose; the approver may depart only with a written reason (audited); the
notice quotes the grounds in plain Chinese."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from tests.assistance.conftest import household_input
from tests.assistance.test_case_paths import attach_basics, investigate
from tests.web.pdfcheck import assert_readable
from yimen.assistance.notices import notice_pdf
from yimen.assistance.proposal import proposal_for
from yimen.assistance.services import intake, steps
from yimen.audit.models import AuditEvent
from yimen.errors import Invalid


@pytest.fixture
def ready(staff, settings, tmp_path):
    """A case waiting for the decision, under the shipped Changchun parameters."""
    settings.MEDIA_ROOT = tmp_path
    call_command("load_parameters", verbosity=0)
    application = intake.application_create(actor=staff.caseworker, data=household_input())
    attach_basics(staff.caseworker, application)
    steps.case_accept(actor=staff.caseworker, application=application)
    investigate(staff, application)
    return application


def test_the_rules_propose_and_the_decision_keeps_the_proposal(staff, ready):
    proposal = proposal_for(ready)
    assert proposal.unavailable == "" and proposal.assistance_type is not None
    assert proposal.reasons_zh  # every rule explained in Chinese
    decision = steps.case_decide(
        actor=staff.approver,
        application=ready,
        approve=True,
        reasons="",
        assistance_type=proposal.assistance_type,
        monthly_amount=proposal.monthly_amount,
    )
    assert (decision.proposed_type, decision.proposed_amount) == (
        proposal.assistance_type,
        proposal.monthly_amount,
    )
    assert not AuditEvent.objects.filter(event_type="assistance.decision_departed").exists()
    document = notice_pdf(ready, decision)
    text = "".join(p.extract_text() for p in PdfReader(__import__("io").BytesIO(document)).pages)
    assert "审核依据" in text
    # every reader shows it: the font embedded, the amount whole on its line, the seal area
    assert_readable(document, lines=(f"{proposal.monthly_amount:.2f}元",), texts=("盖章处",))
    assert len(PdfReader(__import__("io").BytesIO(document)).pages) == 1  # one sheet to sign


def test_departing_needs_a_written_reason_and_is_audited(staff, ready):
    proposal = proposal_for(ready)
    other = proposal.monthly_amount + Decimal("100.00")
    with pytest.raises(Invalid) as refused:
        steps.case_decide(
            actor=staff.approver,
            application=ready,
            approve=True,
            reasons="",
            assistance_type=proposal.assistance_type,
            monthly_amount=other,
        )
    assert "reasons" in refused.value.fields
    steps.case_decide(
        actor=staff.approver,
        application=ready,
        approve=True,
        reasons="配偶重度残疾，护理支出大，按分档上浮",
        monthly_amount=other,
        assistance_type=proposal.assistance_type,
    )
    event = AuditEvent.objects.get(event_type="assistance.decision_departed")
    assert event.signer_name == "刘洋" and event.reason.startswith("配偶重度残疾")
    assert event.old["proposal"]["amount"] == str(proposal.monthly_amount)


def test_the_decision_page_shows_the_proposal(client, staff, ready):
    client.force_login(staff.approver)
    page = client.get(f"/assistance/applications/{ready.pk}/")
    body = page.content.decode()
    assert 'id="proposal"' in body
    assert str(proposal_for(ready).monthly_amount) in body


def test_without_parameters_there_is_no_proposal_and_no_departure(staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = intake.application_create(actor=staff.caseworker, data=household_input())
    attach_basics(staff.caseworker, application)
    steps.case_accept(actor=staff.caseworker, application=application)
    investigate(staff, application)
    assert proposal_for(application).unavailable
    steps.case_decide(
        actor=staff.approver,
        application=application,
        approve=True,
        reasons="",
        assistance_type="dibao",
        monthly_amount=Decimal("500.00"),
    )

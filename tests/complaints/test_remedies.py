"""Administrative reconsideration and lawsuit: recorded with body, dates and outcome,
audited; revoked or changed, the case is decided again by another signer."""

from __future__ import annotations

from datetime import date

import pytest

from tests.complaints.conftest import AMOUNT
from tests.factories import ZIQIANG, user_with
from yimen.accounts.roles import Role
from yimen.assistance.models import Decision
from yimen.audit.models import AuditEvent
from yimen.benefits.models import Beneficiary
from yimen.complaints.errors import NotAllowed, RemedyInvalid, SameSigner, WrongState
from yimen.complaints.models import ReexamOrigin, ReexamStatus, RemedyStatus
from yimen.complaints.services.reexaminations import NewDecision, reexam_decide
from yimen.complaints.services.remedies import RemedyInput, remedy_conclude, remedy_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def _record(people, application, kind="reconsideration", actor=None):
    return remedy_record(
        actor=actor or people.caseworker,
        application=application,
        data=RemedyInput(
            kind=kind,
            decision_kind="refusal",
            body="长春市南关区人民政府",
            filed_on=date(2026, 12, 3),
            reference="南府复字〔2026〕12号",
        ),
    )


def test_recorded_with_validation_and_scope(people, refused):
    with pytest.raises(RemedyInvalid) as caught:
        remedy_record(
            actor=people.caseworker,
            application=refused,
            data=RemedyInput(kind="x", decision_kind="refusal", body="", filed_on=date(2027, 1, 1)),
        )
    assert set(caught.value.fields) == {"kind", "body", "filed_on"}
    with pytest.raises(NotAllowed):
        _record(people, refused, actor=user_with(Role.TOWNSHIP_CASEWORKER, ZIQIANG))
    remedy = _record(people, refused)
    event = AuditEvent.objects.get(event_type="complaints.remedy_recorded")
    assert event.new["body"] == "长春市南关区人民政府" and event.actor == people.caseworker
    assert remedy.status == RemedyStatus.PENDING


def test_upheld_leaves_the_case_revoked_has_it_decided_again(people, refused):
    kept = _record(people, refused, kind="lawsuit")
    remedy_conclude(
        actor=people.caseworker,
        remedy=kept,
        outcome="dismissed",
        decided_on=date(2026, 12, 7),
        notes="驳回诉讼请求",
    )
    kept.refresh_from_db()
    assert kept.decide_again is None and not Decision.objects.get(application=refused).approved
    with pytest.raises(WrongState):  # concluded once
        remedy_conclude(
            actor=people.caseworker,
            remedy=kept,
            outcome="revoked",
            decided_on=date(2026, 12, 7),
            notes="",
        )
    revoked = _record(people, refused)
    with pytest.raises(RemedyInvalid):  # an outcome before the filing
        remedy_conclude(
            actor=people.caseworker,
            remedy=revoked,
            outcome="revoked",
            decided_on=date(2026, 12, 1),
            notes="",
        )
    remedy_conclude(
        actor=people.caseworker,
        remedy=revoked,
        outcome="revoked",
        decided_on=date(2026, 12, 7),
        notes="撤销原决定，责令重新作出",
    )
    revoked.refresh_from_db()
    again = revoked.decide_again
    assert again.origin == ReexamOrigin.RECONSIDERATION and again.status == ReexamStatus.PENDING
    assert again.first_signer == people.approver
    with pytest.raises(SameSigner):
        reexam_decide(actor=people.approver, reexam=again, decision=NewDecision("upheld", "维持"))
    reexam_decide(
        actor=people.approver_b,
        reexam=again,
        decision=NewDecision("changed", "依复议决定重新作出：予以批准", "dibao", AMOUNT),
    )
    assert Decision.objects.get(application=refused).approved
    assert Beneficiary.objects.filter(application=refused).exists()
    concluded = AuditEvent.objects.get(
        event_type="complaints.remedy_concluded", new__outcome="revoked"
    )
    assert concluded.new["decide_again"] == again.number


def test_pages(people, refused, client):
    client.force_login(people.caseworker)
    page = client.post(
        "/complaints/remedies/new/",
        {
            "case_number": refused.case.number,
            "kind": "reconsideration",
            "decision_kind": "refusal",
            "body": "长春市南关区人民政府",
            "filed_on": "2026-12-03",
        },
    )
    assert page.status_code == 302
    detail = client.get(page["Location"])
    assert detail.status_code == 200 and 'id="conclude"' in detail.content.decode()
    missing = client.post(
        "/complaints/remedies/new/",
        {
            "case_number": "NOPE",
            "kind": "lawsuit",
            "decision_kind": "refusal",
            "body": "法院",
            "filed_on": "2026-12-03",
        },
    )
    assert missing.status_code == 404
    client.force_login(people.supervisor)  # the county reads, records nothing
    assert client.get("/complaints/remedies/").status_code == 200
    assert client.get("/complaints/remedies/new/").status_code == 404

"""Opening a verification request: authorisation of every adult, who may ask, once only."""

from __future__ import annotations

import pytest

from tests.assistance import conftest as assistance_fixtures
from tests.assistance.conftest import household_input
from tests.assistance.test_case_paths import attach_basics
from yimen.assistance.choices import ConsentKind
from yimen.assistance.models import Consent
from yimen.assistance.services import intake, steps
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.verification.models import VerificationRequest, VerificationRequestStatus
from yimen.verification.requests import AuthorisationMissing, verification_request_open
from yimen.workflow.errors import NotYourTask

pytestmark = pytest.mark.django_db

staff = assistance_fixtures.staff  # the township staff of 南岭街道, shared with assistance


@pytest.fixture
def at_verify(staff, settings, tmp_path):
    """An accepted 张 household whose case waits at the verify step."""
    settings.MEDIA_ROOT = tmp_path
    application = intake.application_create(actor=staff.caseworker, data=household_input())
    attach_basics(staff.caseworker, application)
    assert steps.case_accept(actor=staff.caseworker, application=application) == []
    application.refresh_from_db()
    assert steps.open_task(application, "verify")
    return application


def _requested_events():
    return AuditEvent.objects.filter(event_type=EventType.VERIFICATION_REQUESTED)


def test_complete_authorisations_open_a_request_with_every_id_number(staff, at_verify):
    request = verification_request_open(actor=staff.caseworker, application=at_verify)
    numbers = sorted(at_verify.members.values_list("id_number_bidx", flat=True))
    assert len(numbers) == 3  # the child of 14 is matched too, though not asked to sign
    # the request keeps the blind indexes, never the numbers themselves (issue 23)
    assert sorted(request.member_ids) == numbers
    plain = set(at_verify.members.values_list("id_number", flat=True))
    assert not plain & set(request.member_ids)
    assert request.status == VerificationRequestStatus.PENDING
    assert request.case_id == at_verify.case_id
    assert request.requested_by == staff.caseworker
    event = _requested_events().get()
    assert event.subject_type == "workflow.case"
    assert event.subject_id == str(at_verify.case_id)
    assert event.new == {"members": 3}


def test_a_second_call_returns_the_pending_request(staff, at_verify):
    first = verification_request_open(actor=staff.caseworker, application=at_verify)
    second = verification_request_open(actor=staff.caseworker_b, application=at_verify)
    assert second.pk == first.pk
    assert VerificationRequest.objects.count() == 1
    assert _requested_events().count() == 1


def test_missing_authorisation_is_refused_naming_the_adults(staff, at_verify):
    Consent.objects.filter(member__application=at_verify, kind=ConsentKind.AUTHORISATION).delete()
    before = AuditEvent.objects.count()
    with pytest.raises(AuthorisationMissing) as caught:
        verification_request_open(actor=staff.caseworker, application=at_verify)
    assert caught.value.code == "verification.authorisation_missing"
    assert caught.value.names == ["张建明", "李秀兰"]  # not the child
    assert "张建明" in caught.value.render() and "李秀兰" in caught.value.render()
    assert "张小雨" not in caught.value.render()
    assert VerificationRequest.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_one_adult_missing_is_named_alone(staff, at_verify):
    Consent.objects.filter(
        member__application=at_verify, member__name="李秀兰", kind=ConsentKind.AUTHORISATION
    ).delete()
    with pytest.raises(AuthorisationMissing) as caught:
        verification_request_open(actor=staff.caseworker, application=at_verify)
    assert caught.value.names == ["李秀兰"]
    assert not VerificationRequest.objects.exists()


@pytest.mark.parametrize("who", ["village", "other_caseworker", "supervisor"])
def test_someone_who_may_not_verify_is_refused(staff, at_verify, who):
    with pytest.raises(NotYourTask):
        verification_request_open(actor=getattr(staff, who), application=at_verify)
    assert not VerificationRequest.objects.exists()
    assert not _requested_events().exists()

"""County supervision of the subsidy through its services: what the county supervisor reads
(its area only, never a draft, filters that never widen), the history of an application,
and the review request that reaches the bureau's reviewer, who answers — each step
audited and notified, nothing decided by the county."""

from __future__ import annotations

import pytest

from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.subsidy.errors import NotAllowed, NotInScope, ReasonNeeded, TextTooLong
from yimen.subsidy.models import ReviewRequest, Status
from yimen.subsidy.services.applications import application_start
from yimen.subsidy.services.county_requests import (
    requests_to_answer,
    review_request_answer,
    review_request_raise,
)
from yimen.supervision.services import subsidy as supervision
from yimen.workflow.models import Notification

from .conftest import NOV, approved, feed, pit

pytestmark = pytest.mark.django_db
OTHER_VILLAGE = "220182002200"


def numbers(qs):
    return sorted(a.number for a in qs)


def test_the_supervisor_reads_the_counties_submitted_applications_only(world, other_supervisor):
    submitted = world.submitted(feed())
    decided = approved(world, pit())
    draft_unit = world.unit()
    application_start(scheme=world.scheme, unit=draft_unit.unit, actor=world.surveyor, now=NOV)
    seen = supervision.supervised_subsidy_applications(world.supervisor)
    assert numbers(seen) == sorted([submitted.number, decided.number])  # no draft
    # another county's supervisor, the bureau's reviewer, a unit: nothing
    assert not supervision.supervised_subsidy_applications(other_supervisor).exists()
    assert not supervision.supervised_subsidy_applications(world.reviewer).exists()
    assert not supervision.may_supervise_subsidy(world.reviewer)
    assert not supervision.supervised_subsidy_applications(world.unit_user).exists()
    with pytest.raises(NotInScope):
        supervision.access_supervised_subsidy(other_supervisor, submitted.pk)
    assert supervision.access_supervised_subsidy(world.supervisor, submitted.pk) == submitted


def test_the_filters_narrow_and_a_filter_outside_the_area_is_ignored(world):
    here = world.submitted(feed())
    there = world.submitted(pit(), survey=world.unit(village=OTHER_VILLAGE, name="李四"))
    done = approved(world, feed("200"))
    list_of = lambda **kw: numbers(  # noqa: E731
        supervision.supervised_subsidy_applications(world.supervisor, **kw)
    )
    assert list_of(township="220182002000") == [there.number]
    assert list_of(status=Status.APPROVED) == [done.number]
    assert list_of(query="李四") == [there.number]
    assert list_of(scheme=str(world.scheme.pk)) == sorted([here.number, there.number, done.number])
    # a township of another county, a draft status, a bad scheme: ignored, never widened
    everything = sorted([here.number, there.number, done.number])
    assert list_of(township="220102001000") == everything
    assert list_of(status=Status.DRAFT) == everything
    assert list_of(scheme="x") == everything
    review_request_raise(application=there, actor=world.supervisor, comment="请核实")
    assert list_of(requested=True) == [there.number]


def test_a_review_request_reaches_the_bureaus_reviewer_who_answers(world):
    app = world.submitted(feed())
    request = review_request_raise(application=app, actor=world.supervisor, comment="请核实数量")
    raised = AuditEvent.objects.get(event_type=EventType.SUBSIDY_REVIEW_REQUESTED)
    assert raised.actor_id == world.supervisor.pk and raised.reason == "请核实数量"
    assert raised.subject_id == str(app.pk) and raised.role == "county_supervisor"
    # the reviewer is told and finds it on the overview's list
    told = Notification.objects.get(recipient=world.reviewer)
    assert app.number in told.message and "请核实数量" in told.message
    assert list(requests_to_answer(world.reviewer)) == [request]
    assert not requests_to_answer(world.supervisor).exists()
    # only the bureau's reviewer answers, once
    with pytest.raises(NotAllowed):
        review_request_answer(request=request, actor=world.supervisor, answer="自答")
    with pytest.raises(ReasonNeeded):
        review_request_answer(request=request, actor=world.reviewer, answer="  ")
    review_request_answer(request=request, actor=world.reviewer, answer="已复核，数量属实")
    request.refresh_from_db()
    assert request.answered_by == world.reviewer and request.answer == "已复核，数量属实"
    answered = AuditEvent.objects.get(event_type=EventType.SUBSIDY_REVIEW_ANSWERED)
    assert answered.signer_id == world.reviewer.pk
    assert Notification.objects.filter(recipient=world.supervisor).count() == 1
    assert not requests_to_answer(world.reviewer).exists()
    with pytest.raises(NotAllowed):
        review_request_answer(request=request, actor=world.reviewer, answer="再答")
    # the county's request decided nothing
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED


def test_a_review_request_is_refused_without_writing_anything(world, other_supervisor):
    app = world.submitted(feed())
    draft_unit = world.unit()
    draft = application_start(
        scheme=world.scheme, unit=draft_unit.unit, actor=world.surveyor, now=NOV
    )
    cases = [
        (ReasonNeeded, dict(application=app, actor=world.supervisor, comment=" ")),
        (TextTooLong, dict(application=app, actor=world.supervisor, comment="长" * 5001)),
        (NotAllowed, dict(application=draft, actor=world.supervisor, comment="草稿")),
        (NotAllowed, dict(application=app, actor=other_supervisor, comment="越界")),
        (NotAllowed, dict(application=app, actor=world.reviewer, comment="审核员")),
    ]
    for error, kwargs in cases:
        with pytest.raises(error):
            review_request_raise(**kwargs)
    assert not ReviewRequest.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.SUBSIDY_REVIEW_REQUESTED).exists()
    assert not Notification.objects.exists()


def test_the_history_shows_the_survey_the_steps_and_the_requests_in_order(world):
    app = approved(world, pit())
    review_request_raise(application=app, actor=world.supervisor, comment="请说明")
    kinds = [e.event_type for e in supervision.subsidy_history(app)]
    assert kinds[:2] == [EventType.SUBSIDY_UNIT_SURVEYED, EventType.SUBSIDY_UNIT_VETTED]
    assert kinds.index(EventType.SUBSIDY_APPLICATION_SUBMITTED) < kinds.index(
        EventType.SUBSIDY_INSPECTED
    )
    assert kinds[-2:] == [EventType.SUBSIDY_DECIDED, EventType.SUBSIDY_REVIEW_REQUESTED]
    other = world.submitted(feed())
    assert all(
        e.subject_id != str(other.pk) for e in supervision.subsidy_history(app)
    )  # another application's events stay out

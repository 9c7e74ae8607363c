"""The in-process runner (the default, no broker): jobs recorded, run, retried, refused;
their page; the catalogue's kinds all importable and schedulable."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from croniter import croniter
from django.utils.module_loading import import_string

from tests.factories import NANLING
from tests.jobs.conftest import DEC, issue_job
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.benefits.models import PaymentRoll
from yimen.errors import Forbidden
from yimen.jobs import catalogue
from yimen.jobs.models import Job, JobStatus
from yimen.jobs.services import enqueue, job_execute, run_periodic

pytestmark = pytest.mark.django_db


def test_a_roll_issued_as_a_job_runs_at_once_and_records_its_result(payable):
    job = issue_job(payable)
    roll = PaymentRoll.objects.get()
    assert (job.status, job.attempts, job.result) == (JobStatus.DONE, 1, {"id": roll.pk})
    assert job.created_by == payable.approver and job.finished_at is not None
    # the queue delivering it again does nothing: done once
    assert job_execute(job.pk) is False
    assert PaymentRoll.objects.count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.ROLL_ISSUED).count() == 1


def test_a_refusal_is_raised_to_the_caller_and_kept_in_both_languages(payable):
    with pytest.raises(Forbidden):
        enqueue(
            "benefits.roll_issue",
            actor=payable.caseworker,
            actor_id=payable.caseworker.pk,
            township=NANLING,
            month=DEC.isoformat(),
            today=DEC.isoformat(),
        )
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.attempts == 1  # a refusal is not retried
    assert "审批" in job.error["zh-hans"] and "approver" in job.error["en"]
    assert not PaymentRoll.objects.exists()


def test_a_failing_job_is_retried_until_it_succeeds(flaky_kind):
    kind, counter = flaky_kind(retries=3)
    job = enqueue(kind.name, counter=counter, failures=2)
    assert (job.status, job.attempts, job.result) == (JobStatus.DONE, 3, {"calls": 3})
    assert job.error is None


def test_a_job_out_of_retries_fails_with_its_error(flaky_kind):
    kind, counter = flaky_kind(retries=1)
    with pytest.raises(ConnectionError):
        enqueue(kind.name, counter=counter, failures=2)
    job = Job.objects.get()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 2)
    assert "partner system is down" in job.error["en"]
    assert Path(counter).read_text() == "2"


def test_the_roll_page_issues_through_the_job_and_lands_on_the_roll(client, payable, settings):
    client.force_login(payable.approver)
    response = client.post("/benefits/rolls/issue/", {"township": NANLING, "month": f"{DEC:%Y-%m}"})
    job = Job.objects.get()
    roll = PaymentRoll.objects.get()
    assert job.name == "benefits.roll_issue" and job.status == JobStatus.DONE
    assert response.status_code == 302 and response["Location"] == f"/benefits/rolls/{roll.pk}/"


def test_the_job_page_shows_its_starter_only(client, payable):
    job = issue_job(payable)
    client.force_login(payable.approver)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f'id="job-state">{JobStatus.DONE.label}<' in page
    assert f'href="/benefits/rolls/{job.result["id"]}/"' in page
    assert "hx-get" not in page  # finished: no more polling
    client.force_login(payable.caseworker)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/status/").status_code == 404


def test_a_queued_job_page_polls_its_status(client, payable):
    job = Job.objects.create(name="benefits.roll_issue", args={}, created_by=payable.approver)
    client.force_login(payable.approver)
    page = client.get(f"/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'hx-get="/jobs/{job.pk}/status/"' in page


def test_every_kind_imports_and_every_schedule_parses():
    for kind in catalogue.KINDS.values():
        functions = [import_string(path) for path in kind.paths]
        if kind.cron:
            assert croniter.is_valid(kind.cron), kind.name
            for function in functions:  # a scheduled run passes no arguments
                required = [
                    p
                    for p in inspect.signature(function).parameters.values()
                    if p.default is inspect.Parameter.empty
                    and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
                ]
                assert not required, (kind.name, required)
        if kind.only_if:
            import_string(kind.only_if)
    # the daily verification covers the 1st and 16th cycle days: it runs every day
    assert catalogue.KINDS["verification.scheduled"].cron.split()[2:] == ["*", "*", "*"]


def test_a_periodic_kind_whose_condition_is_false_does_nothing(settings, monkeypatch):
    settings.MEDINS_NODE = None  # not an insurance node: no outbox to deliver
    monkeypatch.delenv("YIMEN_MEDINS_NODE_CONFIG", raising=False)
    assert run_periodic("medins.outbox") is None


def test_the_scheduled_reviews_run_as_a_periodic_kind():
    assert run_periodic("benefits.daily") == 0

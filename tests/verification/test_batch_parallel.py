"""PostgreSQL: a run stores two chunks at once, each on its own connection (runs._store_chunks),
and the result is what storing them one after another gives."""

from __future__ import annotations

import dataclasses
import threading
from datetime import date

import pytest
from django.db import connection

from yimen.audit.verify import verify_chain
from yimen.verification import runs
from yimen.verification.models import VerificationReport, VerificationRequestStatus
from yimen.workflow.models import Task
from yimen.workflow.states import TaskStatus

from .conftest import import_fixture

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite stores chunks one after another"
    ),
]


def _households(staff, count):
    """``count`` households of 华阳社区 at the verify step with pending requests, each with
    its own people (the 张 household's members with other serial numbers)."""
    from tests.assistance.conftest import household_input, id_number
    from tests.assistance.test_case_paths import attach_basics
    from yimen.assistance.services import intake, steps
    from yimen.verification.requests import verification_request_open

    applications = []
    for n in range(count):
        base = household_input()
        births = ("19700312", "19720508", "20120901")
        members = [
            dataclasses.replace(m, id_number=id_number(birth, f"{n}{k}1"))
            for k, (m, birth) in enumerate(zip(base.members, births, strict=True))
        ]
        data = dataclasses.replace(base, members=members)
        application = intake.application_create(actor=staff.caseworker, data=data)
        attach_basics(staff.caseworker, application)
        assert steps.case_accept(actor=staff.caseworker, application=application) == []
        application.refresh_from_db()
        verification_request_open(actor=staff.caseworker, application=application)
        applications.append(application)
    return applications


def test_two_chunks_in_flight_store_every_report_in_order(staff, tmp_path, data_dir, monkeypatch):
    import_fixture(tmp_path)
    applications = _households(staff, 5)
    monkeypatch.setattr(runs, "CHUNK", 1)
    threads: set[int] = set()
    in_flight, most = [0], [0]
    lock = threading.Lock()
    store = runs.store_chunk

    def watched(run, frame):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        threads.add(threading.get_ident())
        try:
            return store(run, frame)
        finally:
            with lock:
                in_flight[0] -= 1

    monkeypatch.setattr(runs, "store_chunk", watched)
    seen = []
    run = runs.run_execute(
        runs.run_start(actor=staff.caseworker).pk,
        today=date(2026, 11, 16),
        progress=lambda r: seen.append(r.done),
    )
    assert (run.total, run.reports, run.completed) == (5, 5, 5)
    assert threading.get_ident() not in threads  # stored on the workers' connections
    assert most[0] <= 2
    assert seen == sorted(seen) and seen[-1] == 5
    assert VerificationReport.objects.filter(task_completed=True).count() == 5
    assert set(
        Task.objects.filter(
            case_id__in=[a.case_id for a in applications], step="verify"
        ).values_list("status", flat=True)
    ) == {TaskStatus.DONE}
    assert not runs.VerificationRequest.objects.filter(
        status=VerificationRequestStatus.PENDING
    ).exists()
    assert verify_chain().ok

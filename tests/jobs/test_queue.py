"""The production backend: procrastinate on PostgreSQL. Jobs deferred in the caller's
transaction, run by `yimen worker` processes, retried, and not lost when a worker is
killed mid-job (kill -9): another worker finishes it, exactly once."""

# ruff: noqa: S603 — the harness runs our own worker command
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection, transaction
from procrastinate.contrib.django import app

from tests.jobs.conftest import issue_job
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.benefits.models import PaymentRoll
from yimen.jobs.models import Job, JobStatus
from yimen.jobs.queue import QUEUE
from yimen.jobs.services import enqueue
from yimen.jobs.tasks import _register

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the queue is PostgreSQL's"),
]
REPO = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    user, host, port = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT")
    return f"postgres://{user}@{host}:{port or 5432}/{db['NAME']}"


def queue_rows(status: str | None = None) -> list[tuple]:
    sql = "SELECT id, task_name, status, attempts FROM procrastinate_jobs"
    with connection.cursor() as cursor:
        cursor.execute(sql + (" WHERE status = %s" if status else ""), [status] if status else [])
        return cursor.fetchall()


class Worker:
    """A `yimen worker` process on the test database, with a short heartbeat."""

    def __init__(self, workdir: Path):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("YIMEN_", "DJANGO_"))}
        env.update(
            YIMEN_DATABASE_URL=database_url(),
            YIMEN_DATA_DIR=str(workdir),
            YIMEN_JOBS_BACKEND="procrastinate",
            DJANGO_SETTINGS_MODULE="yimen.settings.test",
            PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
        )
        self.log = workdir / f"worker-{time.monotonic_ns()}.log"
        command = [sys.executable, "-c", "from yimen.cli import main; main()", "worker"]
        options = ["--heartbeat", "0.5", "--stalled-after", "2", "--recover-every", "0.5"]
        self.proc = subprocess.Popen(
            [*command, *options], env=env, cwd=REPO, stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def wait_for(predicate, worker: Worker, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        assert worker.proc.poll() is None, worker.log.read_text()[-3000:]
        time.sleep(0.2)
    raise AssertionError("timed out; worker log:\n" + worker.log.read_text()[-3000:])


@pytest.fixture(autouse=True)
def _empty_queue(transactional_db):
    """The queue's tables are procrastinate's (not flushed between tests): empty them."""
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_jobs, procrastinate_periodic_defers, procrastinate_workers "
            "CASCADE"
        )


@pytest.mark.django_db(transaction=True)
def test_a_job_is_queued_only_if_its_transaction_commits(payable, settings):
    settings.JOBS_BACKEND = "procrastinate"
    with pytest.raises(RuntimeError), transaction.atomic():
        issue_job(payable)
        raise RuntimeError("the request failed after enqueueing")
    assert not Job.objects.exists() and queue_rows() == []  # neither row is left
    job = issue_job(payable)
    assert job.status == JobStatus.QUEUED and not PaymentRoll.objects.exists()
    assert queue_rows() == [(job.queue_id, "benefits.roll_issue", "todo", 0)]


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_loses_no_job_and_the_next_does_it_once(payable, settings, tmp_path):
    settings.JOBS_BACKEND = "procrastinate"
    job = issue_job(payable)
    # hold the roll table so the job stops mid-way, inside its transaction
    blocker = psycopg.connect(database_url().replace("postgres://", "postgresql://"))
    blocker.execute("BEGIN")
    blocker.execute("LOCK TABLE benefits_paymentroll IN ACCESS EXCLUSIVE MODE")
    first = Worker(tmp_path)
    second = None
    try:
        wait_for(lambda: Job.objects.get(pk=job.pk).status == JobStatus.RUNNING, first)
        wait_for(lambda: queue_rows("doing"), first)
        first.kill()  # kill -9 mid-job: its transaction dies with its connection
        blocker.execute("ROLLBACK")
        assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING  # nobody finished it
        assert not PaymentRoll.objects.exists()
        second = Worker(tmp_path)
        wait_for(lambda: Job.objects.get(pk=job.pk).status == JobStatus.DONE, second)
    finally:
        blocker.close()
        first.stop()
        if second:
            second.stop()
    job.refresh_from_db()
    roll = PaymentRoll.objects.get()  # exactly one roll, one audit event
    assert job.result == {"id": roll.pk} and job.attempts == 2
    assert AuditEvent.objects.filter(event_type=EventType.ROLL_ISSUED).count() == 1
    rolls = [row[:3] for row in queue_rows() if row[1] == "benefits.roll_issue"]
    assert rolls == [(job.queue_id, "benefits.roll_issue", "succeeded")]


@pytest.mark.django_db(transaction=True)
def test_the_worker_retries_a_failing_job_until_it_succeeds(flaky_kind, settings):
    settings.JOBS_BACKEND = "procrastinate"
    kind, counter = flaky_kind(retries=3)
    _register(kind)  # a test kind: this process's worker runs it
    job = enqueue(kind.name, counter=counter, failures=2)
    assert job.status == JobStatus.QUEUED
    with app.replace_connector(app.connector.get_worker_connector()):
        app.run_worker(queues=[QUEUE], wait=False, install_signal_handlers=False)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == (JobStatus.DONE, 3, {"calls": 3})
    assert [row[2:] for row in queue_rows() if row[1] == kind.name] == [("succeeded", 3)]
    assert Path(counter).read_text() == "3"

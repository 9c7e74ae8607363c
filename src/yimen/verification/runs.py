"""The batch run: every pending request matched in one pass, reported, carried into cases.

``run_start`` records a queued run (one at a time); ``run_execute`` does the work and
writes its progress to the run's row as it goes — the staff page polls that row (htmx),
so the work itself must not live in the web request: ``run_launch`` enqueues it as a
background job (``verification.run``, docs/jobs.md). Production schedules the
``verification.scheduled`` job (``yimen worker``) or ``yimen verification_run --scheduled``
daily from cron; it covers the requests of the divisions whose cycle day (assistance CycleSchedule,
default the 1st and 16th) is today. See docs/verification.md."""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, timedelta

import polars as pl
from django.db import connection, transaction
from django.utils import timezone, translation

from yimen.assistance.limits import cycle_days
from yimen.assistance.models import Application
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.jobs.services import enqueue

from .casework import ChunkResult, store_chunk
from .errors import RunActive
from .matching import connect, match_members
from .models import RunStatus, VerificationRequest, VerificationRequestStatus, VerificationRun
from .reports import declared_frame, payload_columns, report_frame, with_refs

STALE = timedelta(hours=6)
CHUNK = 5000  # households stored per transaction (and per progress step)
Progress = Callable[[VerificationRun], None]


PENDING_SCHEMA = {
    "request_id": pl.Int64,
    "household_id": pl.Int64,
    "case_id": pl.Int64,
    "requested_by_id": pl.Int64,
    "division_id": pl.String,
    "member_ids": pl.List(pl.String),
}


def pending_requests(prefix: str = "", on: date | None = None) -> pl.DataFrame:
    """Pending requests in divisions under ``prefix`` (one query; columns PENDING_SCHEMA,
    household_id being the application); with ``on``, only those whose division has a
    cycle day on that date (the scheduled run). The ID numbers come as JSON text and are
    decoded by Polars, not row by row."""
    quote = connection.ops.quote_name
    members = "CAST(r.member_ids AS text)" if connection.vendor == "postgresql" else "r.member_ids"
    sql = (
        f"SELECT r.id, r.application_id, r.case_id, r.requested_by_id, a.division_id, {members} "  # noqa: S608
        f"FROM {quote(VerificationRequest._meta.db_table)} r "
        f"JOIN {quote(Application._meta.db_table)} a ON a.id = r.application_id "
        "WHERE r.status = %s AND SUBSTR(a.division_id, 1, %s) = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [VerificationRequestStatus.PENDING, len(prefix), prefix])
        rows = cursor.fetchall()
    schema = {**PENDING_SCHEMA, "member_ids": pl.String}
    pending = pl.DataFrame(rows, schema=schema, orient="row").with_columns(
        pl.col("member_ids").str.json_decode(PENDING_SCHEMA["member_ids"])
    )
    if on is not None:
        divisions = pending["division_id"].unique().to_list()
        due = [d for d in divisions if on.day in cycle_days(d, on)]
        pending = pending.filter(pl.col("division_id").is_in(due))
    return pending


@transaction.atomic
def run_start(*, actor=None, division_prefix: str = "", scheduled: bool = False):
    """Queue a run; refused while another is queued or running."""
    _serialise_starters()
    active = VerificationRun.objects.select_for_update().filter(
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    )
    # a run whose process died (machine restarted) never finishes: after STALE it no
    # longer blocks the next one and is marked failed
    active.filter(created_at__lt=timezone.now() - STALE).update(
        status=RunStatus.FAILED, error="stale: no progress recorded", finished_at=timezone.now()
    )
    if active.exists():
        raise RunActive()
    run = VerificationRun.objects.create(
        started_by=actor, division_prefix=division_prefix, scheduled=scheduled
    )
    record_event(
        event_type=EventType.VERIFICATION_RUN_STARTED,
        subject=run,
        actor=actor,
        new={"divisions": division_prefix or "*", "scheduled": scheduled},
    )
    return run


# The key of the transaction-level advisory lock every starter takes (PostgreSQL): a fixed
# number used for nothing else in this database.
START_LOCK = 7_311_052_001


def _serialise_starters() -> None:
    """Let one ``run_start`` at a time check for an active run and queue its own.

    With no run active there is no row to lock, so two starters (two users of the same
    township, or the cron job and a user) both saw none and both queued a run; locking the
    starting user's row only serialised one user's clicks. On PostgreSQL a transaction-level
    advisory lock serialises every starter until it commits; SQLite opens every write
    transaction with BEGIN IMMEDIATE (settings), which already does. Runs are refused
    while any other is active, whatever its area: areas nest (the whole city, a district,
    a township), and two runs over one area would match the same requests twice."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [START_LOCK])


def _save(run: VerificationRun, progress: Progress | None, **fields) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    VerificationRun.objects.filter(pk=run.pk).update(**fields)
    if progress is not None:
        progress(run)


def _store_in_own_connection(
    run: VerificationRun, part: pl.DataFrame, language: str | None
) -> ChunkResult:
    # the stored texts (findings, audit reasons) in the caller's language, as in its thread
    try:
        with translation.override(language):
            return store_chunk(run, part)
    finally:
        connection.close()  # this thread's own connection


def _store_chunks(run: VerificationRun, frame: pl.DataFrame) -> Iterator[tuple[int, ChunkResult]]:
    """Store ``frame`` chunk by chunk, one transaction each; yields (households done, what
    the chunk stored) in order.

    On PostgreSQL two chunks are in flight at once, each on a connection of its own: while
    one chunk's transaction completes its tasks (it holds the audit chain's head, so the
    audit log is still appended one chunk at a time), the next claims its requests and
    inserts its reports and records — the database works on one while Python prepares the
    other. The chunks touch disjoint requests and cases; shared rows (the run, users,
    divisions) are only read for foreign keys (KEY SHARE locks, which do not conflict).
    SQLite has one writer at a time, and a caller's open transaction (tests) must see the
    work, so there (and for one chunk) the chunks are stored one after another here."""
    starts = range(0, frame.height, CHUNK)
    if connection.vendor != "postgresql" or connection.in_atomic_block or len(starts) < 2:
        for start in starts:
            yield min(frame.height, start + CHUNK), store_chunk(run, frame.slice(start, CHUNK))
        return
    in_flight: deque[tuple[int, Future[ChunkResult]]] = deque()
    language = translation.get_language()
    with ThreadPoolExecutor(max_workers=2) as pool:
        try:
            for start in starts:
                if len(in_flight) == 2:
                    done, future = in_flight.popleft()
                    yield done, future.result()
                part = frame.slice(start, CHUNK)
                in_flight.append(
                    (
                        min(frame.height, start + CHUNK),
                        pool.submit(_store_in_own_connection, run, part, language),
                    )
                )
            while in_flight:
                done, future = in_flight.popleft()
                yield done, future.result()
        finally:
            for _, future in in_flight:  # a chunk failed: let the other one finish first
                with contextlib.suppress(Exception):
                    future.result()


def run_execute(run_id: int, *, progress: Progress | None = None, today: date | None = None):
    """Do a queued run: match, report, carry into the cases; progress on the run row."""
    claimed = VerificationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), phase="matching"
    )
    run = VerificationRun.objects.get(pk=run_id)
    if not claimed:
        raise RunActive()
    try:
        today = today or timezone.localdate()
        pending = pending_requests(run.division_prefix, today if run.scheduled else None)
        _save(run, progress, total=pending.height, done=0, phase="matching")
        members = (
            pending.select("household_id", pl.col("member_ids").alias("id_number"))
            .explode("id_number")
            .drop_nulls("id_number")
        )
        con = connect()  # both matching stages read the same batches
        # DuckDB matches in a thread (it lets go of the GIL) while the declarations are read
        with ThreadPoolExecutor(max_workers=1) as pool:
            matching = pool.submit(match_members, members, con)
            declared = declared_frame(pending["household_id"].to_list())
            matched = matching.result()
        frame = with_refs(report_frame(members, matched, declared, today), members, con)
        _save(run, progress, phase="storing")
        requests = pending.select("household_id", "request_id", "case_id", "requested_by_id")
        # one requester's households together (the tasks' divisions and bindings repeat)
        frame = (
            payload_columns(frame)
            .join(requests, on="household_id")
            .rename({"household_id": "application_id"})
            .sort("requested_by_id", "application_id")
        )
        for done, part in _store_chunks(run, frame):
            _save(
                run,
                progress,
                done=done,
                reports=run.reports + part.reports,
                completed=run.completed + part.completed,
                disputed=run.disputed + part.disputed,
            )
        _save(run, progress, status=RunStatus.DONE, phase="", finished_at=timezone.now())
        record_event(
            event_type=EventType.VERIFICATION_RUN_FINISHED,
            subject=run,
            actor=run.started_by,
            new={
                "households": run.total,
                "reports": run.reports,
                "completed": run.completed,
                "disputed": run.disputed,
            },
        )
    except Exception as error:
        _save(
            run,
            progress,
            status=RunStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    return run


def run_resume(run_id: int) -> bool:
    """Put back a run whose worker died mid-run (the queue gives its job to another worker):
    running → queued, so ``run_execute`` claims it again. The requests its stored chunks
    completed are no longer pending, so the rerun does only the rest. True if put back."""
    return bool(
        VerificationRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            status=RunStatus.QUEUED, phase="", error="resumed after its worker stopped"
        )
    )


def run_launch(run: VerificationRun) -> None:
    """Start the run outside the web request: a background job (yimen.jobs, docs/jobs.md) —
    the queue's worker when one is configured, else the in-process runner."""
    enqueue("verification.run", actor=run.started_by, run_id=run.pk)

"""Reports into their cases, set-based: store, mark disputed, complete the verify tasks.

For a chunk of households at once (one transaction): the requests are claimed (pending →
reported with one guarded UPDATE … RETURNING per chunk of ids, so two runs never report
one request twice), the reports are inserted from the report frame's columns (their JSON
built by Polars, reports.payload_columns), the cases whose verify task the report
completes get the assistance VerificationRecord a staff-recorded verification would have
(so the case pages, the API and the separation of duties read the batch's result the same
way), the cases whose differences exceed the thresholds get the ``disputed`` condition
(before the verify step completes, so the appraisal stage sees it), and every verify task
is completed by one ``tasks_bulk_complete(..., actors=…, via_service=True)`` call — each
case on behalf of the caseworker who asked, with that person's own binding."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, override

from yimen.accounts.models import User
from yimen.accounts.roles import Action, role_allows
from yimen.accounts.scoping import bindings_of
from yimen.assistance.models import VerificationRecord
from yimen.assistance.process import DISPUTED
from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, append_events
from yimen.bulk_rows import insert_frame
from yimen.id_sets import IdSet, any_of_sql, chunks
from yimen.workflow.models import Case, Task
from yimen.workflow.registry import get_process
from yimen.workflow.services import CASE_SUBJECT, performer_binding, tasks_bulk_complete
from yimen.workflow.states import CaseStatus, TaskStatus
from yimen.workflow.transitions import ID_BATCH

from .models import VerificationReport, VerificationRequest, VerificationRequestStatus

VERIFY_STEP = "verify"
RECORD_SOURCE = "verification_run"  # VerificationRecord.source of the batch's records
REPORT_COLUMNS = (
    "application_id",
    "members",
    "members_found",
    "deposits",
    "per_capita_deposits",
    "monthly_income",
    "totals",
    "flags",
    "differences",
    "disputed",
)


@dataclass
class ChunkResult:
    reports: int = 0
    completed: int = 0
    disputed: int = 0


def _claim(request_ids: list[int]) -> set[int]:
    """pending → reported for those still pending; the ids this run won."""
    table = connection.ops.quote_name(VerificationRequest._meta.db_table)
    won: set[int] = set()
    with connection.cursor() as cursor:
        for part in chunks(sorted(request_ids), ID_BATCH):
            among, params = any_of_sql("id", part, connection.vendor)
            cursor.execute(
                f"UPDATE {table} SET status = %s WHERE status = %s AND {among} RETURNING id",  # noqa: S608
                [VerificationRequestStatus.REPORTED, VerificationRequestStatus.PENDING, *params],
            )
            won.update(r[0] for r in cursor.fetchall())
    return won


def _findings(frame: pl.DataFrame, run_id: int) -> pl.Series:
    """The VerificationRecord's findings, one line per household, in the site's language
    (Chinese): the record is stored once and read on the Chinese pages, whoever started the
    run and in whatever language (a run started from an English page wrote English)."""
    with override(settings.LANGUAGE_CODE):
        template = gettext(
            "Verification report of run %(run)d: %(differences)d differences from the "
            "declaration, %(over)d above the thresholds."
        )
    parts = re.split(r"%\((run|differences|over)\)d", template)
    names = parts[1::2]
    values = {
        "run": pl.lit(str(run_id)),
        "differences": pl.col("n_differences").cast(pl.String),
        "over": pl.col("n_over").cast(pl.String),
    }
    pieces: list[pl.Expr] = []
    for i, text in enumerate(parts[0::2]):
        pieces.append(pl.lit(text))
        if i < len(names):
            pieces.append(values[names[i]])
    return frame.select(pl.concat_str(pieces).alias("findings")).to_series()


def _flag_drafts(
    cases: dict[int, tuple[dict, str, str]],
    disputed: list[tuple[int, User]],
    now: datetime,
) -> tuple[list[EventDraft], dict[str, list[int]]]:
    """The cases to mark disputed (the guards of case_set_flag, set-based) and their events;
    the new flags grouped by their JSON text (one UPDATE per distinct set)."""
    reason = gettext("The verification report's differences exceed the thresholds.")
    old, new = {DISPUTED.flag: False}, {DISPUTED.flag: True}
    drafts: list[EventDraft] = []
    groups: dict[str, list[int]] = defaultdict(list)
    bindings: dict[tuple[int, str], object] = {}
    for case_id, user in disputed:
        flags, status, division = cases[case_id]
        key = (user.pk, division)
        if key not in bindings:
            bindings[key] = next(
                (
                    b
                    for b in bindings_of(user)
                    if b.covers(division) and role_allows(b.role, Action.CASE_FLAG)
                ),
                None,
            )
        binding = bindings[key]
        if binding is None or status != CaseStatus.ACTIVE or flags.get(DISPUTED.flag):
            continue
        groups[json.dumps({**flags, DISPUTED.flag: True}, sort_keys=True)].append(case_id)
        drafts.append(
            EventDraft(
                event_type=EventType.CASE_FLAGGED,
                subject_type=CASE_SUBJECT,
                subject_id=str(case_id),
                actor=user,
                role=binding.role,  # type: ignore[attr-defined]
                division_code=binding.division_code,  # type: ignore[attr-defined]
                reason=reason,
                old=old,
                new=new,
                occurred_at=now,
            )
        )
    return drafts, groups


@transaction.atomic
def store_chunk(run, frame: pl.DataFrame) -> ChunkResult:
    """Store the reports of ``frame`` (report_frame rows with payload_columns and the
    request's request_id, case_id, requested_by_id) and carry them into their cases."""
    result = ChunkResult()
    claimed = _claim(frame["request_id"].to_list())
    frame = frame.filter(pl.col("request_id").is_in(list(claimed)))
    if frame.height == 0:
        return result
    now = timezone.now()
    step = get_process("assist").step(VERIFY_STEP)
    case_ids = frame["case_id"].to_list()
    cases: dict[int, tuple[dict, str, str]] = {}
    open_tasks: dict[int, str] = {}
    for part in chunks(sorted(case_ids), ID_BATCH):
        for pk, flags, status, division in (
            Case.objects.select_for_update()
            .filter(pk__any_of=IdSet(part))
            .order_by("pk")
            .values_list("id", "flags", "status", "division_id")
        ):
            cases[pk] = (flags or {}, status, division)
        open_tasks.update(
            Task.objects.filter(
                case_id__any_of=IdSet(part), step=VERIFY_STEP, status=TaskStatus.OPEN
            )
            .order_by()
            .values_list("case_id", "division_id")
        )
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in=set(frame["requested_by_id"].to_list()), is_active=True)
    }
    # the verify task completes when the requester still performs it there (cached per pair)
    performs: dict[tuple[int, str], bool] = {}
    completes: list[bool] = []
    actors: dict[int, User] = {}
    disputed: list[tuple[int, User]] = []
    for case_id, user_id, is_disputed in frame.select(
        "case_id", "requested_by_id", "disputed"
    ).iter_rows():
        user, division = users.get(user_id), open_tasks.get(case_id)
        ok = user is not None and division is not None and cases[case_id][1] == CaseStatus.ACTIVE
        if ok:
            key = (user_id, division)
            if key not in performs:
                performs[key] = performer_binding(user, step, division) is not None
            ok = performs[key]
        completes.append(ok)
        if ok:
            actors[case_id] = user  # type: ignore[assignment]
            if is_disputed:
                disputed.append((case_id, user))  # type: ignore[arg-type]
    frame = frame.with_columns(pl.Series("task_completed", completes, dtype=pl.Boolean))
    insert_frame(
        VerificationReport,
        frame.select("request_id", *REPORT_COLUMNS, "task_completed"),
        {"run_id": run.pk, "created_at": now},
    )
    result.reports = frame.height
    _store_records(frame.filter(pl.col("task_completed")), run.pk, now)
    # the completed tasks' own audit events name the run; the others get one here
    others = frame.filter(~pl.col("task_completed"))
    reported = [
        EventDraft(
            event_type=EventType.VERIFICATION_REPORTED,
            subject_type=CASE_SUBJECT,
            subject_id=str(case_id),
            actor=None,
            new={
                "run": run.pk,
                "flags": json.loads(flags),
                "differences": differences,
                "disputed": bool(is_disputed),
            },
            occurred_at=now,
        )
        for case_id, flags, differences, is_disputed in others.select(
            "case_id", "flags", "n_differences", "disputed"
        ).iter_rows()
    ]
    drafts, groups = _flag_drafts(cases, disputed, now)
    for flags_text, members in groups.items():
        for part in chunks(members, ID_BATCH):
            Case.objects.filter(pk__any_of=IdSet(part)).update(flags=json.loads(flags_text))
    append_events([*reported, *drafts])
    result.disputed = len(drafts)
    if actors:
        reason = gettext("Completed by the verification report of run %(run)d.") % {"run": run.pk}
        done = tasks_bulk_complete(
            process_code="assist",
            step_code=VERIFY_STEP,
            case_ids=list(actors),
            actor=None,
            actors=actors,
            reason=reason,
            via_service=True,
        )
        result.completed = done.completed
    return result


def _store_records(frame: pl.DataFrame, run_id: int, now: datetime) -> int:
    """The assistance VerificationRecord of each case whose verify task the report
    completes, as the staff's verification form would store it (recorded by the requester,
    contradicting the declaration when a difference exceeds its threshold)."""
    if frame.height == 0:
        return 0
    existing: set[int] = set()
    for part in chunks(frame["application_id"].to_list(), ID_BATCH):
        existing.update(
            VerificationRecord.objects.filter(application_id__any_of=IdSet(part)).values_list(
                "application_id", flat=True
            )
        )
    if existing:
        frame = frame.filter(~pl.col("application_id").is_in(list(existing)))
    records = frame.select(
        "application_id",
        pl.col("monthly_income").alias("verified_monthly_income"),
        pl.col("deposits").alias("verified_deposits"),
        pl.col("disputed").alias("contradicts_declaration"),
        pl.col("requested_by_id").alias("recorded_by_id"),
    ).with_columns(_findings(frame, run_id))
    return insert_frame(VerificationRecord, records, {"source": RECORD_SOURCE, "recorded_at": now})

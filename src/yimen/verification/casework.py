"""Reports into their cases, set-based: store, mark disputed, complete the verify tasks.

For a chunk of households at once: the requests are claimed (pending → reported with a
guarded UPDATE, so two runs never report one request twice), the reports and the
assistance VerificationRecords are bulk-inserted, the cases whose differences exceed the
thresholds get the ``disputed`` condition (before the verify step completes, so the
appraisal stage sees it), and the verify tasks are completed with
``tasks_bulk_complete(..., via_service=True)`` on behalf of the caseworker who asked —
grouped by requester, so each completion carries that person's own binding."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from yimen.accounts.models import User
from yimen.accounts.roles import Action, role_allows
from yimen.accounts.scoping import bindings_of
from yimen.assistance.process import DISPUTED
from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, record_events
from yimen.workflow.models import Case, Task
from yimen.workflow.registry import get_process
from yimen.workflow.services import CASE_SUBJECT, performer_binding, tasks_bulk_complete
from yimen.workflow.states import CaseStatus, TaskStatus
from yimen.workflow.transitions import chunks

from .models import VerificationReport, VerificationRequest, VerificationRequestStatus
from .reports import payload, yuan

VERIFY_STEP = "verify"


@dataclass(frozen=True)
class Pending:
    """A pending request as the run reads it."""

    request_id: int
    application_id: int
    case_id: int
    requested_by_id: int
    division_id: str


@dataclass
class ChunkResult:
    reports: int = 0
    completed: int = 0
    disputed: int = 0


def _insert(reports: list[VerificationReport]) -> None:
    """Insert the reports with one executemany per 2,000 rows.

    The ORM's bulk_create prepares every value of every field in Python (about 0.1 ms per
    report here); the values are adapted once per column kind instead."""
    if not reports:
        return
    ops = connection.ops
    fields = [f for f in VerificationReport._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = ops.quote_name(VerificationReport._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (model metadata)
    adapt = []
    for f in fields:
        if f.get_internal_type() == "JSONField":
            adapt.append(lambda v, f=f: f.get_db_prep_save(v, connection))
        elif f.get_internal_type() == "DecimalField":
            adapt.append(
                lambda v, f=f: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
            )
        elif f.get_internal_type() == "DateTimeField":
            adapt.append(ops.adapt_datetimefield_value)
        else:
            adapt.append(lambda v: v)
    names = [f.attname for f in fields]
    rows = [[a(getattr(r, n)) for a, n in zip(adapt, names, strict=True)] for r in reports]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2000):
            cursor.executemany(sql, rows[start : start + 2000])


def _binding(user: User, action: Action, division: str):
    return next(
        (b for b in bindings_of(user) if b.covers(division) and role_allows(b.role, action)),
        None,
    )


def _mark_disputed(cases: list[Case], users: dict[int, User], requester_of: dict[int, int]):
    """Set the disputed condition on active cases (the guards of case_set_flag, set-based)."""
    reason = gettext("The verification report's differences exceed the thresholds.")
    drafts, changed = [], []
    for case in cases:
        user = users[requester_of[case.pk]]
        binding = _binding(user, Action.CASE_FLAG, case.division_id)
        if binding is None or case.status != CaseStatus.ACTIVE or case.flags.get(DISPUTED.flag):
            continue
        case.flags = {**case.flags, DISPUTED.flag: True}
        changed.append(case)
        drafts.append(
            EventDraft(
                event_type=EventType.CASE_FLAGGED,
                subject_type=CASE_SUBJECT,
                subject_id=str(case.pk),
                actor=user,
                role=binding.role,
                division_code=binding.division_code,
                reason=reason,
                old={DISPUTED.flag: False},
                new={DISPUTED.flag: True},
            )
        )
    # cases with the same conditions get the same new ones: one UPDATE per distinct set
    groups: dict[str, list[Case]] = defaultdict(list)
    for case in changed:
        groups[json.dumps(case.flags, sort_keys=True)].append(case)
    for members in groups.values():
        for part in chunks([c.pk for c in members]):
            Case.objects.filter(pk__in=part).update(flags=members[0].flags)
    record_events(drafts)
    return len(changed)


@transaction.atomic
def store_chunk(run, rows: list[dict], pending: dict[int, Pending]) -> ChunkResult:
    """Store the reports of ``rows`` (report_frame rows) and carry them into their cases."""
    result = ChunkResult()
    by_app = {p.application_id: p for p in pending.values()}
    wanted = [by_app[r["household_id"]] for r in rows if r["household_id"] in by_app]
    claimed = set(
        VerificationRequest.objects.select_for_update()
        .filter(pk__in=[p.request_id for p in wanted], status=VerificationRequestStatus.PENDING)
        .values_list("pk", flat=True)
    )
    VerificationRequest.objects.filter(pk__in=claimed).update(
        status=VerificationRequestStatus.REPORTED
    )
    now = timezone.now()
    step = get_process("assist").step(VERIFY_STEP)
    case_ids = [p.case_id for p in wanted if p.request_id in claimed]
    cases = {
        c.pk: c
        for c in Case.objects.select_for_update()
        .filter(pk__in=case_ids)
        .order_by("pk")
        .only("id", "flags", "status", "division_id")
    }
    open_tasks = dict(
        Task.objects.filter(
            case_id__in=case_ids, step=VERIFY_STEP, status=TaskStatus.OPEN
        ).values_list("case_id", "division_id")
    )
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in={p.requested_by_id for p in wanted}, is_active=True)
    }
    reports, events, disputed_cases = [], [], []
    to_complete: dict[int, list[int]] = defaultdict(list)
    requester_of: dict[int, int] = {}
    for row in rows:
        p = by_app.get(row["household_id"])
        if p is None or p.request_id not in claimed:
            continue
        data = payload(row)
        user = users.get(p.requested_by_id)
        division = open_tasks.get(p.case_id)
        completes = (
            user is not None
            and division is not None
            and cases[p.case_id].status == CaseStatus.ACTIVE
            and performer_binding(user, step, division) is not None
        )
        reports.append(
            VerificationReport(
                request_id=p.request_id,
                run=run,
                application_id=p.application_id,
                members=row["members"],
                members_found=row["members_found"],
                deposits=Decimal(yuan(row["deposits_fen"])),
                per_capita_deposits=Decimal(yuan(row["per_capita_fen"])),
                monthly_income=Decimal(yuan(row["monthly_income_fen"])),
                totals=data["totals"],
                flags=data["flags"],
                differences=data["differences"],
                disputed=row["disputed"],
                task_completed=completes,
                created_at=now,
            )
        )
        if not completes:
            # the completed tasks' own audit events name the run; the others get one here
            events.append(
                EventDraft(
                    event_type=EventType.VERIFICATION_REPORTED,
                    subject_type=CASE_SUBJECT,
                    subject_id=str(p.case_id),
                    actor=None,
                    new={
                        "run": run.pk,
                        "flags": data["flags"],
                        "differences": len(data["differences"]),
                        "disputed": bool(row["disputed"]),
                    },
                    occurred_at=now,
                )
            )
            continue
        requester_of[p.case_id] = p.requested_by_id
        to_complete[p.requested_by_id].append(p.case_id)
        if row["disputed"]:
            disputed_cases.append(cases[p.case_id])
    _insert(reports)
    record_events(events)
    result.reports = len(reports)
    result.disputed = _mark_disputed(disputed_cases, users, requester_of)
    reason = gettext("Completed by the verification report of run %(run)d.") % {"run": run.pk}
    for user_id, ids in to_complete.items():
        done = tasks_bulk_complete(
            process_code="assist",
            step_code=VERIFY_STEP,
            case_ids=ids,
            actor=users[user_id],
            reason=reason,
            via_service=True,
        )
        result.completed += done.completed
    return result

"""The batch run: a report equal to a hand-computed fixture, thresholds, cases, progress."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.factories import HUAYANG, NANGUAN, NANLING
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.errors import Conflict
from yimen.regions.codes import prefix_of
from yimen.verification.models import (
    RunStatus,
    VerificationReport,
    VerificationRequest,
    VerificationRequestStatus,
    VerificationRun,
    VerificationThreshold,
)
from yimen.verification.runs import run_execute, run_start
from yimen.workflow.models import Case, Task
from yimen.workflow.states import TaskStatus

from .conftest import import_fixture, import_rows

pytestmark = pytest.mark.django_db


def run_now(actor=None, **kwargs):
    return run_execute(run_start(actor=actor, **kwargs).pk, today=date(2026, 11, 16))


def refs(batch, *rows):
    return [f"{batch.source}:{batch.pk}:{r}" for r in rows]


def test_report_equals_the_hand_computed_fixture(staff, requested, tmp_path):
    b = import_fixture(tmp_path)
    run = run_now(staff.caseworker)
    assert (run.status, run.total, run.reports, run.completed, run.disputed) == (
        RunStatus.DONE,
        1,
        1,
        1,
        1,
    )
    report = VerificationReport.objects.get()
    assert report.application_id == requested.pk
    assert (report.members, report.members_found) == (3, 3)
    # bank 2500.00 + 1200.50 + 800.00 (the other person's 99999.00 is not theirs)
    assert report.deposits == Decimal("4500.50")
    assert report.per_capita_deposits == Decimal("1500.17")  # 4500.50 / 3, half up
    # wages: the latest tax year 14400 / 12 = 1200; pension 2 × 1500 over 2 months = 1500
    assert report.monthly_income == Decimal("2700.00")
    assert report.totals == {
        "bank_deposits": {"records": 3, "count": 3, "amount": "4500.50"},
        "securities": {"records": 0, "count": 0, "amount": "0.00"},
        "vehicles": {"records": 2, "count": 1},  # the e-bike is exempt
        "real_estate": {"records": 2, "count": 2},
        "market_entities": {"records": 1, "count": 0},  # cancelled
        "tax": {"records": 2, "count": 1, "amount": "14400.00"},
        "social_insurance": {"records": 3, "count": 2, "amount": "3000.00"},
        "household_register": {"records": 3, "count": 3},
        "housing_fund": {"records": 2, "count": 2, "amount": "600.00", "monthly": "300.00"},
    }
    assert report.flags == ["non_exempt_vehicle", "multiple_homes", "wages_above_declared"]
    assert report.differences == [
        {
            "item": "deposits",
            "source": "bank_deposits",
            "declared": "3000.00",
            "verified": "4500.50",
            "difference": "1500.50",
            "threshold": "1000.00",
            "over": True,
            "records": refs(b["bank_deposits"], 1, 3, 4),
        },
        {
            "item": "cars",
            "source": "vehicles",
            "declared": 0,
            "verified": 1,
            "difference": 1,
            "threshold": 0,
            "over": True,
            "records": refs(b["vehicles"], 2),
        },
        {
            "item": "homes",
            "source": "real_estate",
            "declared": 0,
            "verified": 2,
            "difference": 2,
            "threshold": 0,
            "over": True,
            "records": refs(b["real_estate"], 1, 2),
        },
        {
            "item": "wages",
            "source": "tax",
            "declared": "900.00",
            "verified": "1200.00",
            "difference": "300.00",
            "threshold": "100.00",
            "over": True,
            "records": refs(b["tax"], 2),
        },
        {
            "item": "pension",
            "source": "social_insurance",
            "declared": "0.00",
            "verified": "1500.00",
            "difference": "1500.00",
            "threshold": "100.00",
            "over": True,
            "records": refs(b["social_insurance"], 2, 3),
        },
    ]
    assert report.disputed and report.task_completed


def test_the_report_completes_the_verify_task_and_disputes_the_case(staff, requested, tmp_path):
    import_fixture(tmp_path)
    run_now(staff.caseworker)
    case = Case.objects.get(pk=requested.case_id)
    assert case.flags.get("disputed") is True
    task = Task.objects.get(case=case, step="verify")
    assert task.status == TaskStatus.DONE
    assert task.completed_by == staff.caseworker  # on behalf of who asked
    assert VerificationRequest.objects.get().status == VerificationRequestStatus.REPORTED
    events = AuditEvent.objects.filter(subject_id=str(case.pk))
    flagged = events.get(event_type=EventType.CASE_FLAGGED)
    assert flagged.actor == staff.caseworker and flagged.new == {"disputed": True}
    completed = events.get(event_type=EventType.TASK_COMPLETED, old__step="verify")
    assert completed.actor == staff.caseworker
    run = VerificationRun.objects.get()
    assert str(run.pk) in completed.reason  # "completed by the report of run N"
    assert flagged.seq < completed.seq  # disputed before the stage could move on
    assert not events.filter(event_type=EventType.VERIFICATION_REPORTED).exists()
    # a second run finds nothing pending and changes nothing
    again = run_now(staff.caseworker)
    assert (again.total, again.reports) == (0, 0)
    assert VerificationReport.objects.count() == 1


def test_a_task_no_longer_open_still_gets_its_report_audited(staff, requested, tmp_path):
    from yimen.assistance.services import steps

    import_fixture(tmp_path)
    steps.verification_record(
        actor=staff.caseworker,
        application=requested,
        verified_monthly_income=Decimal("900"),
        verified_deposits=Decimal("3000"),
        contradicts_declaration=False,
        findings="人工核对",
    )
    run = run_now(staff.caseworker)
    assert (run.reports, run.completed, run.disputed) == (1, 0, 0)
    report = VerificationReport.objects.get()
    assert report.disputed and not report.task_completed
    event = AuditEvent.objects.get(event_type=EventType.VERIFICATION_REPORTED)
    assert event.subject_id == str(requested.case_id)
    assert event.new["run"] == run.pk and event.new["disputed"] is True
    assert not Case.objects.get(pk=requested.case_id).flags.get("disputed")


def test_differences_within_the_thresholds_leave_the_case_undisputed(staff, requested, tmp_path):
    import_fixture(tmp_path)
    VerificationThreshold.objects.create(
        division_id=NANGUAN,  # the county; the household lives below it
        valid_from=date(2026, 1, 1),
        assets_yuan=Decimal("2000.00"),
        income_monthly_yuan=Decimal("1500.00"),
        units=2,
        source="test",
    )
    run_now(staff.caseworker)
    report = VerificationReport.objects.get()
    over = {d["item"]: d["over"] for d in report.differences}
    # 1500.50 ≤ 2000; 300 and 1500 ≤ 1500; 1 and 2 ≤ 2
    assert over == dict.fromkeys(("deposits", "cars", "homes", "wages", "pension"), False)
    assert not report.disputed
    assert not Case.objects.get(pk=requested.case_id).flags.get("disputed")
    assert Task.objects.get(case_id=requested.case_id, step="verify").status == TaskStatus.DONE


def test_one_yuan_above_the_threshold_disputes(staff, requested, tmp_path):
    import_fixture(tmp_path)
    VerificationThreshold.objects.create(
        division_id=HUAYANG,
        valid_from=date(2026, 1, 1),
        assets_yuan=Decimal("1500.49"),  # the deposits differ by 1500.50
        income_monthly_yuan=Decimal("9999"),
        units=9,
        source="test",
    )
    # a later row of the county does not override the village's own
    VerificationThreshold.objects.create(
        division_id=NANGUAN,
        valid_from=date(2026, 6, 1),
        assets_yuan=Decimal("99999"),
        income_monthly_yuan=Decimal("9999"),
        units=9,
        source="test",
    )
    run_now(staff.caseworker)
    report = VerificationReport.objects.get()
    assert [d["item"] for d in report.differences if d["over"]] == ["deposits"]
    assert report.disputed


def test_only_the_newest_batch_of_a_partner_counts(staff, requested, tmp_path):
    import_fixture(tmp_path)
    head = requested.members.get(relationship="head").id_number
    header = ["id_number", "bank", "account_masked", "balance"]
    import_rows(
        tmp_path,
        "bank_deposits",
        header,
        [[head, "吉林银行", "62****1", "5000.00"]],
        partner="吉林银行",
        as_of=date(2026, 9, 1),
    )
    newer = import_rows(
        tmp_path,
        "bank_deposits",
        header,
        [[head, "吉林银行", "62****1", "10.00"]],
        partner="吉林银行",
        as_of=date(2026, 10, 1),
    )
    run_now(staff.caseworker)
    report = VerificationReport.objects.get()
    assert report.deposits == Decimal("4510.50")  # 4500.50 of 合作单位 + 10.00, not 5000
    deposits = next(d for d in report.differences if d["item"] == "deposits")
    assert f"bank_deposits:{newer.pk}:1" in deposits["records"]


def test_progress_is_reported_on_the_run_row(staff, requested, tmp_path, monkeypatch):
    import_fixture(tmp_path)
    from yimen.verification import runs

    monkeypatch.setattr(runs, "CHUNK", 1)
    seen = []

    def watch(run):  # read back from the database, as the page does
        row = VerificationRun.objects.get(pk=run.pk)
        seen.append((row.status, row.phase, row.done, row.total, row.percent))

    run = run_start(actor=staff.caseworker)
    assert run.percent == 0 and run.is_active
    run_execute(run.pk, progress=watch)
    assert seen[0] == (RunStatus.RUNNING, "matching", 0, 1, 0)
    assert (RunStatus.RUNNING, "storing", 1, 1, 100) in seen
    assert seen[-1] == (RunStatus.DONE, "", 1, 1, 100)
    dones = [s[2] for s in seen]
    assert dones == sorted(dones)


def test_progress_page_polls_the_run(client, staff, requested, tmp_path):
    # as the page starts it: over the caseworker's township (a run over every division is
    # not shown to a township, whose users may not see the others' counts)
    run = run_start(actor=staff.caseworker, division_prefix=prefix_of(NANLING))
    client.force_login(staff.caseworker)
    page = client.get(f"/verification/runs/{run.pk}/progress/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'hx-trigger="every 1s"' in html and 'value="0"' in html
    VerificationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, total=4, done=3)
    html = client.get(f"/verification/runs/{run.pk}/progress/").content.decode()
    assert 'value="75"' in html and "3 / 4" in html
    run_execute_done = VerificationRun.objects.filter(pk=run.pk)
    run_execute_done.update(status=RunStatus.DONE, done=4)
    html = client.get(f"/verification/runs/{run.pk}/progress/").content.decode()
    assert "every 1s" not in html and 'value="100"' in html  # polling stops when done


def test_a_second_run_is_refused_while_one_is_active(staff, requested):
    run_start(actor=staff.caseworker)
    with pytest.raises(Conflict):
        run_start(actor=staff.caseworker_b)
    assert VerificationRun.objects.count() == 1


def test_a_stale_run_no_longer_blocks_the_next(staff, requested):
    from datetime import timedelta

    from django.utils import timezone

    stuck = run_start(actor=staff.caseworker)
    VerificationRun.objects.filter(pk=stuck.pk).update(
        status=RunStatus.RUNNING, created_at=timezone.now() - timedelta(hours=7)
    )
    fresh = run_start(actor=staff.caseworker_b)
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.FAILED and "stale" in stuck.error
    assert fresh.status == RunStatus.QUEUED


def test_a_failed_run_records_its_error(staff, requested, monkeypatch):
    from yimen.verification import runs

    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(runs, "match_members", broken)
    run = run_start(actor=staff.caseworker)
    with pytest.raises(RuntimeError):
        run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "disk gone" in run.error
    assert VerificationRequest.objects.get().status == VerificationRequestStatus.PENDING


def test_the_scheduled_run_takes_only_divisions_whose_cycle_day_it_is(staff, requested, tmp_path):
    from yimen.assistance.models import CycleSchedule

    import_fixture(tmp_path)
    run = run_execute(run_start(scheduled=True).pk, today=date(2026, 11, 10))
    assert run.total == 0  # the 10th is no cycle day by default (1st and 16th)
    CycleSchedule.objects.create(
        division_id=NANGUAN, valid_from=date(2026, 1, 1), days="10,25", source="test"
    )
    run = run_execute(run_start(scheduled=True).pk, today=date(2026, 11, 10))
    assert (run.total, run.reports) == (1, 1)


def test_the_command_runs_a_batch(staff, requested, tmp_path, capsys):
    import_fixture(tmp_path)
    call_command("verification_run")
    out = capsys.readouterr().out
    assert "1 households, 1 reports, 1 verify tasks completed, 1 disputed" in out


def test_thresholds_of_many_divisions_in_one_query(staff, django_assert_num_queries):
    """The run reads the thresholds of all its divisions at once, each as thresholds_for
    finds it: the nearest division up the tree with a row in force, its latest row."""
    from yimen.verification.thresholds import (
        DEFAULT,
        thresholds_by_division,
        thresholds_for,
    )

    def row(division, valid_from, assets):
        VerificationThreshold.objects.create(
            division_id=division,
            valid_from=valid_from,
            assets_yuan=Decimal(assets),
            income_monthly_yuan=Decimal("100"),
            units=0,
            source="test",
        )

    row(NANGUAN, date(2026, 1, 1), "2000")
    row(NANGUAN, date(2026, 6, 1), "3000")  # the county's latest in force
    row(HUAYANG, date(2026, 1, 1), "1500")
    row(HUAYANG, date(2027, 1, 1), "9999")  # not yet in force
    on = date(2026, 11, 16)
    codes = [HUAYANG, "220102001002", "220102002001", "220103001001", HUAYANG]
    with django_assert_num_queries(1):
        found = thresholds_by_division(codes, on)
    assert found == {code: thresholds_for(code, on) for code in set(codes)}
    assert found[HUAYANG].assets_yuan == Decimal("1500")
    assert found["220102002001"].assets_yuan == Decimal("3000")
    assert found["220103001001"] == DEFAULT

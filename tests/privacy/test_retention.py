"""Retention: the dry run lists and changes nothing; the run anonymises what is past its
retention, audited, and leaves alone what a legal hold or an open case still needs."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from stdnum.cn import ric

from tests.assistance.test_case_paths import attach_basics, investigate
from tests.factories import NANGUAN
from yimen.assistance.models import Application, Member
from yimen.assistance.services import intake, steps
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.privacy.errors import HoldAlreadyLifted, NotAllowed, ReasonRequired
from yimen.privacy.holds import hold_lift, hold_place
from yimen.privacy.models import RetentionDone
from yimen.privacy.retention.rules import RetentionRule, rule_on
from yimen.privacy.retention.run import retention_apply, retention_plan
from yimen.workflow.models import Case

from .conftest import household_input

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

LATER = date(2033, 1, 1)  # more than five years after the pinned day


def other_household(serial: str):
    """The default household with its ID numbers changed (another family)."""
    data = household_input()
    for member in data.members:
        body = member.id_number[:14] + serial + member.id_number[15:17]
        member.id_number = body + ric.calc_check_digit(body + "0")
        member.name = member.name + serial
    return data


def refused(people, data):
    application = intake.application_create(actor=people.caseworker, data=data)
    attach_basics(people.caseworker, application)
    steps.case_accept(actor=people.caseworker, application=application)
    investigate(people, application)
    steps.case_decide(
        actor=people.approver, application=application, approve=False, reasons="家庭存款超过规定"
    )
    application.refresh_from_db()
    assert application.case.status == "rejected"
    return application


def plan_of(code: str, today: date = LATER):
    return next(p for p in retention_plan(today=today) if p.category.code == code)


def test_dry_run_lists_and_changes_nothing(people):
    old = refused(people, other_household("3"))
    assert plan_of("refused_applications", today=date(2027, 1, 1)).due == []  # not yet
    plan = plan_of("refused_applications")
    assert plan.due == [old.pk] and plan.rule.years == 5
    out = StringIO()
    call_command("retention", "--today", LATER.isoformat(), stdout=out)
    assert "Dry run" in out.getvalue() or "试运行" in out.getvalue()
    assert Member.objects.filter(application=old, name__startswith="张建明").exists()
    assert not AuditEvent.objects.filter(event_type=EventType.RETENTION_APPLIED).exists()


def test_apply_anonymises_audited_and_only_once(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    old = refused(people, other_household("3"))
    head_number = old.members.get(relationship="head").id_number
    files = [a.file.path for a in old.attachments.all()]
    assert files and all(__import__("os").path.exists(f) for f in files)
    retention_apply(today=LATER)
    old.refresh_from_db()
    members = list(old.members.all())
    assert {m.name for m in members} == {"已匿名"}
    assert all(m.id_number.startswith("ANON") and len(m.id_number) == 18 for m in members)
    assert not Member.objects.filter(id_number=head_number).exists()
    assert (old.address, old.phone, old.reason) == ("", "", "")
    assert Case.objects.get(pk=old.case_id).title == "已匿名"
    assert not old.attachments.exists() and not any(__import__("os").path.exists(f) for f in files)
    assert members[0].birth_date.month == 1 and members[0].birth_date.day == 1
    event = AuditEvent.objects.get(event_type=EventType.RETENTION_APPLIED)
    assert event.new["ids"] == [old.pk] and event.new["category"] == "refused_applications"
    assert "NOT FOUND" in event.reason
    assert RetentionDone.objects.filter(record_id=str(old.pk)).count() == 1
    retention_apply(today=LATER)  # a second run finds nothing more
    assert AuditEvent.objects.filter(event_type=EventType.RETENTION_APPLIED).count() == 1


def test_a_legal_hold_keeps_the_record_until_lifted(people):
    old = refused(people, other_household("3"))
    hold = hold_place(
        actor=people.county_admin,
        division_code=NANGUAN,
        record_type="assistance.application",
        record_id=str(old.pk),
        reason="行政复议中",
    )
    plan = plan_of("refused_applications")
    assert plan.due == [] and plan.held == [old.pk]
    retention_apply(today=LATER)
    assert old.members.filter(name="张建明3").exists()
    assert AuditEvent.objects.filter(event_type=EventType.LEGAL_HOLD_PLACED).count() == 1
    hold_lift(actor=people.county_admin, hold_id=hold.pk, reason="复议已结束")
    with pytest.raises(HoldAlreadyLifted):
        hold_lift(actor=people.county_admin, hold_id=hold.pk, reason="复议已结束")
    assert plan_of("refused_applications").due == [old.pk]


def test_a_hold_on_the_person_keeps_every_record_of_theirs(people):
    old = refused(people, other_household("3"))
    head = old.members.get(relationship="head")
    hold_place(
        actor=people.county_admin,
        division_code=NANGUAN,
        person_id_number=head.id_number,
        reason="法院调取材料",
    )
    assert plan_of("refused_applications").held == [old.pk]


def test_an_open_case_of_the_same_people_keeps_the_old_refusal(people):
    old = refused(people, other_household("3"))
    reapplied = intake.application_create(actor=people.caseworker, data=other_household("3"))
    assert reapplied.case.status == "active"
    plan = plan_of("refused_applications")
    assert plan.due == [] and plan.needed == [old.pk]
    retention_apply(today=LATER)
    assert old.members.filter(name="张建明3").exists()


def test_holds_are_placed_only_by_the_county_admin_with_a_reason(people):
    old = refused(people, other_household("3"))
    with pytest.raises(NotAllowed):
        hold_place(
            actor=people.supervisor,
            division_code=NANGUAN,
            record_type="assistance.application",
            record_id=str(old.pk),
            reason="行政复议中",
        )
    with pytest.raises(ReasonRequired):
        hold_place(
            actor=people.county_admin,
            division_code=NANGUAN,
            record_type="assistance.application",
            record_id=str(old.pk),
            reason=" ",
        )


def test_rules_are_dated(settings):
    settings.PRIVACY_RETENTION_RULES = [
        RetentionRule("exam_answers", date(2021, 1, 1), 3, "remove", "old"),
        RetentionRule("exam_answers", date(2030, 1, 1), 6, "remove", "new"),
    ]
    assert rule_on("exam_answers", date(2029, 12, 31)).years == 3
    assert rule_on("exam_answers", date(2030, 1, 1)).years == 6
    assert rule_on("exam_answers", date(2020, 1, 1)) is None


def test_the_command_refuses_bad_input_and_applies():
    with pytest.raises(CommandError):
        call_command("retention", "--today", "2033-13-01")
    with pytest.raises(CommandError):
        call_command("retention", "--category", "everything")
    out = StringIO()
    call_command("retention", "--apply", "--today", LATER.isoformat(), stdout=out)
    assert "0" in out.getvalue()


def test_hold_pages(client, people):
    from .conftest import login

    old = refused(people, other_household("3"))
    login(client, people.county_admin)
    assert client.get("/privacy/holds/").status_code == 200
    bad = client.post("/privacy/holds/new/", {"division": NANGUAN, "reason": "x"})
    assert bad.status_code == 400
    made = client.post(
        "/privacy/holds/new/",
        {
            "division": NANGUAN,
            "record_type": "assistance.application",
            "record_id": str(old.pk),
            "reason": "行政复议中",
        },
    )
    assert made.status_code == 302
    assert "行政复议中" in client.get("/privacy/holds/").content.decode()
    client.logout()
    login(client, people.caseworker)
    assert client.get("/privacy/holds/").status_code == 403
    assert Application.objects.filter(pk=old.pk).exists()

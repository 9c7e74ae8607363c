"""The subsidy's use cases through their services: survey and import, the deadline in
Beijing time, the claims-once checks, inspection and the measured volume, the signed
decision, disclosure with an objection, payment reconciled, and the audit of each."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import Workbook

from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.subsidy.errors import (
    BadIdentity,
    BadInspection,
    ImportRefused,
    ItemRefused,
    NotAllowed,
    NotVetted,
    PastDeadline,
    ReasonNeeded,
)
from yimen.subsidy.models import (
    Application,
    Finding,
    ItemType,
    PaymentBatch,
    PaymentLine,
    PitMaterial,
    Status,
    Survey,
    SurveyStatus,
    Unit,
)
from yimen.subsidy.services import payments
from yimen.subsidy.services.applications import (
    application_start,
    application_submit,
    drafts_lapse,
    item_add,
)
from yimen.subsidy.services.review import (
    Measurement,
    application_decide,
    disclosure_publish,
    inspection_record,
    objection_lodge,
)
from yimen.subsidy.services.survey import IMPORT_COLUMNS, survey_import

from .conftest import BJ, NOV, OTHER_VILLAGE, TODAY, VILLAGE, feed, id_for, machine, pit, uscc_for

pytestmark = pytest.mark.django_db
DEADLINE = datetime(2020, 11, 30, 23, 59, 59, tzinfo=BJ)


def events(kind):
    return AuditEvent.objects.filter(event_type=kind)


# --- survey ---


def test_one_unit_one_record_and_identity_checked(world):
    first = world.unit(identity=id_for("19700101"))
    again = world.unit(identity=first.unit.identity, vet=False)
    assert again.pk == first.pk and Unit.objects.count() == 1
    with pytest.raises(BadIdentity):
        world.unit(identity="220182197001010010")  # wrong check digit
    coop = world.unit(kind="cooperative", identity=uscc_for(), name="兴农合作社")
    assert coop.unit.id_kind == "uscc"
    with pytest.raises(BadIdentity):  # a cooperative needs a credit code, not an ID number
        world.unit(kind="cooperative", identity=id_for())
    assert events(EventType.SUBSIDY_UNIT_SURVEYED).count() == 3


def test_only_a_vetted_unit_may_apply(world):
    survey = world.unit(vet=False)
    with pytest.raises(NotVetted):
        application_start(scheme=world.scheme, unit=survey.unit, actor=world.surveyor, now=NOV)


def test_vetting_is_the_reviewers_and_a_refusal_needs_a_reason(world):
    survey = world.unit(vet=False)
    from yimen.subsidy.services.survey import survey_vet

    with pytest.raises(NotAllowed):
        survey_vet(survey=survey, actor=world.surveyor, qualified=True)
    with pytest.raises(ReasonNeeded):
        survey_vet(survey=survey, actor=world.reviewer, qualified=False)
    survey_vet(survey=survey, actor=world.reviewer, qualified=False, note="无养殖")
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.REFUSED


def sheet(rows) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(IMPORT_COLUMNS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_bad_survey_sheet_is_refused_whole_with_every_bad_row_number(world):
    good = ["草食畜养殖场户", "王大山", id_for(), VILLAGE, "王大山", "138", "农商行", "6221", 12, 0]
    rows = [
        good,
        ["草食畜养殖场户", "错号", "220182197001010010", VILLAGE, "", "", "", "", 1, 0],  # row 3
        ["养猪场", "类型错", id_for(), VILLAGE, "", "", "", "", 1, 0],  # row 4
        ["养殖合作社", "外县", uscc_for(), "220102001001", "", "", "", "", 1, 0],  # row 5
        good,  # row 6: the same identity twice
    ]
    with pytest.raises(ImportRefused) as refused:
        survey_import(
            scheme=world.scheme,
            data=sheet(rows),
            filename="s.xlsx",
            actor=world.surveyor,
            today=TODAY,
        )
    assert [n for n, _ in refused.value.rows] == [3, 4, 5, 6]
    assert Unit.objects.count() == 0 and Survey.objects.count() == 0


def test_a_good_survey_sheet_imports_every_row(world):
    rows = [
        ["草食畜养殖场户", "王大山", id_for(), VILLAGE, "王大山", "138", "农商行", "6221", 12, 0],
        ["养殖合作社", "丰收合作社", uscc_for(), OTHER_VILLAGE, "", "", "", "", 80, 200],
    ]
    n = survey_import(
        scheme=world.scheme, data=sheet(rows), filename="s.xlsx", actor=world.surveyor, today=TODAY
    )
    assert n == 2 and Survey.objects.filter(status=SurveyStatus.SURVEYED).count() == 2
    assert events(EventType.SUBSIDY_SURVEY_IMPORTED).count() == 1


def test_a_surveyor_of_another_county_cannot_survey_here(world):
    world.surveyor = world.outsider
    with pytest.raises(NotAllowed):
        world.unit()


# --- the deadline ---


def test_the_deadline_one_second_before_and_after_in_beijing_time(world):
    survey = world.unit()
    app = application_start(scheme=world.scheme, unit=survey.unit, actor=world.surveyor, now=NOV)
    item_add(application=app, facts=pit(), actor=world.surveyor, now=NOV)
    with pytest.raises(PastDeadline) as late:
        application_submit(
            application=app, actor=world.surveyor, now=DEADLINE + timedelta(seconds=1)
        )
    assert late.value.render("zh-hans") == "逾期未申报，视为自动放弃"
    # one second before, written in UTC (15:59:58Z is 23:59:58 in Beijing): still in time
    just = datetime(2020, 11, 30, 15, 59, 58, tzinfo=UTC)
    assert just == DEADLINE - timedelta(seconds=1)
    done = application_submit(application=app, actor=world.surveyor, now=just)
    assert done.status == Status.SUBMITTED


def test_starting_after_the_deadline_is_refused(world):
    survey = world.unit()
    with pytest.raises(PastDeadline):
        application_start(
            scheme=world.scheme,
            unit=survey.unit,
            actor=world.surveyor,
            now=DEADLINE + timedelta(seconds=1),
        )


def test_drafts_open_at_the_deadline_lapse_and_are_audited(world):
    survey = world.unit()
    app = application_start(scheme=world.scheme, unit=survey.unit, actor=world.surveyor, now=NOV)
    assert drafts_lapse(scheme=world.scheme, now=DEADLINE) == 0  # at the instant: not yet
    assert drafts_lapse(scheme=world.scheme, now=DEADLINE + timedelta(seconds=1)) == 1
    assert Application.objects.get(pk=app.pk).status == Status.LAPSED
    assert events(EventType.SUBSIDY_DRAFT_LAPSED).count() == 1
    assert drafts_lapse(scheme=world.scheme, now=DEADLINE + timedelta(days=1)) == 0


# --- items ---


def test_item_checks_refuse_with_the_field(world):
    survey = world.unit()
    app = application_start(scheme=world.scheme, unit=survey.unit, actor=world.surveyor, now=NOV)
    with pytest.raises(ItemRefused) as refused:
        item_add(
            application=app,
            facts=pit(material=PitMaterial.WOOD, started_on=date(2020, 10, 18)),
            actor=world.surveyor,
            now=NOV,
        )
    assert set(refused.value.fields) == {"material", "started_on"}
    with pytest.raises(ItemRefused) as refused:
        item_add(application=app, facts=feed(crop_year=2019), actor=world.surveyor, now=NOV)
    assert set(refused.value.fields) == {"crop_year"}
    assert app.items.count() == 0


def test_a_machine_serial_or_invoice_is_claimed_once_across_schemes(world):
    world.submitted(machine(serial="SN-9", invoice="INV-9"))
    other = world.unit()
    app = application_start(scheme=world.scheme, unit=other.unit, actor=world.surveyor, now=NOV)
    with pytest.raises(ItemRefused) as refused:
        item_add(
            application=app,
            facts=machine(serial="sn-9", invoice="INV-10"),
            actor=world.surveyor,
            now=NOV,
        )
    assert set(refused.value.fields) == {"serial_number"}
    with pytest.raises(ItemRefused) as refused:
        item_add(
            application=app,
            facts=machine(serial="SN-10", invoice="INV-9"),
            actor=world.surveyor,
            now=NOV,
        )
    assert set(refused.value.fields) == {"invoice_number"}
    # another county's scheme, years later: still claimed
    from yimen.regions.models import Division

    from .conftest import make_scheme

    later = make_scheme(
        Division.objects.get(code="220103000000"),
        code="KC2022",
        opens_at=datetime(2022, 10, 1, tzinfo=BJ),
        deadline=datetime(2022, 11, 30, 23, 59, 59, tzinfo=BJ),
    )
    assert later.rates.count() == 3
    item = item_add(
        application=app,
        facts=machine(serial="SN-10", invoice="INV-10"),
        actor=world.surveyor,
        now=NOV,
    )
    assert item.serial_number == "SN-10"


def test_a_pit_at_the_same_place_of_the_same_unit_is_refused(world):
    survey = world.unit()
    world.submitted(pit(), survey=survey)
    from yimen.subsidy.services.review import application_decide  # noqa: F401

    # the same unit, a pit 10 m away (0.0001° of latitude ≈ 11 m), in a new draft
    app = Application.objects.get(unit=survey.unit)
    assert app.status == Status.SUBMITTED
    from yimen.subsidy.models import Item
    from yimen.subsidy.services.applications import duplicate_errors

    near = Item(
        application=app,
        item_type=ItemType.PIT,
        latitude=Decimal("44.826200"),
        longitude=Decimal("126.533200"),
    )
    far = Item(
        application=app,
        item_type=ItemType.PIT,
        latitude=Decimal("44.827100"),
        longitude=Decimal("126.533200"),
    )
    assert set(duplicate_errors(near, app)) == {"latitude"}
    assert duplicate_errors(far, app) == {}


def test_the_unit_applies_for_itself_only(world):
    survey = world.unit(account=world.unit_user)
    app = application_start(scheme=world.scheme, unit=survey.unit, actor=world.unit_user, now=NOV)
    assert app.channel == "online"
    with pytest.raises(NotAllowed):
        application_start(
            scheme=world.scheme, unit=survey.unit, actor=world.other_unit_user, now=NOV
        )
    with pytest.raises(NotAllowed):
        item_add(application=app, facts=pit(), actor=world.inspector, now=NOV)


# --- inspection, decision, disclosure, payment ---


def inspect(world, app, **measured):
    measurements = []
    for item in app.items.order_by("pk"):
        m = measured.get(item.item_type, {})
        measurements.append(Measurement(item.pk, m.pop("finding", Finding.AS_DECLARED), **m))
    return inspection_record(
        application=app,
        actor=world.inspector,
        second_inspector=world.inspector2,
        inspected_on=date(2020, 12, 5),
        measurements=measurements,
        now=datetime(2020, 12, 5, 15, 0, tzinfo=BJ),
    )


def test_two_different_inspectors_and_the_measured_volume_is_paid(world):
    app = world.submitted(pit(length="10", width="5", depth="3"))  # declared 150 m³ = 3,750
    with pytest.raises(BadInspection):
        inspection_record(
            application=app,
            actor=world.inspector,
            second_inspector=world.inspector,
            inspected_on=date(2020, 12, 5),
            measurements=[],
            now=datetime(2020, 12, 5, tzinfo=BJ),
        )
    inspect(
        world,
        app,
        pit={"length_m": Decimal("9.5"), "width_m": Decimal("5"), "depth_m": Decimal("2.8")},
    )
    done = application_decide(application=app, actor=world.reviewer, approve=True)
    # measured 9.5 × 5 × 2.8 = 133 m³ × 25 = 3,325.00 (not the declared 3,750)
    assert done.approved_amount == Decimal("3325.00")
    event = events(EventType.SUBSIDY_DECIDED).get()
    assert event.signer_name == "孙立军" if hasattr(event, "signer_name") else event.signer_id


def test_a_departure_from_the_computed_amount_needs_its_reason(world):
    app = world.submitted(feed("120"))
    inspect(world, app, feed={"quantity": Decimal("120")})
    item = app.items.get()
    with pytest.raises(BadInspection) as refused:
        application_decide(
            application=app, actor=world.reviewer, approve=True, amounts={item.pk: Decimal("5000")}
        )
    assert f"reason-{item.pk}" in refused.value.fields
    done = application_decide(
        application=app,
        actor=world.reviewer,
        approve=True,
        amounts={item.pk: Decimal("5000")},
        reasons={item.pk: "部分霉变"},
    )
    item.refresh_from_db()
    assert (item.computed_amount, item.approved_amount) == (Decimal("6000.00"), Decimal("5000.00"))
    assert done.approved_amount == Decimal("5000.00")


def test_only_the_reviewer_decides(world):
    app = world.submitted(feed())
    inspect(world, app, feed={"quantity": Decimal("120")})
    for actor in (world.inspector, world.finance, world.surveyor, world.supervisor):
        with pytest.raises(NotAllowed):
            application_decide(application=app, actor=actor, approve=True)


def disclosed(world, *items):
    app = world.submitted(*items)
    inspect(
        world,
        app,
        feed={"quantity": Decimal("120")},
        pit={"length_m": Decimal("10"), "width_m": Decimal("5"), "depth_m": Decimal("3")},
    )
    application_decide(application=app, actor=world.reviewer, approve=True)
    disclosure_publish(
        scheme=world.scheme, actor=world.reviewer, now=datetime(2020, 12, 7, 9, tzinfo=BJ)
    )
    app.refresh_from_db()
    return app


def test_disclosure_with_an_objection_reopens_the_review(world):
    app = disclosed(world, feed())
    assert app.status == Status.DISCLOSED
    assert app.disclosure_ends == datetime(2020, 12, 14, 23, 59, 59, 999999, tzinfo=BJ)
    objection_lodge(
        application=app,
        name="邻居",
        contact="139",
        text="未见饲料",
        now=datetime(2020, 12, 8, tzinfo=BJ),
    )
    app.refresh_from_db()
    assert app.status == Status.INSPECTED
    assert events(EventType.SUBSIDY_OBJECTION).count() == 1
    # after the period nobody can object
    app2 = disclosed(world, pit())
    with pytest.raises(NotAllowed):
        objection_lodge(
            application=app2, name="x", contact="y", text="z", now=datetime(2020, 12, 15, tzinfo=BJ)
        )


def test_the_payment_batch_is_reconciled_to_the_fen_and_paid_once(world):
    first = disclosed(world, feed("120"), machine())  # 6,000 + 3,000
    second = disclosed(world, pit())  # 3,750
    after = datetime(2020, 12, 15, 9, tzinfo=BJ)
    with pytest.raises(NotAllowed):
        payments.batch_issue(scheme=world.scheme, actor=world.reviewer, now=after)
    batch = payments.batch_issue(scheme=world.scheme, actor=world.finance, now=after)
    assert batch.total_amount == Decimal("12750.00") and batch.units == 2
    assert {ln.amount for ln in batch.lines.all()} == {Decimal("9000.00"), Decimal("3750.00")}
    assert {e.item_type: e.amount for e in batch.ledger.all()} == {
        "feed": Decimal("6000.00"),
        "machine": Decimal("3000.00"),
        "pit": Decimal("3750.00"),
    }
    assert payments.reconcile(world.scheme) == []
    for app in (first, second):
        app.refresh_from_db()
        assert app.status == Status.PAID
    from yimen.subsidy.errors import NothingToPay

    with pytest.raises(NothingToPay):
        payments.batch_issue(scheme=world.scheme, actor=world.finance, now=after)
    # the bank file: the rolls' format, with the totals row
    text = payments.bank_csv(batch).decode("utf-8-sig")
    assert "12750.00" in text.splitlines()[-1]
    # an issued batch is final
    from yimen.benefits.errors import ImmutableError

    with pytest.raises(ImmutableError):
        PaymentLine.objects.filter(batch=batch).update(amount=1)
    assert PaymentBatch.objects.count() == 1


def test_reconcile_finds_a_line_changed_behind_the_ledgers_back(world):
    disclosed(world, feed("120"))
    batch = payments.batch_issue(
        scheme=world.scheme, actor=world.finance, now=datetime(2020, 12, 15, tzinfo=BJ)
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE subsidy_paymentline SET amount = 5999.99 WHERE batch_id = %s", [batch.pk]
        )
    problems = payments.reconcile(world.scheme)
    assert {p.what for p in problems} >= {"batch total", "ledger", "digest"}


def test_not_paid_before_the_disclosure_ends(world):
    disclosed(world, feed("120"))
    from yimen.subsidy.errors import NothingToPay

    with pytest.raises(NothingToPay):
        payments.batch_issue(
            scheme=world.scheme, actor=world.finance, now=datetime(2020, 12, 14, 12, tzinfo=BJ)
        )


def test_a_refusal_frees_the_machines_serial(world):
    app = world.submitted(machine(serial="SN-R", invoice="INV-R"))
    inspect(world, app, machine={"finding": Finding.NOT_FOUND})
    application_decide(application=app, actor=world.reviewer, approve=False, note="现场未见机械")
    again = world.submitted(machine(serial="SN-R", invoice="INV-R"))
    assert again.status == Status.SUBMITTED


def test_the_deadline_command_closes_the_drafts_of_passed_schemes_only(world):
    import io

    import time_machine
    from django.core.management import call_command

    survey = world.unit()
    app = application_start(scheme=world.scheme, unit=survey.unit, actor=world.surveyor, now=NOV)
    out = io.StringIO()
    with time_machine.travel(DEADLINE, tick=False):
        call_command("subsidy_close_drafts", stdout=out)
    assert Application.objects.get(pk=app.pk).status == Status.DRAFT
    with time_machine.travel(DEADLINE + timedelta(seconds=1), tick=False):
        call_command("subsidy_close_drafts", stdout=out)
    assert Application.objects.get(pk=app.pk).status == Status.LAPSED


def test_a_photo_far_from_the_declared_pit_is_flagged(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yimen.subsidy.models import PhotoStage
    from yimen.subsidy.services.applications import photo_add

    settings.MEDIA_ROOT = str(tmp_path)
    app = world.submitted(pit(lat="44.826100", lon="126.533200"))
    item = app.items.get()

    def shot(lat):
        return photo_add(
            application=app,
            actor=world.inspector,
            file=SimpleUploadedFile("p.jpg", b"\xff\xd8\xff" + b"0" * 32, "image/jpeg"),
            kind="photo",
            item=item,
            latitude=Decimal(lat),
            longitude=Decimal("126.533200"),
            taken_at=datetime(2020, 12, 5, 10, tzinfo=BJ),
            stage=PhotoStage.INSPECTION,
        )

    near = shot("44.827000")  # about 100 m north: within the scheme's 200 m
    far = shot("44.829000")  # about 322 m north
    assert (near.far, far.far) == (False, True)
    assert 95 <= near.distance_m <= 105 and 315 <= far.distance_m <= 330
    with pytest.raises(NotAllowed):  # the surveyor takes no inspection photos
        photo_add(
            application=app,
            actor=world.surveyor,
            file=SimpleUploadedFile("p.jpg", b"0", "image/jpeg"),
            kind="photo",
            stage=PhotoStage.INSPECTION,
        )


def test_the_signed_approval_records_what_it_covers_for_the_dashboard(world):
    app = world.submitted(pit(length="10", width="5", depth="3"), feed("120"), machine())
    items = list(app.items.order_by("pk"))
    inspection_record(
        application=app,
        actor=world.inspector,
        second_inspector=world.inspector2,
        inspected_on=date(2020, 12, 5),
        measurements=[
            Measurement(items[0].pk, Finding.DIFFERS, Decimal("10"), Decimal("5"), Decimal("2.5")),
            Measurement(items[1].pk, Finding.AS_DECLARED, quantity=Decimal("110")),
            Measurement(items[2].pk, Finding.NOT_FOUND),
        ],
        now=datetime(2020, 12, 5, 12, tzinfo=BJ),
    )
    application_decide(application=app, actor=world.reviewer, approve=True)
    app.refresh_from_db()
    # the measured volume, the measured feed, and no machine (not found on site)
    assert app.approved_pit_m3 == Decimal("125.00") and app.approved_feed_t == Decimal("110.00")
    assert app.approved_feed_m3 == 0 and app.approved_machines == 0

"""No page or API call shows or changes another township's object by its id (issue 15,
item 5): every URL pattern of the project with a path parameter is requested by 南岭街道's
caseworker and approver with the ids of 自强街道's objects — an application with its
attachment, report and flag, a case and its task, a household, a review, a payment roll, a
verification run, a county sample, a medical-insurance transfer, an insured person and a
filing — and must answer 403 or 404 (the admin: the login page), never 200 and never 5xx.

A pattern the table below does not know fails the test: a new view with an id is checked
the day it is added, or consciously listed as public with its reason.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests.assistance.conftest import household_input, id_number
from tests.benefits.conftest import quick_household
from tests.benefits.returns_helpers import returned_batch
from tests.factories import NANGUAN, TEST_PASSWORD, ZIQIANG, user_with
from tests.web.world import BEIAN
from yimen.accounts.roles import Role
from yimen.assistance.models import Objection
from yimen.assistance.services import intake
from yimen.benefits.models import Review
from yimen.benefits.services.payments import roll_issue
from yimen.medins.models import InsuredPerson, Transfer
from yimen.regions.models import Division
from yimen.rostermove.models import ImportBatch
from yimen.settlement.models import Filing
from yimen.supervision.models import SampledCase, SampleDraw, SupervisionFlag
from yimen.verification.models import VerificationReport, VerificationRequest, VerificationRun
from yimen.workflow.models import Task

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64
MONTH = date(2026, 12, 1)

# Patterns whose parameter is not an object of a township, with the reason.
NOT_TOWNSHIP_OBJECTS = {
    "processes/<str:code>/diagram.svg": "a process definition, the same for everyone",
    "public/disclosure/<str:village_code>/": "the public disclosure list, public by law",
    "public/disclosure/<str:village_code>/<id:application_id>/objection/": (
        "anyone may object to a disclosed approval (it is public); checked in tests/assistance"
    ),
    "fsi/api/rsfComIfsService/callService/<str:infno>": (
        "the national hospital interface: signed envelopes, not user sessions"
    ),
    "api/divisions/<str:code>/": "the division register is public reference data",
    "api/divisions/<str:code>/children/": "the division register is public reference data",
}


def patterns(resolvers=None, prefix=""):
    """(route, parameter names) of every URL pattern with a path parameter."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            names = list(entry.pattern.converters)
            if names or "<" in route:
                yield route, names


def other_township(world) -> dict[str, str]:
    """自强街道's objects of every kind with an id in a URL; the value for each parameter."""
    other = world.other_caseworker
    other_approver = user_with(Role.TOWNSHIP_APPROVER, ZIQIANG, full_name="冯建华")
    supervisor = world.supervisor
    data = household_input(division_code=BEIAN)
    data.members[0].name = "赵淑珍"
    application = intake.application_create(actor=other, data=data)
    attachment = intake.attachment_add(
        actor=other,
        application=application,
        kind="id_card",
        upload=SimpleUploadedFile("id_card.png", PNG, "image/png"),
    )
    now = timezone.now()
    run = VerificationRun.objects.create(division_prefix="220102002", started_by=other)
    request = VerificationRequest.objects.create(
        application=application, case=application.case, requested_by=other, requested_at=now
    )
    report = VerificationReport.objects.create(
        request=request,
        run=run,
        application=application,
        members=1,
        members_found=1,
        deposits=Decimal("0"),
        per_capita_deposits=Decimal("0"),
        monthly_income=Decimal("0"),
        created_at=now,
    )
    flag = SupervisionFlag.objects.create(
        application=application, comment="抽查：核对存款", raised_by=supervisor
    )
    draw = SampleDraw.objects.create(
        division=Division.objects.get(pk=NANGUAN),
        first_month=MONTH,
        last_month=MONTH,
        seed="1",
        percent=Decimal("10"),
        share_source="default",
        population=1,
        sample_size=1,
        population_digest="0" * 64,
        drawn_by=supervisor,
    )
    sampled = SampledCase.objects.create(draw=draw, application=application, stratum="x", rank=1)
    household = quick_household(other, division=BEIAN, name="赵淑珍")
    review = Review.objects.create(
        beneficiary=household, case=world.other_case, trigger="periodic", due_on=MONTH
    )
    roll = roll_issue(actor=other_approver, township_code=ZIQIANG, month=MONTH, today=MONTH)
    returned = returned_batch(other, roll, household)  # the bank sent its payment back
    person = InsuredPerson.objects.create(
        id_number=id_number("19500101", "021"),
        name="赵淑珍",
        insured_division=Division.objects.get(pk=ZIQIANG),
        insurance_type="employee",
    )
    transfer = Transfer.objects.create(
        transfer_id="T-ZQ-1",
        side="out",
        peer="hainan",
        id_number=person.id_number,
        name="赵淑珍",
        insurance_type="employee",
        from_division="220100000000",
        to_division="460100000000",
        status="received",
        applied_at=now,
    )
    filing = Filing.objects.create(
        person=person,
        serial="ZQ0000000001",
        category="resident",
        destination=Division.objects.get(pk="460100000000"),
        begin_date=MONTH,
        channel="counter",
    )
    task = Task.objects.filter(case=world.other_case).first()
    objection = Objection.objects.create(
        application=application, text="此户有车", review_case=world.other_case
    )
    exam = exam_objects(now, world.other_caseworker)
    subsidy = subsidy_objects(now, world.other_caseworker)
    burning = burning_objects(now, other)
    complaints = complaint_objects(now, other, other_approver, application)
    privacy = privacy_objects(now, world.other_caseworker)
    # issue 22 item 4: a batch moving the old roster of 自强街道 in
    moving_in = ImportBatch.objects.create(
        kind="roster",
        division_id="220102002000",
        file_name="花名册.csv",
        content=b"x",
        created_by=other,
    )
    # issue 24: a background job started by another township's caseworker (only its
    # starter sees its page)
    from yimen.jobs.models import Job

    job = Job.objects.create(name="benefits.roll_issue", created_by=world.other_caseworker)
    return {
        "batch_id": moving_in.pk,
        "job_id": job.pk,
        **exam,
        **privacy,
        **subsidy,
        **burning,
        **complaints,
        "case_id": world.other_case.pk,
        "task_id": task.pk,
        "application_id": application.pk,
        "attachment_id": attachment.pk,
        "flag_id": flag.pk,
        "objection_id": objection.pk,
        "draw_id": draw.pk,
        "sampled_id": sampled.pk,
        "beneficiary_id": household.pk,
        "review_id": review.pk,
        "roll_id": roll.pk,
        "return_batch_id": returned.pk,
        "kind": "csv",
        "pk": transfer.pk,
        "form": "application",
        "person_id": person.pk,
        "serial": filing.serial,
        "report_id": report.pk,
        "run_id": run.pk,
        # the account managers' and password pages: 自强街道's caseworker and a role of hers
        "user_id": world.other_caseworker.pk,
        "binding_id": world.other_caseworker.bindings.first().pk,
        "username": world.other_caseworker.username,
        "code": ZIQIANG,  # the county pages of a division: 自强街道's
        "object_id": "1",
        "content_type_id": "1",
        "app_label": "assistance",  # the admin's regular-expression patterns
        "url": "assistance/",
    }


def complaint_objects(now, other, other_approver, application) -> dict:
    """自强街道's report, re-examination and reconsideration (issue 22 item 2)."""
    from yimen.complaints.models import LegalRemedy, Reexamination, Report

    report = Report.objects.create(
        receipt_code="ZQZQZQZQZQZQ",
        kind="household",
        division_id=BEIAN,
        routed_to_id=ZIQIANG,
        subject_name="赵淑珍",
        text="此户有车",
        reporter_name="杨帆",
        due_on=MONTH,
    )
    reexam = Reexamination.objects.create(
        kind="refusal",
        channel="counter",
        application=application,
        division_id=ZIQIANG,
        first_signer=other_approver,
        first_signer_name="冯建华",
        first_decided_at=now,
        first_summary="赵淑珍家庭存款超标",
        grounds="赵淑珍",
    )
    remedy = LegalRemedy.objects.create(
        kind="reconsideration",
        decision_kind="refusal",
        application=application,
        division_id=ZIQIANG,
        body="南关区人民政府",
        filed_on=MONTH,
        notes="赵淑珍",
        recorded_by=other,
    )
    return {"complaint_id": report.pk, "reexam_id": reexam.pk, "remedy_id": remedy.pk}


def exam_objects(now, user) -> dict:
    """自强街道's safety-exam candidate with an application, a seat, and a certificate (issue
    19); township roles carry no exam action, so every exam page must refuse them."""
    from yimen.exams.models import (
        Application,
        Candidate,
        Category,
        Certificate,
        Employer,
        ExamSession,
        GreenChannelRequest,
        Paper,
    )

    ziqiang = Division.objects.get(pk=ZIQIANG)
    category = Category.objects.create(
        code="T-EL-LV",
        name="低压电工作业",
        post="special_operator",
        industry="电工作业",
        parts="theory_practical",
        valid_from=date(2010, 7, 1),
    )
    person = Candidate.objects.create(
        id_number=id_number("19800101", "031"),
        name="赵淑珍",
        birth_date=date(1980, 1, 1),
        education="senior",
        division=ziqiang,
    )
    app = Application.objects.create(
        candidate=person,
        category=category,
        division=ziqiang,
        applied_on=MONTH,
        exam_due_on=MONTH,
        status="passed",
    )
    room = ExamSession.objects.create(
        name="自强街道考场",
        division=ziqiang,
        site="考点",
        room="1",
        starts_at=now,
        capacity=5,
        invigilators="甲, 乙",
    )
    paper = Paper.objects.create(application=app, session=room, seat=1, ticket="ZQ000001", seed="1")
    cert = Certificate.objects.create(
        application=app,
        candidate=person,
        division=ziqiang,
        requested_on=MONTH,
        accept_due_on=MONTH,
        status="valid",
        number="T" + person.id_number,
    )
    firm = Employer.objects.create(uscc="91220102MA00000001", name="自强化工", division=ziqiang)
    green = GreenChannelRequest.objects.create(
        employer=firm, reason="复工复产", requested_by=user, requested_on=MONTH
    )
    return {
        "request_id": green.pk,
        "exam_candidate_id": person.pk,
        "exam_application_id": app.pk,
        "exam_session_id": room.pk,
        "exam_paper_id": paper.pk,
        "exam_certificate_id": cert.pk,
        "step": "issue",
    }


def privacy_objects(now, user) -> dict:
    """A request about personal data filed in 自强街道 and a legal hold of its district
    (issue 23): 南岭街道's staff neither read nor answer nor lift them."""
    from yimen.privacy.models import LegalHold, SubjectRequest

    hold = LegalHold.objects.create(
        person_id_number=id_number("19600101", "051"),
        division_id="220103000000",
        reason="复议中",
        placed_by=user,
        placed_at=now,
    )
    request = SubjectRequest.objects.create(
        kind="copy",
        person_name="赵淑珍",
        id_number=id_number("19600101", "051"),
        division_id=ZIQIANG,
        filed_by=user,
        filed_at=now,
        due_on=MONTH,
    )
    return {"hold_id": hold.pk, "subject_request_id": request.pk}


def subsidy_objects(now, user) -> dict:
    """A straw-to-meat subsidy unit of 北安社区 with an application, an item, a review request
    and a paid batch (issue 17); township roles carry no subsidy action, so every subsidy
    page must refuse them."""
    from yimen.subsidy import models as sb

    programme = sb.Programme.objects.create(
        code="P", name="秸秆变肉", division_id="220000000000", start_year=2020, target_year=2025
    )
    scheme = sb.Scheme.objects.create(
        programme=programme,
        code="NG",
        name="南关区试点",
        division_id=NANGUAN,
        opens_at=now,
        deadline=now,
        earliest_work_date=MONTH,
        crop_year=2020,
    )
    unit = sb.Unit.objects.create(
        applicant_type="farm",
        name="赵淑珍",
        id_kind="ric",
        identity=id_number("19600101", "041"),
        division_id=BEIAN,
    )
    survey = sb.Survey.objects.create(scheme=scheme, unit=unit, surveyed_by=user)
    app = sb.Application.objects.create(
        scheme=scheme,
        unit=unit,
        division_id=BEIAN,
        number="NG-000001",
        channel="counter",
        created_by=user,
        approved_amount=Decimal("100"),
    )
    item = sb.Item.objects.create(application=app, item_type="machine", serial_number="S1")
    request = sb.ReviewRequest.objects.create(application=app, comment="核实", raised_by=user)
    batch = sb.PaymentBatch.objects.create(
        scheme=scheme, number=1, units=1, total_amount=Decimal("100"), issued_by=user, digest="0"
    )
    sb.PaymentLine.objects.create(
        batch=batch,
        application=app,
        amount=Decimal("100"),
        payee_name="赵淑珍",
        bank_name="银行",
        account_number="1",
        reference="NG-1",
    )
    return {
        "subsidy_scheme_id": scheme.pk,
        "subsidy_survey_id": survey.pk,
        "subsidy_unit_id": survey.unit_id,  # the card correction after a returned payment
        "subsidy_application_id": app.pk,
        "subsidy_item_id": item.pk,
        "subsidy_request_id": request.pk,
        "subsidy_batch_id": batch.pk,
    }


def burning_objects(now, other) -> dict:
    """自强街道's straw-burning grid, fire case with a photo, summons and re-check sample
    (issue 18); township caseworkers and approvers carry no burning action, so every
    burning page must refuse them."""
    from yimen.burning.models import FireCase as BurningCase
    from yimen.burning.models import (
        InspectionGroup,
        Photo,
        RecheckDraw,
        RecheckItem,
        Summons,
        Unit,
        Verification,
    )

    beian = Division.objects.get(pk=BEIAN)
    grid = Unit.objects.create(
        code=f"{BEIAN}-G01", name="北安社区网格", level=6, division=beian, county_code="220102"
    )
    fire = BurningCase.objects.create(
        number="HD22010220261201001",
        unit=grid,
        division=beian,
        county_code="220102",
        township_code="220102002",
        latitude=43.87,
        longitude=125.33,
        zone_kind="ban",
        status="verified",
        first_detected_at=now,
        last_detected_at=now,
    )
    check = Verification.objects.create(case=fire, verifier=other, outcome="false", reason="误报")
    photo = Photo.objects.create(
        verification=check, file="burning/x.jpg", content_type="image/jpeg", size=1, position="none"
    )
    summons = Summons.objects.create(
        division=Division.objects.get(pk=ZIQIANG),
        summoned_name="赵淑珍",
        summoned_post="书记",
        summoner=other,
        summoner_office="县",
        held_on=MONTH,
        problems="火点",
        rectification_due=MONTH,
    )
    recheck = RecheckDraw.objects.create(
        county=Division.objects.get(pk=NANGUAN),
        period_from=MONTH,
        period_to=MONTH,
        seed="1",
        percent=Decimal("10"),
        population=1,
        population_digest="0" * 64,
        drawn_by=other,
    )
    item = RecheckItem.objects.create(draw=recheck, case=fire, stratum="220102002", rank=1)
    group = InspectionGroup.objects.create(
        number=90, name="南关区督查组", division=Division.objects.get(pk=NANGUAN)
    )
    return {
        "inspection_group_id": group.pk,
        "fire_case_id": fire.pk,
        "fire_photo_id": photo.pk,
        "burning_unit_id": grid.pk,
        "fire_summons_id": summons.pk,
        "recheck_draw_id": recheck.pk,
        "recheck_item_id": item.pk,
    }


def fill(route: str, values: dict) -> str:
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), route)
    for name, value in values.items():
        for converter in ("id", "int", "str", "slug", "path", "uuid"):
            url = url.replace(f"<{converter}:{name}>", str(value))
    assert "<" not in url, f"no value for a parameter of {route}: add the object above"
    return "/" + url.replace("^", "").replace("$", "")


REFUSED = {403, 404}


# what 自强街道's objects carry that 南岭街道 must not read: the household head's and the
# caseworker's names, the run's starter
SECRETS = ("赵淑珍", "杨帆", "冯建华")


def answers(client: Client, url: str) -> tuple[int, int, bool]:
    """GET and POST status, and whether either answer showed one of the names."""
    get = client.get(url)
    post = client.post(url, {})
    shown = any(
        name in response.content.decode("utf-8", "replace")
        for response in (get, post)
        for name in SECRETS
        if not response.streaming
    )
    return get.status_code, post.status_code, shown


@pytest.mark.parametrize("role", [Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_APPROVER])
def test_no_view_shows_another_townships_object_by_its_id(world, settings, tmp_path, role):
    settings.MEDIA_ROOT = tmp_path
    values = other_township(world)
    user = world.caseworker if role == Role.TOWNSHIP_CASEWORKER else world.approver
    client = Client(raise_request_exception=False)
    assert client.login(username=user.username, password=TEST_PASSWORD)
    seen, gaps = 0, []
    for route, _names in patterns():
        if route in NOT_TOWNSHIP_OBJECTS:
            continue
        url = fill(route, values)
        get, post, shown = answers(client, url)
        seen += 1
        if route.startswith("admin/"):
            ok = get in (302, 404) and post in (302, 404)  # the admin's login page
        else:
            # 405 is the other method of a GET-only or POST-only view; the one it allows
            # must refuse
            ok = {get, post} <= REFUSED | {405} and bool({get, post} & REFUSED)
        if not ok or shown:
            gaps.append(f"{url}: GET {get}, POST {post}" + (", shows a name" if shown else ""))
    assert not gaps, "\n".join(gaps)
    assert seen > 40  # the walk reached the project's views


def test_the_ids_are_real_their_own_township_sees_them(world, settings, tmp_path):
    """The control: 自强街道's caseworker opens the same addresses (so the refusals above are
    about the township, not about ids that point nowhere), and only its own runs are listed."""
    settings.MEDIA_ROOT = tmp_path
    values = other_township(world)
    own = Client()
    assert own.login(username=world.other_caseworker.username, password=TEST_PASSWORD)
    for route in (
        "cases/<id:case_id>/",
        "assistance/applications/<id:application_id>/",
        "benefits/households/<id:beneficiary_id>/",
        "verification/reports/<int:report_id>/",
        "verification/runs/<int:run_id>/",
        "verification/runs/<int:run_id>/progress/",
    ):
        assert own.get(fill(route, values)).status_code == 200, route
    page = own.get(f"/verification/runs/{values['run_id']}/").content.decode()
    assert "杨帆" in page  # the starter's name, which 南岭街道 must not see
    nanling = Client()
    assert nanling.login(username=world.caseworker.username, password=TEST_PASSWORD)
    assert (
        f"/verification/runs/{values['run_id']}/"
        not in nanling.get("/verification/").content.decode()
    )
    assert f"/verification/runs/{values['run_id']}/" in own.get("/verification/").content.decode()

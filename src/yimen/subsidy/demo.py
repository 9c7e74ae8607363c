"""Demo data of the straw-to-meat subsidy (``demo_loader`` on the app config): the province's
programme with its 2025 targets, Yushu's 2020 pilot run to the end (units surveyed and
vetted, one refused, one lapsed at the deadline, an objection, one paid batch), and Yushu's
current round with its window open now (drafts, submitted, inspected, approved), so the
``subsidy`` account (孙立军, the bureau's reviewer) finds work on every page, and the
county supervisor's review requests (one answered, one waiting for the bureau). Every rate is
a placeholder. Rerunning changes nothing."""

from __future__ import annotations

import csv
import io
import zlib
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from yimen.accounts.demo import DemoUser, ensure_demo_users
from yimen.accounts.models import User
from yimen.accounts.roles import Role
from yimen.benefits.models import ReturnFileLayout
from yimen.benefits.returns_demo import HEADER, layout_values
from yimen.regions.models import Division

from .models import (
    ApplicantType,
    FeedMethod,
    Finding,
    ItemType,
    Metric,
    PitMaterial,
    Programme,
    ProgrammeTarget,
    Rate,
    RateUnit,
    Scheme,
)
from .rules import ItemFacts
from .services import payments
from .services.applications import application_start, application_submit, drafts_lapse, item_add
from .services.county_requests import review_request_answer, review_request_raise
from .services.progress import figure_set
from .services.returns import returns_import
from .services.review import (
    Measurement,
    application_decide,
    disclosure_publish,
    inspection_record,
    objection_lodge,
)
from .services.survey import UnitData, survey_vet, unit_survey

BJ = ZoneInfo("Asia/Shanghai")
PROVINCE, YUSHU = "220000000000", "220182000000"
VILLAGES = ["220182001200", "220182001201", "220182002200", "220182002201", "220182003200"]
ACCOUNTS = [
    DemoUser("subsidysurveyor", "高志远", Role.SUBSIDY_SURVEYOR, YUSHU),
    DemoUser("subsidyinspector", "刘振华", Role.SUBSIDY_INSPECTOR, YUSHU),
    DemoUser("subsidyinspector2", "韩雪", Role.SUBSIDY_INSPECTOR, YUSHU),
    DemoUser("subsidyfinance", "郭淑芬", Role.SUBSIDY_FINANCE, YUSHU),
    DemoUser("subsidyunit", "张建国", Role.SUBSIDY_UNIT, VILLAGES[0]),
    DemoUser("subsidysupervisor", "吕文斌", Role.COUNTY_SUPERVISOR, YUSHU),
]
PILOT, CURRENT = "YS2020", "YS-NOW"


def _id(birth: str, n: int) -> str:
    body = f"220182{birth}{n:03d}"
    return body + ric.calc_check_digit(body + "0")


def _uscc(body: str) -> str:
    return body + uscc.calc_check_digit(body)


def _programme() -> Programme:
    programme, created = Programme.objects.get_or_create(
        code="JL-SBR-2020",
        defaults={
            "name": "吉林省“秸秆变肉”工程（2020—2025）",
            "division": Division.objects.get(code=PROVINCE),
            "start_year": 2020,
            "target_year": 2025,
        },
    )
    if created:
        for metric, value in (
            (Metric.STRAW_FEED_T, "15000000"),
            (Metric.FEED_RATE_PCT, "37"),
            (Metric.CATTLE_ADDED, "5000000"),
            (Metric.SHEEP_ADDED, "2000000"),
        ):
            ProgrammeTarget.objects.create(programme=programme, metric=metric, value=Decimal(value))
    return programme


def _scheme(programme, code, name, opens_at, deadline, earliest, crop_year) -> Scheme:
    scheme = Scheme.objects.create(
        programme=programme,
        code=code,
        name=name,
        division=Division.objects.get(code=YUSHU),
        opens_at=opens_at,
        deadline=deadline,
        applicant_types=list(ApplicantType.values),
        earliest_work_date=earliest,
        crop_year=crop_year,
        pit_materials=[PitMaterial.BRICK, PitMaterial.STONE, PitMaterial.CONCRETE],
        feed_methods=list(FeedMethod.values),
    )
    # no source gives Yushu's rates: example rows (Yanji's 25 元/m³, Heilongjiang's
    # 50 元/t and 0.7 t/m³), flagged as placeholders on every page
    for item_type, unit, rate, minimum, cap_item, cap_app in (
        (ItemType.PIT, RateUnit.CUBIC_METRE, "25", "100", "20000", "30000"),
        (ItemType.FEED, RateUnit.TONNE, "50", "10", None, "40000"),
        (ItemType.MACHINE, RateUnit.MACHINE, "3000", "0", None, "9000"),
    ):
        Rate.objects.create(
            scheme=scheme,
            item_type=item_type,
            unit=unit,
            rate=Decimal(rate),
            min_quantity=Decimal(minimum),
            cap_per_item=Decimal(cap_item) if cap_item else None,
            cap_per_applicant=Decimal(cap_app),
            valid_from=earliest,
        )
    return scheme


def _pit(lat, lon, l, w, d, on):  # noqa: E741 — length, width, depth
    return ItemFacts(
        item_type=ItemType.PIT,
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        material=PitMaterial.CONCRETE,
        length_m=Decimal(l),
        width_m=Decimal(w),
        depth_m=Decimal(d),
        started_on=on,
    )


def _feed(q, year, method=FeedMethod.WRAPPED):
    return ItemFacts(
        item_type=ItemType.FEED,
        crop_year=year,
        method=method,
        quantity=Decimal(q),
        quantity_unit=RateUnit.TONNE,
    )


def _machine(serial, invoice, on):
    return ItemFacts(
        item_type=ItemType.MACHINE,
        model_name="9RSZ-6 秸秆揉丝机",
        serial_number=serial,
        invoice_number=invoice,
        invoice_date=on,
    )


def _units(scheme, people, surveyor, reviewer, today):
    """Survey and vet ``people`` (name, kind, identity, village, vetted) for ``scheme``."""
    surveys = []
    for n, (name, kind, identity, village, vetted) in enumerate(people):
        survey = unit_survey(
            scheme=scheme,
            data=UnitData(
                kind,
                name,
                identity,
                village,
                name[:3],
                f"1390431{n:04d}",
                "榆树农村商业银行",
                f"6231930{zlib.crc32(identity.encode()) % 10**9:09d}" if n % 7 != 6 else "",
                cattle=20 + n * 5,
                sheep=n * 10,
            ),
            actor=surveyor,
            today=today,
        )
        if vetted is True:
            survey_vet(survey=survey, actor=reviewer, qualified=True)
        elif vetted is False:
            survey_vet(survey=survey, actor=reviewer, qualified=False, note="未从事草食畜养殖")
        surveys.append(survey)
    return surveys


def _inspect(app, a, b, on, now, **measured):
    measurements = []
    for item in app.items.order_by("pk"):
        if item.item_type == ItemType.PIT:
            m = measured.get("pit", (item.length_m, item.width_m, item.depth_m))
            measurements.append(Measurement(item.pk, Finding.AS_DECLARED, *m))
        elif item.item_type == ItemType.FEED:
            measurements.append(
                Measurement(
                    item.pk, Finding.AS_DECLARED, quantity=measured.get("feed", item.quantity)
                )
            )
        else:
            measurements.append(Measurement(item.pk, measured.get("machine", Finding.AS_DECLARED)))
    inspection_record(
        application=app,
        actor=a,
        second_inspector=b,
        inspected_on=on,
        measurements=measurements,
        note="两人现场核查，拍照留存",
        now=now,
    )


@transaction.atomic
def load_demo() -> str:
    ensure_demo_users(ACCOUNTS)
    if Scheme.objects.filter(code=PILOT).exists():
        return "已加载 already loaded"
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[a.username for a in ACCOUNTS] + ["subsidy"])
    }
    surveyor, reviewer = users["subsidysurveyor"], users["subsidy"]
    a, b, finance = users["subsidyinspector"], users["subsidyinspector2"], users["subsidyfinance"]
    programme = _programme()

    # --- the 2020 pilot, from the survey to the paid batch ---
    pilot = _scheme(
        programme,
        PILOT,
        "榆树市“秸秆变肉”工程试点示范项目（2020）",
        datetime(2020, 10, 19, 8, 0, tzinfo=BJ),
        datetime(2020, 11, 30, 23, 59, 59, tzinfo=BJ),
        date(2020, 10, 19),
        2020,
    )
    nov = datetime(2020, 11, 12, 10, 0, tzinfo=BJ)
    people = [
        ("王德发", ApplicantType.FARM, _id("19680315", 11), VILLAGES[0], True),
        (
            "榆树市丰源草食畜养殖合作社",
            ApplicantType.COOPERATIVE,
            _uscc("93220182MA0Y7K2L0"),
            VILLAGES[1],
            True,
        ),
        (
            "吉林省禾牧秸秆饲料有限公司",
            ApplicantType.PROCESSOR,
            _uscc("91220182MA17QX8B5"),
            VILLAGES[2],
            True,
        ),
        ("赵玉林", ApplicantType.FARM, _id("19720908", 21), VILLAGES[3], True),
        ("孙洪涛", ApplicantType.FARM, _id("19750101", 31), VILLAGES[4], True),
        ("李春生", ApplicantType.FARM, _id("19800612", 41), VILLAGES[0], True),
        ("刘长海", ApplicantType.FARM, _id("19660420", 51), VILLAGES[1], False),
    ]
    s = _units(pilot, people, surveyor, reviewer, date(2020, 11, 2))
    paid1 = _submit(
        s[0],
        pilot,
        surveyor,
        nov,
        _pit("44.826100", "126.533200", "12", "6", "3", date(2020, 10, 20)),
        _feed("150", 2020),
    )
    paid2 = _submit(
        s[1],
        pilot,
        surveyor,
        nov,
        _pit("44.901200", "126.480500", "20", "10", "4", date(2020, 10, 25)),
        _machine("RS6-20201023-017", "22001234", date(2020, 10, 23)),
    )
    objected = _submit(
        s[2],
        pilot,
        surveyor,
        nov,
        _feed("600", 2020, FeedMethod.SHREDDED),
        _machine("RS6-20201101-102", "22005678", date(2020, 11, 1)),
    )
    refused = _submit(
        s[3], pilot, surveyor, nov, _machine("RS6-20201105-220", "22009012", date(2020, 11, 5))
    )
    application_start(scheme=pilot, unit=s[4].unit, actor=surveyor, now=nov)  # never submitted
    drafts_lapse(scheme=pilot, now=datetime(2020, 12, 1, 0, 0, 1, tzinfo=BJ))
    dec = datetime(2020, 12, 3, 15, 0, tzinfo=BJ)
    _inspect(
        paid1, a, b, date(2020, 12, 3), dec, pit=(Decimal("11.8"), Decimal("6"), Decimal("2.9"))
    )
    _inspect(paid2, a, b, date(2020, 12, 3), dec)
    _inspect(objected, a, b, date(2020, 12, 4), dec + timedelta(days=1), feed=Decimal("560"))
    _inspect(refused, a, b, date(2020, 12, 4), dec + timedelta(days=1), machine=Finding.NOT_FOUND)
    for app in (paid1, paid2, objected):
        application_decide(application=app, actor=reviewer, approve=True, note="材料齐全，核查属实")
    application_decide(application=refused, actor=reviewer, approve=False, note="现场未见申报机械")
    disclosure_publish(scheme=pilot, actor=reviewer, now=datetime(2020, 12, 7, 9, 0, tzinfo=BJ))
    objected.refresh_from_db()
    objection_lodge(
        application=objected,
        name="周立新",
        contact="13904310000",
        text="该公司揉丝饲料中有部分为2019年秸秆。",
        now=datetime(2020, 12, 9, 14, 0, tzinfo=BJ),
    )
    batch = payments.batch_issue(
        scheme=pilot, actor=finance, now=datetime(2020, 12, 18, 10, 0, tzinfo=BJ)
    )
    _bank_returns(batch, paid2, finance)
    for year, metric, value in (
        (2020, Metric.CATTLE_ADDED, "8200"),
        (2020, Metric.STRAW_FEED_T, "410000"),
    ):
        figure_set(
            programme=programme,
            division=Division.objects.get(code=YUSHU),
            year=year,
            metric=metric,
            value=Decimal(value),
            actor=reviewer,
        )

    # --- the current round: the window is open now ---
    now = timezone.now()
    today = timezone.localdate()
    opens = now - timedelta(days=30)
    deadline = datetime.combine(
        today + timedelta(days=30), datetime.max.time().replace(microsecond=0), tzinfo=BJ
    )
    current = _scheme(
        programme,
        CURRENT,
        f"榆树市“秸秆变肉”贮窖和加工机械补助（{today.year}年度）",
        opens,
        deadline,
        today - timedelta(days=40),
        today.year if today.month >= 10 else today.year - 1,
    )
    crop = current.crop_year
    people = [
        ("张建国", ApplicantType.FARM, _id("19710203", 61), VILLAGES[0], True),
        (
            "榆树市兴牧肉牛养殖合作社",
            ApplicantType.COOPERATIVE,
            _uscc("93220182MA0Y9P3C1"),
            VILLAGES[2],
            True,
        ),
        ("马凤琴", ApplicantType.FARM, _id("19780718", 71), VILLAGES[3], True),
        ("陈国栋", ApplicantType.FARM, _id("19690525", 81), VILLAGES[4], True),
        ("杨树林", ApplicantType.FARM, _id("19830214", 91), VILLAGES[1], None),
        ("吴海军", ApplicantType.FARM, _id("19770830", 12), VILLAGES[2], None),
    ]
    s = _units(current, people, surveyor, reviewer, today)
    s[0].unit.account = users["subsidyunit"]
    s[0].unit.save(update_fields=["account"])
    recent = now - timedelta(days=5)
    draft = application_start(
        scheme=current, unit=s[0].unit, actor=users["subsidyunit"], now=recent
    )
    item_add(
        application=draft,
        facts=_pit("44.826900", "126.541100", "10", "5", "3", today - timedelta(days=20)),
        actor=users["subsidyunit"],
        now=recent,
    )
    _submit(  # submitted: waiting for the inspectors
        s[1],
        current,
        surveyor,
        recent,
        _feed("300", crop),
        _machine(f"RS6-{today:%Y%m}-301", f"2300{today:%m%d}01", today - timedelta(days=10)),
    )
    inspected = _submit(
        s[2],
        current,
        surveyor,
        recent,
        _pit("44.950300", "126.610200", "15", "8", "3", today - timedelta(days=25)),
    )
    approved = _submit(s[3], current, surveyor, recent, _feed("80", crop, FeedMethod.PIT))
    day = today - timedelta(days=1)
    _inspect(inspected, a, b, day, now, pit=(Decimal("14.6"), Decimal("8"), Decimal("2.9")))
    _inspect(approved, a, b, day, now, feed=Decimal("76"))
    application_decide(application=approved, actor=reviewer, approve=True, note="核查属实")

    # --- the county supervises: one request answered by the bureau, one waiting ---
    supervisor = users["subsidysupervisor"]
    asked = review_request_raise(
        application=paid1,
        actor=supervisor,
        comment="贮窖实测容积小于申报容积，请说明按实测计算的依据。",
    )
    review_request_answer(
        request=asked,
        actor=reviewer,
        answer="两名核查员现场复测长宽深，按实测容积205.32立方米计算补助，照片已附。",
    )
    review_request_raise(
        application=approved,
        actor=supervisor,
        comment="请核实实测饲料76吨的计量方法（过磅单或体积折算）。",
    )
    return (
        "2 个方案、13 个主体、各阶段申报、1 个已拨付批次（1 笔退票） "
        "2 schemes, 13 units, every stage, 1 paid batch (1 payment returned)"
    )


def _bank_returns(batch, application, finance) -> None:
    """The bank sends back one payment of the batch (the card was closed): Yushu's layout
    (the demo bank's, marked as example values) and its return file, imported."""
    ReturnFileLayout.objects.get_or_create(
        division_id=YUSHU,
        bank_name="",
        valid_from=date(2020, 12, 1),
        defaults={**layout_values(), "example": True},
    )
    line = batch.lines.get(application=application)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(HEADER)
    day = f"{timezone.localdate():%Y%m%d}"
    amount = f"{line.amount:.2f}"
    writer.writerow(
        [line.reference, line.account_number, line.payee_name, amount, "E01", "账户已销户", day]
    )
    returns_import(
        actor=finance,
        batch=batch,
        file_name="榆树农商行退票.csv",
        data=text.getvalue().encode("gbk"),
    )


def _submit(survey, scheme, actor, now, *facts):
    app = application_start(scheme=scheme, unit=survey.unit, actor=actor, now=now)
    for f in facts:
        item_add(application=app, facts=f, actor=actor, now=now)
    return application_submit(application=app, actor=actor, now=now)

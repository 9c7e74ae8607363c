"""Demo data of complaints: reports at every stage (waiting, being handled, overdue,
answered, one about township staff at the county, one with a review of the household
opened), a refusal re-examined and upheld by a second signer, one waiting, and a
reconsideration on record — each shown to the demo account that handles it.

Loaded by ``yimen load_demo`` after assistance and benefits (their households); safe to
rerun: a second run adds nothing."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from yimen.accounts.demo import DemoUser, ensure_demo_users
from yimen.accounts.models import User
from yimen.accounts.roles import Role
from yimen.assistance.models import Application
from yimen.benefits.models import Beneficiary, BeneficiaryStatus
from yimen.workflow.calendar import add_working_days

from .models import ComplaintSetting, Report
from .services import reexaminations, remedies
from .services import reports as service

TOWNSHIP, OTHER_TOWNSHIP, DISTRICT = "220102001000", "220102002000", "220102000000"
VILLAGE, OTHER_VILLAGE = "220102001001", "220102002001"

ACCOUNTS = [
    DemoUser("complaints", "宋雅琴", Role.COMPLAINT_HANDLER, TOWNSHIP),
    DemoUser("complaints2", "韩立新", Role.COMPLAINT_HANDLER, OTHER_TOWNSHIP),
    DemoUser("countycomplaints", "邓国华", Role.COMPLAINT_HANDLER, DISTRICT),
    # a second approver of 南岭街道: signs re-examinations of the first one's decisions
    DemoUser("reexaminer", "钱晓东", Role.TOWNSHIP_APPROVER, TOWNSHIP),
]
MARK = "（演示）"


def _report(kind, where, name, text, *, level="", reporter=None, phone="", person=""):
    data = service.ReportInput(
        kind=kind,
        division_code=where,
        subject_name=name,
        text=f"{text}{MARK}",
        staff_level=level,
        reporter_name=person,
        reporter_phone=phone,
    )
    return service.report_submit(data=data, reporter=reporter, address=None, limited=False)


def _age(report: Report, days: int) -> None:
    """Date a report as received ``days`` ago (its clock with it), so the demo shows an
    overdue one whatever day it is loaded; its audit trail keeps the real time."""
    received = timezone.now() - timedelta(days=days)
    Report.objects.filter(pk=report.pk).update(
        received_at=received,
        due_on=add_working_days(timezone.localdate(received), 15),
    )


def _reports(users: dict[str, User]) -> int:
    """The demo reports; returns how many exist."""
    handler, county = users["complaints"], users["countycomplaints"]
    made = [
        _report("household", VILLAGE, "王某某", "该户家中有营运车辆，仍在领取低保"),
        _report("household", OTHER_VILLAGE, "李某某", "该户子女在外地有稳定工作"),
        _report(
            "misconduct",
            TOWNSHIP,
            "街道经办人",
            "办理低保时索要好处费",
            level="township",
            phone="13604310001",
        ),
    ]
    taken = _report(
        "misconduct",
        VILLAGE,
        "社区工作人员",
        "公示名单张贴后第二天即被撕掉",
        level="village",
        person="赵女士",
        phone="13604310002",
    )
    service.report_take(actor=handler, report=taken)
    _age(taken, 40)  # being handled, and overdue
    answered = _report("household", VILLAGE, "孙某某", "该户有两套住房出租", phone="13604310003")
    service.report_take(actor=handler, report=answered)
    service.report_answer(
        actor=handler,
        report=answered,
        finding="unfounded",
        answer="经入户核查，该户仅有自住房一套，反映情况不属实。感谢您的监督。",
    )
    citizen = users.get("citizen")
    if citizen is not None:
        _report("household", VILLAGE, "周某某", "该户长期在外地居住", reporter=citizen)
    home = (
        Beneficiary.objects.filter(division__code__startswith=TOWNSHIP[:9])
        .exclude(status=BeneficiaryStatus.STOPPED)
        .exclude(reviews__case__status="active")
        .order_by("pk")
        .first()
    )
    if home is not None:
        about = _report("household", home.division_id, home.head_name, "该户家庭成员已就业")
        service.report_take(actor=handler, report=about)
        service.report_open_review(
            actor=handler,
            report=about,
            id_number=home.head_id_number,
            summary="核查家庭成员就业和收入情况",
        )
        made.append(about)
    county_report = made[2]
    service.report_take(actor=county, report=county_report)
    return Report.objects.filter(text__endswith=MARK).count()


def _reexaminations(users: dict[str, User]) -> int:
    done = 0
    for township, clerk in ((TOWNSHIP, "caseworker"), (OTHER_TOWNSHIP, "caseworker2")):
        refused = (
            Application.objects.filter(
                decision__approved=False, division__code__startswith=township[:9]
            )
            .order_by("pk")
            .first()
        )
        if refused is None or clerk not in users:
            continue
        reexam = reexaminations.reexam_request(
            actor=users[clerk],
            application=refused,
            kind="refusal",
            grounds=f"申请人称存款系亲属代管的医疗费，不属于家庭财产{MARK}",
            channel="counter",
        )
        done += 1
        if township == TOWNSHIP and "reexaminer" in users:
            reexaminations.reexam_decide(
                actor=users["reexaminer"],
                reexam=reexam,
                decision=reexaminations.NewDecision(
                    outcome="upheld",
                    reasons="经复核，存款为申请人本人名下定期存款，原决定认定事实清楚，予以维持。",
                ),
            )
            remedies.remedy_record(
                actor=users[clerk],
                application=refused,
                data=remedies.RemedyInput(
                    kind="reconsideration",
                    decision_kind="refusal",
                    body="长春市南关区人民政府",
                    reference="南府复字〔2026〕12号",
                    filed_on=timezone.localdate(),
                    notes=f"申请人对复核决定不服，申请行政复议{MARK}",
                ),
            )
    return done


@transaction.atomic
def load() -> str:
    """The complaints app's ``demo_loader``."""
    ensure_demo_users(ACCOUNTS)
    ComplaintSetting.objects.get_or_create(
        division_id=DISTRICT,
        valid_from=date(2020, 1, 1),
        defaults={
            "answer_working_days": 15,
            "reexam_request_days": 60,
            "example": True,
            "source": "示例参数：未找到投诉答复期限和复核申请期限的规定",
        },
    )
    if Report.objects.filter(text__endswith=MARK).exists():
        return "0 件新投诉举报 new reports"
    users = {u.username: u for u in User.objects.all()}
    reports = _reports(users)
    reexams = _reexaminations(users)
    return f"{reports} 件投诉举报 reports, {reexams} 件复核 re-examinations"

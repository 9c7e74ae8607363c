"""Demo households at every stage of the assistance case, in 南岭街道 and 自强街道.

Driven through the real services (intake, acceptance, investigation, decision…), so the
demo's cases carry the same audit trail and deadlines as real ones. Safe to rerun."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from stdnum.cn import ric

from yimen.accounts.demo import DemoUser, ensure_demo_users
from yimen.accounts.models import User
from yimen.accounts.roles import Role
from yimen.workflow.models import Case, Task

from .inputs import ApplicationInput, AssetInput, IncomeInput, MemberInput
from .limits import cycle_of
from .models import Application, DisclosureSetting
from .proposal import proposal_for
from .services import intake, steps

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@dataclass(frozen=True)
class Township:
    code: str
    villages: tuple[str, str]
    caseworker: str
    second_investigator: str
    approver: str
    village_staff: str


TOWNSHIPS = (
    Township(
        "220102001000",
        ("220102001001", "220102001002"),
        "caseworker",
        "socialworker",
        "approver",
        "village",
    ),
    Township(
        "220102002000",
        ("220102002001", "220102002005"),
        "caseworker2",
        "socialworker2",
        "approver2",
        "village2",
    ),
)
#: extra accounts for the second township (the first uses accounts.demo's accounts)
EXTRA_USERS = (
    ("socialworker2", "郑晓红", Role.SOCIAL_WORKER, "220102002000"),
    ("approver2", "冯建华", Role.TOWNSHIP_APPROVER, "220102002000"),
    ("village2", "高玉兰", Role.VILLAGE_STAFF, "220102002001"),
)
#: the same, as the demo's account list prints them (``demo_accounts`` on the app config)
DEMO_ACCOUNTS = [DemoUser(*extra) for extra in EXTRA_USERS]
#: (head, stage): every stage of the process, once per township
STAGES = (
    "draft",
    "submitted",
    "missing_items",
    "investigating",
    "disputed",
    "deciding",
    "approved",
    "disclosed",
    "refused",
    "withdrawn",
)
HEADS = (
    "王淑华",
    "李国庆",
    "张桂芝",
    "刘建军",
    "陈玉珍",
    "杨志刚",
    "赵秀兰",
    "黄德明",
    "周丽娟",
    "吴长海",
    "徐凤霞",
    "孙宝山",
    "马春燕",
    "朱永利",
    "胡玉梅",
    "郭振华",
    "何淑英",
    "林海涛",
    "罗桂荣",
    "高建平",
)


def _id(seed: int, birth: str) -> str:
    body = f"220102{birth}{seed % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def _household(
    index: int, village: str, *, channel: str = "counter", signed: bool = True
) -> ApplicationInput:
    signed_on = date.today() - timedelta(days=3) if signed else None
    birth_year = 1950 + (index * 7) % 30
    head = MemberInput(
        name=HEADS[index % len(HEADS)],
        id_number=_id(100 + index * 2 + 1, f"{birth_year}0315"),
        relationship="head",
        work_ability="partial" if index % 2 else "none",
        incomes=[
            IncomeInput(
                "wages" if index % 2 else "transfer",
                Decimal(300 + 37 * index).quantize(Decimal("0.01")),
            )
        ],
        promise_signed_on=signed_on,
        authorisation_signed_on=signed_on,
    )
    members = [head]
    if index % 3:
        members.append(
            MemberInput(
                name=HEADS[(index + 7) % len(HEADS)][0] + "小" + HEADS[index % len(HEADS)][-1],
                id_number=_id(100 + index * 2 + 2, "20150620"),
                relationship="child",
                student=True,
            )
        )
    return ApplicationInput(
        division_code=village,
        address=f"{index + 1}号楼{index % 6 + 1}单元{101 + index}室",
        hukou_type="urban",
        assistance_type=("dibao", "tekun", "low_income")[index % 3],
        channel=channel,
        members=members,
        assets=[AssetInput("deposit", Decimal(800 * index))],
        discovery_note="网格走访发现生活困难，主动报告" if channel == "discovery" else "",
        # a demo mobile number (the demo's texts go to a file, var/sms-outbox.jsonl)
        phone=f"1390431{index:04d}",
    )


def _attach(actor, application: Application) -> None:
    # named as a person would name the scan: the page shows the file name
    for kind, name in (("id_card", "身份证.png"), ("hukou", "户口簿.png")):
        intake.attachment_add(actor=actor, application=application, kind=kind, upload=_upload(name))


def _upload(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, ContentFile(PNG).read(), content_type="image/png")


def _drive(stage: str, t: Township, users: dict[str, User], index: int) -> None:
    # steps of the village committee need the village its demo staff are bound to
    village = (
        t.villages[0] if stage in ("disputed", "approved", "disclosed") else (t.villages[index % 2])
    )
    worker, second = users[t.caseworker], users[t.second_investigator]
    if stage == "draft":
        intake.application_create(
            actor=users[t.village_staff], data=_household(index, village, channel="discovery")
        )
        return
    application = intake.application_create(
        actor=worker, data=_household(index, village, signed=stage != "missing_items")
    )
    if stage == "submitted":
        return
    _attach(worker, application)
    if stage == "missing_items":
        steps.case_accept(actor=worker, application=application)  # issues the notice
        return
    if stage == "withdrawn":
        from yimen.workflow.services import case_withdraw

        case_withdraw(case_id=application.case_id, actor=worker, reason="申请人书面申请撤回")
        return
    steps.case_accept(actor=worker, application=application)
    steps.verification_record(
        actor=worker,
        application=application,
        verified_monthly_income=Decimal(350 + index),
        verified_deposits=Decimal(800 * index),
        contradicts_declaration=stage == "disputed",
        findings="银行存款与申报不一致" if stage == "disputed" else "核对结果与申报一致",
    )
    if stage == "investigating":
        return
    steps.visit_record(
        actor=second,
        application=application,
        visited_on=date.today(),
        investigator_ids=[worker.pk, second.pk],
        findings="两人入户，家庭情况与申报基本一致",
        investigators_signed=True,
        family_signed=True,
    )
    if stage == "deciding":
        _ready_before_cycle(application, t.code)
    if stage in ("disputed", "deciding"):
        return
    approve = stage != "refused"
    # the approver grants what the rules propose for the household's facts, as a careful
    # approver would: a roster built from these decisions is then what the rules give, and
    # a recalculation with the same parameters finds nothing to change
    proposal = proposal_for(application)
    steps.case_decide(
        actor=users[t.approver],
        application=application,
        approve=approve,
        assistance_type=(proposal.assistance_type or "") if approve else "",
        monthly_amount=proposal.monthly_amount if approve else None,
        reasons="家庭人均收入低于当地保障标准" if approve else "家庭存款超过规定标准",
    )
    if stage == "disclosed":
        steps.disclosure_publish(actor=users[t.village_staff], application=application)


def _ready_before_cycle(application: Application, township_code: str) -> None:
    """Date the case as if it had reached the decision the day before the current cycle
    began, so the cycle page has a case to decide on whatever day the demo is loaded (a
    case that became ready today waits for the next cycle). Its audit trail keeps the
    time it was really recorded: the hash chain is never rewritten."""
    today = timezone.localdate()
    shift = timedelta(days=(today - cycle_of(township_code, today)[0]).days + 1)
    moved = {"opened_at": F("opened_at") - shift, "due_at": F("due_at") - shift}
    Task.objects.filter(case_id=application.case_id).update(
        **moved, completed_at=F("completed_at") - shift
    )
    Case.objects.filter(pk=application.case_id).update(**moved, limit_at=F("limit_at") - shift)
    Application.objects.filter(pk=application.pk).update(created_at=F("created_at") - shift)


def ensure_parameters() -> None:
    """The shipped Changchun parameter sets (idempotent): the demo's decisions are the
    rules' proposals, which need parameters in force."""
    call_command("load_parameters", verbosity=0, stdout=io.StringIO())


@transaction.atomic
def load_assistance_demo() -> int:
    """Create the demo households (once); returns how many were made."""
    ensure_parameters()
    ensure_demo_users(DEMO_ACCOUNTS)
    # the district's disclosure settings; no source gives its supervision telephone, so the
    # demo's number is an example, and staff read it so
    DisclosureSetting.objects.get_or_create(
        division_id="220102000000",
        valid_from=date(2020, 1, 1),
        defaults={
            "period_days": 7,
            "supervision_phone": "0431-8000 0000",
            "example": True,
            "source": "示例号码（来源中未找到南关区监督电话）",
        },
    )
    if Application.objects.filter(
        address__endswith="室",
        created_by__username__in=[t.caseworker for t in TOWNSHIPS]
        + [t.village_staff for t in TOWNSHIPS],
    ).exists():
        return 0
    users = {u.username: u for u in User.objects.all()}
    made = 0
    for offset, township in enumerate(TOWNSHIPS):
        for i, stage in enumerate(STAGES):
            _drive(stage, township, users, index=offset * len(STAGES) + i)
            made += 1
    citizen = users.get("citizen")
    if citizen is not None:  # the citizen's own online application: "My applications"
        own = _household(len(TOWNSHIPS) * len(STAGES), "220102001001", channel="self")
        own.members[0].name = citizen.full_name or own.members[0].name
        intake.application_create(actor=citizen, data=own)
        made += 1
    return made


def load() -> str:
    """The assistance app's ``demo_loader``: its parameters and households."""
    return f"{load_assistance_demo()} 个新案件 new cases"

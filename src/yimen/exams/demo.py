"""Demo data of the safety exams (``demo_loader`` on the app config): the catalogue, a
generated question bank, employers (one with a green channel), candidates at every stage,
a finished session with results, an open session to sit now, certificates. Four demo
accounts: ``examcandidate`` (can take the open exam), ``examemployer``, ``examstaff``,
``examreviewer``; ``examadmin`` (accounts/demo.py) runs it all. Rerunning changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from yimen.accounts.demo import DemoUser, ensure_demo_users
from yimen.accounts.models import User
from yimen.accounts.roles import Role
from yimen.regions.models import Division

from .bank import generate_bank
from .catalogue import load_catalogue
from .models import Candidate, Certificate, ExamSession, ExamSettings, Question
from .services import certificates as certs
from .services.candidates import (
    CandidateData,
    candidate_photo_set,
    candidate_register,
    employer_register,
)
from .services.marking import practical_mark
from .services.scheduling import (
    application_schedule,
    application_submit,
    green_channel_approve,
    session_open,
)
from .services.sitting import answer_save, paper_sign_in, paper_submit, session_close

PROVINCE, CITY, DISTRICT = "220000000000", "220100000000", "220102000000"
BANKS = ("T-EL-LV", "PL-HAZ", "T-HC-AU")
ACCOUNTS = [
    DemoUser("examcandidate", "韩志刚", Role.EXAM_CANDIDATE, DISTRICT),
    DemoUser("examemployer", "邓丽华", Role.EXAM_EMPLOYER, DISTRICT),
    DemoUser("examstaff", "石磊", Role.EXAM_STAFF, CITY),
    DemoUser("examreviewer", "卢静", Role.EXAM_CERTIFIER, PROVINCE),
]
#: (name, birth, education, category, stage)
PEOPLE = [
    ("赵国庆", "19850312", "senior", "T-EL-LV", "theory_passed"),
    ("钱晓东", "19900521", "junior", "T-EL-LV", "passed"),
    ("孙建华", "19780909", "junior", "T-EL-LV", "certified"),
    ("李明亮", "19881111", "junior", "T-EL-LV", "failed_once"),
    ("周海波", "19950203", "senior", "T-EL-LV", "failed_twice"),
    ("吴桂芝", "19700615", "college", "PL-HAZ", "certified"),
    ("郑宏伟", "19830420", "college", "PL-HAZ", "accepted"),
    ("王丽娟", "19870708", "senior", "PL-HAZ", "missing"),
    ("冯志强", "19920817", "junior", "T-HC-AU", "refused"),  # 初中 for 危化 work
    ("陈小军", "20100115", "junior", "T-EL-LV", "refused"),  # under 18
    ("褚卫东", "19910130", "senior", "T-EL-LV", "waiting"),
    ("卫红梅", "19930322", "senior", "PL-HAZ", "waiting_green"),
    ("蒋文斌", "19860611", "junior", "T-EL-LV", "seated"),
    ("沈玉兰", "19800228", "senior", "T-EL-LV", "sitting"),
]


def _id(birth: str, n: int) -> str:
    body = f"220102{birth}{n:03d}"
    return body + ric.calc_check_digit(body + "0")


def _uscc(body: str) -> str:
    return body + uscc.calc_check_digit(body)


def _users() -> dict[str, User]:
    """The exam roles' demo accounts, made the way every app's are (accounts.demo)."""
    ensure_demo_users(ACCOUNTS)
    return {u.username: u for u in User.objects.filter(username__in=[a.username for a in ACCOUNTS])}


def _portrait() -> bytes:
    """A plain drawn portrait (head and shoulders) for the demo candidate's ticket."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 400), (225, 232, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((95, 70, 205, 190), fill=(120, 130, 145))
    draw.ellipse((40, 210, 260, 480), fill=(120, 130, 145))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _review_due(cert: Certificate, today: date) -> None:
    """Demo shortcut: date this certificate as issued nearly three years ago, so its review
    (复审) is due in 30 days — the window is open and the officer's review page has work.
    Only dates move (no status), and only in the demo."""
    from .rules import add_years

    issued = add_years(today + timedelta(days=30), -3)
    Certificate.objects.filter(pk=cert.pk).update(
        issued_on=issued,
        valid_until=add_years(issued, 6),
        review_due_on=today + timedelta(days=30),
    )


def _sit(paper, *, right: int, when) -> None:
    """Sign in and answer: the first ``right`` items correctly (the key read here, on the
    server), the rest wrongly."""
    paper = paper_sign_in(
        id_number=paper.application.candidate.id_number, ticket=paper.ticket, now=when
    )
    keys = dict(
        Question.objects.filter(pk__in=[i["q"] for i in paper.items]).values_list("pk", "answer")
    )
    for position, item in enumerate(paper.items[: right + 5]):
        key = keys[item["q"]]
        shown = sorted(item["order"].index(k) for k in key)
        if position >= right:
            shown = [(shown[0] + 1) % len(item["order"])]
        answer_save(paper_id=paper.pk, position=position, chosen=shown, now=when)
    paper.refresh_from_db()
    paper_submit(paper=paper, now=when + timedelta(minutes=50))


@transaction.atomic
def load_demo() -> str:
    catalogue = load_catalogue()
    users = _users()
    if Candidate.objects.filter(id_number=_id("19850312", 1)).exists():
        n, m = Candidate.objects.count(), Certificate.objects.count()
        return f"已有 already loaded: {n} candidates, {m} certificates"
    admin = User.objects.get(username="examadmin")
    staff, reviewer = users["examstaff"], users["examreviewer"]
    province = Division.objects.get(pk=PROVINCE)
    district = Division.objects.get(pk=DISTRICT)
    ExamSettings.objects.get_or_create(division=province, valid_from=date(2020, 1, 1))
    for code in BANKS:
        if not Question.objects.filter(category_code=code).exists():
            Question.objects.bulk_create(generate_bank(code, tf=60, single=70, multiple=20))
    today = timezone.localdate()
    now = timezone.now()
    firm = employer_register(
        uscc_code=_uscc("91220102MA14XQ3B7"),
        name="长春示例化工有限公司",
        division=district,
        contact=users["examemployer"],
        actor=admin,
    )
    other = employer_register(
        uscc_code=_uscc("91220101MA17K2RT5"),
        name="长春示例电气安装有限公司",
        division=district,
        contact=None,
        actor=admin,
    )
    green_channel_approve(
        employer=firm,
        reason="复工复产，企业申请优先考核发证",
        valid_until=today + timedelta(days=90),
        actor=admin,
    )
    past = now - timedelta(days=20)
    finished = session_open(
        name="2026年第一期 低压电工/危化主要负责人 考试",
        division=district,
        site="长春市安全生产考试点",
        room="第1考场",
        starts_at=past,
        capacity=30,
        invigilators="石磊, 曹慧",
        actor=admin,
    )
    open_now = session_open(
        name="2026年第二期 特种作业理论考试",
        division=district,
        site="长春市安全生产考试点",
        room="第2考场",
        starts_at=now - timedelta(minutes=10),
        capacity=30,
        invigilators="石磊, 曹慧",
        actor=admin,
    )
    applied_on = today - timedelta(days=40)
    for n, (name, birth, education, code, stage) in enumerate(PEOPLE, start=1):
        data = CandidateData(
            _id(birth, n), name, education, today - timedelta(days=100), 48, "示例培训机构 48学时"
        )
        employer = firm if code.startswith(("PL", "T-HC")) or stage == "waiting_green" else other
        person = candidate_register(
            data=data, division=district, actor=admin, employer=employer, today=today
        )
        if n == 13:
            person.user = users["examcandidate"]
            person.save(update_fields=["user"])
            candidate_photo_set(candidate=person, data=_portrait(), actor=admin)
        day = today - timedelta(days=2) if stage.startswith("waiting") else applied_on
        app = application_submit(candidate=person, category_code=code, actor=admin, on=day)
        if stage in ("refused", "waiting", "waiting_green"):
            continue
        if stage in ("seated", "sitting"):
            paper = application_schedule(application=app, session=open_now, actor=admin)
            if stage == "sitting":
                sitting = paper_sign_in(id_number=person.id_number, ticket=paper.ticket)
                answer_save(paper_id=sitting.pk, position=0, chosen=[0])
            continue
        paper = application_schedule(application=app, session=finished, actor=admin)
        right = 55 if stage.startswith("failed") else 92
        _sit(paper, right=right, when=past)
        if stage == "failed_twice":
            app.refresh_from_db()
            retake = session_open(
                name=f"补考 {name}",
                division=district,
                site="长春市安全生产考试点",
                room="补考考场",
                starts_at=past + timedelta(days=3),
                capacity=1,
                invigilators="石磊, 曹慧",
                actor=admin,
            )
            _sit(
                application_schedule(application=app, session=retake, actor=admin),
                right=60,
                when=past + timedelta(days=3),
            )
            session_close(session=retake, actor=staff)
            continue
        app.refresh_from_db()
        if code.startswith("T-") and stage in ("passed", "certified"):
            practical_mark(
                application=app, score=88, actor=staff, day=past.date() + timedelta(days=2)
            )
            practical_mark(
                application=app, score=90, actor=admin, day=past.date() + timedelta(days=2)
            )
        cert = Certificate.objects.filter(application=app).first()
        if cert is None:
            continue
        if stage == "missing":
            certs.certificate_accept(
                certificate=cert, missing=["健康证明原件"], actor=reviewer, day=today
            )
        elif stage in ("accepted", "certified"):
            certs.certificate_accept(certificate=cert, missing=[], actor=reviewer, day=today)
            if stage == "certified":
                cert = certs.certificate_issue(certificate=cert, actor=reviewer, day=today)
                if name == "孙建华":
                    _review_due(cert, today)
    session_close(session=finished, actor=staff)
    return (
        f"{catalogue} categories, {Question.objects.count()} questions, "
        f"{Candidate.objects.count()} candidates, {ExamSession.objects.count()} sessions, "
        f"{Certificate.objects.count()} certificates"
    )

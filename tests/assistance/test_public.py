"""Public disclosure (公示): masking, only the allowed fields, who is listed, objections."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache

from tests.assistance.conftest import household_input, id_number, signed_before_today
from tests.assistance.test_case_paths import attach_basics, investigate
from tests.factories import HUAYANG, NANLING, user_with
from yimen.accounts.roles import Role
from yimen.assistance.inputs import MemberInput
from yimen.assistance.models import Objection
from yimen.assistance.services import intake, public, steps
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.people import mask_id, mask_name
from yimen.workflow import services as workflow
from yimen.workflow.models import Notification

HENGAN = "220102001002"  # another community of 南岭街道, with nothing disclosed


# --- helpers shared by the public, applicant and county tests ---------------------------


def use_public_urls(settings, tmp_path) -> None:
    """The site's URLs plus the assistance public and county pages; uploads in tmp; the
    rate-limit counters start empty (the cache outlives a test)."""
    settings.ROOT_URLCONF = "tests.assistance.urls_public_for_tests"
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


@pytest.fixture
def public_urls(settings, tmp_path):
    use_public_urls(settings, tmp_path)


def members(head: str, serial: str, *, others=(("李秀兰", "spouse"),), apart=()) -> list:
    """A household of distinct adults, all consents signed; ``serial`` (two digits) keeps
    ID numbers apart between the households of one test."""
    signed = signed_before_today()
    people = [(head, "head"), *others]
    return [
        MemberInput(
            name=name,
            id_number=id_number("19700312", f"{serial}{i}"),
            relationship=relationship,
            living_apart=name in apart,
            promise_signed_on=signed,
            authorisation_signed_on=signed,
        )
        for i, (name, relationship) in enumerate(people, start=1)
    ]


def submitted(
    staff, *, head="张建明", serial="01", division=HUAYANG, actor=None, clerk=None, **kwargs
):
    """A submitted and accepted application (the clock runs, investigation is open).

    ``actor`` files it (an applicant's own account: channel "self"); ``clerk`` is the
    township caseworker who accepts it (南岭街道's by default)."""
    clerk = clerk or staff.caseworker
    data = household_input(members=members(head, serial, **kwargs), division_code=division)
    if actor is not None:
        data.channel = "self"
    application = intake.application_create(actor=actor or clerk, data=data)
    attach_basics(clerk, application)
    assert steps.case_accept(actor=clerk, application=application) == []
    return application


def approved(staff, *, amount="1234.50", **kwargs):
    """An application investigated and approved by the township (on disclosure now)."""
    application = submitted(staff, **kwargs)
    investigate(staff, application)
    steps.case_decide(
        actor=staff.approver,
        application=application,
        approve=True,
        assistance_type="dibao",
        monthly_amount=Decimal(amount),
        reasons="人均收入低于当地保障标准",
    )
    return application


def village_url(code=HUAYANG) -> str:
    return f"/public/disclosure/{code}/"


# --- masking -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("张建明", "张*明"), ("欧阳振华", "欧**华"), ("王", "王"), ("", "")],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_mask_id_keeps_four_and_four():
    assert mask_id("220102197003120113") == "2201**********0113"
    assert mask_id("22010219700312011X") == "2201**********011X"


# --- the disclosure page -----------------------------------------------------------------


def test_page_shows_only_the_allowed_fields(client, staff, public_urls):
    application = approved(
        staff,
        others=(("李秀兰", "spouse"), ("欧阳小雨", "child"), ("张三", "child")),
        apart=("张三",),
    )
    head = application.head
    response = client.get(village_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "张*明" in page and mask_id(head.id_number) in page
    row = page.split(f'id="household-{application.pk}"')[1].split("</tr>")[0]
    assert '">3</td>' in row  # four members, one living apart
    assert "1,234.50" in row
    # nothing else: no address, no other members, no full ID numbers, no reasons or signer
    for secret in [
        "华阳街",
        application.address,
        "李秀兰",
        "欧阳小雨",
        "张三",
        "张建明",
        "人均收入",
        "刘洋",
        *[m.id_number for m in application.members.all()],
    ]:
        assert secret not in page, secret
    assert '<meta name="robots" content="noindex">' in page
    assert response["X-Robots-Tag"].startswith("noindex")


def test_page_is_chinese_by_default_and_switches_to_english(client, staff, public_urls):
    approved(staff)
    assert 'lang="zh-CN"' in client.get(village_url()).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": village_url()})
    page = client.get(village_url()).content.decode()
    assert 'lang="en"' in page and "Public disclosure" in page


def test_only_approved_and_not_withdrawn_households_are_listed(client, staff, public_urls):
    shown = approved(staff, head="张建明", serial="01")
    pending = submitted(staff, head="赵德胜", serial="02")
    refused = submitted(staff, head="钱多多", serial="03")
    investigate(staff, refused)
    steps.case_decide(
        actor=staff.approver, application=refused, approve=False, reasons="家庭存款超过规定"
    )
    withdrawn = approved(staff, head="孙立平", serial="04")
    workflow.case_withdraw(
        case_id=withdrawn.case_id, actor=staff.caseworker, reason="申请人书面撤回"
    )
    rows = public.disclosure_rows(shown.division)
    assert [r.application_id for r in rows] == [shown.pk]
    page = client.get(village_url()).content.decode()
    assert "张*明" in page
    for absent in (pending, refused, withdrawn):
        assert f"household-{absent.pk}" not in page
    for masked in ("赵*胜", "钱*多", "孙*平"):
        assert masked not in page


def test_household_stays_listed_after_disclosure_completes_the_case(client, staff, public_urls):
    application = approved(staff)
    steps.disclosure_publish(actor=staff.village, application=application)
    assert f"household-{application.pk}" in client.get(village_url()).content.decode()


def test_choose_a_village_by_name_or_code(client, staff, public_urls):
    approved(staff)
    page = client.get("/public/disclosure/").content.decode()
    assert "华阳社区" in page and "恒安社区" not in page
    assert "华阳社区" in client.get("/public/disclosure/", {"q": "华阳"}).content.decode()
    assert "华阳社区" in client.get("/public/disclosure/", {"q": HUAYANG}).content.decode()
    assert "华阳社区" not in client.get("/public/disclosure/", {"q": "恒安"}).content.decode()
    assert client.get(village_url(HENGAN)).status_code == 200  # an empty list, not an error
    assert client.get(village_url("not-a-code")).status_code == 404
    assert client.get(village_url(NANLING)).status_code == 404  # a township, not a village


# --- objections --------------------------------------------------------------------------


def objection_url(application) -> str:
    return f"{village_url()}{application.pk}/objection/"


def test_objection_is_stored_audited_and_the_township_notified(client, staff, public_urls):
    application = approved(staff)
    response = client.post(
        objection_url(application),
        {"text": "该户家中有小轿车一辆，长期经营门市。", "contact": "13800000000"},
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.application == application and objection.contact == "13800000000"
    event = AuditEvent.objects.get(event_type=EventType.OBJECTION_LODGED)
    assert event.actor_id is None and event.subject_id == str(application.case_id)
    assert event.new["objection"] == objection.pk
    assert "13800000000" not in str(event.new) and "小轿车" not in str(event.new)
    notified = set(Notification.objects.filter(kind="info").values_list("recipient", flat=True))
    assert notified == {staff.caseworker.pk, staff.caseworker_b.pk}
    assert staff.other_caseworker.pk not in notified and staff.approver.pk not in notified
    assert application.case.number in Notification.objects.first().message


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "   ", "contact": ""}, "text"),
        ({"text": "异" * 1001, "contact": ""}, "text"),
        ({"text": "有车", "contact": "1" * 101}, "contact"),
    ],
)
def test_invalid_objection_is_refused_and_nothing_written(client, staff, public_urls, data, field):
    application = approved(staff)
    response = client.post(objection_url(application), data)
    assert response.status_code == 400
    assert response.context["failed"]["fields"][field]
    assert not Objection.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.OBJECTION_LODGED).exists()


def test_exactly_1000_characters_is_accepted(staff, public_urls):
    application = approved(staff)
    public.objection_lodge(
        application_id=application.pk, text="异" * 1000, contact="", address="10.0.0.1"
    )
    assert Objection.objects.count() == 1


def test_objection_to_an_undisclosed_household_is_404(client, staff, public_urls):
    pending = submitted(staff)
    assert client.post(objection_url(pending), {"text": "不应享受"}).status_code == 404
    with pytest.raises(public.NotDisclosed):
        public.objection_lodge(
            application_id=pending.pk, text="不应享受", contact="", address="10.0.0.1"
        )
    assert not Objection.objects.exists()


def test_objections_are_rate_limited_per_address(client, staff, public_urls):
    application = approved(staff)
    for i in range(public.LIMITS["objections_per_hour"]):
        assert client.post(objection_url(application), {"text": f"异议{i}"}).status_code == 302
    response = client.post(objection_url(application), {"text": "再来一次"})
    assert response.status_code == 429
    message = response.context["failed"]["message"]
    assert "Too many objections" in message  # English alongside the active language
    assert Objection.objects.count() == public.LIMITS["objections_per_hour"]
    other = client.post(objection_url(application), {"text": "另一处网络"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302


def test_objection_opens_a_review_case_and_a_revocation_ends_the_disclosure(staff, public_urls):
    """The review runs in the engine: the township re-investigates, the approver concludes
    (signed); "revoked" takes the household off the public list."""
    from yimen.assistance.services.objections import objection_conclude
    from yimen.workflow.services import task_complete

    application = approved(staff)
    assert application in public.disclosed_applications()
    objection = public.objection_lodge(
        application_id=application.pk, text="隐瞒收入", contact="", address="10.0.0.2"
    )
    objection.refresh_from_db()
    review = objection.review_case
    assert review.process == "assist_review" and review.division_id == application.division_id
    assert Notification.objects.filter(recipient=staff.caseworker).exists()
    opened = review.tasks.get(step="review")
    task_complete(task_id=opened.pk, actor=staff.caseworker, outcome="founded")
    assert application in public.disclosed_applications()  # nothing decided yet
    objection_conclude(
        actor=staff.approver, objection=objection, outcome="revoked", reason="核实隐瞒工资收入"
    )
    assert application not in public.disclosed_applications()
    signed = AuditEvent.objects.filter(
        subject_type="workflow.case",
        subject_id=str(review.pk),
        event_type="workflow.task_completed",
    ).last()
    assert signed.signer_name == staff.approver.get_full_name()


def test_notifications_skip_inactive_and_other_roles(staff, public_urls):
    application = approved(staff)
    retired = user_with(Role.TOWNSHIP_CASEWORKER, NANLING, is_active=False)
    review = public.start_objection_review(
        Objection.objects.create(application=application, text="x")
    )
    assert review.notified == 2
    assert not Notification.objects.filter(recipient=retired).exists()

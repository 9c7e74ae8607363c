"""The citizen's own applications ("我的申请") and the entry form without staff fields."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.assistance.test_public import approved, submitted
from tests.factories import HUAYANG, user_with
from yimen.accounts.roles import Role
from yimen.assistance import forms
from yimen.assistance.choices import Channel
from yimen.workflow.states import CaseStatus

pytestmark = pytest.mark.django_db

MINE = "/assistance/applications/mine/"
NEW = "/assistance/applications/new/"


@pytest.fixture
def citizen(tree):
    return user_with(Role.APPLICANT, HUAYANG, full_name="王秀英")


def test_the_citizen_sees_own_applications_with_status_and_next_step(client, staff, citizen):
    own = submitted(staff, actor=citizen)
    someone_else = submitted(
        staff, serial="02", head="赵大海", actor=user_with(Role.APPLICANT, HUAYANG)
    )
    counter = submitted(staff, serial="03", head="钱多多")  # entered at the counter
    client.force_login(citizen)
    response = client.get(MINE)
    assert response.status_code == 200
    text = response.content.decode()
    assert own.case.number in text
    assert someone_else.case.number not in text and counter.case.number not in text
    card = text.split(f'id="application-{own.pk}"')[1].split("</section>")[0]
    assert str(CaseStatus.ACTIVE.label) in card
    first = own.case.tasks.filter(status="open").order_by("stage", "id").first()
    from yimen.workflow.registry import get_process

    label = str(get_process(own.case.process).step(first.step).label)
    next_step = card.split('class="next-step">')[1].split("</dd>")[0]
    assert label in next_step
    assert f"{timezone.localtime(first.due_at):%Y-%m-%d}" in next_step
    assert "notice-link" not in card  # nothing decided yet


def test_a_decided_application_shows_the_decision_and_its_notice(client, staff, citizen):
    application = approved(staff, actor=citizen, amount="987.60")
    client.force_login(citizen)
    card = (
        client.get(MINE)
        .content.decode()
        .split(f'id="application-{application.pk}"')[1]
        .split("</section>")[0]
    )
    assert "987.60" in card
    link = card.split('href="')[-1].split('"')[0]
    assert link == f"/assistance/applications/{application.pk}/notice.pdf"
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_staff_have_no_own_applications_page(client, staff):
    client.force_login(staff.caseworker)
    assert client.get(MINE).status_code == 403


def test_a_citizen_with_no_application_is_told_how_to_apply(client, citizen):
    client.force_login(citizen)
    text = client.get(MINE).content.decode()
    assert 'id="no-applications"' in text and f'href="{NEW}"' in text


# --- the entry form: staff-only fields are not the citizen's -----------------------------


def test_the_citizen_form_has_no_staff_fields(client, citizen, staff):
    client.force_login(citizen)
    text = client.get(NEW).content.decode()
    for name in forms.STAFF_ONLY_FIELDS:
        assert f'name="{name}"' not in text, name
    client.force_login(staff.caseworker)
    text = client.get(NEW).content.decode()
    for name in forms.STAFF_ONLY_FIELDS:
        assert f'name="{name}"' in text, name


def test_staff_fields_posted_by_a_citizen_are_not_read(citizen):
    data = {
        "division_code": HUAYANG,
        "address": "华阳街 1 号",
        "hukou_type": "urban",
        "assistance_type": "dibao",
        "channel": Channel.SELF,
        "phone": "13800000000",
        "reason": "失业，无收入",
        "relative_of_staff": "on",
        "relative_note": "我是经办人的亲属",
        "has_able_supporter": "yes",
        "hardship_tier": "一档",
        "discovery_note": "x",
    }
    household = forms.HouseholdForm(data, user=citizen)
    assert household.is_valid(), household.errors
    for name in forms.STAFF_ONLY_FIELDS:
        assert name not in household.cleaned_data


def test_the_service_refuses_staff_findings_from_an_applicant(staff, citizen):
    from tests.assistance.conftest import household_input
    from yimen.assistance.errors import ApplicationInvalid
    from yimen.assistance.models import Application
    from yimen.assistance.services import intake
    from yimen.audit.models import AuditEvent

    data = household_input(channel="self", supporter_note="长子有赡养能力", relative_of_staff=True)
    with pytest.raises(ApplicationInvalid) as refused:
        intake.application_create(actor=citizen, data=data)
    assert set(refused.value.fields) == {"supporter_note", "relative_of_staff"}
    assert not Application.objects.exists() and not AuditEvent.objects.exists()
    # the same entries from the township's counter are the caseworker's to record
    data = household_input(supporter_note="长子有赡养能力", relative_of_staff=True)
    assert intake.application_create(actor=staff.caseworker, data=data).relative_of_staff

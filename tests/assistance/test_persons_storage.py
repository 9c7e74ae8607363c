"""Issue 21, items 6–8, stored: supporters with their facts, the caseworker's finding, the
self-care assessment (date, assessor) and further disability certificates — recorded by
audited services, refused with field errors on bad input, and read by the rules."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.assistance.conftest import household_input, id_number
from yimen.assistance.application_facts import facts_from_application
from yimen.assistance.errors import ApplicationInvalid, CannotApply
from yimen.assistance.models import ParameterSet, Supporter
from yimen.assistance.proposal import proposal_for
from yimen.assistance.services import intake
from yimen.assistance.services.persons import (
    disability_certificate_add,
    self_care_assess,
    supporter_add,
    supporter_finding_record,
    supporter_remove,
)
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

ALL_MANAGED = dict.fromkeys(
    ("eating", "dressing", "bed_transfer", "toileting", "indoor_walking", "bathing"), True
)


@pytest.fixture
def application(staff, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_parameters", verbosity=0)
    ParameterSet.objects.update(disposable_income_last_year=Decimal("36000.00"))
    return intake.application_create(
        actor=staff.caseworker, data=household_input(assistance_type="tekun")
    )


def events(kind) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=kind))


def test_a_supporter_is_stored_audited_and_read_by_the_rules(staff, application):
    today = timezone.localdate()
    seventy = today.replace(year=today.year - 70) - timedelta(days=1)
    supporter_add(
        actor=staff.caseworker,
        application=application,
        data={
            "name": "李大",
            "id_number": id_number(seventy.strftime("%Y%m%d")),
            "relationship": "child",
            "annual_income": "12000.00",
            "vehicles": ["ebike"],
        },
    )
    facts = facts_from_application(application)
    (s,) = facts.supporters
    assert (s.birth_date, s.annual_income, s.vehicles) == (seventy, Decimal("12000.00"), ("ebike",))
    rule = next(r for r in proposal_for(application).rules if r.code == "tekun_no_supporter")
    assert rule.values["reasons"] == "elderly_low_income" and rule.passed
    (event,) = events(EventType.SUPPORTER_RECORDED)
    assert event.new["annual_income"] == "12000.00" and event.actor_id == staff.caseworker.pk


def test_bad_supporter_input_is_refused_by_field_and_writes_nothing(staff, application):
    with pytest.raises(ApplicationInvalid) as refused:
        supporter_add(
            actor=staff.caseworker,
            application=application,
            data={"name": "", "id_number": "123", "relationship": "x", "deposits": "-1"},
        )
    assert {"name", "id_number", "relationship", "deposits"} <= set(refused.value.fields)
    assert not Supporter.objects.exists() and not events(EventType.SUPPORTER_RECORDED)


def test_another_township_may_not_record(staff, application):
    with pytest.raises(CannotApply):
        supporter_add(actor=staff.other_caseworker, application=application, data={})


def test_a_finding_needs_a_reason_and_is_audited_as_a_departure(staff, application):
    with pytest.raises(ApplicationInvalid):
        supporter_finding_record(
            actor=staff.caseworker, application=application, finding=True, reason="", computed=False
        )
    supporter_finding_record(
        actor=staff.caseworker,
        application=application,
        finding=True,
        reason="长子经商，有赡养能力",
        computed=False,
    )
    application.refresh_from_db()
    assert facts_from_application(application).has_able_supporter is True
    (event,) = events(EventType.SUPPORTER_FINDING)
    assert event.new["departs"] is True and event.reason == "长子经商，有赡养能力"
    assert proposal_for(application).assistance_type != "tekun"


def test_removing_a_supporter_needs_a_reason(staff, application):
    s = supporter_add(
        actor=staff.caseworker,
        application=application,
        data={"name": "李二", "id_number": id_number("19800101"), "relationship": "sibling"},
    )
    with pytest.raises(ApplicationInvalid):
        supporter_remove(actor=staff.caseworker, supporter=s, reason=" ")
    supporter_remove(actor=staff.caseworker, supporter=s, reason="录入错误")
    assert not Supporter.objects.exists() and len(events(EventType.SUPPORTER_REMOVED)) == 1


@pytest.mark.parametrize(("failed", "level"), [(0, "full"), (3, "partial"), (4, "none")])
def test_the_latest_self_care_assessment_sets_the_care_level(staff, application, failed, level):
    member = application.members.first()
    today = timezone.localdate()
    self_care_assess(
        actor=staff.caseworker,
        member=member,
        assessed_on=today - timedelta(days=30),
        items={**ALL_MANAGED, "eating": False},
    )
    items = dict(ALL_MANAGED)
    for name in list(items)[:failed]:
        items[name] = False
    self_care_assess(actor=staff.caseworker, member=member, assessed_on=today, items=items)
    facts = facts_from_application(application)
    assert facts.members[0].self_care_failed == failed
    (last, *_) = events(EventType.SELF_CARE_ASSESSED)[::-1]
    assert last.new["level"] == level and last.actor_id == staff.caseworker.pk


def test_an_incomplete_or_future_assessment_is_refused(staff, application):
    member = application.members.first()
    with pytest.raises(ApplicationInvalid) as refused:
        self_care_assess(
            actor=staff.caseworker,
            member=member,
            assessed_on=timezone.localdate() + timedelta(days=1),
            items={"eating": True},
        )
    assert set(refused.value.fields) == {"items", "assessed_on"}


def test_further_certificates_make_multiple_disability(staff, application):
    member = application.members.first()
    member.disability_kind, member.disability_grade = "physical", 3
    member.save()
    disability_certificate_add(actor=staff.caseworker, member=member, kind="hearing", grade=2)
    facts = facts_from_application(application)
    assert facts.members[0].disabilities == (("hearing", 2),)
    with pytest.raises(ApplicationInvalid):
        disability_certificate_add(actor=staff.caseworker, member=member, kind="", grade=9)
    assert len(events(EventType.CERTIFICATE_ADDED)) == 1


# --- the staff page ----------------------------------------------------------------------


@pytest.mark.urls("tests.assistance.urls_for_tests")
def test_the_persons_page_records_through_the_services(client, staff, application):
    from tests.assistance.test_pages_staff import as_user, url

    page = url("persons", application)
    as_user(client, staff.caseworker)
    assert client.get(page).status_code == 200
    member = application.members.first()
    ok = client.post(
        page,
        {
            "action": "supporter",
            "s-name": "李大",
            "s-id_number": id_number("19800101"),
            "s-relationship": "child",
            "s-annual_income": "50000",
        },
    )
    assert ok.status_code == 302 and Supporter.objects.count() == 1
    shown = client.get(page).text
    assert "李大" in shown and 'id="computed-supporter"' in shown
    # the figure the income test reads, cited with its (placeholder) parameter set
    assert "当地上年人均可支配收入 36,000.00 元计" in shown and "示例参数" in shown
    # a finding without its reason is refused and writes nothing
    refused = client.post(page, {"action": "finding", "f-finding": "no", "f-reason": ""})
    assert refused.status_code == 400 and not events(EventType.SUPPORTER_FINDING)
    today = timezone.localdate().isoformat()
    items = {f"c-{k}": "on" for k in list(ALL_MANAGED)[:2]}  # 4 of 6 not managed
    done = client.post(
        page,
        {"action": "self_care", "c-member": member.pk, "c-assessed_on": today, **items},
    )
    assert done.status_code == 302
    assert facts_from_application(application).members[0].self_care_failed == 4
    bad = client.post(page, {"action": "certificate", "d-member": member.pk, "d-kind": "x"})
    assert bad.status_code == 400 and not events(EventType.CERTIFICATE_ADDED)
    assert client.post(page, {"action": "nonsense"}).status_code == 400


@pytest.mark.urls("tests.assistance.urls_for_tests")
def test_another_township_cannot_open_the_persons_page(client, staff, application):
    from tests.assistance.test_pages_staff import as_user, url

    as_user(client, staff.other_caseworker)
    assert client.get(url("persons", application)).status_code == 404
